"""Random action sequences never reach an inconsistent state; durations are never negative."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bcp.domain.durations import derive
from bcp.domain.errors import DomainError
from bcp.domain.lifecycle import TRANSITIONS, Action, State
from tests.conftest import T0
from tests.domain.conftest import ADMIN, DESK, MANAGER, OPERATOR, OTHER_OPERATOR, declared

steps = st.lists(
    st.tuples(
        st.sampled_from(list(Action)),
        st.sampled_from([OPERATOR, OTHER_OPERATOR, DESK, MANAGER, ADMIN]),
        st.integers(min_value=-30, max_value=600),  # minutes; clocks may even step back
        st.sampled_from(["", "reason"]),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(steps=steps, desk_declared=st.booleans(), planned_ahead=st.integers(0, 300))
def test_random_sequences_stay_consistent(steps, desk_declared, planned_ahead):
    incident = (
        declared(DESK, scope="eu")
        if desk_declared
        else declared(planned=True, started_at=(T0 + timedelta(minutes=planned_ahead)).isoformat())
    )
    now = T0
    for action, actor, minutes, note in steps:
        now += timedelta(minutes=minutes)
        before = list(incident.events)
        state = incident.state
        try:
            event = incident.apply(action, actor, now, note)
        except DomainError:
            assert incident.events == before
            assert incident.state is state
            continue
        assert state in TRANSITIONS[action].sources
        assert actor.role in TRANSITIONS[action].roles
        assert event.state_after is TRANSITIONS[action].target

        _check_invariants(incident, now)


def _check_invariants(incident, now):
    events = incident.events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert incident.state is events[-1].state_after
    assert events[0].state_before is None
    for previous, event in pairwise(events):
        assert event.state_before is previous.state_after
        assert event.at >= previous.at
        assert previous.state_after.is_open, "nothing happens after closed or cancelled"
    durations = derive(events, incident.facts.started_at, now)
    for value in (
        durations.time_to_acknowledge,
        durations.time_in_fallback,
        durations.total_outage,
        durations.time_to_close,
    ):
        assert value is None or value >= timedelta(0)
    if incident.state is State.CLOSED:
        assert durations.time_to_close is not None
