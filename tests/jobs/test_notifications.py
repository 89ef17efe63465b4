"""Notifications through the outbox to a real SMTP server and real webhooks on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from bcp.domain.actors import Actor, Role
from bcp.domain.notifications import MAX_ATTEMPTS
from bcp.jobs.scheduler import tick
from bcp.services.incidents import apply_action, declare_incident
from bcp.services.notifications import add_webhook, failed_deliveries, retry, set_topics
from bcp.settings import SmtpSettings
from bcp.store.models import DeliveryRow, WebhookRow
from tests.domain.conftest import facts
from tests.jobs.conftest import free_port

ADMIN = Actor(None, "admin", Role.ADMIN)


def deliveries(uow) -> list[tuple[str, str, str, int]]:
    with uow:
        rows = uow.session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)).all()
        return [(r.channel, r.target, r.status, r.attempts) for r in rows]


def test_e_mails_reach_who_is_concerned_once(rt, uow, clock, library, people, smtp):
    incident_id = declare_incident(uow, clock, library, people.carrier.actor, facts()).incident.id
    apply_action(uow, clock, library, people.desk.actor, incident_id, "acknowledge")
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
    assert f"incident {incident_id}" in message["Subject"]
    assert f"/incidents/{incident_id}" in message.get_content()
    assert tick(rt).sent == 0 and len(smtp.messages) == 3


def test_people_choose_what_they_receive(rt, uow, clock, library, people, smtp):
    set_topics(uow, clock, people.desk.actor, ["incident.closed"])
    declare_incident(uow, clock, library, people.carrier.actor, facts())
    tick(rt)
    assert smtp.messages == []


def test_an_escalation_reaches_the_desks_escalation_contact(rt, uow, clock, library, people, smtp):
    declare_incident(uow, clock, library, people.carrier.actor, facts(component="EO_SYSTEM"))
    clock.advance(minutes=16)
    tick(rt)
    escalations = [to for to, m in smtp.messages if m["X-BCP-Topic"] == "incident.escalated"]
    assert sorted(e[0] for e in escalations) == [
        "boss@douane.example",
        "desk@douane.example",
        "escalade@douane.example",
    ]


def test_a_signed_webhook(rt, uow, clock, library, people, http_peer):
    add_webhook(uow, clock, ADMIN, http_peer.base + "/ok", "s3cret", ["incident.declared"])
    incident_id = declare_incident(uow, clock, library, people.carrier.actor, facts()).incident.id
    tick(rt)
    [(_, headers, body)] = http_peer.received
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-BCP-Signature"] == f"sha256={expected}"
    assert http_peer.json(0)["incident_id"] == incident_id
    assert http_peer.json(0)["idempotency_key"] == headers["X-BCP-Idempotency-Key"]


@pytest.mark.parametrize(
    ("path", "words"),
    [("/fail", "answered 500"), ("/hang", "no answer in time"), ("/drop", "dropped")],
)
def test_failing_webhooks_are_retried_with_backoff_then_shown_and_retried_by_hand(
    rt, uow, clock, library, people, http_peer, path, words
):
    http_peer.hang_seconds = 2
    add_webhook(uow, clock, ADMIN, http_peer.base + path, "", ["incident.declared"])
    declare_incident(uow, clock, library, people.carrier.actor, facts())
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
    declare_incident(uow, clock, library, people.carrier.actor, facts())
    report = tick(rt)
    assert report.failed == 1 and smtp.messages == []
    [(_, _, status, attempts)] = deliveries(uow)
    assert (status, attempts) == ("pending", 1)
    rt.settings = replace(rt.settings, smtp=SmtpSettings(port=smtp.port))
    clock.advance(minutes=2)
    assert tick(rt).sent == 1 and len(smtp.messages) == 1
