"""The answers kept for Idempotency-Key (see bcp.services.idempotency)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bcp.store.models import IdempotencyRow


def find(session: Session, user_id: int, key: str) -> IdempotencyRow | None:
    query = select(IdempotencyRow).where(
        IdempotencyRow.user_id == user_id, IdempotencyRow.key == key
    )
    return session.scalars(query).first()


def forget_before(session: Session, moment: datetime) -> int:
    return session.execute(
        delete(IdempotencyRow).where(IdempotencyRow.created_at < moment)
    ).rowcount
