"""The consignments' queries: saved and read back as they were, counted per incident, found by
the scheduler when their deadline nears, listed soonest first for the desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bcp.domain.consignments.deadlines import EnsDeadline, TimeKind
from bcp.domain.consignments.model import (
    Consignment,
    ConsignmentFacts,
    ConsignmentState,
    DocumentKind,
)
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from bcp.store.incidents import IncidentFilter
from tests.conftest import T0
from tests.domain.conftest import facts
from tests.typed import as_declaration


def consignment(incident_id: int, number: str, due_in: float | None, **kw) -> Consignment:
    return Consignment(
        id=None,
        incident_id=incident_id,
        facts=ConsignmentFacts(
            document_kind=DocumentKind.AWB_HOUSE,
            document_number=number,
            case="road",
            means_of_transport="AB-123-CD",
            office_of_first_entry="FR006900",
            arrival_at=T0 + timedelta(hours=due_in + 1) if due_in is not None else None,
            note="é",
        ),
        deadline=EnsDeadline(
            "road",
            T0 + timedelta(hours=due_in) if due_in is not None else None,
            None if due_in is not None else TimeKind.ARRIVAL,
        ),
        recorded_at=T0,
        recorded_by="Camille",
        **kw,
    )


@pytest.fixture
def incidents(uow, clock, people, library):
    ctx = Context(uow, clock, library, people.carrier.actor)
    first = declare_incident(ctx, as_declaration(facts(component="EO_SYSTEM"))).incident.id
    second = declare_incident(ctx, as_declaration(facts(component="EO_SYSTEM"))).incident.id
    return first, second


def saved(uow, items):
    with uow:
        uow.consignments.save(items)
        uow.commit()
    return items


def test_saved_and_read_back_as_they_were(uow, incidents):
    first, _ = incidents
    (kept,) = saved(uow, [consignment(first, "H1", 2.0)])
    assert kept.id is not None
    with uow.reading():
        (read,) = uow.consignments.of_incident(first)
    assert read == kept
    with uow:
        (loaded,) = uow.consignments.of_incident(first)
        loaded.state, loaded.mrn = ConsignmentState.LODGED, "26FR00000000000018"
        uow.consignments.save([loaded])
        uow.commit()
    with uow.reading():
        assert uow.consignments.of_incident(first)[0].mrn == "26FR00000000000018"


def test_the_consignments_shown_are_those_saved_read_as_plain_rows(uow, incidents):
    """shown_of_incident (the incident and goods pages) reads plain rows, not the ORM's objects
    that a change needs: the same consignments all the same, waiting or settled."""
    first, second = incidents
    saved(uow, [consignment(first, "H2", 1.0), consignment(first, "H3", None)])
    saved(uow, [consignment(second, "H4", 3.0)])
    with uow:
        late = uow.consignments.of_incident(first)[0]
        late.state, late.mrn, late.lodged_at = ConsignmentState.LODGED, "26FR1", T0
        uow.consignments.save([late])
        uow.commit()
    with uow.reading():
        shown = uow.consignments.shown_of_incident(first)
        assert shown == uow.consignments.of_incident(first)
    assert [c.facts.document_number for c in shown] == ["H2", "H3"]
    assert (shown[0].state, shown[0].mrn) == (ConsignmentState.LODGED, "26FR1")
    assert shown[1].deadline.missing is TimeKind.ARRIVAL


def test_one_document_once_per_incident(uow, incidents):
    first, second = incidents
    saved(uow, [consignment(first, "H1", 1.0), consignment(second, "H1", 1.0)])
    with pytest.raises(IntegrityError), uow:
        uow.consignments.save([consignment(first, "H1", 1.0)])


def test_counts_deadlines_and_the_desks_list(uow, clock, people, library, incidents):
    first, second = incidents
    saved(
        uow,
        [
            consignment(first, "SOON", 0.5),
            consignment(first, "LATER", 5.0),
            consignment(first, "DONE", 0.1, state=ConsignmentState.LODGED),
            consignment(second, "NO-TIME", None),
            consignment(second, "REMINDED", 0.2, reminded_at=T0),
        ],
    )
    with uow.reading():
        for incident_id in (first, second):  # the incident's count of those not back in ICS2
            assert uow.incidents.get(incident_id).outstanding_consignments == 2
        listing = uow.incidents.list(people.desk.actor, IncidentFilter())
        assert {i.id: i.outstanding_consignments for i in listing} == {first: 2, second: 2}
        assert uow.consignments.incidents_with_deadlines_before(T0 + timedelta(hours=1)) == [first]
        listed, total = uow.consignments.at_risk_soonest(limit=2)
        assert [c.facts.document_number for c, _ in listed] == ["REMINDED", "SOON"]
        assert total == 3 and listed[0][1] == "Aérofret"
        assert len(uow.consignments.narrow_since(T0 - timedelta(days=1))) == 5
    apply_action(Context(uow, clock, library, people.carrier.actor), first, "cancel", "mistake")
    with uow.reading():
        assert uow.consignments.incidents_with_deadlines_before(T0 + timedelta(hours=1)) == []
        assert [c.facts.document_number for c, _ in uow.consignments.at_risk_soonest(10)[0]] == [
            "REMINDED"
        ]
