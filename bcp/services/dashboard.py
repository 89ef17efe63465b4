"""The manager's figures, computed from incidents and their timelines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bcp.domain.actors import Actor
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import Clock
from bcp.domain.lifecycle import State
from bcp.domain.reflexes.progress import StepState
from bcp.domain.statistics import Summary, group, month_of, summarise
from bcp.services.incidents import IncidentView, list_incidents
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.incidents import IncidentFilter

MAX_INCIDENTS = 10_000


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    acknowledge: Summary
    recover: Summary


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    open_by_component: dict[str, Counter]
    open_states: list[State]
    by_component: list[Row]
    by_month: list[Row]
    late_in_fallback: list[IncidentView]
    total: int


def summary_rows(groups: dict[str, list[IncidentView]]) -> list[Row]:
    """Per group: how many, time to acknowledge, and time to recover of the recovered ones."""
    return [
        Row(
            label,
            len(items),
            summarise(v.durations.time_to_acknowledge for v in items),
            summarise(
                v.durations.total_outage
                for v in items
                if v.incident.state in (State.RECOVERED, State.CLOSED)
            ),
        )
        for label, items in groups.items()
    ]


def dashboard(uow: UnitOfWork, clock: Clock, library: ReflexLibrary, actor: Actor) -> Dashboard:
    views = list_incidents(uow, clock, library, actor, IncidentFilter(limit=MAX_INCIDENTS))
    open_views = [v for v in views if v.incident.state.is_open]
    open_by_component = {
        code: Counter(v.incident.state for v in items)
        for code, items in group(open_views, lambda v: v.incident.facts.component).items()
    }

    by_component = group(views, lambda v: v.incident.facts.component)
    by_component = {code: by_component[code] for code in COMPONENTS if code in by_component}
    late = [
        v
        for v in open_views
        if v.incident.state is State.FALLBACK_ACTIVE
        and any(s.state is StepState.OVERDUE for s in v.steps)
    ]
    return Dashboard(
        now=clock.now(),
        open_by_component=open_by_component,
        open_states=[s for s in State if s.is_open],
        by_component=summary_rows(by_component),
        by_month=summary_rows(group(views, lambda v: month_of(v.incident.declared_at))),
        late_in_fallback=late,
        total=len(views),
    )
