"""Durations derived from the timeline, never typed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.lifecycle import State
from bcp.domain.timeline import EventKind, TimelineEvent


@dataclass(frozen=True)
class Durations:
    time_to_acknowledge: timedelta | None
    time_in_fallback: timedelta | None
    total_outage: timedelta | None
    time_to_close: timedelta | None

    def as_seconds(self) -> dict[str, int | None]:
        return {
            name: None if value is None else int(value.total_seconds())
            for name, value in self.__dict__.items()
        }


def derive(events: list[TimelineEvent], started_at: datetime, now: datetime) -> Durations:
    """Time to acknowledge and to close count from the declaration; the total outage counts
    from the observed start to recovery, or to `now` while the outage lasts. A duration still
    running is measured up to `now`; one that never began is None."""
    declared = _first(events, EventKind.DECLARED)
    if declared is None:
        return Durations(None, None, None, None)
    acknowledged = _first(events, EventKind.ACKNOWLEDGED)
    recovered = _first(events, EventKind.RECOVERED)
    closed = _first(events, EventKind.CLOSED)
    ended = _first(events, EventKind.CANCELLED)
    last_state = events[-1].state_after

    outage_end = recovered.at if recovered else (ended.at if ended else now)
    total = None
    if last_state is not State.CANCELLED or recovered is not None:
        total = _span(started_at, outage_end)
    return Durations(
        time_to_acknowledge=_span(declared.at, acknowledged.at) if acknowledged else None,
        time_in_fallback=_fallback_time(events, now),
        total_outage=total,
        time_to_close=_span(declared.at, closed.at) if closed else None,
    )


def _fallback_time(events: list[TimelineEvent], now: datetime) -> timedelta | None:
    total = timedelta(0)
    entered: datetime | None = None
    seen = False
    for event in events:
        inside = event.state_after is State.FALLBACK_ACTIVE
        if inside and entered is None:
            entered, seen = event.at, True
        elif not inside and entered is not None:
            total += _span(entered, event.at)
            entered = None
    if entered is not None:
        total += _span(entered, now)
    return total if seen else None


def _first(events: list[TimelineEvent], kind: EventKind) -> TimelineEvent | None:
    return next((e for e in events if e.kind is kind), None)


def _span(start: datetime, end: datetime) -> timedelta:
    return max(end - start, timedelta(0))


@dataclass(frozen=True)
class Milestones:
    """What the dashboard needs of one incident: its component, state and four moments, kept
    beside it (the first acknowledgement and recovery of its timeline)."""

    component: str
    state: State
    declared_at: datetime
    started_at: datetime
    acknowledged_at: datetime | None
    recovered_at: datetime | None

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """As `derive` counts it: from the declaration to the first acknowledgement."""
        if self.acknowledged_at is None:
            return None
        return _span(self.declared_at, self.acknowledged_at)

    @property
    def time_to_recover(self) -> timedelta | None:
        """The outage of a recovered (or since closed) incident, from its observed start."""
        if self.recovered_at is None or self.state not in (State.RECOVERED, State.CLOSED):
            return None
        return _span(self.started_at, self.recovered_at)
