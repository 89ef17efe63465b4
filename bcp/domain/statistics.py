"""Figures for managers: medians and 90th percentiles of durations, per component and month."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.clock import in_paris


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Summary:
    count: int
    median: float | None
    p90: float | None


def summarise(values: Iterable[timedelta | None]) -> Summary:
    seconds = [v.total_seconds() for v in values if v is not None]
    return Summary(len(seconds), median(seconds), percentile(seconds, 0.9))


def month_of(moment: datetime) -> str:
    """The month in Paris: an incident declared at 00:30 on 1 March, Paris time, is March's."""
    return in_paris(moment).strftime("%Y-%m")


def group(items: Iterable, key) -> dict:
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(sorted(groups.items()))


@dataclass(frozen=True)
class AcknowledgementFigures:
    """A period's incidents against their acknowledgement target. Every incident counts: one
    never acknowledged (still waiting, or ended without it) is not within target, any more
    than one acknowledged late."""

    within: int
    late: int
    not_acknowledged: int

    @property
    def total(self) -> int:
        return self.within + self.late + self.not_acknowledged


def acknowledgement_figures(
    incidents: Iterable[tuple[timedelta | None, timedelta]],
) -> AcknowledgementFigures:
    """`incidents`: each incident's time to acknowledge (None if never) and its target."""
    within = late = never = 0
    for waited, target in incidents:
        if waited is None:
            never += 1
        elif waited <= target:
            within += 1
        else:
            late += 1
    return AcknowledgementFigures(within, late, never)
