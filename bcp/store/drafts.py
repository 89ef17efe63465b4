"""Queries on drafts: what the application proposes to declare or to report as recovered."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import DraftRow, IncidentRow
from bcp.store.planner import incident_open


def open_incident_on(session: Session, component: str, organisation_id: int | None):
    """An incident of the organisation (or the desk's, for None) on the component, not closed."""
    query = select(IncidentRow).where(
        IncidentRow.component == component,
        IncidentRow.organisation_id.is_(None)
        if organisation_id is None
        else IncidentRow.organisation_id == organisation_id,
        incident_open(),
    )
    return session.scalars(query.order_by(IncidentRow.id)).first()


def open_draft(
    session: Session, kind: str, component: str, organisation_id: int | None
) -> DraftRow | None:
    query = select(DraftRow).where(
        DraftRow.kind == kind,
        DraftRow.component == component,
        DraftRow.status == "open",
        DraftRow.organisation_id.is_(None)
        if organisation_id is None
        else DraftRow.organisation_id == organisation_id,
    )
    return session.scalars(query).first()


def open_drafts(session: Session, organisation_id: int | None = None) -> list[DraftRow]:
    """Open drafts: an organisation's, or every one (the desk's view) when None."""
    query = select(DraftRow).where(DraftRow.status == "open").order_by(DraftRow.id)
    if organisation_id is not None:
        query = query.where(DraftRow.organisation_id == organisation_id)
    return list(session.scalars(query))
