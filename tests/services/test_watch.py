"""The scheduler's use cases against the database: escalations, thresholds, certificates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from bcp.domain.actors import Actor, Role
from bcp.domain.lifecycle import Action
from bcp.services.certificates import record_certificate, watch_certificates
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, get_incident
from bcp.services.notices import publish_notice
from bcp.services.watch import timings, watch_all
from bcp.store.models import OutboxRow
from tests.domain.conftest import facts
from tests.domain.test_notices import notice_data
from tests.typed import as_declaration, as_notice


def topics(uow) -> list[str]:
    with uow:
        return list(uow.session.scalars(select(OutboxRow.topic).order_by(OutboxRow.id)))


def test_the_clock_escalates_and_switches_procedure_as_the_scheduler(
    uow, clock, library, settings, people
):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    assert watch_all(uow, clock, library, settings) == []
    clock.advance(minutes=16)
    [escalated, *_] = watch_all(uow, clock, library, settings)
    assert escalated.kind.value == "escalated" and escalated.actor_role is Role.SYSTEM
    assert "incident.escalated" in topics(uow)
    clock.advance(hours=4)
    events = watch_all(uow, clock, library, settings)
    kinds = [e.kind.value for e in events]
    assert kinds[0] == "procedure_switched" and "escalated" in kinds
    view = get_incident(Context(uow, clock, library, people.desk.actor), incident_id)
    assert view.incident.reflex.procedure_id == "administration-prolonged"
    assert watch_all(uow, clock, library, settings) == []


def due(uow, clock) -> list[int]:
    with uow.reading():
        return uow.incidents.due_for_watch(clock.now())


def test_a_tick_reads_only_the_incidents_with_something_due(uow, clock, library, settings, people):
    carrier = Context(uow, clock, library, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    assert due(uow, clock) == [incident_id]  # declared since the last tick
    watch_all(uow, clock, library, settings)
    assert due(uow, clock) == []  # the STI procedure's first steps are due at 15 minutes
    clock.advance(minutes=9, seconds=59)
    assert due(uow, clock) == []
    clock.advance(seconds=1)  # 5 minutes before they are due: the reminders
    assert due(uow, clock) == [incident_id]
    assert {e.kind.value for e in watch_all(uow, clock, library, settings)} == {"step_reminder"}
    assert due(uow, clock) == []
    clock.advance(minutes=5)  # the acknowledgement target
    assert due(uow, clock) == [incident_id]
    [escalated] = [
        e for e in watch_all(uow, clock, library, settings) if e.kind.value == "escalated"
    ]
    assert escalated.changes["level"] == 1 and due(uow, clock) == []
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, Action.ACKNOWLEDGE)
    assert due(uow, clock) == [incident_id]  # changed: looked at again at the next tick


def test_a_declaration_says_when_the_scheduler_first_looks(uow, clock, library, settings, people):
    """The rules were run and nothing was due when it was declared: the scheduler need not look
    before the first reminder (the STI procedure's first steps: due at 15 minutes, reminded 5
    minutes before)."""
    timed = replace(library, timings=timings(settings))
    carrier = Context(uow, clock, timed, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    assert due(uow, clock) == []
    clock.advance(minutes=10)
    assert due(uow, clock) == [incident_id]
    assert {e.kind.value for e in watch_all(uow, clock, timed, settings)} == {"step_reminder"}


def test_a_declaration_joining_an_open_fallback_window_says_it_too(
    uow, clock, library, settings, people
):
    """Its row is written, then its first fallback reference, which needs the row's number: the
    next look is written after them, as for a change."""
    timed = replace(library, timings=timings(settings))
    desk = Context(uow, clock, timed, people.desk.actor)
    publish_notice(desk, as_notice(notice_data(fallback_allowed=True)))
    watch_all(uow, clock, timed, settings)
    forwarder = Context(uow, clock, timed, people.forwarder.actor)
    view = declare_incident(forwarder, as_declaration(facts()))
    assert view.incident.fallback_references  # it joined the open window
    assert due(uow, clock) == []
    clock.advance(hours=12)
    assert due(uow, clock) == [view.incident.id]


def test_an_action_says_when_the_scheduler_next_looks(uow, clock, library, settings, people):
    timed = replace(library, timings=timings(settings))
    carrier = Context(uow, clock, timed, people.carrier.actor)
    desk = Context(uow, clock, timed, people.desk.actor)
    first = declare_incident(carrier, as_declaration(facts())).incident.id
    second = declare_incident(carrier, as_declaration(facts(component="CR"))).incident.id
    clock.advance(minutes=2)
    apply_action(desk, first, Action.ACKNOWLEDGE)
    assert due(uow, clock) == []  # the first steps' reminders are still 8 minutes away
    clock.advance(minutes=14)  # the reminders and the escalation have come, unseen
    apply_action(desk, second, Action.ACKNOWLEDGE)
    assert due(uow, clock) == [first, second]  # what is due stays due for the next tick
    kinds = [e.kind.value for e in watch_all(uow, clock, timed, settings)]
    assert "step_reminder" in kinds and "escalated" not in kinds  # acknowledged meanwhile
    assert due(uow, clock) == []


def test_certificate_warnings_once_each_and_the_draft_on_the_day(uow, clock, people):
    admin = Actor(None, "admin", Role.ADMIN)
    org_id = people.carrier.actor.organisation.id
    record_certificate(
        uow,
        clock,
        admin,
        org_id,
        label="cachet",
        valid_from=date(2025, 1, 1),
        valid_until=date(2027, 1, 6),
        process=2,
    )
    assert watch_certificates(uow, clock) == ["warning 60 days: certificate 1"]
    assert watch_certificates(uow, clock) == []
    clock.advance(days=40)
    assert watch_certificates(uow, clock) == ["warning 7 days: certificate 1"]
    clock.advance(days=10)
    assert watch_certificates(uow, clock) == ["draft incident: certificate 1 expired"]
    assert watch_certificates(uow, clock) == []
    assert topics(uow).count("certificate.expiring") == 2
