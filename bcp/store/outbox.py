"""Writing notifications to the outbox, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from bcp.domain.catalogue import Scope
from bcp.store.models import DeliveryRow, IncidentRow, OutboxRow, UserRow, WebhookRow

_INSERT = insert(OutboxRow.__table__)


@dataclass(frozen=True)
class Message:
    """A notification to send: what happened (`topic`), once (`idempotency_key`)."""

    topic: str
    idempotency_key: str
    incident_id: int | None
    payload: dict[str, Any]
    now: datetime


def enqueue(session: Session, messages: Iterable[Message]) -> None:
    """Inserted at once, in the caller's transaction, as plain rows in one statement: nothing
    reads them back before the dispatcher does (a declaration writes two; the ORM's bookkeeping
    cost more than the inserts, and one insert each a round trip to PostgreSQL)."""
    rows = [
        {
            "idempotency_key": m.idempotency_key,
            "topic": m.topic,
            "incident_id": m.incident_id,
            "payload": m.payload,
            "status": "pending",
            "attempts": 0,
            "created_at": m.now,
            "next_attempt_at": m.now,
        }
        for m in messages
    ]
    if rows:
        session.execute(_INSERT, rows)


def pending_outbox(session: Session, limit: int = 500) -> list[OutboxRow]:
    """Outbox rows not yet turned into deliveries, oldest first; rows another dispatcher holds
    are skipped (PostgreSQL)."""
    query = (
        select(OutboxRow)
        .where(OutboxRow.status == "pending")
        .order_by(OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Audience:
    """Whom an incident's notifications are for: everyone (an outage of national or EU
    scope), or its organisation."""

    everyone: bool
    organisation_id: int | None


def incident_audiences(session: Session, incident_ids: set[int]) -> dict[int, Audience]:
    """For a batch of outbox rows, their incidents' audiences in one statement."""
    if not incident_ids:
        return {}
    query = select(IncidentRow.id, IncidentRow.scope, IncidentRow.organisation_id).where(
        IncidentRow.id.in_(sorted(incident_ids))
    )
    return {
        incident_id: Audience(Scope(scope).concerns_everyone, organisation_id)
        for incident_id, scope, organisation_id in session.execute(query)
    }


def failed_outbox(session: Session, limit: int = 100) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.status == "failed").order_by(OutboxRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def outbox_stamps(session: Session, incident_id: int) -> list[tuple]:
    """What the reports say of an incident's notifications, in narrow rows."""
    query = (
        select(OutboxRow.id, OutboxRow.status, OutboxRow.sent_at, OutboxRow.attempts)
        .where(OutboxRow.incident_id == incident_id)
        .order_by(OutboxRow.id)
    )
    return [tuple(row) for row in session.execute(query)]


def outbox_of(session: Session, incident_id: int) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.incident_id == incident_id).order_by(OutboxRow.id)
    return list(session.scalars(query))


def due_deliveries(session: Session, now: datetime, limit: int) -> list[DeliveryRow]:
    """Deliveries to send now: pending, due, and not leased (or their lease expired); rows
    another sender holds are skipped (PostgreSQL)."""
    query = (
        select(DeliveryRow)
        .where(
            DeliveryRow.status == "pending",
            DeliveryRow.next_attempt_at <= now,
            or_(DeliveryRow.leased_until.is_(None), DeliveryRow.leased_until < now),
        )
        .order_by(DeliveryRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def troubled_deliveries(session: Session, limit: int = 500) -> list[DeliveryRow]:
    """Dead letters, and deliveries failing and to be tried again, newest first."""
    query = select(DeliveryRow).where(
        or_(
            DeliveryRow.status == "failed",
            (DeliveryRow.status == "pending") & DeliveryRow.last_error.is_not(None),
        )
    )
    return list(session.scalars(query.order_by(DeliveryRow.id.desc()).limit(limit)))


def webhooks(session: Session, *, active_only: bool = False) -> list[WebhookRow]:
    query = select(WebhookRow).order_by(WebhookRow.id)
    if active_only:
        query = query.where(WebhookRow.active.is_(True))
    return list(session.scalars(query))


def active_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).where(UserRow.active.is_(True))))
