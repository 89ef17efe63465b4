"""/api/v1/status: the status board as JSON, and the iCalendar feed of scheduled maintenance."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, jsonify

from bcp.reports.calendar import maintenance_calendar as calendar_of
from bcp.services import notices
from bcp.web.api import api
from bcp.web.api.serialize import status_json
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
