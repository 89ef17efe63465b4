"""Notifications: from the outbox to one delivery per recipient, then sent with retries.

The outbox row is written in the same transaction as the event that causes it (services/
incidents.py). `dispatch` turns each new outbox row into deliveries in one transaction; `claim`
leases a delivery before it is sent and `settle` records the result, so that a crash between the
two leaves the delivery to be sent again with the same idempotency key, never lost.

One bad row never stops the others: an outbox row that cannot be expanded, or a delivery that
cannot be prepared or sent, fails alone, with its reason kept for the admins; a failure that
trying again cannot mend (an address that is not one) is dead-lettered at once, others are
tried again with backoff and dead-lettered after MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bcp.domain.actors import Actor, Role
from bcp.domain.addresses import DestinationPolicy
from bcp.domain.clock import Clock
from bcp.domain.errors import ErrorList, NotAllowed, NotFound, invalid
from bcp.domain.messages import N_
from bcp.domain.notifications import (
    ESCALATIONS,
    MAX_ATTEMPTS,
    TOPICS,
    Person,
    Subject,
    backoff,
    recipients,
)
from bcp.domain.webhook_signing import new_secret
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store import outbox
from bcp.store.accounts import set_notify_topics
from bcp.store.audit import audit
from bcp.store.models import (
    DeliveryRow,
    OrganisationRow,
    OutboxRow,
    UserRow,
    WebhookRow,
)

log = logging.getLogger(__name__)

EMAIL_LANGUAGE = "fr"  # an address with no person's choice behind it: the French desk's language


@dataclass(frozen=True)
class Outgoing:
    """A delivery claimed for sending, with everything the sender needs."""

    id: int
    channel: str
    target: str
    idempotency_key: str
    topic: str
    payload: dict[str, Any]
    secrets: tuple[str, ...] = ()  # the webhook's secrets in force: each signs the delivery
    language: str | None = None  # an e-mail's; a webhook's human text is in both languages


def dispatch(uow: UnitOfWork, clock: Clock, settings: Settings) -> int:
    """Expand new outbox rows into deliveries; returns how many deliveries were created.

    The incidents the rows are about are read once for the batch, and only a row with
    deliveries to write gets a savepoint of its own: a row with none (most, when few people chose
    the topic) costs no statement but its status (about 2 ms a row before, measured in one
    process)."""
    now, created = clock.now(), 0
    with uow:
        rows = outbox.pending_outbox(uow.session)
        if not rows:
            return 0
        people = _people(uow)
        hooks = outbox.webhooks(uow.session, active_only=True)
        audiences = outbox.incident_audiences(
            uow.session, {r.incident_id for r in rows if r.incident_id is not None}
        )
        for row in rows:
            try:  # a row an older version wrote badly fails alone
                deliveries = _deliveries(row, audiences, people, hooks, settings, now)
                if deliveries:
                    with uow.session.begin_nested():
                        uow.session.add_all(deliveries)
            except Exception as error:
                log.exception("outbox row %s could not be dispatched", row.id)
                row.status, row.last_error = "failed", f"{type(error).__name__}: {error}"[:2000]
            else:
                row.status, row.sent_at = "dispatched", now
                created += len(deliveries)
        uow.commit()
    return created


def _deliveries(
    row: OutboxRow, audiences, people, hooks, settings: Settings, now
) -> list[DeliveryRow]:
    subject = _subject(row, audiences)
    # (channel, target) -> the language an e-mail is written in; a webhook carries both
    targets: dict[tuple[str, str], str | None] = {}
    for person in recipients(subject, people):
        targets.setdefault(("email", person.email), person.language or EMAIL_LANGUAGE)
    if row.topic in ESCALATIONS and settings.escalation_email:
        targets.setdefault(("email", settings.escalation_email), EMAIL_LANGUAGE)
    for hook in hooks:
        if row.topic in hook.topics and (
            hook.organisation_id is None or hook.organisation_id == subject.organisation_id
        ):
            targets.setdefault(("webhook", str(hook.id)), None)
    return [
        DeliveryRow(
            outbox_id=row.id,
            channel=channel,
            target=str(target)[:500],
            idempotency_key=f"{row.idempotency_key}:{channel}:{target}"[:200],
            status="pending",
            attempts=0,
            next_attempt_at=now,
            language=language,
        )
        for (channel, target), language in targets.items()
    ]


def claim(uow: UnitOfWork, clock: Clock, limit: int = 50, lease: int = 120) -> list[Outgoing]:
    """Lease the deliveries due now for `lease` seconds; a lease left by a crashed sender
    expires and the delivery is taken again, with the same idempotency key."""
    now = clock.now()
    with uow:
        rows = outbox.due_deliveries(uow.session, now, limit)
        claimed = []
        for row in rows:
            try:
                outgoing = _outgoing(uow, row, now)
            except Exception as error:  # e.g. a row an older version wrote: it fails alone
                log.exception("delivery %s could not be prepared", row.id)
                _dead_letter(row, f"could not be prepared: {type(error).__name__}: {error}")
                continue
            row.leased_until = now + timedelta(seconds=lease)
            claimed.append(outgoing)
        uow.commit()
        return claimed


def _outgoing(uow: UnitOfWork, row: DeliveryRow, now) -> Outgoing:
    outbox = uow.session.get(OutboxRow, row.outbox_id)
    if outbox is None:
        raise LookupError(f"no outbox row {row.outbox_id}")
    target, in_force = row.target, ()
    if row.channel == "webhook":
        hook = uow.session.get(WebhookRow, int(row.target))
        if hook is None:
            raise LookupError(f"no webhook {row.target}")
        target, in_force = hook.url, secrets_in_force(hook, now)
    return Outgoing(
        row.id,
        row.channel,
        target,
        row.idempotency_key,
        outbox.topic,
        dict(outbox.payload),
        in_force,
        row.language,
    )


def secrets_in_force(hook: WebhookRow, now) -> tuple[str, ...]:
    """The current secret, and the previous one during its grace period after a rotation."""
    found = [hook.secret] if hook.secret else []
    if hook.previous_secret and hook.previous_secret_until and hook.previous_secret_until > now:
        found.append(hook.previous_secret)
    return tuple(found)


def _dead_letter(row: DeliveryRow, reason: str) -> None:
    row.status, row.leased_until, row.last_error = "failed", None, reason[:2000]


def settle(
    uow: UnitOfWork,
    clock: Clock,
    delivery_id: int,
    error: str | None,
    *,
    permanent: bool = False,
) -> None:
    """Record one attempt: sent, to be tried again after the backoff, or dead-lettered (after
    MAX_ATTEMPTS, or at once when `permanent`)."""
    now = clock.now()
    with uow:
        row = uow.session.get(DeliveryRow, delivery_id)
        if row is None:
            return
        row.attempts += 1
        row.leased_until = None
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
        elif permanent or row.attempts >= MAX_ATTEMPTS:
            _dead_letter(row, error)
        else:
            row.last_error = error[:2000]
            row.next_attempt_at = now + backoff(row.attempts)
        uow.commit()


def failed_deliveries(uow: UnitOfWork) -> list[DeliveryRow]:
    """Deliveries that failed for good (dead letters), and those failing and to be tried again,
    with their last error: what an admin looks at when notifications do not arrive."""
    with uow.reading():
        return outbox.troubled_deliveries(uow.session)


def failed_outbox_rows(uow: UnitOfWork) -> list[OutboxRow]:
    with uow.reading():
        return outbox.failed_outbox(uow.session)


def retry(uow: UnitOfWork, clock: Clock, admin: Actor, delivery_id: int) -> None:
    if admin.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin retries failed deliveries"))
    with uow:
        row = uow.session.get(DeliveryRow, delivery_id)
        if row is None or row.status != "failed":
            raise NotFound(N_("no failed delivery %(delivery_id)s"), delivery_id=delivery_id)
        row.status, row.attempts, row.next_attempt_at = "pending", 0, clock.now()
        audit(uow.session, admin, "delivery_retried", row.idempotency_key, clock.now())
        uow.commit()


def set_topics(uow: UnitOfWork, clock: Clock, actor: Actor, topics: list[str]) -> None:
    """The notifications a person chooses to receive."""
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise invalid("topics", N_("unknown topics: %(topics)s"), topics=", ".join(unknown))
    with uow:
        set_notify_topics(uow.session, actor.user_id, sorted(topics))
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
    with uow.reading():
        user = uow.session.get(UserRow, actor.user_id)
        return list(TOPICS) if user is None or user.notify_topics is None else user.notify_topics


@dataclass(frozen=True)
class NewWebhook:
    """A webhook just created or whose secret was just rotated: the secret is shown this once."""

    id: int
    url: str
    secret: str


def add_webhook(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    url: str,
    topics: list[str],
    organisation_id: int | None = None,
    *,
    destinations: DestinationPolicy,
) -> NewWebhook:
    """Create a webhook with a new Standard Webhooks secret, returned once."""
    if admin.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin adds webhooks"))
    errors = ErrorList()
    if problem := destinations.url_problem(url):
        errors.add("url", problem)
    if not topics or set(topics) - set(TOPICS):
        errors.add("topics", N_("choose at least one known topic"))
    errors.raise_if_any()
    secret = new_secret()
    with uow:
        if (
            organisation_id is not None
            and uow.session.get(OrganisationRow, organisation_id) is None
        ):
            raise invalid("organisation_id", N_("no such organisation"))
        row = WebhookRow(
            organisation_id=organisation_id,
            url=url,
            secret=secret,
            topics=sorted(topics),
            active=True,
            created_at=clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, admin, "webhook_added", url, clock.now(), topics=sorted(topics))
        uow.commit()
        return NewWebhook(row.id, url, secret)


def rotate_webhook_secret(
    uow: UnitOfWork, clock: Clock, admin: Actor, webhook_id: int, grace: timedelta
) -> NewWebhook:
    """A new secret, returned once; the old one keeps signing for `grace`, so that the
    receiver can switch to the new one without refusing any delivery meanwhile."""
    if admin.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin rotates webhook secrets"))
    now = clock.now()
    with uow:
        row = uow.session.get(WebhookRow, webhook_id)
        if row is None:
            raise NotFound(N_("no webhook %(webhook_id)s"), webhook_id=webhook_id)
        secret = new_secret()
        row.previous_secret, row.previous_secret_until = row.secret, now + grace
        row.secret = secret
        audit(
            uow.session,
            admin,
            "webhook_secret_rotated",
            row.url,
            now,
            grace_hours=grace / timedelta(hours=1),
        )
        uow.commit()
        return NewWebhook(row.id, row.url, secret)


def list_webhooks(uow: UnitOfWork) -> list[WebhookRow]:
    with uow.reading():
        return outbox.webhooks(uow.session)


def _people(uow: UnitOfWork) -> list[Person]:
    users = outbox.active_users(uow.session)
    return [
        Person(
            user_id=u.id,
            role=Role(u.role),
            organisation_id=u.organisation_id,
            email=u.email,
            topics=None if u.notify_topics is None else frozenset(u.notify_topics),
            language=u.language,
        )
        for u in users
    ]


def _subject(row: OutboxRow, audiences: dict[int, outbox.Audience]) -> Subject:
    organisation_id = row.payload.get("organisation_id")
    if row.incident_id is not None:
        audience = audiences[row.incident_id]
        organisation_id = None if audience.everyone else audience.organisation_id
    return Subject(row.topic, organisation_id, row.payload.get("owner_role"))
