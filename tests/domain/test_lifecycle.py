"""The state machine, transition by transition: who may do what, from which state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.incident import NOT_IN_STATE
from bcp.domain.lifecycle import TRANSITIONS, Action, State, next_action
from bcp.domain.timeline import EventKind
from tests.conftest import T0
from tests.domain.conftest import (
    ADMIN,
    DESK,
    MANAGER,
    OPERATOR,
    OTHER_OPERATOR,
    declared,
)

# (state reached by these actions, action, actor, expected state or error)
LEGAL = [
    ([], Action.ACKNOWLEDGE, DESK, State.ACKNOWLEDGED),
    ([Action.ACKNOWLEDGE], Action.ACTIVATE_FALLBACK, DESK, State.FALLBACK_ACTIVE),
    ([Action.ACKNOWLEDGE], Action.REFUSE_FALLBACK, DESK, State.ACKNOWLEDGED),
    ([], Action.RECOVER, OPERATOR, State.RECOVERED),
    ([Action.ACKNOWLEDGE], Action.RECOVER, OPERATOR, State.RECOVERED),
    ([Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK], Action.RECOVER, OPERATOR, State.RECOVERED),
    ([Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK], Action.RECOVER, DESK, State.RECOVERED),
    ([Action.RECOVER], Action.CLOSE, DESK, State.CLOSED),
    ([], Action.CANCEL, OPERATOR, State.CANCELLED),
    ([Action.ACKNOWLEDGE], Action.CANCEL, DESK, State.CANCELLED),
    ([Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK], Action.CANCEL, DESK, State.CANCELLED),
    ([Action.RECOVER], Action.CANCEL, OPERATOR, State.CANCELLED),
]

PATHS = {
    State.DECLARED: [],
    State.ACKNOWLEDGED: [Action.ACKNOWLEDGE],
    State.FALLBACK_ACTIVE: [Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK],
    State.RECOVERED: [Action.RECOVER],
    State.CLOSED: [Action.RECOVER, Action.CLOSE],
    State.CANCELLED: [Action.CANCEL],
}


def _reach(path):
    """The state machine alone: without a procedure, no step blocks a transition."""
    incident = declared()
    incident.procedure = None
    for action in path:
        incident.apply(action, DESK, T0, note="reason")
    return incident


@pytest.mark.parametrize(("path", "action", "actor", "expected"), LEGAL)
def test_legal_transition(path, action, actor, expected):
    incident = _reach(path)
    event = incident.apply(action, actor, T0 + timedelta(minutes=5), note="reason")
    assert incident.state is expected
    assert event.state_after is expected
    assert incident.events[-1] is event


ILLEGAL = [
    (state, action)
    for state, path in PATHS.items()
    for action in Action
    if state not in TRANSITIONS[action].sources
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(state, action):
    incident = _reach(PATHS[state])
    before = list(incident.events)
    owner = DESK if DESK.role in TRANSITIONS[action].roles else OPERATOR
    with pytest.raises(IllegalTransition) as refused:
        incident.apply(action, owner, T0, note="reason")
    assert refused.value.message == NOT_IN_STATE[state]  # it says which state forbids it
    assert incident.state is state
    assert incident.events == before


@pytest.mark.parametrize("action", [Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK, Action.CLOSE])
def test_only_the_desk_acknowledges_authorises_the_fallback_and_closes(action):
    incident = _reach(PATHS[next(iter(TRANSITIONS[action].sources))])
    with pytest.raises(NotAllowed, match="only the customs desk does this"):
        incident.apply(action, OPERATOR, T0)


@pytest.mark.parametrize("actor", [MANAGER, ADMIN])
@pytest.mark.parametrize("action", list(Action))
def test_managers_and_admins_only_read(actor, action):
    incident = declared()
    with pytest.raises(NotAllowed):
        incident.apply(action, actor, T0, note="reason")
    assert incident.allowed_actions(actor) == []


def test_an_operator_cannot_act_on_another_organisations_incident():
    incident = declared()
    with pytest.raises(NotAllowed):
        incident.apply(Action.RECOVER, OTHER_OPERATOR, T0)


def test_an_operator_cannot_recover_an_outage_the_desk_declared_for_everyone():
    incident = declared(DESK, scope="eu")
    with pytest.raises(NotAllowed, match="declared by the customs desk"):
        incident.apply(Action.RECOVER, OPERATOR, T0)


@pytest.mark.parametrize("action", [Action.REFUSE_FALLBACK, Action.CANCEL])
def test_refusing_the_fallback_and_cancelling_need_a_reason(action):
    incident = _reach([Action.ACKNOWLEDGE])
    with pytest.raises(InvalidInput, match="reason"):
        incident.apply(action, DESK, T0, note="   ")
    assert incident.state is State.ACKNOWLEDGED


def test_each_transition_appends_one_event_with_before_and_after():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0 + timedelta(minutes=3), note="vu")
    event = incident.events[-1]
    assert (event.seq, event.kind, event.state_before, event.state_after) == (
        3,
        EventKind.ACKNOWLEDGED,
        State.DECLARED,
        State.ACKNOWLEDGED,
    )
    assert (event.actor_label, event.note) == (DESK.label, "vu")


def test_allowed_actions_follow_state_and_role():
    incident = declared()
    assert incident.allowed_actions(DESK) == [Action.ACKNOWLEDGE, Action.RECOVER, Action.CANCEL]
    assert incident.allowed_actions(OPERATOR) == [Action.RECOVER, Action.CANCEL]


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        ([Action.ACKNOWLEDGE, Action.RECOVER, Action.CANCEL], Action.ACKNOWLEDGE),
        (
            [Action.ACTIVATE_FALLBACK, Action.REFUSE_FALLBACK, Action.RECOVER],
            Action.ACTIVATE_FALLBACK,
        ),
        ([Action.RECOVER, Action.CANCEL], Action.RECOVER),
        ([Action.CLOSE], Action.CLOSE),
        ([Action.REFUSE_FALLBACK, Action.CANCEL], None),  # only what may be done, not what's next
        ([], None),
    ],
)
def test_the_next_action_is_the_one_that_moves_the_incident_on_towards_closure(allowed, expected):
    assert next_action(allowed) is expected
