"""The member state's activation of the BCP (Implementing Regulation (EU) 2023/1070, Art.
105(5)) and the notification to the Commission (Art. 105(3)): who decided, when, for which
modes and offices of first entry, until when; whom the desk told, and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bcp.domain.activation import (
    LEGAL_BASIS,
    Activation,
    ActivationRequest,
    check_notification,
)
from bcp.domain.catalogue import Mode
from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.lifecycle import Action, State
from bcp.domain.notices import UpdateKind
from bcp.domain.timeline import EventKind
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, declared
from tests.domain.test_notices import notice_data, published

LATER = T0 + timedelta(minutes=10)


def test_by_default_the_activation_is_the_desk_person_s_for_every_mode_and_office():
    activation = ActivationRequest().decide(DESK.label, T0)
    assert activation == Activation(decided_by=DESK.label, decided_at=T0)
    assert activation.covers_modes((Mode.MARITIME,)) and activation.covers_office("FR006900")
    assert activation.changes()["legal_basis"] == LEGAL_BASIS


def test_an_activation_for_air_at_roissy_until_the_evening():
    until = T0 + timedelta(hours=8)
    activation = ActivationRequest(
        decided_by="DGDDI, bureau de la politique du dédouanement",
        modes=(Mode.AIR, Mode.AIR, Mode.EXPRESS),
        offices=(" fr004100", "FR004100"),
        until=until,
    ).decide(DESK.label, T0)
    assert activation.modes == (Mode.AIR, Mode.EXPRESS)
    assert activation.offices == ("FR004100",)
    assert activation.covers_modes((Mode.AIR, Mode.ROAD))
    assert not activation.covers_modes((Mode.MARITIME,))
    assert not activation.covers_office("FR006900")
    assert activation.in_force(T0 + timedelta(hours=7)) and not activation.in_force(until)
    again = Activation.from_changes(activation.changes(), T0, "someone else")
    assert again == activation


def test_every_fault_of_an_activation_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        ActivationRequest(
            decided_by="x" * 201, offices=("FR0041", "Roissy"), until=T0 - timedelta(minutes=1)
        ).decide(DESK.label, T0)
    assert {e.field for e in refused.value.errors} == {"decided_by", "offices", "until"}


def test_an_activation_recorded_before_these_fields_says_when_and_by_whom():
    legacy = Activation.from_changes({}, T0, "Agent du desk")
    assert legacy == Activation(decided_by="Agent du desk", decided_at=T0)


def test_the_notice_s_window_is_the_activation_and_ends_at_its_until():
    notice = published()
    activation = ActivationRequest(modes=(Mode.AIR,), until=T0 + timedelta(hours=1)).decide(
        DESK.label, T0
    )
    update = notice.open_fallback(DESK, T0, activation=activation)
    assert update.changes["modes"] == ["air"] and update.changes["decided_by"] == DESK.label
    assert notice.activation(T0 + timedelta(minutes=30)) == replace(activation, components=("STI",))
    assert notice.fallback_allowed(T0 + timedelta(minutes=59))
    assert not notice.fallback_allowed(T0 + timedelta(hours=1))
    assert notice.activation(T0 + timedelta(hours=1)) is None
    with pytest.raises(IllegalTransition, match="already open"):
        notice.open_fallback(DESK, T0 + timedelta(minutes=30))
    notice.open_fallback(DESK, T0 + timedelta(hours=2))  # its end passed: a new decision
    assert [w.activation.modes for w in notice.windows] == [(Mode.AIR,), ()]


def test_the_desk_ends_the_activation_before_its_until():
    notice = published()
    activation = ActivationRequest(until=T0 + timedelta(hours=5)).decide(DESK.label, T0)
    notice.open_fallback(DESK, T0, activation=activation)
    notice.close_fallback(DESK, T0 + timedelta(hours=1))
    assert notice.windows[0].until == T0 + timedelta(hours=1)
    assert not notice.fallback_allowed(T0 + timedelta(hours=2))


def test_the_notification_to_the_commission_is_recorded_on_the_notice():
    notice = published(notice_data())
    notification = check_notification("DG TAXUD ICS2 service desk", T0, LATER)
    update = notice.notify_commission(DESK, LATER, notification)
    assert update.kind is UpdateKind.COMMISSION_NOTIFIED
    assert update.changes["to"] == "DG TAXUD ICS2 service desk"
    assert update.changes["legal_basis"].endswith("Art. 105(3)")
    assert notice.notifications == [update]
    with pytest.raises(NotAllowed):
        notice.notify_commission(OPERATOR, LATER, notification)


def test_a_notification_says_to_whom_and_is_not_in_the_future():
    with pytest.raises(InvalidInput) as refused:
        check_notification(" ", LATER + timedelta(hours=1), LATER)
    assert {e.field for e in refused.value.errors} == {"to", "at"}
    assert check_notification("DG TAXUD", None, LATER).at == LATER


def test_on_an_operator_s_outage_the_desk_s_authorisation_is_the_activation_for_it():
    incident = declared(component="EO_SYSTEM", side="operator", modes=["air", "road"])
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.settle_step("operator-contact-sau", True, OPERATOR, T0)
    event = incident.apply(
        Action.ACTIVATE_FALLBACK,
        DESK,
        LATER,
        activation=ActivationRequest(modes=(Mode.AIR,), offices=("FR004100",)),
    )
    assert incident.state is State.FALLBACK_ACTIVE
    assert event.changes["bcp"]["offices"] == ["FR004100"]
    assert event.changes["bcp"]["components"] == ["EO_SYSTEM"]
    assert incident.activation.modes == (Mode.AIR,) and incident.activation.decided_at == LATER
    notified = incident.notify_commission(
        DESK, LATER, check_notification("DG TAXUD; member states", None, LATER)
    )
    assert notified.kind is EventKind.COMMISSION_NOTIFIED
    statuses = {s.step.id: s.state.value for s in incident.steps(LATER)}
    assert statuses["desk-decide"] == "done" and statuses["desk-notify-commission"] == "done"
    with pytest.raises(NotAllowed):
        incident.notify_commission(OPERATOR, LATER, check_notification("x", None, LATER))


def test_when_the_desk_ends_the_window_the_incidents_it_authorised_send_nothing_more():
    notice = published()
    notice.open_fallback(DESK, T0)
    incident = declared()
    incident.follow_notice(notice, T0 + timedelta(minutes=1))
    assert incident.state is State.FALLBACK_ACTIVE and incident.activation.until is None
    ended_at = T0 + timedelta(hours=1)
    notice.close_fallback(DESK, ended_at)
    [event] = incident.follow_notice(notice, ended_at)
    assert event.kind is EventKind.NOTICE_UPDATED and event.changes["bcp_ended"]
    assert incident.activation.until == ended_at
    assert not incident.activation.in_force(ended_at)
    assert incident.follow_notice(notice, ended_at) == []  # said once


def test_a_fallback_the_desk_authorised_itself_is_not_ended_by_a_notice_without_one():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
    notice = published()
    events = incident.follow_notice(notice, LATER)
    assert [e.kind for e in events] == [EventKind.NOTICE_LINKED]
    assert incident.activation.in_force(LATER)
