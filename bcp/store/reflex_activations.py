"""Which rules-table version is active: the latest activation (never edited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import ReflexActivationRow

_LATEST = select(ReflexActivationRow).order_by(ReflexActivationRow.id.desc()).limit(1)


def latest_activation(session: Session) -> ReflexActivationRow | None:
    """Read by every declaration (the table its rules come from): the statement is built once."""
    return session.scalars(_LATEST).first()
