"""/api/v1/incidents: declare, list, read, and move incidents through their lifecycle."""

from __future__ import annotations

from flask import url_for

from bcp.domain.actors import Role
from bcp.services import incidents as service
from bcp.services.context import Context
from bcp.store.incidents import IncidentFilter
from bcp.web.api import api
from bcp.web.api.serialize import event_json, incident_shape
from bcp.web.api.spec import Answer, operation
from bcp.web.runtime import runtime
from bcp.web.schemas.activation import NotificationBody
from bcp.web.schemas.incidents import (
    DeclarationBody,
    FallbackReference,
    IncidentList,
    IncidentOut,
    IncidentQuery,
    ReclassificationBody,
    StepSettlementBody,
    Timeline,
    TransitionBody,
)

TAG = "incidents"
INCIDENT = {"incident_id": "$response.body#/id"}
FROM_INCIDENT = {
    "GetIncident": ("get_incident", INCIDENT),
    "GetTimeline": ("get_timeline", INCIDENT),
    "Transition": ("post_transition", INCIDENT),
    "SettleFirstStep": (
        "post_step",
        {**INCIDENT, "step_id": "$response.body#/steps/0/id"},
    ),
    "Reclassify": ("post_reclassify", INCIDENT),
    "FallbackReference": ("post_fallback_reference", INCIDENT),
    "Refer": ("post_referral", INCIDENT),
    "Report": ("get_report", INCIDENT),
    "PostMortem": ("get_postmortem", INCIDENT),
}
"""Where an incident's answer leads: declare → read → act → steps → report."""


@api.post("/incidents")
@operation(
    "Declare an outage; the rules table picks its procedure",
    tag=TAG,
    body=DeclarationBody,
    answer=IncidentOut,
    status=201,
    roles=(Role.OPERATOR, Role.DESK),
    headers={"Location": "The new incident's address"},
    links=FROM_INCIDENT,
)
def post_incident(ctx: Context, body: DeclarationBody):
    view = service.declare_incident(ctx, body.to_domain())
    location = url_for("api.get_incident", incident_id=view.incident.id)
    return Answer(incident_shape(view, with_timeline=True), 201, {"Location": location})


@api.get("/incidents")
@operation(
    "Incidents visible to you, newest first",
    tag=TAG,
    query=IncidentQuery,
    answer=IncidentList,
    description="Operators see their organisation's incidents (a provider's, its clients' "
    "too) and those that concern everyone; the desk and managers see all.",
)
def list_incidents(ctx: Context, query: IncidentQuery):
    rt = runtime()
    settings = rt.settings
    flt = IncidentFilter(
        states=query.states(),
        component=query.component,
        since=query.since,
        limit=min(query.limit or settings.page_size, settings.max_page_size),
        offset=query.offset,
    )
    org = query.org.upper() if query.org else None
    views = service.list_incidents(ctx, flt, org)
    return IncidentList(
        items=[incident_shape(v, with_timeline=False) for v in views],
        limit=flt.limit,
        offset=flt.offset,
    )


@api.get("/incidents/<int:incident_id>")
@operation(
    "One incident, with its procedure, steps and timeline",
    tag=TAG,
    answer=IncidentOut,
    links=FROM_INCIDENT,
)
def get_incident(ctx: Context, incident_id: int):
    view = service.get_incident(ctx, incident_id)
    return incident_shape(view, with_timeline=True)


@api.get("/incidents/<int:incident_id>/timeline")
@operation("The incident's timeline, append-only", tag=TAG, answer=Timeline)
def get_timeline(ctx: Context, incident_id: int):
    view = service.get_incident(ctx, incident_id)
    return Timeline.model_validate({"items": [event_json(e) for e in view.incident.events]})


@api.post("/incidents/<int:incident_id>/transitions")
@operation(
    "Acknowledge, authorise or refuse the fallback, recover, close or cancel",
    tag=TAG,
    body=TransitionBody,
    answer=IncidentOut,
    errors=(403, 409),
    description="The incident's allowed_actions says what you may do now.",
    links=FROM_INCIDENT,
)
def post_transition(ctx: Context, incident_id: int, body: TransitionBody):
    activation = body.bcp.to_domain() if body.bcp else None
    view = service.apply_action(ctx, incident_id, body.action, body.note, activation)
    return incident_shape(view, with_timeline=True)


@api.post("/incidents/<int:incident_id>/notifications")
@operation(
    "Record that the Commission and the member states were told this operator cannot lodge",
    tag=TAG,
    body=NotificationBody,
    answer=IncidentOut,
    roles=(Role.DESK,),
    errors=(403, 409),
    description="Implementing Regulation (EU) 2023/1070, Art. 105(3), second subparagraph.",
    links=FROM_INCIDENT,
)
def post_incident_notification(ctx: Context, incident_id: int, body: NotificationBody):
    view = service.notify_commission(ctx, incident_id, body.to, body.at, body.text)
    return incident_shape(view, with_timeline=True)


@api.post("/incidents/<int:incident_id>/steps/<step_id>")
@operation(
    "Mark a step of the procedure done, or skip it with a reason",
    tag=TAG,
    body=StepSettlementBody,
    answer=IncidentOut,
    errors=(403, 409),
    links=FROM_INCIDENT,
)
def post_step(ctx: Context, incident_id: int, step_id: str, body: StepSettlementBody):
    view = service.settle_step(
        ctx,
        incident_id,
        step_id,
        done=body.status == "done",
        note=body.note,
        reference=body.reference,
    )
    return incident_shape(view, with_timeline=True)


@api.post("/incidents/<int:incident_id>/reclassify")
@operation(
    "Correct the component, side or scope; the rules run again",
    tag=TAG,
    body=ReclassificationBody,
    answer=IncidentOut,
    roles=(Role.DESK,),
    errors=(409,),
)
def post_reclassify(ctx: Context, incident_id: int, body: ReclassificationBody):
    view = service.reclassify(ctx, incident_id, body.changes(), body.note)
    return incident_shape(view, with_timeline=True)


@api.post("/incidents/<int:incident_id>/fallback-references")
@operation(
    "Issue the next fallback reference (PS-YYYY-EORI-NNNN) for the documents",
    tag=TAG,
    answer=FallbackReference,
    status=201,
    errors=(403, 409),
)
def post_fallback_reference(ctx: Context, incident_id: int):
    reference, view = service.issue_fallback_reference(ctx, incident_id)
    return Answer(
        FallbackReference(reference=reference, incident=incident_shape(view, with_timeline=True)),
        201,
    )
