"""The manager's figures on goods: per incident, how many consignments, how many are late, and
the share re-lodged in ICS2 within the re-lodging deadline (the due time of the procedure's
re-lodging step: the step whose done_when names consignments_relodged)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bcp.domain.consignments.goods import RELODGED
from bcp.domain.consignments.model import ConsignmentState
from bcp.domain.reflexes.model import Anchor, Procedure


@dataclass(frozen=True)
class GoodsRow:
    """One consignment, as narrow as the figures need."""

    incident_id: int
    summary: str
    state: ConsignmentState
    deadline_at: datetime | None
    lodged_at: datetime | None
    recovered_at: datetime | None
    procedure: Procedure | None


@dataclass(frozen=True)
class GoodsFigures:
    incident_id: int
    summary: str
    total: int
    at_risk: int
    late: int
    sent_by_fallback: int
    lodged: int
    lodged_in_time: int
    relodging_deadline: datetime | None
    not_needed: int
    waived: int

    @property
    def share_in_time(self) -> float | None:
        """Of the consignments re-lodged, the share lodged by the re-lodging deadline."""
        return None if not self.lodged else self.lodged_in_time / self.lodged


def relodging_deadline(procedure: Procedure | None, recovered_at: datetime | None):
    if procedure is None or recovered_at is None:
        return None
    step = next((s for s in procedure.steps if RELODGED in s.done_when), None)
    if step is None or step.anchor is not Anchor.RECOVERED:
        return None
    return recovered_at + step.due_after


def figures(rows: Iterable[GoodsRow], now: datetime) -> list[GoodsFigures]:
    by_incident: Mapping[int, list[GoodsRow]] = {}
    for row in rows:
        by_incident.setdefault(row.incident_id, []).append(row)  # type: ignore[union-attr]
    found = []
    for incident_id, items in sorted(by_incident.items(), reverse=True):
        first = items[0]
        deadline = relodging_deadline(first.procedure, first.recovered_at)
        count = {state: sum(1 for r in items if r.state is state) for state in ConsignmentState}
        lodged = [r for r in items if r.state is ConsignmentState.LODGED]
        found.append(
            GoodsFigures(
                incident_id=incident_id,
                summary=first.summary,
                total=len(items),
                at_risk=count[ConsignmentState.AT_RISK],
                late=sum(
                    1
                    for r in items
                    if r.state is ConsignmentState.AT_RISK and r.deadline_at and now > r.deadline_at
                ),
                sent_by_fallback=count[ConsignmentState.SENT_BY_FALLBACK],
                lodged=len(lodged),
                lodged_in_time=sum(
                    1
                    for r in lodged
                    if deadline is None or (r.lodged_at and r.lodged_at <= deadline)
                ),
                relodging_deadline=deadline,
                not_needed=count[ConsignmentState.NOT_NEEDED],
                waived=count[ConsignmentState.WAIVED],
            )
        )
    return found


def _in_time(lodged_at: datetime | None, deadline: datetime | None) -> bool:
    return deadline is None or (lodged_at is not None and lodged_at <= deadline)
