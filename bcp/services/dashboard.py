"""The manager's figures: open incidents now, and the last twelve months by component and month.

The figures read one narrow row per incident (its milestones), not the timelines, and are kept
for a few seconds per process: a dashboard refreshed by many people at once during an outage
costs one computation per change, not one per refresh.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.actors import Actor
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import Clock
from bcp.domain.durations import Milestones
from bcp.domain.lifecycle import State
from bcp.domain.reflexes.progress import StepState
from bcp.domain.statistics import Summary, group, month_of, summarise
from bcp.services.incidents import IncidentView, list_incidents
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.incidents import IncidentFilter

WINDOW = timedelta(days=365)
FRESH_SECONDS = 10.0


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    acknowledge: Summary
    recover: Summary


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    since: datetime
    open_by_component: dict[str, Counter]
    open_states: list[State]
    by_component: list[Row]
    by_month: list[Row]
    late_in_fallback: list[IncidentView]
    total: int


def summary_rows(groups: dict[str, list[Milestones]]) -> list[Row]:
    """Per group: how many, time to acknowledge, and time to recover of the recovered ones."""
    return [
        Row(
            label,
            len(items),
            summarise(m.time_to_acknowledge for m in items),
            summarise(m.time_to_recover for m in items),
        )
        for label, items in groups.items()
    ]


class DashboardCache:
    """The last dashboard of this process, reused while no incident changed and for at most
    FRESH_SECONDS (the bound also covers a change committed late with an older event id)."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS) -> None:
        self.fresh_seconds = fresh_seconds
        self._lock = threading.Lock()
        self._entry: tuple[int, float, Dashboard] | None = None

    def get(self, last_event_id: int) -> Dashboard | None:
        with self._lock:
            entry = self._entry
        if entry is None:
            return None
        key, made, board = entry
        if key != last_event_id or time.monotonic() - made > self.fresh_seconds:
            return None
        return board

    def put(self, last_event_id: int, board: Dashboard) -> None:
        with self._lock:
            self._entry = (last_event_id, time.monotonic(), board)


def dashboard(
    uow: UnitOfWork,
    clock: Clock,
    library: ReflexLibrary,
    actor: Actor,
    cache: DashboardCache | None = None,
) -> Dashboard:
    """For the desk, managers and admins, who all see every incident."""
    with uow:
        last_event_id = uow.incidents.last_event_id()
    if cache is not None and (board := cache.get(last_event_id)) is not None:
        return board
    now = clock.now()
    since = now - WINDOW
    with uow:
        rows = uow.incidents.milestones_since(since)
        open_counts = uow.incidents.open_counts()
    in_fallback = list_incidents(
        uow, clock, library, actor, IncidentFilter(states=(State.FALLBACK_ACTIVE,), limit=500)
    )
    open_by_component: dict[str, Counter] = {}
    for component, state, count in sorted(open_counts, key=lambda c: c[0]):
        open_by_component.setdefault(component, Counter())[state] = count
    by_component = group(rows, lambda m: m.component)
    by_component = {code: by_component[code] for code in COMPONENTS if code in by_component}
    board = Dashboard(
        now=now,
        since=since,
        open_by_component=open_by_component,
        open_states=[s for s in State if s.is_open],
        by_component=summary_rows(by_component),
        by_month=summary_rows(group(rows, lambda m: month_of(m.declared_at))),
        late_in_fallback=[
            v for v in in_fallback if any(s.state is StepState.OVERDUE for s in v.steps)
        ],
        total=len(rows),
    )
    if cache is not None:
        cache.put(last_event_id, board)
    return board
