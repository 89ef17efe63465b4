"""The goods use cases against a real database: every list all or nothing, each change on the
timeline, the scheduler's reminder through the outbox, the incident kept open until every
consignment is back in ICS2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bcp.domain.consignments.csv_import import COLUMNS
from bcp.domain.consignments.goods import Lodging
from bcp.domain.consignments.model import ConsignmentState
from bcp.domain.consignments.mrn import check_character
from bcp.domain.errors import IllegalTransition, InvalidInput, NotFound
from bcp.domain.lifecycle import Action
from bcp.services import consignments as goods
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, settle_step
from bcp.store.models import ConsignmentRow, OutboxRow, TimelineEventRow
from tests.conftest import T0
from tests.domain.conftest import facts
from tests.typed import as_declaration


def csv_rows(count: int, first_hours: float = 6) -> str:
    lines = [",".join(COLUMNS)]
    for i in range(count):
        arrival = (T0 + timedelta(hours=first_hours + i)).isoformat()
        departure = (T0 - timedelta(hours=2)).isoformat()
        lines.append(f"awb_house,H{i:04d},air-long-haul,AF0123,FR004100,,{departure},{arrival},,")
    return "\n".join(lines)


def mrn(serial: int) -> str:
    body = f"26FR{serial:013d}"
    return body + check_character(body)


@pytest.fixture
def incident(uow, clock, people, library):
    ctx = Context(uow, clock, library, people.carrier.actor)
    return declare_incident(ctx, as_declaration(facts(component="EO_SYSTEM"))).incident.id


def test_a_csv_of_forty_through_the_fallback_and_back(uow, clock, people, library, incident):
    carrier = Context(uow, clock, library, people.carrier.actor)
    desk = Context(uow, clock, library, people.desk.actor)
    added, view = goods.import_consignments(carrier, incident, csv_rows(40).encode("cp1252"))
    assert len(added) == 40 and view.summary.at_risk == 40
    assert view.consignments[0].deadline.at == T0 + timedelta(hours=2)
    with pytest.raises(IllegalTransition):
        goods.mark_sent(carrier, incident, [c.id for c in added], None)
    apply_action(desk, incident, Action.ACKNOWLEDGE)
    settle_step(carrier, incident, "operator-contact-sau", done=True)
    apply_action(desk, incident, Action.ACTIVATE_FALLBACK)
    view = goods.mark_sent(carrier, incident, [c.id for c in added], None)
    assert view.summary.sent_by_fallback == 40
    reference = view.consignments[0].fallback_reference
    assert reference in view.incident.incident.fallback_references
    apply_action(carrier, incident, Action.RECOVER)
    with pytest.raises(IllegalTransition):
        apply_action(desk, incident, Action.CLOSE)
    lodgings = [Lodging(c.id, mrn(i)) for i, c in enumerate(added)]
    broken = [*lodgings[:-1], Lodging(added[-1].id, mrn(39)[:-1] + "Z")]
    with pytest.raises(InvalidInput):
        goods.record_lodgings(carrier, incident, broken)
    with uow:
        assert uow.session.scalar(select(func.count()).where(ConsignmentRow.mrn.is_not(None))) == 0
    view = goods.record_lodgings(carrier, incident, lodgings)
    assert view.summary.lodged == 40
    apply_action(desk, incident, Action.CLOSE)
    with uow:
        kinds = uow.session.scalars(
            select(TimelineEventRow.kind).where(TimelineEventRow.incident_id == incident)
        ).all()
    assert kinds.count("consignments_added") == 1
    assert "consignments_sent" in kinds and "consignments_relodged" in kinds


def test_a_faulty_file_writes_nothing_and_names_its_line(uow, clock, people, library, incident):
    carrier = Context(uow, clock, library, people.carrier.actor)
    text = csv_rows(1000).splitlines()
    text[872] = text[872].replace("FR004100", "FR41")
    with pytest.raises(InvalidInput) as refusal:
        goods.import_consignments(carrier, incident, "\n".join(text))
    assert [e.field for e in refusal.value.errors] == ["line 873.office_of_first_entry"]
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(ConsignmentRow)) == 0


def test_the_scheduler_reminds_of_a_near_deadline_once(uow, clock, people, library, incident):
    carrier = Context(uow, clock, library, people.carrier.actor)
    goods.import_consignments(carrier, incident, csv_rows(3, first_hours=5.5))
    lead = timedelta(hours=1)
    assert goods.remind_near_deadlines(uow, clock, library, lead) == []
    clock.advance(minutes=40)
    (event,) = goods.remind_near_deadlines(uow, clock, library, lead)
    assert event.changes["documents"] == ["H0000"]
    assert goods.remind_near_deadlines(uow, clock, library, lead) == []
    with uow:
        topics = uow.session.scalars(select(OutboxRow.topic)).all()
        states = uow.session.scalars(select(ConsignmentRow.state)).all()
    assert "incident.consignment_deadline_near" in topics
    assert set(states) == {ConsignmentState.AT_RISK.value}


def test_the_desk_waives_the_rest_after_recovery(uow, clock, people, library, incident):
    carrier = Context(uow, clock, library, people.carrier.actor)
    desk = Context(uow, clock, library, people.desk.actor)
    added, _ = goods.import_consignments(carrier, incident, csv_rows(2))
    goods.mark_not_needed(carrier, incident, added[0].id, "shipment cancelled")
    apply_action(desk, incident, Action.ACKNOWLEDGE)
    apply_action(carrier, incident, Action.RECOVER)
    view = goods.waive(desk, incident, "carrier unreachable; goods released on paper")
    assert (view.summary.not_needed, view.summary.waived) == (1, 1)
    apply_action(desk, incident, Action.CLOSE)


def test_a_dnl_names_its_consignment_and_cargo_not_loaded_settles_it(
    uow, clock, people, library, incident
):
    from bcp.domain.referrals import Outcome
    from bcp.services.referrals import record_outcome, record_referral
    from tests.typed import as_referral

    carrier = Context(uow, clock, library, people.carrier.actor)
    desk = Context(uow, clock, library, people.desk.actor)
    added, _ = goods.import_consignments(carrier, incident, csv_rows(2))
    apply_action(desk, incident, Action.ACKNOWLEDGE)
    settle_step(carrier, incident, "operator-contact-sau", done=True)
    apply_action(desk, incident, Action.ACTIVATE_FALLBACK)
    dnl = as_referral(
        {"kind": "dnl", "route": "telephone", "sent_to": "duty manager", "consignment": added[1].id}
    )
    view = record_referral(desk, incident, dnl)
    (referral,) = view.incident.referrals
    assert referral.consignment_id == added[1].id
    assert referral.house_consignment == "H0001"
    unknown = {"kind": "dnl", "route": "telephone", "sent_to": "x", "consignment": 99999}
    with pytest.raises(NotFound, match="no consignment"):
        record_referral(desk, incident, as_referral(unknown))
    record_outcome(carrier, incident, 1, Outcome.CARGO_NOT_LOADED)
    listed = goods.get_goods(carrier, incident)
    settled = next(c for c in listed.consignments if c.id == added[1].id)
    assert settled.state is ConsignmentState.NOT_NEEDED
    assert settled.referral == 1


def test_a_referral_naming_a_listed_consignment_s_document_is_tied_to_it(
    uow, clock, people, library, incident
):
    """Passed from the notice or typed by hand, a DNL on house consignment H0000 is the DNL of
    that listed consignment: its outcome settles it."""
    from bcp.services.referrals import record_referral
    from tests.typed import as_referral

    carrier = Context(uow, clock, library, people.carrier.actor)
    desk = Context(uow, clock, library, people.desk.actor)
    added, _ = goods.import_consignments(carrier, incident, csv_rows(2))
    dnl = {"kind": "dnl", "route": "telephone", "sent_to": "duty", "house_consignment": "h0000"}
    view = record_referral(desk, incident, as_referral(dnl))
    assert view.incident.referrals[0].consignment_id == added[0].id
    other = {**dnl, "house_consignment": "H9999"}
    view = record_referral(desk, incident, as_referral(other))
    assert view.incident.referrals[1].consignment_id is None
