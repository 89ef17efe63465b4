"""The manager's figures: open incidents now, and the last twelve months by component and month.

The figures read one narrow row per incident (its milestones), not the timelines, and are kept
per process (DashboardCache): a dashboard refreshed by many people at once during an outage
costs one computation at a time in the background, not one per refresh.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bcp.domain.actors import Actor
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import Clock
from bcp.domain.consignments.figures import GoodsFigures, GoodsRow
from bcp.domain.consignments.figures import figures as goods_figures
from bcp.domain.consignments.model import ConsignmentState
from bcp.domain.durations import Milestones
from bcp.domain.lifecycle import State
from bcp.domain.reflexes.progress import StepState
from bcp.domain.statistics import Summary, group, month_of, summarise
from bcp.services.context import Context
from bcp.services.incidents import IncidentView, list_incidents
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.incidents import IncidentFilter

WINDOW = timedelta(days=365)
REFRESH_EVERY_SECONDS = 30.0
log = logging.getLogger(__name__)
FRESH_SECONDS = 60.0


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
    goods: list[GoodsFigures] = field(default_factory=list)
    computation: int = field(default_factory=lambda: next(_COMPUTATIONS))
    """Which of the process's computations this is: a page made from one stays right while the
    process serves that one (bcp.web.rendered), without comparing every figure."""


_COMPUTATIONS = itertools.count(1)


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
    """The last dashboard of this process. While it is current (no incident changed and it is
    younger than FRESH_SECONDS, a bound that also covers a change committed late with an older
    event id) it is served as it is. Once out of date it is still served while one background
    thread computes the next, at most once every REFRESH_EVERY_SECONDS: a refresh never waits
    for the computation. The computation takes about 0.4 s over 100,000 incidents, and slows the
    requests its process serves meanwhile (Python's GIL): hence the spacing. Only the first
    request of a process computes in line.
    """

    def __init__(
        self, fresh_seconds: float = FRESH_SECONDS, every_seconds: float = REFRESH_EVERY_SECONDS
    ) -> None:
        self.fresh_seconds = fresh_seconds
        self.every_seconds = every_seconds
        self._lock = threading.Lock()
        self._entry: tuple[int, float, Dashboard] | None = None
        self._refreshing = False

    def serve(self, last_event_id: int, compute: Callable[[], Dashboard]) -> Dashboard:
        with self._lock:
            entry = self._entry
            age = time.monotonic() - entry[1] if entry is not None else 0.0
            current = entry is not None and entry[0] == last_event_id and age <= self.fresh_seconds
            refresh = (
                entry is not None
                and not current
                and not self._refreshing
                and age >= self.every_seconds
            )
            if refresh:
                self._refreshing = True
        if entry is None:
            board = compute()
            self._store(last_event_id, board)
            return board
        if refresh:
            threading.Thread(
                target=self._refresh, args=(last_event_id, compute), daemon=True
            ).start()
        return entry[2]

    def _refresh(self, last_event_id: int, compute: Callable[[], Dashboard]) -> None:
        try:
            self._store(last_event_id, compute())
        except Exception:
            log.exception("the dashboard could not be refreshed; the previous one is served")
        finally:
            with self._lock:
                self._refreshing = False

    def _store(self, last_event_id: int, board: Dashboard) -> None:
        with self._lock:
            self._entry = (last_event_id, time.monotonic(), board)


def dashboard(
    ctx: Context,
    cache: DashboardCache | None = None,
) -> Dashboard:
    """For the desk, managers and admins, who all see every incident."""
    if cache is None:
        return _compute(ctx.uow, ctx.clock, ctx.library, ctx.actor)
    with ctx.uow.reading():
        last_event_id = ctx.uow.incidents.last_event_id()
    return cache.serve(last_event_id, lambda: _compute(ctx.uow, ctx.clock, ctx.library, ctx.actor))


def _compute(uow: UnitOfWork, clock: Clock, library: ReflexLibrary, actor: Actor) -> Dashboard:
    now = clock.now()
    since = now - WINDOW
    with uow.reading():
        rows = uow.incidents.milestones_since(since)
        open_counts = uow.incidents.open_counts()
        goods_rows = [
            GoodsRow(
                row.incident_id,
                row.summary,
                ConsignmentState(row.state),
                row.deadline_at,
                row.lodged_at,
                row.recovered_at,
                _procedure(library, row.reflex_version, row.procedure_id),
            )
            for row in uow.consignments.narrow_since(since)
        ]
    in_fallback = list_incidents(
        Context(uow, clock, library, actor),
        IncidentFilter(states=(State.FALLBACK_ACTIVE,), limit=500),
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
        goods=goods_figures(goods_rows, now),
    )
    return board


def _procedure(library: ReflexLibrary, version: str | None, procedure_id: str | None):
    if version is None or procedure_id is None or version not in library.tables:
        return None
    return library.tables[version].procedures.get(procedure_id)
