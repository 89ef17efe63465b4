"""Durations are derived from the timeline: time to acknowledge, in fallback, outage, to close."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.durations import derive
from bcp.domain.lifecycle import Action
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, declared


def minutes(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 60


def test_a_full_outage_with_its_fallback():
    incident = declared()  # started 20 minutes before T0, declared at T0
    incident.apply(Action.ACKNOWLEDGE, DESK, T0 + timedelta(minutes=7))
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0 + timedelta(minutes=10))
    incident.apply(Action.RECOVER, OPERATOR, T0 + timedelta(minutes=130))
    incident.settle_step("operator-relodge", True, OPERATOR, T0 + timedelta(minutes=180))
    incident.apply(Action.CLOSE, DESK, T0 + timedelta(minutes=190))
    d = derive(incident.events, incident.facts.started_at, T0 + timedelta(days=1))
    assert minutes(d.time_to_acknowledge) == 7
    assert minutes(d.time_in_fallback) == 120
    assert minutes(d.total_outage) == 150
    assert minutes(d.time_to_close) == 190


def test_running_durations_are_measured_up_to_now():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0 + timedelta(minutes=5))
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0 + timedelta(minutes=5))
    d = derive(incident.events, incident.facts.started_at, T0 + timedelta(minutes=65))
    assert minutes(d.time_in_fallback) == 60
    assert minutes(d.total_outage) == 85
    assert d.time_to_close is None


def test_nothing_is_measured_that_did_not_happen():
    incident = declared()
    d = derive(incident.events, incident.facts.started_at, T0)
    assert (d.time_to_acknowledge, d.time_in_fallback, d.time_to_close) == (None, None, None)
    assert minutes(d.total_outage) == 20


def test_a_cancelled_declaration_has_no_outage():
    incident = declared()
    incident.apply(Action.CANCEL, OPERATOR, T0 + timedelta(minutes=2), note="false alarm")
    d = derive(incident.events, incident.facts.started_at, T0 + timedelta(hours=1))
    assert d.total_outage is None


def test_a_planned_outage_not_yet_begun_lasts_zero_not_a_negative_time():
    incident = declared(planned=True, started_at=(T0 + timedelta(hours=2)).isoformat())
    d = derive(incident.events, incident.facts.started_at, T0)
    assert d.total_outage == timedelta(0)
