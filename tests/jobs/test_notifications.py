"""Notifications through the outbox to a real SMTP server and real webhooks on 127.0.0.1."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bcp.domain.actors import Actor, Role
from bcp.domain.notifications import MAX_ATTEMPTS
from bcp.domain.webhook_signing import new_secret
from bcp.jobs.scheduler import tick
from bcp.services.accounts import add_user
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from bcp.services.notifications import (
    add_webhook,
    failed_deliveries,
    failed_outbox_rows,
    retry,
    rotate_webhook_secret,
    set_topics,
)
from bcp.settings import SmtpSettings
from bcp.store.models import DeliveryRow, OutboxRow, UserRow, WebhookRow
from tests.domain.conftest import facts
from tests.jobs.conftest import ANYWHERE, free_port
from tests.typed import as_declaration

ADMIN = Actor(None, "admin", Role.ADMIN)


@contextmanager
def freeze_receiver(at: datetime):
    """The receiver's clock at `at`, a day from now: the library reads the time of the machine."""

    class Moved(datetime):
        @classmethod
        def now(cls, tz=None):
            return at.astimezone(tz) if tz else at

    with mock.patch("standardwebhooks.webhooks.datetime", Moved):
        yield


def deliveries(uow) -> list[tuple[str, str, str, int]]:
    with uow:
        rows = uow.session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)).all()
        return [(r.channel, r.target, r.status, r.attempts) for r in rows]


def test_e_mails_reach_who_is_concerned_once(rt, uow, clock, library, people, smtp):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    report = tick(rt)
    assert report.sent == 3 and report.failed == 0
    sent = sorted((m["X-BCP-Topic"], tuple(to)) for to, m in smtp.messages)
    assert sent == [
        ("incident.acknowledged", ("desk@douane.example",)),
        ("incident.acknowledged", ("ops@aerofret.example",)),
        ("incident.declared", ("desk@douane.example",)),
    ]
    _, message = smtp.messages[0]
    assert message["Message-ID"].endswith("@bcp>")
    assert f"Incident {incident_id}" in message["Subject"]
    assert f"/incidents/{incident_id}" in message.get_content()
    assert tick(rt).sent == 0 and len(smtp.messages) == 3


def test_people_choose_what_they_receive(rt, uow, clock, library, people, smtp):
    set_topics(uow, clock, people.desk.actor, ["incident.closed"])
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    tick(rt)
    assert smtp.messages == []


def test_an_escalation_reaches_the_desks_escalation_contact(rt, uow, clock, library, people, smtp):
    declare_incident(
        Context(uow, clock, library, people.carrier.actor),
        as_declaration(facts(component="EO_SYSTEM")),
    )
    clock.advance(minutes=16)
    tick(rt)
    escalations = [to for to, m in smtp.messages if m["X-BCP-Topic"] == "incident.escalated"]
    assert sorted(e[0] for e in escalations) == [
        "boss@douane.example",
        "desk@douane.example",
        "escalade@douane.example",
    ]


def webhook(uow, clock, url: str, topics=("incident.declared",)):
    return add_webhook(uow, clock, ADMIN, url, list(topics), destinations=ANYWHERE)


def test_a_webhook_is_verified_by_a_standard_webhooks_receiver(
    rt, uow, clock, library, people, http_peer
):
    clock.set(datetime.now(UTC))  # the receiver checks the timestamp against its own clock
    created = webhook(uow, clock, http_peer.base + "/ok")
    assert created.secret.startswith("whsec_")
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    tick(rt)
    [(_, headers, body)] = http_peer.received
    payload = Webhook(created.secret).verify(body, headers)
    assert payload["incident_id"] == incident_id
    assert headers["webhook-id"] == payload["idempotency_key"]
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)  # another secret: refused
    with pytest.raises(WebhookVerificationError):
        Webhook(created.secret).verify(body.replace(b"STI", b"CR"), headers)  # altered: refused


def test_a_captured_delivery_replayed_later_is_refused(rt, uow, clock, library, people, http_peer):
    clock.set(datetime.now(UTC) - timedelta(minutes=10))  # sent ten minutes ago
    created = webhook(uow, clock, http_peer.base + "/ok")
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    tick(rt)
    [(_, headers, body)] = http_peer.received
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(created.secret).verify(body, headers)


def test_after_a_rotation_both_secrets_sign_until_the_grace_period_ends(
    rt, uow, clock, library, people, http_peer
):
    clock.set(datetime.now(UTC))
    old = webhook(uow, clock, http_peer.base + "/ok")
    new = rotate_webhook_secret(uow, clock, ADMIN, old.id, timedelta(hours=24))
    assert new.secret != old.secret
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    tick(rt)
    _, headers, body = http_peer.received[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old.secret).verify(body, headers)  # a receiver not yet switched
    Webhook(new.secret).verify(body, headers)  # a receiver already switched
    clock.advance(hours=24, seconds=1)
    clock_now = clock.now()
    with uow:
        uow.session.execute(update(DeliveryRow).values(status="sent"))
        uow.commit()
    declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts(summary="encore"))
    )
    with freeze_receiver(clock_now):
        tick(rt)
        _, headers, body = http_peer.received[-1]
        assert len(headers["webhook-signature"].split(" ")) == 1
        Webhook(new.secret).verify(body, headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old.secret).verify(body, headers)


def test_e_mails_say_they_are_automatic(rt, uow, clock, library, people, smtp):
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    tick(rt)
    _, message = smtp.messages[0]
    assert message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no out-of-office loops


def test_poisoned_rows_fail_alone_and_every_other_delivery_arrives(
    rt, uow, clock, library, people, smtp, http_peer
):
    """Rows written directly in the database, as an older version could have: an address list,
    a header smuggled in an address and in a URL, a delivery to a webhook that is not one, an
    outbox row whose payload is not an object. None of them stops the others."""
    webhook(uow, clock, http_peer.base + "/ok")
    add_user(uow, clock, login="desk2", role="desk")
    with uow:
        uow.session.execute(
            update(UserRow)
            .where(UserRow.login == "manager")
            .values(email="x@a.example, y@b.example")
        )
        uow.session.execute(
            update(UserRow)
            .where(UserRow.login == "desk2")
            .values(email="ops@express.example\r\nBcc: all@evil.example")
        )
        now = clock.now()
        uow.session.add(
            WebhookRow(
                url="http://127.0.0.1:9/\r\nX-Evil: 1",
                secret=new_secret(),
                topics=["incident.declared", "incident.escalated"],
                active=True,
                created_at=now,
            )
        )
        poisoned = OutboxRow(
            idempotency_key="poison:1",
            topic="incident.declared",
            payload=["not", "an", "object"],
            status="pending",
            created_at=now,
            next_attempt_at=now,
        )
        uow.session.add(poisoned)
        uow.session.flush()
        uow.session.add(
            DeliveryRow(
                outbox_id=poisoned.id,
                channel="webhook",
                target="not-a-webhook-id",
                idempotency_key="poison:1:webhook:x",
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )
        uow.commit()
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor),
        as_declaration(facts(component="EO_SYSTEM")),
    ).incident.id
    clock.advance(minutes=16)  # not acknowledged in time: an escalation to the manager too
    report = tick(rt)
    received = sorted(to[0] for to, _ in smtp.messages)
    assert "desk@douane.example" in received and "escalade@douane.example" in received
    assert not any("evil" in to or "," in to for to in received)
    good_hook = [b for path, _, b in http_peer.received if path == "/ok"]
    assert {json.loads(b)["incident_id"] for b in good_hook} == {incident_id}
    assert report.sent >= 4
    failed = {d.target: d for d in failed_deliveries(uow)}
    assert failed["x@a.example, y@b.example"].status == "failed"  # dead-lettered at once
    assert "one e-mail address only" in failed["x@a.example, y@b.example"].last_error
    assert "line breaks" in failed["ops@express.example\r\nBcc: all@evil.example"].last_error
    assert "could not be prepared" in failed["not-a-webhook-id"].last_error
    bad_hook = [d for d in failed.values() if d.channel == "webhook" and d.target.isdigit()]
    assert bad_hook and all("address is refused" in d.last_error for d in bad_hook)
    [outbox] = failed_outbox_rows(uow)
    assert outbox.idempotency_key == "poison:1" and "AttributeError" in outbox.last_error
    # the next tick sends what comes next, the poisoned rows stay where they are
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    assert tick(rt).sent >= 1
    assert {d.status for d in failed_deliveries(uow)} == {"failed"}


@pytest.mark.parametrize(
    ("path", "words"),
    [("/fail", "answered 500"), ("/hang", "no answer in time"), ("/drop", "dropped")],
)
def test_failing_webhooks_are_retried_with_backoff_then_shown_and_retried_by_hand(
    rt, uow, clock, library, people, http_peer, path, words
):
    http_peer.hang_seconds = 2
    webhook(uow, clock, http_peer.base + path)
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    tick(rt)
    [(_, _, status, attempts)] = [d for d in deliveries(uow) if d[0] == "webhook"]
    assert (status, attempts) == ("pending", 1)
    assert tick(rt).failed == 0  # not due again before its backoff (1 minute)
    for _ in range(MAX_ATTEMPTS - 1):
        clock.advance(hours=1)
        tick(rt)
    [failed] = failed_deliveries(uow)
    assert failed.attempts == MAX_ATTEMPTS and words in failed.last_error
    with uow:
        uow.session.execute(update(WebhookRow).values(url=http_peer.base + "/ok"))
        uow.commit()
    retry(uow, clock, ADMIN, failed.id)
    assert tick(rt).sent == 1
    assert failed_deliveries(uow) == []


def test_an_unreachable_smtp_server_is_retried(rt, uow, clock, library, people, smtp):
    rt.settings = replace(rt.settings, smtp=SmtpSettings(port=free_port()))
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    report = tick(rt)
    assert report.failed == 1 and smtp.messages == []
    [(_, _, status, attempts)] = deliveries(uow)
    assert (status, attempts) == ("pending", 1)
    rt.settings = replace(rt.settings, smtp=SmtpSettings(port=smtp.port))
    clock.advance(minutes=2)
    assert tick(rt).sent == 1 and len(smtp.messages) == 1


def test_a_webhook_aimed_at_the_metadata_service_is_never_requested(
    rt, uow, clock, library, people, http_peer
):
    """A row written before the check (or by hand): refused when sent, the others go on."""
    webhook(uow, clock, http_peer.base + "/ok")
    with uow:
        uow.session.add(
            WebhookRow(
                url="http://169.254.169.254/latest/meta-data/",
                secret=new_secret(),
                topics=["incident.declared"],
                active=True,
                created_at=clock.now(),
            )
        )
        uow.commit()
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    report = tick(rt)
    assert report.sent >= 1 and len(http_peer.received) == 1
    [refused] = [d for d in failed_deliveries(uow) if d.channel == "webhook"]
    assert refused.status == "failed" and "link-local" in refused.last_error
