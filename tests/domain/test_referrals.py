"""Referrals while the carrier cannot receive them (EU guidance on air cargo security referral
protocols): the desk passes an RFI, an RFS or a DNL by telephone or e-mail whenever an outage
stops the carrier's electronic channel, from its declaration to its recovery; the carrier
confirms and answers; a DNL left unconfirmed escalates after 5 minutes and every 5 minutes until
confirmed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from bcp.domain.lifecycle import Action
from bcp.domain.referrals import Outcome, ReferralKind, check_outcome, check_referral
from bcp.domain.timeline import EventKind
from bcp.domain.watch import Timing, due_alerts
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.referrals import OutcomeBody, ReferralBody
from tests.conftest import T0
from tests.domain.conftest import (
    CARRIER,
    CLIENT,
    CLIENT_STAFF,
    DESK,
    OPERATOR,
    OTHER_OPERATOR,
    PROVIDER_STAFF,
    declared,
)

TIMING = Timing(acknowledgement_target=timedelta(minutes=15))


def referral(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "dnl",
        "air_waybill": "020-12345675",
        "route": "telephone",
        "sent_to": "Duty manager, +33 1 23 45 67 89",
        "request": "Do not load: bomb-in-a-box threat suspected",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def in_fallback():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
    return incident


def parse_referral(data, now, not_before):
    """As the API reads it: the model's checks, then the domain's."""
    return check_referral(from_mapping(ReferralBody, data).to_domain(), now, not_before)


def parse_outcome(data, kind):
    body = from_mapping(OutcomeBody, data)
    check_outcome(body.outcome, body.result, kind)
    return body.outcome, body.result, body.note


def record(incident, data=None, now=T0):
    request = parse_referral(data or referral(), now, incident.facts.started_at)
    return incident.record_referral(request, DESK, now)


def test_the_desk_records_a_referral_against_a_consignment(in_fallback):
    event = record(in_fallback)
    assert event.kind is EventKind.REFERRAL_SENT and event.changes["referral"] == 1
    [r] = in_fallback.referrals
    assert (r.kind.value, r.air_waybill, r.route.value, r.status) == (
        "dnl",
        "020-12345675",
        "telephone",
        "sent",
    )
    assert r.sent_at == T0 and r.request.startswith("Do not load")


def test_a_referral_names_a_consignment_a_kind_a_route_and_whom_it_reached():
    with pytest.raises(InvalidInput) as caught:
        parse_referral({"kind": "xyz", "route": "pigeon"}, T0, T0 - timedelta(hours=1))
    assert {"kind", "route", "sent_to"} <= {e.field for e in caught.value.errors}
    with pytest.raises(InvalidInput, match="air waybill or the house consignment") as caught:
        parse_referral(referral(air_waybill=None), T0, T0 - timedelta(hours=1))
    assert {e.field for e in caught.value.errors} == {"air_waybill"}


def test_a_referral_is_not_sent_in_the_future_nor_before_the_outage():
    with pytest.raises(InvalidInput, match="future"):
        parse_referral(referral(sent_at=(T0 + timedelta(hours=1)).isoformat()), T0, T0)
    with pytest.raises(InvalidInput, match="before the outage"):
        parse_referral(referral(sent_at=(T0 - timedelta(hours=2)).isoformat()), T0, T0)


def test_referrals_are_recorded_from_the_declaration_until_the_recovery():
    """Before any acknowledgement or authorisation, during a national system outage that has no
    fallback at all, and in fallback: the carrier's channel is down each time. After recovery
    ICS2 carries them again."""
    declared_only = declared(component="EO_SYSTEM", side="operator")
    assert record(declared_only).changes["referral"] == 1
    national = declared(component="NES")
    national.apply(Action.ACKNOWLEDGE, DESK, T0)
    assert not national.procedure.fallback
    assert record(national).changes["referral"] == 1
    national.apply(Action.RECOVER, DESK, T0 + timedelta(hours=1))
    assert not national.may_refer(DESK)
    with pytest.raises(IllegalTransition, match="delivers referrals again"):
        record(national, now=T0 + timedelta(hours=1))


def test_on_a_provider_s_outage_the_referral_names_the_client_carrier_who_confirms_it():
    outage = declared(PROVIDER_STAFF, component="PROVIDER_SYSTEM", scope="provider")
    request = parse_referral(referral(), T0, outage.facts.started_at)
    with pytest.raises(InvalidInput, match="client carrier") as caught:
        outage.record_referral(request, DESK, T0)
    assert {e.field for e in caught.value.errors} == {"carrier"}
    with pytest.raises(InvalidInput, match="does not file through"):
        outage.record_referral(request, DESK, T0, carrier=CARRIER)
    event = outage.record_referral(request, DESK, T0, carrier=CLIENT)
    assert event.changes["carrier_id"] == CLIENT.id
    assert outage.referrals[0].carrier == f"{CLIENT.name} ({CLIENT.eori})"
    with pytest.raises(NotAllowed):
        outage.confirm_referral(1, OTHER_OPERATOR, T0)
    outage.confirm_referral(1, CLIENT_STAFF, T0 + timedelta(minutes=2))
    assert outage.referrals[0].confirmed_by == CLIENT_STAFF.label


def test_only_the_desk_records_a_referral(in_fallback):
    request = parse_referral(referral(), T0, in_fallback.facts.started_at)
    with pytest.raises(NotAllowed):
        in_fallback.record_referral(request, OPERATOR, T0)


def test_the_carrier_confirms_then_records_the_outcome(in_fallback):
    record(in_fallback)
    in_fallback.confirm_referral(1, OPERATOR, T0 + timedelta(minutes=3))
    outcome = parse_outcome({"outcome": "cargo_not_loaded"}, in_fallback.referrals[0].kind)
    in_fallback.record_referral_outcome(1, *outcome, OPERATOR, T0 + timedelta(minutes=20))
    [r] = in_fallback.referrals
    assert r.status == "completed" and r.time_to_confirm == timedelta(minutes=3)
    assert r.outcome is Outcome.CARGO_NOT_LOADED and r.confirmed_by == OPERATOR.label
    with pytest.raises(IllegalTransition):
        in_fallback.confirm_referral(1, OPERATOR, T0 + timedelta(minutes=30))


def test_an_outcome_is_also_the_confirmation(in_fallback):
    record(in_fallback, referral(kind="rfs"))
    outcome = parse_outcome(
        {"outcome": "screening_done", "result": "cleared, no threat"}, ReferralKind.RFS
    )
    events = in_fallback.record_referral_outcome(1, *outcome, OPERATOR, T0 + timedelta(minutes=9))
    assert [e.kind for e in events] == [EventKind.REFERRAL_CONFIRMED, EventKind.REFERRAL_OUTCOME]


def test_the_outcome_must_answer_the_kind_of_referral():
    with pytest.raises(InvalidInput, match="not the outcome of this kind of referral"):
        parse_outcome({"outcome": "information_given"}, ReferralKind.DNL)
    with pytest.raises(InvalidInput, match="result of the screening"):
        parse_outcome({"outcome": "screening_done"}, ReferralKind.RFS)


def test_another_carrier_cannot_answer(in_fallback):
    record(in_fallback)
    with pytest.raises(NotAllowed):
        in_fallback.confirm_referral(1, OTHER_OPERATOR, T0)
    with pytest.raises(NotFound):
        in_fallback.confirm_referral(9, OPERATOR, T0)


def test_an_unconfirmed_referral_keeps_the_incident_from_closing(in_fallback):
    record(in_fallback)
    in_fallback.apply(Action.RECOVER, OPERATOR, T0 + timedelta(minutes=10))
    with pytest.raises(IllegalTransition, match=r"R1 \(DNL\)"):
        in_fallback.apply(Action.CLOSE, DESK, T0 + timedelta(minutes=11))
    with pytest.raises(IllegalTransition, match="not confirmed"):
        in_fallback.apply(Action.CANCEL, DESK, T0 + timedelta(minutes=11), note="x")


def escalations(incident, now):
    alerts = due_alerts(incident, now, TIMING)
    for alert in alerts:
        incident.record_alert(alert.kind, alert.changes, alert.note, now)
    return [a.changes["level"] for a in alerts if a.kind is EventKind.REFERRAL_ESCALATED]


def test_an_unconfirmed_dnl_escalates_after_5_minutes_then_every_5_minutes(in_fallback):
    record(in_fallback)
    assert escalations(in_fallback, T0 + timedelta(minutes=4, seconds=59)) == []
    assert escalations(in_fallback, T0 + timedelta(minutes=5)) == [1]
    assert escalations(in_fallback, T0 + timedelta(minutes=9)) == []
    assert escalations(in_fallback, T0 + timedelta(minutes=10)) == [2]
    assert escalations(in_fallback, T0 + timedelta(minutes=26)) == [5]  # caught up once
    in_fallback.confirm_referral(1, OPERATOR, T0 + timedelta(minutes=27))
    assert escalations(in_fallback, T0 + timedelta(hours=2)) == []
    escalated = [e for e in in_fallback.events if e.kind is EventKind.REFERRAL_ESCALATED]
    assert escalated[0].note.startswith("referral R1 (DNL) not confirmed by the carrier")


def test_rfi_and_rfs_follow_their_own_targets(in_fallback):
    record(in_fallback, referral(kind="rfi"))
    record(in_fallback, referral(kind="rfs", air_waybill=None, house_consignment="HX-1"))
    assert escalations(in_fallback, T0 + timedelta(minutes=29)) == []
    assert escalations(in_fallback, T0 + timedelta(minutes=30)) == [1]  # the RFS
    assert escalations(in_fallback, T0 + timedelta(minutes=60)) == [1, 2]
