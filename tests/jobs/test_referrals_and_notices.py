"""The scheduler with the injected clock: an unconfirmed DNL escalates to the desk's escalation
contact within 5 minutes and every 5 minutes until confirmed; a maintenance window that overruns
becomes unscheduled at its end; notices reach every operator by e-mail."""

from __future__ import annotations

from bcp.domain.actors import Actor, Role
from bcp.domain.timeline import EventKind
from bcp.jobs.scheduler import tick
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, get_incident
from bcp.services.notices import publish_notice, set_fallback
from bcp.services.notifications import add_webhook
from bcp.services.referrals import confirm_referral, record_referral
from tests.domain.conftest import facts
from tests.domain.test_notices import maintenance, notice_data
from tests.jobs.conftest import ANYWHERE
from tests.typed import as_declaration, as_notice, as_referral

ADMIN = Actor(None, "admin", Role.ADMIN)
DNL = {
    "kind": "dnl",
    "air_waybill": "020-12345675",
    "route": "telephone",
    "sent_to": "Duty manager Aérofret",
    "request": "Do not load",
}


def in_fallback(uow, clock, library, people) -> int:
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    for action in ("acknowledge", "activate_fallback"):
        apply_action(Context(uow, clock, library, people.desk.actor), incident_id, action)
    return incident_id


def escalations_sent(smtp) -> list[tuple[str, str]]:
    return sorted(
        (to[0], m["X-BCP-Idempotency-Key"].split(":")[0])
        for to, m in smtp.messages
        if m["X-BCP-Topic"] == "incident.referral_escalated"
    )


def test_an_unconfirmed_dnl_escalates_every_5_minutes_until_confirmed(
    rt, uow, clock, library, people, smtp
):
    incident_id = in_fallback(uow, clock, library, people)
    record_referral(Context(uow, clock, library, people.desk.actor), incident_id, as_referral(DNL))
    tick(rt)
    sent = [m for _, m in smtp.messages if m["X-BCP-Topic"] == "incident.referral_sent"]
    assert sent and "R1 DNL · AWB 020-12345675" in sent[0].get_content()
    clock.advance(minutes=4)
    tick(rt)
    assert escalations_sent(smtp) == []
    clock.advance(minutes=1)
    tick(rt)
    first = {to for to, _ in escalations_sent(smtp)}
    assert first == {
        "escalade@douane.example",
        "desk@douane.example",
        "boss@douane.example",
        "ops@aerofret.example",
    }
    clock.advance(minutes=5)
    tick(rt)
    assert len(escalations_sent(smtp)) == 8  # the second round, to the same four
    confirm_referral(Context(uow, clock, library, people.carrier.actor), incident_id, 1)
    clock.advance(minutes=30)
    tick(rt)
    assert len(escalations_sent(smtp)) == 8
    events = get_incident(
        Context(uow, clock, library, people.desk.actor), incident_id
    ).incident.events
    levels = [e.changes["level"] for e in events if e.kind is EventKind.REFERRAL_ESCALATED]
    assert levels == [1, 2]


def test_a_scheduler_that_was_down_escalates_once_for_the_level_reached(
    rt, uow, clock, library, people, smtp
):
    incident_id = in_fallback(uow, clock, library, people)
    record_referral(Context(uow, clock, library, people.desk.actor), incident_id, as_referral(DNL))
    clock.advance(minutes=23)
    tick(rt)
    events = get_incident(
        Context(uow, clock, library, people.desk.actor), incident_id
    ).incident.events
    assert [e.changes["level"] for e in events if e.kind is EventKind.REFERRAL_ESCALATED] == [4]


def test_the_tick_turns_an_overrun_window_unscheduled_and_tells_everyone(
    rt, uow, clock, library, people, smtp
):
    data = maintenance(hours_ahead=1, length=2, short_notice_confirmed=True)
    notice_id = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(data)
    ).notice.id
    tick(rt)
    published = {to[0] for to, m in smtp.messages if m["X-BCP-Topic"] == "notice.published"}
    assert {"ops@aerofret.example", "ops@express.example", "desk@douane.example"} <= published
    _, message = next((to, m) for to, m in smtp.messages if m["X-BCP-Topic"] == "notice.published")
    assert f"Avis {notice_id}" in message["Subject"]  # in French: no one chose English
    assert f"/status/notices/{notice_id}" in message.get_content()
    clock.advance(hours=2, minutes=59)
    assert tick(rt).notices == []
    clock.advance(minutes=1)
    assert tick(rt).notices == [notice_id]
    overrun = [m for _, m in smtp.messages if m["X-BCP-Topic"] == "notice.updated"]
    assert overrun and "maintenance dépassée" in overrun[0]["Subject"]


def test_each_notice_update_reaches_a_webhook(rt, uow, clock, library, people, http_peer):
    add_webhook(
        uow,
        clock,
        ADMIN,
        http_peer.base + "/ok",
        ["notice.published", "notice.updated"],
        destinations=ANYWHERE,
    )
    notice_id = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data())
    ).notice.id
    clock.advance(minutes=3)
    set_fallback(Context(uow, clock, library, people.desk.actor), notice_id, allowed=True)
    tick(rt)
    bodies = [http_peer.json(i) for i in range(len(http_peer.received))]
    assert [(b["topic"], b["event"], b["fallback_allowed"]) for b in bodies] == [
        ("notice.published", "published", False),
        ("notice.updated", "fallback_opened", True),
    ]
    assert {b["notice_id"] for b in bodies} == {notice_id}
