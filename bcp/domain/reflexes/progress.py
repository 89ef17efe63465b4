"""Following a procedure: each step's status, derived from the incident's timeline and the clock.

A step is done or skipped when the timeline says so (a `step_done` or `step_skipped` event naming
it, or one of the incident events listed in its `done_when`); otherwise it is pending, or overdue
once its due time has passed. Because the status is derived by step id, a switch to another
procedure keeps every completed step the two procedures share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bcp.domain.reflexes.model import Anchor, Procedure, Step
from bcp.domain.timeline import EventKind, TimelineEvent

_MILESTONES = {
    EventKind.DECLARED: Anchor.DECLARED,
    EventKind.ACKNOWLEDGED: Anchor.ACKNOWLEDGED,
    EventKind.FALLBACK_ACTIVATED: Anchor.FALLBACK_AUTHORISED,
    EventKind.RECOVERED: Anchor.RECOVERED,
}


class StepState(StrEnum):
    PENDING = "pending"
    OVERDUE = "overdue"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def settled(self) -> bool:
        return self in (StepState.DONE, StepState.SKIPPED)


@dataclass(frozen=True)
class StepStatus:
    step: Step
    state: StepState
    due_at: datetime | None
    by: str | None = None
    at: datetime | None = None
    note: str = ""
    reference: str = ""
    event: TimelineEvent | None = None
    """The timeline event that settled the step."""


def milestones(events: list[TimelineEvent]) -> dict[Anchor, datetime]:
    found: dict[Anchor, datetime] = {}
    for event in events:
        anchor = _MILESTONES.get(event.kind)
        if anchor is not None and anchor not in found:
            found[anchor] = event.at
    return found


def step_statuses(
    procedure: Procedure, events: list[TimelineEvent], now: datetime
) -> list[StepStatus]:
    anchors = milestones(events)
    settled: dict[str, TimelineEvent] = {}
    for event in events:
        step_id = event.changes.get("step")
        if event.kind in (EventKind.STEP_DONE, EventKind.STEP_SKIPPED) and step_id:
            settled.setdefault(step_id, event)
    statuses = []
    for step in procedure.steps:
        start = anchors.get(step.anchor)
        due = None if start is None else start + step.due_after
        event = settled.get(step.id) or next(
            (e for e in events if e.kind.value in step.done_when), None
        )
        if event is not None:
            state = StepState.SKIPPED if event.kind is EventKind.STEP_SKIPPED else StepState.DONE
            statuses.append(
                StepStatus(
                    step,
                    state,
                    due,
                    by=event.actor_label,
                    at=event.at,
                    note=event.note,
                    reference=str(event.changes.get("reference") or ""),
                    event=event,
                )
            )
        else:
            late = due is not None and now > due
            statuses.append(StepStatus(step, StepState.OVERDUE if late else StepState.PENDING, due))
    return statuses


def blocking_steps(
    procedure: Procedure, events: list[TimelineEvent], action: str, now: datetime
) -> list[Step]:
    return [
        s.step
        for s in step_statuses(procedure, events, now)
        if action in s.step.blocks and not s.state.settled
    ]
