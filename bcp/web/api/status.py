"""/api/v1/status: the status board as JSON and the iCalendar feed of scheduled maintenance;
/api/v1/notices: the desk's notices, published and updated as on the desk's pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, g, jsonify, request, url_for

from bcp.domain.errors import invalid
from bcp.domain.fields import object_errors
from bcp.reports.calendar import maintenance_calendar as calendar_of
from bcp.services import notices
from bcp.web.api import api
from bcp.web.api.parsing import json_object
from bcp.web.api.serialize import notice_json, status_json
from bcp.web.runtime import runtime


@api.get("/status")
def get_status():
    rt = runtime()
    return jsonify(status_json(notices.status_board(rt.unit_of_work(), rt.clock)))


@api.get("/status/maintenance.ics")
def maintenance_calendar():
    """Public, as the Commission's own maintenance calendar is: a calendar application cannot
    send a token. It says only what the notices say to every operator."""
    rt = runtime()
    now = rt.clock.now()
    host = urlsplit(rt.settings.public_url).hostname or "bcp"  # stable UIDs, whatever the Host
    body = calendar_of(notices.maintenance_notices(rt.unit_of_work(), rt.clock), now, host)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="ics2-maintenance.ics"',
            "Cache-Control": "public, max-age=300",
        },
    )


@api.post("/notices")
def post_notice():
    rt = runtime()
    published = notices.publish_notice(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, json_object()
    )
    notice = published.notice
    response = jsonify(
        {
            "notice": notice_json(notice, rt.clock.now()),
            "warnings": published.warnings,
            "linked_incidents": published.linked,
        }
    )
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_notice", notice_id=notice.id)
    return response


@api.get("/notices/<int:notice_id>")
def get_notice(notice_id: int):
    rt = runtime()
    notice, linked = notices.get_notice(rt.unit_of_work(), g.actor, notice_id)
    return jsonify({**notice_json(notice, rt.clock.now()), "linked_incidents": linked})


@api.post("/notices/<int:notice_id>/updates")
def post_notice_update(notice_id: int):
    rt = runtime()
    notice = notices.update_notice(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, notice_id, json_object()
    )
    return jsonify(notice_json(notice, rt.clock.now()))


@api.post("/notices/<int:notice_id>/fallback")
def post_notice_fallback(notice_id: int):
    rt = runtime()
    body = json_object()
    object_errors(body, frozenset({"allowed", "text"})).raise_if_any()
    allowed = body.get("allowed")
    if not isinstance(allowed, bool):
        raise invalid("allowed", "required: true opens the fallback window, false closes it")
    notice = notices.set_fallback(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, notice_id, allowed, body.get("text")
    )
    return jsonify(notice_json(notice, rt.clock.now()))


@api.post("/notices/<int:notice_id>/close")
def post_notice_close(notice_id: int):
    rt = runtime()
    body = json_object() if request.get_data(cache=True) else {}
    object_errors(body, frozenset({"text"})).raise_if_any()
    notice = notices.close_notice(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, notice_id, body.get("text")
    )
    return jsonify(notice_json(notice, rt.clock.now()))
