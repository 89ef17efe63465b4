"""The status board: the state of each component the administrations run, derived from the desk's
notices, the open incidents and the desk's probes, with since when and why.

down > maintenance > degraded > operational: an unscheduled notice (or an overrun maintenance),
an open outage the desk declared for everyone, or a desk probe that fails says "down"; a scheduled
notice whose window has begun says "maintenance"; operators' own reports of trouble that no
notice covers say "degraded" (the desk has not confirmed it yet)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bcp.domain.notices import PUBLIC_COMPONENTS, Notice


class Health(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    MAINTENANCE = "maintenance"
    DOWN = "down"


_RANK = {Health.OPERATIONAL: 0, Health.DEGRADED: 1, Health.MAINTENANCE: 2, Health.DOWN: 3}


class CauseKind(StrEnum):
    NOTICE = "notice"
    INCIDENT = "incident"
    PROBE = "probe"
    REPORTS = "reports"


@dataclass(frozen=True)
class Cause:
    kind: CauseKind
    health: Health
    since: datetime | None
    ref: int | None = None
    count: int = 1


@dataclass(frozen=True)
class OpenOutage:
    """An open incident not linked to a notice, as far as the board needs it."""

    incident_id: int
    component: str
    for_everyone: bool
    started_at: datetime


@dataclass(frozen=True)
class FailingProbe:
    probe_id: int
    component: str
    since: datetime | None


@dataclass(frozen=True)
class ComponentStatus:
    component: str
    health: Health
    since: datetime | None
    fallback_allowed: bool
    causes: tuple[Cause, ...] = ()
    upcoming: tuple[int, ...] = field(default=())  # scheduled notices still to start


def board(
    notices: Iterable[Notice],
    outages: Iterable[OpenOutage],
    probes: Iterable[FailingProbe],
    now: datetime,
) -> list[ComponentStatus]:
    causes: dict[str, list[Cause]] = {c: [] for c in PUBLIC_COMPONENTS}
    allowed: dict[str, bool] = dict.fromkeys(PUBLIC_COMPONENTS, False)
    upcoming: dict[str, list[int]] = {c: [] for c in PUBLIC_COMPONENTS}
    for notice in notices:
        if not notice.is_open:
            continue
        for component in notice.components:
            if component not in causes:
                continue
            if not notice.started(now):
                upcoming[component].append(notice.id)
                continue
            health = Health.MAINTENANCE if notice.scheduled else Health.DOWN
            causes[component].append(Cause(CauseKind.NOTICE, health, notice.starts_at, notice.id))
            allowed[component] = allowed[component] or notice.fallback_allowed(now)
    reports: dict[str, list[OpenOutage]] = {}
    for outage in outages:
        if outage.component not in causes:
            continue
        if outage.for_everyone:
            causes[outage.component].append(
                Cause(CauseKind.INCIDENT, Health.DOWN, outage.started_at, outage.incident_id)
            )
        else:
            reports.setdefault(outage.component, []).append(outage)
    for component, reported in reports.items():
        causes[component].append(
            Cause(
                CauseKind.REPORTS,
                Health.DEGRADED,
                min(o.started_at for o in reported),
                count=len(reported),
            )
        )
    for probe in probes:
        if probe.component in causes:
            causes[probe.component].append(
                Cause(CauseKind.PROBE, Health.DOWN, probe.since, probe.probe_id)
            )
    statuses = []
    for component in PUBLIC_COMPONENTS:
        found = causes[component]
        health = max((c.health for c in found), key=_RANK.__getitem__, default=Health.OPERATIONAL)
        starts = [c.since for c in found if c.health is health and c.since is not None]
        statuses.append(
            ComponentStatus(
                component=component,
                health=health,
                since=min(starts) if starts else None,
                fallback_allowed=allowed[component],
                causes=tuple(sorted(found, key=lambda c: -_RANK[c.health])),
                upcoming=tuple(upcoming[component]),
            )
        )
    return statuses
