"""JSON shapes of the API; keep them in step with openapi.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from bcp.domain.catalogue import COMPONENTS
from bcp.domain.timeline import TimelineEvent
from bcp.services.incidents import IncidentView


def instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def incident_json(view: IncidentView, *, with_timeline: bool) -> dict[str, Any]:
    incident, facts = view.incident, view.incident.facts
    spec = COMPONENTS[facts.component]
    org = incident.organisation
    first = incident.events[0] if incident.events else None
    body: dict[str, Any] = {
        "id": incident.id,
        "state": incident.state.value,
        "component": facts.component,
        "component_name": {"en": spec.name_en, "fr": spec.name_fr},
        "organisation": ({"name": org.name, "eori": org.eori, "siret": org.siret} if org else None),
        "scope": facts.scope.value,
        "side": facts.side.value,
        "concerns_everyone": incident.concerns_everyone,
        "started_at": instant(facts.started_at),
        "declared_at": instant(incident.declared_at),
        "declared_by": (
            {"user_id": first.actor_user_id, "name": first.actor_label} if first else None
        ),
        "planned": facts.planned,
        "planned_until": instant(facts.planned_until),
        "modes": [m.value for m in facts.modes],
        "channel": facts.channel.value,
        "ens_operations": [o.value for o in facts.ens_operations],
        "ens_waiting": incident.ens_waiting,
        "summary": incident.summary,
        "description": incident.description,
        "durations": view.durations.as_seconds(),
        "allowed_actions": [a.value for a in view.allowed_actions],
        "links": {
            "self": url_for("api.get_incident", incident_id=incident.id),
            "timeline": url_for("api.get_timeline", incident_id=incident.id),
            "transitions": url_for("api.post_transition", incident_id=incident.id),
        },
    }
    if with_timeline:
        body["timeline"] = [event_json(e) for e in incident.events]
    return body


def event_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": instant(event.at),
        "kind": event.kind.value,
        "actor": {
            "user_id": event.actor_user_id,
            "name": event.actor_label,
            "role": event.actor_role.value if event.actor_role else None,
        },
        "state_before": event.state_before.value if event.state_before else None,
        "state_after": event.state_after.value,
        "changes": event.changes,
        "note": event.note,
    }
