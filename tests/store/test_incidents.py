"""Loading an incident: a reading unit of work reads plain rows (the incident page), a changing
one the ORM's objects it saves; both give the same incident, its organisation, its timeline in
order and how many of its consignments are not back in ICS2."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

from bcp.domain.consignments.goods import Lodging
from bcp.domain.lifecycle import Action, State
from bcp.domain.referrals import referrals_of
from bcp.services import consignments as goods
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, record_work
from bcp.services.queue import IN_PROGRESS
from bcp.services.referrals import confirm_referral, record_referral
from bcp.store.incidents import REFERRAL_KINDS
from tests.domain.conftest import facts
from tests.jobs.test_referrals_and_notices import in_fallback
from tests.services.test_consignments import csv_rows, mrn
from tests.store.test_queries import incident
from tests.typed import as_declaration, as_referral
from tests.web.test_access import DNL

DAY = timedelta(days=1)


def both_ways(uow, incident_id):
    with uow.reading():
        read = uow.incidents.get(incident_id)
    with uow:
        loaded = uow.incidents.get(incident_id)
    return read, loaded


def same(read, loaded) -> None:
    for field in fields(read):
        assert getattr(read, field.name) == getattr(loaded, field.name), field.name


def test_an_operator_s_incident_read_as_it_is_loaded_for_a_change(uow, clock, people, library):
    carrier = Context(uow, clock, library, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    record_work(carrier, incident_id, note="EDI provider called", reference="ticket 42")
    added, _view = goods.import_consignments(carrier, incident_id, csv_rows(3))
    goods.record_lodgings(carrier, incident_id, [Lodging(added[0].id, mrn(1))])

    read, loaded = both_ways(uow, incident_id)

    same(read, loaded)
    assert read.organisation == people.carrier.actor.organisation
    assert read.outstanding_consignments == 2
    assert [e.seq for e in read.events] == sorted(e.seq for e in read.events)
    noted = [e for e in read.events if e.note == "EDI provider called"]
    assert [e.changes.get("reference") for e in noted] == ["ticket 42"]


def test_an_incident_of_no_organisation_has_none(uow):
    """As before notices (an outage for everyone is one now, bcp.services.notices)."""
    with uow:
        incident_id = incident(uow.session, None, component="CR").id
        uow.commit()

    read, loaded = both_ways(uow, incident_id)

    same(read, loaded)
    assert read.organisation is None and read.outstanding_consignments == 0


def test_no_such_incident(uow):
    assert both_ways(uow, 10_000) == (None, None)


def test_the_queue_reads_the_incidents_in_progress_latest_first_without_their_timelines(
    uow, clock, people, library
):
    carrier = Context(uow, clock, library, people.carrier.actor)
    waiting = declare_incident(carrier, as_declaration(facts())).incident.id
    first = in_fallback(uow, clock, library, people)
    clock.advance(minutes=5)
    second = in_fallback(uow, clock, library, people)
    apply_action(carrier, second, "recover")

    with uow.reading():
        rows, total = uow.incidents.in_progress(IN_PROGRESS, limit=10)
        latest, counted = uow.incidents.in_progress(IN_PROGRESS, limit=1)
        read = uow.incidents.get(first)
        named = uow.incidents.in_progress_of([first, first])

    assert [r.id for r in rows] == [second, first] and total == 2
    assert waiting not in [r.id for r in rows]
    assert [r.state for r in rows] == [State.RECOVERED, State.FALLBACK_ACTIVE]
    assert [r.id for r in latest] == [second] and counted == 2  # one shown, two in all
    assert named == [rows[1]]
    row = rows[1]
    assert row.organisation == people.carrier.actor.organisation.name
    assert (row.component, row.summary, row.started_at) == (
        read.facts.component,
        read.summary,
        read.facts.started_at,
    )
    assert (row.reflex_version, row.procedure_id) == (
        read.reflex.table_version,
        read.reflex.procedure_id,
    )


def test_the_referral_events_alone_tell_the_same_referrals_as_the_whole_timeline(
    uow, clock, people, library
):
    desk = Context(uow, clock, library, people.desk.actor)
    incident_id = in_fallback(uow, clock, library, people)
    other = in_fallback(uow, clock, library, people)
    record_referral(desk, incident_id, as_referral(DNL))
    record_work(desk, incident_id, note="appel au transporteur")
    record_referral(desk, incident_id, as_referral({**DNL, "air_waybill": "02012345686"}))
    confirm_referral(Context(uow, clock, library, people.carrier.actor), incident_id, 1)

    with uow.reading():
        found = uow.incidents.referral_events(IN_PROGRESS)
        timeline = uow.incidents.get(incident_id).events
        of_waiting = uow.incidents.referral_events([State.DECLARED])

    assert list(found) == [incident_id]  # the other has no referral
    assert other not in found
    assert {e.kind.value for e in found[incident_id]} <= set(REFERRAL_KINDS)
    assert referrals_of(found[incident_id]) == referrals_of(timeline)
    assert [r.confirmed for r in referrals_of(found[incident_id])] == [True, False]
    assert of_waiting == {}  # only the incidents in the states asked for


def test_the_scheduler_s_next_look_is_kept_until_the_incident_changes(uow, clock, people, library):
    carrier = Context(uow, clock, library, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    later = clock.now() + timedelta(minutes=15)
    with uow.reading():
        assert uow.incidents.due_for_watch(clock.now()) == [incident_id]  # new: looked at once
    with uow:
        uow.incidents.watch_again_at(uow.incidents.get(incident_id), later)
        uow.commit()
    with uow.reading():
        assert uow.incidents.due_for_watch(clock.now()) == []
        assert uow.incidents.due_for_watch(later) == [incident_id]
    record_work(carrier, incident_id, note="EDI provider called")  # any change: look again
    with uow.reading():
        assert uow.incidents.due_for_watch(clock.now()) == [incident_id]
    with uow:
        uow.incidents.watch_again_at(uow.incidents.get(incident_id), None)
        uow.commit()
    with uow.reading():  # nothing will come due by itself: only a change brings it back
        assert uow.incidents.due_for_watch(clock.now() + timedelta(days=3650)) == []


def test_a_starting_scheduler_looks_at_every_open_incident_again(uow, clock, people, library):
    carrier = Context(uow, clock, library, people.carrier.actor)
    first = declare_incident(carrier, as_declaration(facts())).incident.id
    second = declare_incident(carrier, as_declaration(facts(component="CR"))).incident.id
    with uow:
        for incident_id in (first, second):
            uow.incidents.watch_again_at(uow.incidents.get(incident_id), clock.now() + DAY)
        uow.commit()
    apply_action(carrier, second, Action.CANCEL, note="declared by mistake")
    with uow:
        assert uow.incidents.watch_all_again() == 1  # the open one
        uow.commit()
    with uow.reading():
        assert uow.incidents.due_for_watch(clock.now()) == [first]
