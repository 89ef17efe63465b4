"""Which rules-table version is active: the latest activation (never edited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import ReflexActivationRow


def latest_activation(session: Session) -> ReflexActivationRow | None:
    query = select(ReflexActivationRow).order_by(ReflexActivationRow.id.desc()).limit(1)
    return session.scalars(query).first()
