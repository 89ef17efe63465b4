"""Use cases of referrals passed to a carrier while the fallback is active (see
bcp.domain.referrals): the desk records one, the carrier confirms it and records its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bcp.domain.actors import Actor
from bcp.domain.clock import Clock
from bcp.domain.errors import invalid
from bcp.domain.incident import Incident
from bcp.domain.referrals import parse_outcome, parse_referral
from bcp.domain.timeline import TimelineEvent
from bcp.services.incidents import IncidentView, change
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork


def record_referral(
    uow: UnitOfWork,
    clock: Clock,
    library: ReflexLibrary,
    actor: Actor,
    incident_id: int,
    data: Mapping[str, Any],
) -> IncidentView:
    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        incident.check_may_refer(actor)
        request = parse_referral(data, now, not_before=incident.facts.started_at)
        return [incident.record_referral(request, actor, now)]

    return change(uow, clock, library, actor, incident_id, act)


def confirm_referral(
    uow: UnitOfWork,
    clock: Clock,
    library: ReflexLibrary,
    actor: Actor,
    incident_id: int,
    number: int,
    note: Any = "",
) -> IncidentView:
    if not isinstance(note, str):
        raise invalid("note", "expected a string")
    return change(
        uow,
        clock,
        library,
        actor,
        incident_id,
        lambda incident, now: [incident.confirm_referral(number, actor, now, note)],
    )


def record_outcome(
    uow: UnitOfWork,
    clock: Clock,
    library: ReflexLibrary,
    actor: Actor,
    incident_id: int,
    number: int,
    data: Mapping[str, Any],
) -> IncidentView:
    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        referral = incident.referral_for(number, actor)
        outcome, result, note = parse_outcome(data, referral.kind)
        return incident.record_referral_outcome(number, outcome, result, note, actor, now)

    return change(uow, clock, library, actor, incident_id, act)
