"""The goods of an outage, through the fallback and back: listed, sent by the fallback route
once the desk authorised it, re-lodged with their MRN after recovery; the incident closes only
when each one is back in ICS2, not needed, or waived by the desk with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bcp.domain.activation import ActivationRequest
from bcp.domain.consignments.goods import Goods, Lodging
from bcp.domain.consignments.model import ConsignmentFacts, ConsignmentState, DocumentKind
from bcp.domain.consignments.mrn import check_character
from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.lifecycle import Action, State
from bcp.domain.reflexes.progress import StepState
from bcp.domain.timeline import EventKind
from bcp.store.reflex_files import load_deadlines
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, OTHER_OPERATOR, declared

DEADLINES = load_deadlines()


def mrn(serial: str) -> str:
    body = "26FR" + serial.rjust(13, "0")
    return body + check_character(body)


def house(number: int, arrival_in_hours: float = 6) -> tuple[str, ConsignmentFacts]:
    return (
        f"consignments[{number}]",
        ConsignmentFacts(
            document_kind=DocumentKind.AWB_HOUSE,
            document_number=f"h{number:04d}",
            case="air-long-haul",
            means_of_transport="af 0123",
            office_of_first_entry="fr004100",
            departure_at=T0 - timedelta(hours=2),
            arrival_at=T0 + timedelta(hours=arrival_in_hours),
        ),
    )


def numbered(goods: Goods) -> None:
    for i, c in enumerate(goods.consignments, start=1):
        c.id = c.id or i


@pytest.fixture
def goods() -> Goods:
    goods = Goods(declared(), [])
    goods.add([house(1), house(2, arrival_in_hours=5)], DEADLINES, OPERATOR, T0)
    numbered(goods)
    return goods


def test_listing_computes_each_deadline_and_is_on_the_timeline(goods):
    first, second = goods.consignments
    assert first.facts.document_number == "H0001"
    assert first.facts.means_of_transport == "AF 0123"
    assert first.deadline.at == T0 + timedelta(hours=2)
    assert second.deadline.at == T0 + timedelta(hours=1)
    event = goods.incident.events[-1]
    assert event.kind is EventKind.CONSIGNMENTS_ADDED
    assert event.changes["documents"] == ["H0001", "H0002"]
    assert goods.incident.outstanding_consignments == 2


def test_all_or_nothing_with_each_fault_where_it_is(goods):
    bad = house(3)[1]
    bad = ConsignmentFacts(**{**bad.__dict__, "office_of_first_entry": "DE004100"})
    with pytest.raises(InvalidInput) as refusal:
        goods.add([house(1), ("consignments[3]", bad), house(4)], DEADLINES, OPERATOR, T0)
    assert {e.field for e in refusal.value.errors} == {
        "consignments[1].document_number",  # listed already
        "consignments[3].office_of_first_entry",
    }
    assert len(goods.consignments) == 2


def test_only_the_organisation_concerned_or_the_desk(goods):
    with pytest.raises(NotAllowed):
        goods.add([house(9)], DEADLINES, OTHER_OPERATOR, T0)


def test_nothing_goes_by_the_fallback_route_before_the_desk_authorises_it(goods):
    with pytest.raises(IllegalTransition):
        goods.mark_sent([1], "PS-2026-X-0001", OPERATOR, T0)


def test_only_the_offices_the_continuity_plan_was_activated_for_go_by_the_fallback(goods):
    """France activated the BCP for Lyon only: the goods entering at Roissy wait for ICS2."""
    incident = goods.incident
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(
        Action.ACTIVATE_FALLBACK, DESK, T0, activation=ActivationRequest(offices=("FR006900",))
    )
    reference = incident.issue_fallback_reference(OPERATOR, T0, 1).changes["reference"]
    with pytest.raises(InvalidInput, match="activated for") as refusal:
        goods.mark_sent([1, 2], reference, OPERATOR, T0)
    assert {e.field for e in refusal.value.errors} == {"consignments.1", "consignments.2"}
    assert {c.state for c in goods.consignments} == {ConsignmentState.AT_RISK}


def test_nothing_goes_by_the_fallback_route_after_the_activation_ends(goods):
    incident = goods.incident
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    until = T0 + timedelta(hours=2)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0, activation=ActivationRequest(until=until))
    reference = incident.issue_fallback_reference(OPERATOR, T0, 1).changes["reference"]
    later = until + timedelta(minutes=5)
    with pytest.raises(InvalidInput, match="had ended") as refusal:
        goods.mark_sent([1], reference, OPERATOR, later)
    assert refusal.value.errors[0].field == "sent_at"
    goods.mark_sent([1], reference, OPERATOR, later, sent_at=until - timedelta(minutes=30))
    assert goods.consignments[0].state is ConsignmentState.SENT_BY_FALLBACK


def in_fallback(goods: Goods) -> str:
    incident = goods.incident
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
    return incident.issue_fallback_reference(OPERATOR, T0, 1).changes["reference"]


def test_through_the_fallback_and_back(goods):
    reference = in_fallback(goods)
    with pytest.raises(InvalidInput):
        goods.mark_sent([1, 2], "PS-2026-OTHER-0001", OPERATOR, T0)
    goods.mark_sent([1, 2], reference, OPERATOR, T0 + timedelta(minutes=5))
    assert {c.state for c in goods.consignments} == {ConsignmentState.SENT_BY_FALLBACK}
    assert goods.consignments[0].fallback_reference == reference
    goods.incident.apply(Action.RECOVER, OPERATOR, T0 + timedelta(hours=1))
    later = T0 + timedelta(hours=2)
    with pytest.raises(IllegalTransition):
        goods.incident.apply(Action.CLOSE, DESK, later)
    with pytest.raises(InvalidInput) as refusal:
        goods.record_lodgings(
            [Lodging(1, mrn("1")), Lodging(2, mrn("2")[:-1] + "X")], OPERATOR, later
        )
    assert [e.field for e in refusal.value.errors] == ["consignments.2"]
    assert goods.consignments[0].state is ConsignmentState.SENT_BY_FALLBACK  # nothing half-done
    events = goods.record_lodgings([Lodging(1, mrn("1")), Lodging(2, mrn("2"))], OPERATOR, later)
    assert [e.kind for e in events] == [
        EventKind.CONSIGNMENTS_LODGED,
        EventKind.CONSIGNMENTS_RELODGED,
    ]
    relodge = next(s for s in goods.incident.steps(later) if s.step.id == "operator-relodge")
    assert relodge.state is StepState.DONE
    goods.incident.apply(Action.CLOSE, DESK, later)
    assert goods.incident.state is State.CLOSED


def test_an_mrn_is_given_to_one_consignment_only(goods):
    with pytest.raises(InvalidInput):
        goods.record_lodgings([Lodging(1, mrn("1")), Lodging(2, mrn("1"))], OPERATOR, T0)


def test_the_relodging_step_is_not_ticked_by_hand_while_goods_are_out(goods):
    in_fallback(goods)
    goods.incident.apply(Action.RECOVER, OPERATOR, T0)
    with pytest.raises(IllegalTransition, match="not back in ICS2"):
        goods.incident.settle_step("operator-relodge", True, OPERATOR, T0)


def test_not_needed_and_the_desk_waiver(goods):
    goods.mark_not_needed(1, "goods not loaded after the DNL", OPERATOR, T0)
    with pytest.raises(InvalidInput):
        goods.mark_not_needed(2, "  ", OPERATOR, T0)
    with pytest.raises(IllegalTransition):
        goods.waive("carrier unreachable", DESK, T0)  # not recovered yet
    goods.incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    goods.incident.apply(Action.RECOVER, DESK, T0)
    with pytest.raises(NotAllowed):
        goods.waive("we give up", OPERATOR, T0)
    events = goods.waive("carrier unreachable, goods released by the office", DESK, T0)
    assert [e.kind for e in events] == [
        EventKind.CONSIGNMENTS_WAIVED,
        EventKind.CONSIGNMENTS_RELODGED,
    ]
    assert [c.state for c in goods.consignments] == [
        ConsignmentState.NOT_NEEDED,
        ConsignmentState.WAIVED,
    ]
    goods.incident.apply(Action.CLOSE, DESK, T0)


def test_the_nearest_deadline_calls_for_a_reminder_once(goods):
    near = goods.deadlines_near(T0, lead=timedelta(minutes=90))
    assert [c.facts.document_number for c in near] == ["H0002"]
    event = goods.remind(near, T0)
    assert event.kind is EventKind.CONSIGNMENT_DEADLINE_NEAR
    assert goods.deadlines_near(T0, lead=timedelta(minutes=90)) == []
    assert goods.summary(T0 + timedelta(hours=3)).late == 2
