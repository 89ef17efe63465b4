"""The incident state machine: which action moves an incident from which state, and who owns it.

declared -> acknowledged (desk) -> fallback_active (desk) -> recovered -> closed (desk);
`refuse_fallback` leaves an acknowledged incident where it is and records the refusal;
`recover` is possible from every open state before recovery (an outage may end before the desk
has acknowledged it); `cancel` from every open state, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bcp.domain.actors import Role


class State(StrEnum):
    DECLARED = "declared"
    ACKNOWLEDGED = "acknowledged"
    FALLBACK_ACTIVE = "fallback_active"
    RECOVERED = "recovered"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (State.CLOSED, State.CANCELLED)


OPEN_STATES = frozenset(s for s in State if s.is_open)


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ACTIVATE_FALLBACK = "activate_fallback"
    REFUSE_FALLBACK = "refuse_fallback"
    RECOVER = "recover"
    CLOSE = "close"
    CANCEL = "cancel"


FORWARD = (Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK, Action.RECOVER, Action.CLOSE)
"""The actions that move an incident on towards its closure, in the order it takes them;
refusing the fallback and cancelling are never what comes next, only what may."""


def next_action(allowed: list[Action]) -> Action | None:
    """Of the actions allowed, the one that comes next (the page's prominent button)."""
    return next((a for a in FORWARD if a in allowed), None)


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    reason_required: bool = False


_DESK = frozenset({Role.DESK})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.ACKNOWLEDGE, frozenset({State.DECLARED}), State.ACKNOWLEDGED, _DESK),
        Transition(
            Action.ACTIVATE_FALLBACK,
            frozenset({State.ACKNOWLEDGED}),
            State.FALLBACK_ACTIVE,
            _DESK,
        ),
        Transition(
            Action.REFUSE_FALLBACK,
            frozenset({State.ACKNOWLEDGED}),
            State.ACKNOWLEDGED,
            _DESK,
            reason_required=True,
        ),
        Transition(
            Action.RECOVER,
            frozenset({State.DECLARED, State.ACKNOWLEDGED, State.FALLBACK_ACTIVE}),
            State.RECOVERED,
            frozenset({Role.OPERATOR, Role.DESK}),
        ),
        Transition(Action.CLOSE, frozenset({State.RECOVERED}), State.CLOSED, _DESK),
        Transition(
            Action.CANCEL,
            OPEN_STATES,
            State.CANCELLED,
            frozenset({Role.OPERATOR, Role.DESK}),
            reason_required=True,
        ),
    )
}
