"""The table as a matrix a person can read: for each component and side at fault, which
procedure applies when the outage is unplanned, when it lasts past each threshold, and when it
is planned; every mode, channel and scope is checked, and a cell lists every procedure found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bcp.domain.catalogue import COMPONENTS, Component, Side
from bcp.domain.reflexes.coverage import enumerate_cases
from bcp.domain.reflexes.model import ReflexTable


@dataclass(frozen=True)
class Column:
    planned: bool
    lasted: timedelta


@dataclass(frozen=True)
class Row:
    component: Component
    side: Side
    cells: tuple[tuple[str, ...], ...]


def matrix(table: ReflexTable) -> tuple[list[Column], list[Row]]:
    columns = [Column(False, t) for t in sorted({timedelta(0), *table.thresholds})]
    columns.append(Column(True, timedelta(0)))
    found: dict[tuple[str, Side, Column], set[str]] = {}
    for case in enumerate_cases(table):
        column = Column(case.facts.planned, case.lasted)
        if column in columns:
            key = (case.facts.component, case.facts.side, column)
            found.setdefault(key, set()).update(r.procedure for r in case.winners)
    rows = [
        Row(spec, side, tuple(tuple(sorted(found.get((spec.code, side, c), ()))) for c in columns))
        for spec in COMPONENTS.values()
        for side in spec.sides
    ]
    return columns, rows
