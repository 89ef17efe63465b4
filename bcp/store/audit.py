"""The audit trail: writing it inside the caller's transaction, and reading it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bcp.domain.actors import Actor
from bcp.store.models import AuditEventRow


def audit(
    session: Session,
    actor: Actor | None,
    action: str,
    target: str,
    now: datetime,
    ip: str | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEventRow(
            at=now,
            actor_user_id=actor.user_id if actor else None,
            actor_label=actor.label if actor else "anonymous",
            action=action,
            target=target,
            details=details,
            ip=ip,
        )
    )


def count_since(
    session: Session, action: str, target: str, since: datetime, ip: str | None = None
) -> int:
    """How many `action` events on `target` since `since` (from the client address `ip`)."""
    query = (
        select(func.count())
        .select_from(AuditEventRow)
        .where(
            AuditEventRow.action == action,
            AuditEventRow.target == target,
            AuditEventRow.at >= since,
        )
    )
    if ip is not None:
        query = query.where(AuditEventRow.ip == ip)
    return session.scalar(query)


def recent(session: Session, limit: int = 200) -> list[AuditEventRow]:
    query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
    return list(session.scalars(query))
