"""The incident use cases against a real database: one transaction each, nothing half-written."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bcp.domain.errors import Conflict, IllegalTransition, InvalidInput, NotAllowed, NotFound
from bcp.domain.lifecycle import Action, State
from bcp.domain.notices import Reason
from bcp.services.context import Context
from bcp.services.incidents import (
    apply_action,
    declare_incident,
    get_incident,
    list_incidents,
    settle_step,
)
from bcp.services.notices import announce_for_everyone
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.incidents import IncidentFilter
from bcp.store.models import IncidentRow, OutboxRow, TimelineEventRow
from tests.conftest import T0
from tests.domain.conftest import facts
from tests.typed import as_declaration, as_step


def count(uow: UnitOfWork, model) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_a_declaration_is_saved_with_its_timeline_and_its_notification(uow, clock, people, library):
    view = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    )
    loaded = get_incident(
        Context(uow, clock, library, people.carrier.actor), view.incident.id
    ).incident
    assert loaded.state is State.DECLARED
    assert loaded.organisation.eori == people.carrier.actor.organisation.eori
    assert loaded.facts == view.incident.facts
    assert loaded.events == view.incident.events
    assert loaded.facts.started_at == T0 - timedelta(minutes=20)
    with uow:
        messages = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        assert [(m.topic, m.status) for m in messages] == [
            ("incident.declared", "pending"),
            ("incident.procedure_selected", "pending"),
        ]
        assert messages[0].idempotency_key == f"incident-{loaded.id}-event-1"


def test_the_lifecycle_end_to_end(uow, clock, people, library):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    for minutes, person, action in [
        (5, people.desk, "acknowledge"),
        (8, people.desk, "activate_fallback"),
        (120, people.carrier, "recover"),
        (170, people.carrier, "operator-relodge"),
        (180, people.desk, "close"),
    ]:
        clock.set(T0 + timedelta(minutes=minutes))
        if action == "operator-relodge":
            settle_step(
                Context(uow, clock, library, person.actor),
                incident_id,
                action,
                **as_step({"status": "done"}),
            )
        else:
            apply_action(Context(uow, clock, library, person.actor), incident_id, action, "ok")
    view = get_incident(Context(uow, clock, library, people.manager.actor), incident_id)
    assert view.incident.state is State.CLOSED
    assert view.durations.time_to_acknowledge == timedelta(minutes=5)
    assert view.durations.time_in_fallback == timedelta(minutes=112)
    assert view.durations.total_outage == timedelta(minutes=140)
    # the authorisation issued the first fallback reference, which the message to send names
    assert view.incident.fallback_references == ["PS-2026-FR81234567800013-0001"]
    assert count(uow, OutboxRow) == 8  # declared, procedure selected, 5 more, the reference


def test_a_refused_declaration_leaves_nothing_behind(uow, clock, people, library):
    with pytest.raises(InvalidInput, match="EORI"):
        declare_incident(
            Context(uow, clock, library, people.desk.actor),
            as_declaration(facts(organisation="FR99999999999999")),
        )
    with pytest.raises(NotAllowed):
        declare_incident(
            Context(uow, clock, library, people.carrier.actor),
            as_declaration(facts(organisation="FR77598132400046")),
        )
    assert count(uow, IncidentRow) == count(uow, TimelineEventRow) == count(uow, OutboxRow) == 0


def test_an_illegal_transition_changes_nothing(uow, clock, people, library):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    with pytest.raises(IllegalTransition):
        apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "close")
    assert count(uow, TimelineEventRow) == 2
    assert count(uow, OutboxRow) == 2


def test_operators_do_not_see_other_organisations_incidents(uow, clock, people, library):
    own = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    with pytest.raises(NotFound):
        get_incident(Context(uow, clock, library, people.other_carrier.actor), own)
    with pytest.raises(NotFound):
        apply_action(Context(uow, clock, library, people.other_carrier.actor), own, "recover")
    assert (
        list_incidents(Context(uow, clock, library, people.other_carrier.actor), IncidentFilter())
        == []
    )


def test_an_outage_for_everyone_is_published_as_its_notice_not_as_an_incident(
    uow, clock, people, library
):
    """The administration's outage is one object: the desk declaring it for everyone publishes
    its notice; an incident for everyone is refused, naming the notice."""
    with pytest.raises(InvalidInput, match="publish it as a notice"):
        declare_incident(
            Context(uow, clock, library, people.desk.actor), as_declaration(facts(scope="eu"))
        )
    published = announce_for_everyone(
        Context(uow, clock, library, people.desk.actor), as_declaration(facts(scope="eu"))
    )
    assert published.notice.components == ("STI",)
    assert published.notice.reason is Reason.UNDETERMINED and published.notice.is_open
    for person in (people.carrier, people.forwarder, people.other_carrier, people.manager):
        assert list_incidents(Context(uow, clock, library, person.actor), IncidentFilter()) == []
    joined = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    )
    assert joined.incident.notice_id == published.notice.id


def test_the_clients_of_a_provider_see_its_outage(uow, clock, people, library):
    declare_incident(
        Context(uow, clock, library, people.provider.actor),
        as_declaration(facts(component="PROVIDER_SYSTEM", scope="provider")),
    )
    assert (
        len(list_incidents(Context(uow, clock, library, people.forwarder.actor), IncidentFilter()))
        == 1
    )
    assert (
        list_incidents(Context(uow, clock, library, people.carrier.actor), IncidentFilter()) == []
    )


def test_filters(uow, clock, people, library):
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    clock.advance(hours=1)
    later = declare_incident(
        Context(uow, clock, library, people.other_carrier.actor),
        as_declaration(facts(component="CR")),
    )
    apply_action(Context(uow, clock, library, people.desk.actor), later.incident.id, "acknowledge")
    desk = people.desk.actor
    assert len(list_incidents(Context(uow, clock, library, desk), IncidentFilter())) == 2
    [cr] = list_incidents(Context(uow, clock, library, desk), IncidentFilter(component="CR"))
    assert cr.incident.id == later.incident.id
    [ack] = list_incidents(
        Context(uow, clock, library, desk), IncidentFilter(states=(State.ACKNOWLEDGED,))
    )
    assert ack.incident.id == later.incident.id
    since = T0 + timedelta(minutes=30)
    assert len(list_incidents(Context(uow, clock, library, desk), IncidentFilter(since=since))) == 1
    by_org = list_incidents(
        Context(uow, clock, library, desk), IncidentFilter(), org_eori="FR77598132400046"
    )
    assert [v.incident.id for v in by_org] == [later.incident.id]


def test_two_agents_acknowledging_at_once_one_wins(
    session_factory, clock, people, library, backend
):
    """Both load the incident before either saves: the second is told, nothing is applied twice.

    On PostgreSQL both transactions run side by side and the version column catches the second.
    SQLite lets one writer in at a time: the second unit of work waits for the first to end,
    then finds the incident already acknowledged."""
    uow = UnitOfWork(session_factory)
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    first, second = UnitOfWork(session_factory), UnitOfWork(session_factory)
    if backend == "sqlite":
        outcome: list[str] = []

        def later_agent():
            with second:
                b = second.incidents.get(incident_id)
                try:
                    b.apply(Action.ACKNOWLEDGE, people.desk.actor, clock.now())
                except IllegalTransition:
                    outcome.append("refused")

        with first:
            a = first.incidents.get(incident_id)
            a.apply(Action.ACKNOWLEDGE, people.desk.actor, clock.now())
            waiting = threading.Thread(target=later_agent)
            waiting.start()
            waiting.join(timeout=0.5)
            assert waiting.is_alive(), "the second writer must wait for the first"
            first.incidents.save(a)
            first.commit()
        waiting.join(timeout=10)
        assert outcome == ["refused"]
    else:
        with first, second:
            a = first.incidents.get(incident_id)
            b = second.incidents.get(incident_id)
            a.apply(Action.ACKNOWLEDGE, people.desk.actor, clock.now())
            b.apply(Action.ACKNOWLEDGE, people.desk.actor, clock.now())
            first.incidents.save(a)
            first.commit()
            with pytest.raises(Conflict, match="someone else"):
                second.incidents.save(b)
                second.commit()
    events = get_incident(
        Context(uow, clock, library, people.desk.actor), incident_id
    ).incident.events
    assert [e.kind.value for e in events] == ["declared", "procedure_selected", "acknowledged"]


def test_concurrent_requests_apply_an_action_once(session_factory, clock, people, library):
    uow = UnitOfWork(session_factory)
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def agent():
        barrier.wait()
        try:
            apply_action(
                Context(UnitOfWork(session_factory), clock, library, people.desk.actor),
                incident_id,
                "acknowledge",
            )
            outcomes.append("ok")
        except (Conflict, IllegalTransition):
            outcomes.append("refused")

    threads = [threading.Thread(target=agent) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    events = get_incident(
        Context(uow, clock, library, people.desk.actor), incident_id
    ).incident.events
    assert [e.kind.value for e in events] == ["declared", "procedure_selected", "acknowledged"]


def test_the_database_refuses_to_rewrite_the_timeline(session_factory, clock, people, library):
    uow = UnitOfWork(session_factory)
    declare_incident(Context(uow, clock, library, people.carrier.actor), as_declaration(facts()))
    for statement in ("UPDATE timeline_events SET note = 'edited'", "DELETE FROM timeline_events"):
        with session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
            session.commit()
    assert count(uow, TimelineEventRow) == 2
