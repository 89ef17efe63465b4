"""What the clock calls for on an incident: escalations when the desk has not acknowledged it in
time, reminders before a step's due time, "overdue" after it, reminders of follow-up steps after
recovery, and escalations of referrals the carrier has not confirmed. Each is recorded once; a
scheduler that was down catches up with one event for the latest level reached, not one per
missed tick.

`next_watch` says when the clock may next call for something on an incident, so that the
scheduler looks again only then (or as soon as anything else changes the incident)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bcp.domain.incident import Incident
from bcp.domain.lifecycle import State
from bcp.domain.referrals import ReferralKind, referral_alerts
from bcp.domain.reflexes.engine import next_review
from bcp.domain.reflexes.model import Anchor, Phase, ReflexTable, Step
from bcp.domain.reflexes.progress import StepState, StepStatus, milestones
from bcp.domain.timeline import EventKind

DEFAULT_REFERRAL_TARGETS = {
    ReferralKind.DNL: timedelta(minutes=5),
    ReferralKind.RFS: timedelta(minutes=30),
    ReferralKind.RFI: timedelta(minutes=60),
}


@dataclass(frozen=True)
class Timing:
    acknowledgement_target: timedelta
    remind_before: timedelta = timedelta(minutes=5)
    follow_up_every: timedelta = timedelta(hours=24)
    referral_targets: Mapping[ReferralKind, timedelta] = field(
        default_factory=lambda: dict(DEFAULT_REFERRAL_TARGETS)
    )


@dataclass(frozen=True)
class Alert:
    kind: EventKind
    changes: dict[str, Any]
    note: str


def due_alerts(incident: Incident, now: datetime, timing: Timing) -> list[Alert]:
    if not incident.state.is_open:
        return []
    alerts = _escalation(incident, now, timing)
    for due in referral_alerts(incident.referrals, now, timing.referral_targets):
        alerts.append(
            Alert(
                EventKind.REFERRAL_ESCALATED,
                {
                    "referral": due.referral,
                    "kind": due.kind.value,
                    "level": due.level,
                    "waited_minutes": due.waited_minutes,
                    "target_minutes": due.target_minutes,
                },
                f"referral R{due.referral} ({due.kind.value.upper()}) not confirmed by the "
                f"carrier after {due.waited_minutes} min (target {due.target_minutes} min)",
            )
        )
    recorded = _recorded_steps(incident)
    for status, step, due in _watched_steps(incident, now):
        if _follows_up(incident, step):
            alerts += _follow_up(incident, step.id, now, timing)
        if status.state is StepState.OVERDUE:
            if (EventKind.STEP_OVERDUE, step.id) not in recorded:
                alerts.append(
                    Alert(EventKind.STEP_OVERDUE, _step(step, due), f"{step.id} is overdue")
                )
        elif (
            now >= due - timing.remind_before and (EventKind.STEP_REMINDER, step.id) not in recorded
        ):
            alerts.append(
                Alert(EventKind.STEP_REMINDER, _step(step, due), f"{step.id} is due soon")
            )
    return alerts


def next_watch(
    incident: Incident, now: datetime, timing: Timing, table: ReflexTable | None
) -> datetime | None:
    """The earliest moment after `now` at which `due_alerts`, or a review of the rules in
    `table` (the incident's own version), could find something new, assuming what was due at
    `now` has been recorded. Never later than the truth: a moment too early only costs a look
    that finds nothing. None when only a change of the incident (an action, an event) can."""
    if not incident.state.is_open:
        return None
    moments = [*_escalation_moments(incident, timing), *_referral_moments(incident, timing)]
    recorded = _recorded_steps(incident)
    for status, step, due in _watched_steps(incident, now):
        if _follows_up(incident, step):
            moments += _follow_up_moments(incident, step.id, timing)
        if (EventKind.STEP_OVERDUE, step.id) in recorded:
            continue
        if (EventKind.STEP_REMINDER, step.id) in recorded or status.state is StepState.OVERDUE:
            moments.append(due + _INSTANT)  # overdue is strictly after the due time
        else:
            moments.append(due - timing.remind_before)
    if table is not None:
        review = next_review(incident.reflex_facts(), table, now)
        if review is not None:
            moments.append(review)
    return min(moments, default=None)


# The smallest step of the clock: a step is overdue once its due time has passed.
_INSTANT = timedelta(microseconds=1)


def _watched_steps(
    incident: Incident, now: datetime
) -> Iterator[tuple[StepStatus, Step, datetime]]:
    """The steps the clock watches: not settled, with a due time; with that time."""
    for status in incident.steps(now):
        if not status.state.settled and status.due_at is not None:
            yield status, status.step, status.due_at


def _recorded_steps(incident: Incident) -> set[tuple[EventKind, Any]]:
    return {(e.kind, e.changes.get("step")) for e in incident.events}


def _follows_up(incident: Incident, step: Step) -> bool:
    """A follow-up step still to do after the recovery is reminded of periodically."""
    return step.phase is Phase.FOLLOW_UP and incident.state is State.RECOVERED


def _escalation_moments(incident: Incident, timing: Timing) -> list[datetime]:
    if incident.state is not State.DECLARED:
        return []
    done = _escalation_level(incident)
    return [incident.declared_at + (done + 1) * timing.acknowledgement_target] if done < 2 else []


def _referral_moments(incident: Incident, timing: Timing) -> list[datetime]:
    return [
        r.sent_at + (r.escalations + 1) * timing.referral_targets[r.kind]
        for r in incident.referrals
        if not r.confirmed
    ]


def _follow_up_moments(incident: Incident, step_id: str, timing: Timing) -> list[datetime]:
    recovered = milestones(incident.events).get(Anchor.RECOVERED)
    if recovered is None:
        return []
    return [recovered + (max(_follow_ups_sent(incident, step_id), 0) + 1) * timing.follow_up_every]


def _escalation_level(incident: Incident) -> int:
    return max(
        (e.changes.get("level", 0) for e in incident.events if e.kind is EventKind.ESCALATED),
        default=0,
    )


def _follow_ups_sent(incident: Incident, step_id: str) -> int:
    return max(
        (
            e.changes.get("count", 0)
            for e in incident.events
            if e.kind is EventKind.FOLLOW_UP_REMINDER and e.changes.get("step") == step_id
        ),
        default=0,
    )


def _escalation(incident: Incident, now: datetime, timing: Timing) -> list[Alert]:
    if incident.state is not State.DECLARED:
        return []
    waited = now - incident.declared_at
    target = timing.acknowledgement_target
    level = 2 if waited >= 2 * target else 1 if waited >= target else 0
    done = _escalation_level(incident)
    if level <= done:
        return []
    minutes, target_minutes = int(waited.total_seconds() // 60), int(target.total_seconds() // 60)
    return [
        Alert(
            EventKind.ESCALATED,
            {
                "level": level,
                "target_minutes": target_minutes,
                "waited_minutes": minutes,
            },
            f"not acknowledged after {minutes} min (target {target_minutes} min)",
        )
    ]


def _follow_up(incident: Incident, step_id: str, now: datetime, timing: Timing) -> list[Alert]:
    recovered = milestones(incident.events).get(Anchor.RECOVERED)
    if recovered is None:
        return []
    count = int((now - recovered) / timing.follow_up_every)
    sent = _follow_ups_sent(incident, step_id)
    if count < 1 or count <= sent:
        return []
    return [
        Alert(
            EventKind.FOLLOW_UP_REMINDER,
            {"step": step_id, "count": count},
            f"{step_id} is still to do after recovery (reminder {count})",
        )
    ]


def _step(step, due: datetime) -> dict[str, Any]:
    return {"step": step.id, "role": step.role.value, "due_at": due.isoformat()}
