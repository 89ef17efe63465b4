"""Queries on drafts: what the application proposes to declare or to report as recovered."""

from __future__ import annotations

from sqlalchemy import bindparam, select
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


# Asked by every desk queue and operator home page: built once (SQLAlchemy then keys its cache of
# compiled statements without building them again).
_OPEN_DRAFTS = select(DraftRow).where(DraftRow.status == "open").order_by(DraftRow.id)
_OPEN_DRAFTS_OF = _OPEN_DRAFTS.where(DraftRow.organisation_id == bindparam("organisation_id"))


def open_drafts(session: Session, organisation_id: int | None = None) -> list[DraftRow]:
    """Open drafts: an organisation's, or every one (the desk's view) when None."""
    if organisation_id is None:
        return list(session.scalars(_OPEN_DRAFTS))
    return list(session.scalars(_OPEN_DRAFTS_OF, {"organisation_id": organisation_id}))
