"""Notifications: from the outbox to one delivery per recipient, then sent with retries.

The outbox row is written in the same transaction as the event that causes it (services/
incidents.py). `dispatch` turns each new outbox row into deliveries in one transaction; `claim`
leases a delivery before it is sent and `settle` records the result, so that a crash between the
two leaves the delivery to be sent again with the same idempotency key, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import Clock
from bcp.domain.errors import NotAllowed, NotFound, invalid
from bcp.domain.notifications import (
    ESCALATIONS,
    MAX_ATTEMPTS,
    TOPICS,
    Person,
    Subject,
    backoff,
    recipients,
)
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store.audit import audit
from bcp.store.models import DeliveryRow, IncidentRow, OutboxRow, UserRow, WebhookRow


@dataclass(frozen=True)
class Outgoing:
    """A delivery claimed for sending, with everything the sender needs."""

    id: int
    channel: str
    target: str
    idempotency_key: str
    topic: str
    payload: dict[str, Any]
    secret: str | None


def dispatch(uow: UnitOfWork, clock: Clock, settings: Settings) -> int:
    """Expand new outbox rows into deliveries; returns how many deliveries were created."""
    now, created = clock.now(), 0
    with uow:
        rows = uow.session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == "pending")
            .order_by(OutboxRow.id)
            .limit(500)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        people = _people(uow)
        hooks = uow.session.scalars(select(WebhookRow).where(WebhookRow.active.is_(True))).all()
        for row in rows:
            subject = _subject(uow, row)
            targets = [("email", p.email) for p in recipients(subject, people)]
            if row.topic in ESCALATIONS and settings.escalation_email:
                targets.append(("email", settings.escalation_email))
            targets += [
                ("webhook", str(h.id))
                for h in hooks
                if row.topic in h.topics
                and (h.organisation_id is None or h.organisation_id == subject.organisation_id)
            ]
            for channel, target in dict.fromkeys(targets):
                uow.session.add(
                    DeliveryRow(
                        outbox_id=row.id,
                        channel=channel,
                        target=target,
                        idempotency_key=f"{row.idempotency_key}:{channel}:{target}"[:200],
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                    )
                )
                created += 1
            row.status = "dispatched"
            row.sent_at = now
        uow.commit()
    return created


def claim(uow: UnitOfWork, clock: Clock, limit: int = 50, lease: int = 120) -> list[Outgoing]:
    """Lease the deliveries due now for `lease` seconds; a lease left by a crashed sender
    expires and the delivery is taken again, with the same idempotency key."""
    now = clock.now()
    with uow:
        rows = uow.session.scalars(
            select(DeliveryRow)
            .where(
                DeliveryRow.status == "pending",
                DeliveryRow.next_attempt_at <= now,
                or_(DeliveryRow.leased_until.is_(None), DeliveryRow.leased_until < now),
            )
            .order_by(DeliveryRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row in rows:
            row.leased_until = now + timedelta(seconds=lease)
            outbox = uow.session.get(OutboxRow, row.outbox_id)
            secret = None
            target = row.target
            if row.channel == "webhook":
                hook = uow.session.get(WebhookRow, int(row.target))
                target, secret = (hook.url, hook.secret) if hook else ("", None)
            claimed.append(
                Outgoing(
                    row.id,
                    row.channel,
                    target,
                    row.idempotency_key,
                    outbox.topic,
                    dict(outbox.payload),
                    secret,
                )
            )
        uow.commit()
        return claimed


def settle(uow: UnitOfWork, clock: Clock, delivery_id: int, error: str | None) -> None:
    now = clock.now()
    with uow:
        row = uow.session.get(DeliveryRow, delivery_id)
        row.attempts += 1
        row.leased_until = None
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
        else:
            row.last_error = error[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                row.next_attempt_at = now + backoff(row.attempts)
        uow.commit()


def failed_deliveries(uow: UnitOfWork) -> list[DeliveryRow]:
    with uow:
        query = (
            select(DeliveryRow)
            .where(DeliveryRow.status == "failed")
            .order_by(DeliveryRow.id.desc())
        )
        return list(uow.session.scalars(query.limit(500)))


def retry(uow: UnitOfWork, clock: Clock, admin: Actor, delivery_id: int) -> None:
    if admin.role is not Role.ADMIN:
        raise NotAllowed("only an admin retries failed deliveries")
    with uow:
        row = uow.session.get(DeliveryRow, delivery_id)
        if row is None or row.status != "failed":
            raise NotFound(f"no failed delivery {delivery_id}")
        row.status, row.attempts, row.next_attempt_at = "pending", 0, clock.now()
        audit(uow.session, admin, "delivery_retried", row.idempotency_key, clock.now())
        uow.commit()


def set_topics(uow: UnitOfWork, clock: Clock, actor: Actor, topics: list[str]) -> None:
    """The notifications a person chooses to receive."""
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise invalid("topics", f"unknown topics: {', '.join(unknown)}")
    with uow:
        uow.session.execute(
            update(UserRow).where(UserRow.id == actor.user_id).values(notify_topics=sorted(topics))
        )
        audit(
            uow.session,
            actor,
            "notifications_chosen",
            str(actor.user_id),
            clock.now(),
            topics=sorted(topics),
        )
        uow.commit()


def topics_of(uow: UnitOfWork, actor: Actor) -> list[str]:
    with uow:
        user = uow.session.get(UserRow, actor.user_id)
        return list(TOPICS) if user is None or user.notify_topics is None else user.notify_topics


def add_webhook(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    url: str,
    secret: str,
    topics: list[str],
    organisation_id: int | None = None,
) -> int:
    if admin.role is not Role.ADMIN:
        raise NotAllowed("only an admin adds webhooks")
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise invalid("url", "an http:// or https:// address")
    if not topics or set(topics) - set(TOPICS):
        raise invalid("topics", "choose at least one known topic")
    with uow:
        row = WebhookRow(
            organisation_id=organisation_id,
            url=url,
            secret=secret or None,
            topics=sorted(topics),
            active=True,
            created_at=clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, admin, "webhook_added", url, clock.now(), topics=sorted(topics))
        uow.commit()
        return row.id


def list_webhooks(uow: UnitOfWork) -> list[WebhookRow]:
    with uow:
        return list(uow.session.scalars(select(WebhookRow).order_by(WebhookRow.id)))


def _people(uow: UnitOfWork) -> list[Person]:
    users = uow.session.scalars(select(UserRow).where(UserRow.active.is_(True))).all()
    return [
        Person(
            user_id=u.id,
            role=Role(u.role),
            organisation_id=u.organisation_id,
            email=u.email,
            topics=None if u.notify_topics is None else frozenset(u.notify_topics),
        )
        for u in users
    ]


def _subject(uow: UnitOfWork, row: OutboxRow) -> Subject:
    organisation_id = row.payload.get("organisation_id")
    if row.incident_id is not None:
        incident = uow.session.get(IncidentRow, row.incident_id)
        everyone = incident.scope in ("national", "eu")
        organisation_id = None if everyone else incident.organisation_id
    return Subject(row.topic, organisation_id, row.payload.get("owner_role"))
