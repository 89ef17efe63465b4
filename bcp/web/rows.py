"""The rows of the incident tables the lists show (`incident_table` in templates/_macros.html).

A full incident (the operator's home, the manager's search) and the desk queue's narrow read of
an incident in progress (bcp.services.queue.InProgress) give the same seven cells, so one macro
renders every row in one loop: on the day of a national outage the queue lists hundreds, and a
macro called per row cost a fifth of the page (docs/performance.md, issue 18's eighth round).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from bcp.domain.lifecycle import State
from bcp.domain.reflexes.model import Text
from bcp.services.incidents import IncidentView
from bcp.services.queue import InProgress


class IncidentCells(NamedTuple):
    id: int
    state: State
    component: str
    organisation: str | None
    summary: str
    started_at: datetime
    procedure_title: Text | None
    """The title of the procedure it follows (the queue's narrow read has the table's procedure
    for every mode, the whole read the one for the incident's modes: their titles are the same)."""


def incident_cells(items: Iterable[IncidentView | InProgress]) -> list[IncidentCells]:
    """Each item's cells, in the order given."""
    return [_cells(item) for item in items]


def _cells(item: IncidentView | InProgress) -> IncidentCells:
    if isinstance(item, InProgress):
        row = item.incident
        return IncidentCells(
            row.id,
            row.state,
            row.component,
            row.organisation,
            row.summary,
            row.started_at,
            item.procedure.title if item.procedure else None,
        )
    incident = item.incident
    return IncidentCells(
        incident.id,
        incident.state,
        incident.facts.component,
        incident.organisation.name if incident.organisation else None,
        incident.summary,
        incident.facts.started_at,
        incident.procedure.title if incident.procedure else None,
    )
