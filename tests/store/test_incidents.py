"""Loading an incident: a reading unit of work reads plain rows (the incident page), a changing
one the ORM's objects it saves; both give the same incident, its organisation, its timeline in
order and how many of its consignments are not back in ICS2."""

from __future__ import annotations

from dataclasses import fields

from bcp.domain.consignments.goods import Lodging
from bcp.services import consignments as goods
from bcp.services.context import Context
from bcp.services.incidents import declare_incident, record_work
from tests.domain.conftest import facts
from tests.services.test_consignments import csv_rows, mrn
from tests.store.test_queries import incident
from tests.typed import as_declaration


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
