"""The answers kept for Idempotency-Key (see bcp.services.idempotency)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bcp.store.models import IdempotencyRow


def find(session: Session, user_id: int, key: str) -> IdempotencyRow | None:
    query = select(IdempotencyRow).where(
        IdempotencyRow.user_id == user_id, IdempotencyRow.key == key
    )
    return session.scalars(query).first()


def reserve(
    session: Session, user_id: int, key: str, request: str, now: datetime
) -> IdempotencyRow | None:
    """A new row for the key, or None when another request reserved it at the same moment."""
    row = IdempotencyRow(user_id=user_id, key=key, request=request, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def forget_before(session: Session, moment: datetime) -> int:
    return session.execute(
        delete(IdempotencyRow).where(IdempotencyRow.created_at < moment)
    ).rowcount
