"""Loading and saving the consignments of incidents (bcp.domain.consignments)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from bcp.domain.consignments.deadlines import EnsDeadline, TimeKind
from bcp.domain.consignments.model import (
    Consignment,
    ConsignmentFacts,
    ConsignmentState,
    DocumentKind,
)
from bcp.store.models import ConsignmentRow, IncidentRow, OrganisationRow
from bcp.store.planner import incident_open

OUTSTANDING = (ConsignmentState.AT_RISK.value, ConsignmentState.SENT_BY_FALLBACK.value)
"""The states of a consignment whose ENS is not back in ICS2: its incident's closing waits."""

_TABLE = ConsignmentRow.__table__
_SHOWN_OF_INCIDENT = (  # built once (bcp.store.incidents: SQLAlchemy's cache keyed at once)
    select(_TABLE).where(_TABLE.c.incident_id == bindparam("incident_id")).order_by(_TABLE.c.id)
)
_ConsignmentColumns = namedtuple("_ConsignmentColumns", _TABLE.c.keys())
"""A plain row of the whole table, its columns as attributes: a Row's attribute costs about
0.6 µs, and a consignment reads 27 of them (an incident page with 1,000 consignments: 24 ms by
the Row's names, 5.5 ms this way, in one process)."""


@cache
def _at_risk_statement() -> Select:
    """The desk queue's goods nearest their deadline, each row with the count of them all (a
    window over the rows before the limit: one round trip, not two): built once, as its page
    refreshes every few seconds for each agent."""
    return (
        select(ConsignmentRow, OrganisationRow.name, func.count().over())
        .join(IncidentRow, IncidentRow.id == ConsignmentRow.incident_id)
        .outerjoin(OrganisationRow, OrganisationRow.id == IncidentRow.organisation_id)
        .where(
            ConsignmentRow.state == ConsignmentState.AT_RISK.value,
            ConsignmentRow.deadline_at.is_not(None),
            incident_open(),
        )
        .order_by(ConsignmentRow.deadline_at, ConsignmentRow.id)
        .limit(bindparam("limit"))
    )


class ConsignmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[int, ConsignmentRow] = {}

    def of_incident(self, incident_id: int) -> list[Consignment]:
        rows = self.session.scalars(
            select(ConsignmentRow)
            .where(ConsignmentRow.incident_id == incident_id)
            .order_by(ConsignmentRow.id)
        ).all()
        for row in rows:
            self._rows[row.id] = row
        return [to_domain(r) for r in rows]

    def shown_of_incident(self, incident_id: int) -> list[Consignment]:
        """The incident's consignments to show, not to change: read as plain rows, without the
        ORM's objects that `save` needs (a third of the time of an incident page listing
        1,000 of them)."""
        rows = self.session.execute(_SHOWN_OF_INCIDENT, {"incident_id": incident_id}).all()
        return [to_domain(_ConsignmentColumns._make(r)) for r in rows]

    def of_incidents(self, incident_ids: Iterable[int]) -> dict[int, list[Consignment]]:
        ids = list(incident_ids)
        found: dict[int, list[Consignment]] = {i: [] for i in ids}
        if not ids:
            return found
        for start in range(0, len(ids), 500):
            rows = self.session.scalars(
                select(ConsignmentRow)
                .where(ConsignmentRow.incident_id.in_(ids[start : start + 500]))
                .order_by(ConsignmentRow.id)
            ).all()
            for row in rows:
                found[row.incident_id].append(to_domain(row))
        return found

    def incidents_with_deadlines_before(self, moment: datetime) -> list[int]:
        """Open incidents with a consignment at risk whose ENS deadline comes before `moment`
        and of which nobody was reminded yet: the scheduler's work."""
        return list(
            self.session.scalars(
                select(ConsignmentRow.incident_id)
                .join(IncidentRow, IncidentRow.id == ConsignmentRow.incident_id)
                .where(
                    ConsignmentRow.state == ConsignmentState.AT_RISK.value,
                    ConsignmentRow.reminded_at.is_(None),
                    ConsignmentRow.deadline_at.is_not(None),
                    ConsignmentRow.deadline_at <= moment,
                    incident_open(),
                )
                .distinct()
                .order_by(ConsignmentRow.incident_id)
            ).all()
        )

    def at_risk_soonest(self, limit: int) -> tuple[list[tuple[Consignment, str | None]], int]:
        """Consignments at risk in open incidents, soonest ENS deadline first, with the name of
        the organisation concerned; and how many there are in all."""
        rows = self.session.execute(_at_risk_statement(), {"limit": limit}).all()
        total = rows[0][2] if rows else 0
        return [(to_domain(row), name) for row, name, _ in rows], total

    def narrow_since(self, since: datetime) -> list[tuple]:
        """One narrow row per consignment of the incidents declared since `since`: incident,
        its summary, state, deadline, lodging, the incident's recovery and procedure."""
        return list(
            self.session.execute(
                select(
                    ConsignmentRow.incident_id,
                    IncidentRow.summary,
                    ConsignmentRow.state,
                    ConsignmentRow.deadline_at,
                    ConsignmentRow.lodged_at,
                    IncidentRow.recovered_at,
                    IncidentRow.reflex_version,
                    IncidentRow.procedure_id,
                )
                .join(IncidentRow, IncidentRow.id == ConsignmentRow.incident_id)
                .where(IncidentRow.declared_at >= since)
            ).all()
        )

    def save(self, consignments: Sequence[Consignment]) -> None:
        """Insert the new ones (their ids are then set), update those loaded here."""
        new: list[tuple[Consignment, ConsignmentRow]] = []
        for c in consignments:
            if c.id is None:
                row = ConsignmentRow()
                _fill(row, c)
                new.append((c, row))
            else:
                _fill(self._rows[c.id], c)
        self.session.add_all([row for _, row in new])
        self.session.flush()
        for c, row in new:
            c.id = row.id
            self._rows[row.id] = row


def _fill(row: ConsignmentRow, c: Consignment) -> None:
    f = c.facts
    row.incident_id = c.incident_id
    row.document_kind = f.document_kind.value
    row.document_number = f.document_number
    row.case = f.case
    row.means_of_transport = f.means_of_transport
    row.office_of_first_entry = f.office_of_first_entry
    row.loading_at, row.departure_at, row.arrival_at = f.loading_at, f.departure_at, f.arrival_at
    row.lrn, row.note = f.lrn, f.note
    row.deadline_at = c.deadline.at
    row.deadline_missing = c.deadline.missing.value if c.deadline.missing else None
    row.recorded_at, row.recorded_by = c.recorded_at, c.recorded_by
    row.state = c.state.value
    row.fallback_reference, row.sent_at, row.sent_by = c.fallback_reference, c.sent_at, c.sent_by
    row.mrn, row.lodged_at, row.lodged_by = c.mrn, c.lodged_at, c.lodged_by
    row.reason, row.settled_at, row.settled_by = c.reason, c.settled_at, c.settled_by
    row.referral, row.reminded_at = c.referral, c.reminded_at


_DOCUMENT_KINDS = {k.value: k for k in DocumentKind}
_TIME_KINDS = {k.value: k for k in TimeKind}
_STATES = {s.value: s for s in ConsignmentState}


def to_domain(row: ConsignmentRow | _ConsignmentColumns) -> Consignment:
    return Consignment(
        id=row.id,
        incident_id=row.incident_id,
        facts=ConsignmentFacts(
            document_kind=_DOCUMENT_KINDS[row.document_kind],
            document_number=row.document_number,
            case=row.case,
            means_of_transport=row.means_of_transport,
            office_of_first_entry=row.office_of_first_entry,
            loading_at=row.loading_at,
            departure_at=row.departure_at,
            arrival_at=row.arrival_at,
            lrn=row.lrn,
            note=row.note,
        ),
        deadline=EnsDeadline(
            row.case,
            row.deadline_at,
            _TIME_KINDS[row.deadline_missing] if row.deadline_missing else None,
        ),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        state=_STATES[row.state],
        fallback_reference=row.fallback_reference,
        sent_at=row.sent_at,
        sent_by=row.sent_by,
        mrn=row.mrn,
        lodged_at=row.lodged_at,
        lodged_by=row.lodged_by,
        reason=row.reason,
        settled_at=row.settled_at,
        settled_by=row.settled_by,
        referral=row.referral,
        reminded_at=row.reminded_at,
    )
