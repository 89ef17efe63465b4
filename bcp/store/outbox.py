"""Writing notifications to the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bcp.store.models import OutboxRow


def enqueue(
    session: Session,
    *,
    topic: str,
    idempotency_key: str,
    incident_id: int | None,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    session.add(
        OutboxRow(
            idempotency_key=idempotency_key,
            topic=topic,
            incident_id=incident_id,
            payload=payload,
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )
