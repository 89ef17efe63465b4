"""/api/v1/incidents/{id}/referrals: the desk records a referral; the carrier confirms it and
records its outcome."""

from __future__ import annotations

from flask import g, jsonify, request

from bcp.domain.fields import object_errors
from bcp.services import referrals
from bcp.web.api import api
from bcp.web.api.parsing import json_object
from bcp.web.api.serialize import incident_json, referral_json
from bcp.web.runtime import runtime


@api.post("/incidents/<int:incident_id>/referrals")
def post_referral(incident_id: int):
    rt = runtime()
    view = referrals.record_referral(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, json_object()
    )
    response = jsonify(
        {
            "referral": referral_json(view.incident.referrals[-1]),
            "incident": incident_json(view, with_timeline=False),
        }
    )
    response.status_code = 201
    return response


@api.post("/incidents/<int:incident_id>/referrals/<int:number>/confirmation")
def post_referral_confirmation(incident_id: int, number: int):
    rt = runtime()
    body = json_object() if request.get_data(cache=True) else {}
    object_errors(body, frozenset({"note"})).raise_if_any()
    view = referrals.confirm_referral(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, number, body.get("note", "")
    )
    return jsonify(_answer(view, number))


@api.post("/incidents/<int:incident_id>/referrals/<int:number>/outcome")
def post_referral_outcome(incident_id: int, number: int):
    rt = runtime()
    view = referrals.record_outcome(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, number, json_object()
    )
    return jsonify(_answer(view, number))


def _answer(view, number: int) -> dict:
    referral = next(r for r in view.incident.referrals if r.number == number)
    return {
        "referral": referral_json(referral),
        "incident": incident_json(view, with_timeline=False),
    }
