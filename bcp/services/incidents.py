"""Use cases of the incident lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import Clock
from bcp.domain.declaration import parse_declaration
from bcp.domain.durations import Durations, derive
from bcp.domain.errors import NotAllowed, NotFound, invalid
from bcp.domain.incident import Incident, declare
from bcp.domain.lifecycle import Action
from bcp.domain.timeline import TimelineEvent
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import organisation_by_eori
from bcp.store.incidents import IncidentFilter, organisation_ref
from bcp.store.outbox import enqueue


@dataclass(frozen=True)
class IncidentView:
    """An incident as one actor sees it at one moment."""

    incident: Incident
    durations: Durations
    allowed_actions: list[Action]


def declare_incident(
    uow: UnitOfWork, clock: Clock, actor: Actor, data: Mapping[str, Any]
) -> IncidentView:
    now = clock.now()
    declaration = parse_declaration(data, now)
    with uow:
        organisation = None
        eori = declaration.organisation_eori
        if actor.role is Role.OPERATOR:
            if eori is not None and (actor.organisation is None or eori != actor.organisation.eori):
                raise NotAllowed("an operator declares outages for its own organisation only")
            organisation = actor.organisation
            if organisation is None:
                raise NotAllowed("this operator account belongs to no organisation")
        elif eori is not None:
            row = organisation_by_eori(uow.session, eori)
            if row is None:
                raise invalid("organisation", f"no organisation has the EORI {eori}")
            organisation = organisation_ref(row)
        incident = declare(declaration, actor, organisation, now)
        uow.incidents.add(incident)
        _enqueue_events(uow, incident, incident.events)
        uow.commit()
    return _view(incident, actor, now)


def apply_action(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    incident_id: int,
    action_name: Any,
    note: Any = "",
) -> IncidentView:
    action = _parse_action(action_name)
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise invalid("note", "expected a string")
    with uow:
        incident = _load_visible(uow, actor, incident_id, for_update=True)
        now = clock.now()
        event = incident.apply(action, actor, now, note)
        uow.incidents.save(incident)
        _enqueue_events(uow, incident, [event])
        uow.commit()
    return _view(incident, actor, now)


def get_incident(uow: UnitOfWork, clock: Clock, actor: Actor, incident_id: int) -> IncidentView:
    with uow:
        incident = _load_visible(uow, actor, incident_id)
    return _view(incident, actor, clock.now())


def list_incidents(
    uow: UnitOfWork, clock: Clock, actor: Actor, flt: IncidentFilter, org_eori: str | None = None
) -> list[IncidentView]:
    now = clock.now()
    with uow:
        if org_eori is not None:
            row = organisation_by_eori(uow.session, org_eori)
            if row is None:
                return []
            flt = IncidentFilter(**{**flt.__dict__, "organisation_id": row.id})
        incidents = uow.incidents.list(actor, flt)
    return [_view(i, actor, now) for i in incidents]


def _load_visible(
    uow: UnitOfWork, actor: Actor, incident_id: int, *, for_update: bool = False
) -> Incident:
    incident = uow.incidents.get(incident_id, for_update=for_update)
    if incident is None or not incident.visible_to(actor):
        raise NotFound(f"no incident {incident_id}")
    return incident


def _parse_action(name: Any) -> Action:
    try:
        return Action(name)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise invalid("action", f"unknown action {name!r}; expected one of: {choices}") from None


def _view(incident: Incident, actor: Actor, now: datetime) -> IncidentView:
    return IncidentView(
        incident=incident,
        durations=derive(incident.events, incident.facts.started_at, now),
        allowed_actions=incident.allowed_actions(actor),
    )


def _enqueue_events(uow: UnitOfWork, incident: Incident, events: list[TimelineEvent]) -> None:
    for event in events:
        enqueue(
            uow.session,
            topic=f"incident.{event.kind.value}",
            idempotency_key=f"incident-{incident.id}-event-{event.seq}",
            incident_id=incident.id,
            payload={
                "incident_id": incident.id,
                "event": event.kind.value,
                "state": event.state_after.value,
                "at": event.at.isoformat(),
                "actor": event.actor_label,
                "component": incident.facts.component,
                "summary": incident.summary,
            },
            now=event.at,
        )
