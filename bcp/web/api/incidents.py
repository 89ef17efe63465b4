"""/api/v1/incidents: declare, list, read, and move incidents through their lifecycle."""

from __future__ import annotations

from flask import g, jsonify, request, url_for

from bcp.domain.catalogue import COMPONENTS
from bcp.domain.errors import invalid
from bcp.domain.lifecycle import State
from bcp.services import incidents as service
from bcp.store.incidents import IncidentFilter
from bcp.web.api import api
from bcp.web.api.parsing import json_object, query_datetime, query_int
from bcp.web.api.serialize import event_json, incident_json
from bcp.web.runtime import runtime


@api.post("/incidents")
def post_incident():
    rt = runtime()
    view = service.declare_incident(rt.unit_of_work(), rt.clock, rt.library, g.actor, json_object())
    response = jsonify(incident_json(view, with_timeline=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_incident", incident_id=view.incident.id)
    return response


@api.get("/incidents")
def list_incidents():
    rt = runtime()
    settings = rt.settings
    flt = IncidentFilter(
        states=_states(request.args.get("status", "")),
        component=_component(request.args.get("component")),
        since=query_datetime("since"),
        limit=query_int("limit", settings.page_size, 1, settings.max_page_size),
        offset=query_int("offset", 0, 0, 10_000_000),
    )
    org = (request.args.get("org") or "").strip().upper() or None
    views = service.list_incidents(rt.unit_of_work(), rt.clock, rt.library, g.actor, flt, org)
    return jsonify(
        {
            "items": [incident_json(v, with_timeline=False) for v in views],
            "limit": flt.limit,
            "offset": flt.offset,
        }
    )


@api.get("/incidents/<int:incident_id>")
def get_incident(incident_id: int):
    rt = runtime()
    view = service.get_incident(rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id)
    return jsonify(incident_json(view, with_timeline=True))


@api.get("/incidents/<int:incident_id>/timeline")
def get_timeline(incident_id: int):
    rt = runtime()
    view = service.get_incident(rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id)
    return jsonify({"items": [event_json(e) for e in view.incident.events]})


@api.post("/incidents/<int:incident_id>/transitions")
def post_transition(incident_id: int):
    rt = runtime()
    body = json_object()
    unknown = sorted(set(body) - {"action", "note"})
    if unknown:
        raise invalid(unknown[0], "unknown field; send 'action' and optionally 'note'")
    if "action" not in body:
        raise invalid("action", "required")
    view = service.apply_action(
        rt.unit_of_work(),
        rt.clock,
        rt.library,
        g.actor,
        incident_id,
        body["action"],
        body.get("note", ""),
    )
    return jsonify(incident_json(view, with_timeline=True))


@api.post("/incidents/<int:incident_id>/steps/<step_id>")
def post_step(incident_id: int, step_id: str):
    rt = runtime()
    view = service.settle_step(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, step_id, json_object()
    )
    return jsonify(incident_json(view, with_timeline=True))


@api.post("/incidents/<int:incident_id>/reclassify")
def post_reclassify(incident_id: int):
    rt = runtime()
    view = service.reclassify(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, json_object()
    )
    return jsonify(incident_json(view, with_timeline=True))


@api.post("/incidents/<int:incident_id>/fallback-references")
def post_fallback_reference(incident_id: int):
    rt = runtime()
    reference, view = service.issue_fallback_reference(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id
    )
    response = jsonify(
        {"reference": reference, "incident": incident_json(view, with_timeline=True)}
    )
    response.status_code = 201
    return response


def _states(raw: str) -> tuple[State, ...]:
    states = []
    for name in filter(None, (part.strip() for part in raw.split(","))):
        try:
            states.append(State(name))
        except ValueError:
            choices = ", ".join(s.value for s in State)
            raise invalid("status", f"unknown state {name!r}; expected: {choices}") from None
    return tuple(states)


def _component(raw: str | None) -> str | None:
    if not raw:
        return None
    code = raw.strip().upper()
    if code not in COMPONENTS:
        raise invalid("component", f"unknown component {raw!r}; known: {', '.join(COMPONENTS)}")
    return code
