"""Drafts the application proposes to people: an incident to declare, a recovery to report."""

from __future__ import annotations

from datetime import datetime

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import Clock
from bcp.domain.errors import NotAllowed, NotFound
from bcp.domain.messages import N_
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.audit import audit
from bcp.store.drafts import open_draft, open_drafts, open_incident_on
from bcp.store.models import DraftRow


def propose(
    uow: UnitOfWork,
    *,
    kind: str,
    organisation_id: int | None,
    component: str,
    side: str,
    summary: str,
    detail: str,
    started_at: datetime,
    source: str,
    now: datetime,
) -> DraftRow | None:
    """Inside the caller's unit of work. Never a duplicate: no new incident draft while an
    incident or a draft for the same component and organisation is open."""
    session = uow.session
    open_incident = open_incident_on(session, component, organisation_id)
    if kind == "incident" and open_incident is not None:
        return None
    if kind == "recovery" and (open_incident is None or open_incident.state == "recovered"):
        return None
    if open_draft(session, kind, component, organisation_id) is not None:
        return None
    draft = DraftRow(
        kind=kind,
        organisation_id=organisation_id,
        incident_id=open_incident.id if kind == "recovery" else None,
        component=component,
        side=side,
        summary=summary[:200],
        detail=detail,
        started_at=started_at,
        source=source,
        status="open",
        created_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def drafts_for(uow: UnitOfWork, actor: Actor) -> list[DraftRow]:
    with uow.reading():
        if actor.role is Role.OPERATOR:
            return open_drafts(uow.session, actor.organisation_id)
        if actor.role is Role.DESK:
            return open_drafts(uow.session)
        return []


def close_draft(
    uow: UnitOfWork, clock: Clock, actor: Actor, draft_id: int, status: str
) -> DraftRow:
    """`accepted` (the person declared or recovered) or `dismissed`."""
    with uow:
        draft = uow.session.get(DraftRow, draft_id)
        if draft is None or draft.status != "open":
            raise NotFound(N_("no open draft %(draft_id)s"), draft_id=draft_id)
        if actor.role is Role.OPERATOR and draft.organisation_id != actor.organisation_id:
            raise NotFound(N_("no open draft %(draft_id)s"), draft_id=draft_id)
        if actor.role not in (Role.OPERATOR, Role.DESK):
            raise NotAllowed(N_("drafts are for operators and the desk"))
        draft.status = status
        audit(uow.session, actor, f"draft_{status}", str(draft_id), clock.now())
        uow.commit()
        return draft
