"""Which rules-table version is active: the latest activation (never edited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import ReflexActivationRow

# Read by every declaration (the table its rules come from): built once, its one column only
# (the row as an ORM object cost a declaration about 0.3 ms under cProfile).
_ACTIVE_VERSION = (
    select(ReflexActivationRow.version).order_by(ReflexActivationRow.id.desc()).limit(1)
)


def active_version(session: Session) -> str | None:
    """The version of the rules table last activated (None: never; the library's default)."""
    return session.scalar(_ACTIVE_VERSION)
