"""/api/v1/status: the status board as JSON and the iCalendar feed of scheduled maintenance;
/api/v1/notices: the desk's notices, published and updated as on the desk's pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, url_for

from bcp.domain.actors import Role
from bcp.reports.calendar import maintenance_calendar as calendar_of
from bcp.services import notices
from bcp.services.context import Context
from bcp.web.api import api
from bcp.web.api.serialize import notice_json, status_json
from bcp.web.api.spec import Answer, Media, operation, respond
from bcp.web.conditional import cacheable, fingerprint, unchanged
from bcp.web.freshness import board_reuse
from bcp.web.runtime import runtime
from bcp.web.schemas.activation import NotificationBody
from bcp.web.schemas.notices import (
    LinkedNotice,
    NoticeBody,
    NoticeCloseBody,
    NoticeFallbackBody,
    NoticeOut,
    NoticeUpdateBody,
    PublishedNotice,
    StatusBoard,
)

TAG = "status and notices"
DESK = (Role.DESK,)


@api.get("/status")
@operation(
    "The status board: each component's state, since when, and open notices",
    tag=TAG,
    answer=StatusBoard,
    conditional=True,
)
def get_status(ctx: Context):
    """Answered 304 to a poller that holds the board already (bcp.web.conditional)."""
    rt = runtime()
    board = notices.status_board(rt.unit_of_work(), rt.clock, board_reuse())
    etag = fingerprint(board.now, ctx.actor.role, board.components, board.notices)
    if (same := unchanged(etag, ctx.actor)) is not None:
        return same
    answer = respond(StatusBoard.model_validate(status_json(board)), 200)
    return cacheable(answer, etag, ctx.actor)


@api.get("/status/maintenance.ics")
@operation(
    "Scheduled unavailabilities as an iCalendar feed (RFC 5545), for calendar applications",
    tag=TAG,
    answer=Media("text/calendar", "One VEVENT per notice of scheduled maintenance"),
    public=True,
)
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
@operation(
    "Publish a notice of a scheduled or unscheduled outage, for every operator",
    tag=TAG,
    body=NoticeBody,
    answer=PublishedNotice,
    status=201,
    roles=DESK,
    headers={"Location": "The new notice's address"},
    description="Scheduled maintenance less than 48 hours ahead is refused (422, field "
    "short_notice_confirmed) until sent again with short_notice_confirmed: true.",
)
def post_notice(ctx: Context, body: NoticeBody):
    rt = runtime()
    published = notices.publish_notice(ctx, body.to_domain())
    notice = published.notice
    shape = PublishedNotice(
        notice=notice_json(notice, rt.clock.now()),
        warnings=published.warnings,
        linked_incidents=published.linked,
    )
    return Answer(shape, 201, {"Location": url_for("api.get_notice", notice_id=notice.id)})


@api.get("/notices/<int:notice_id>")
@operation(
    "One notice, with its updates and the incidents linked to it", tag=TAG, answer=LinkedNotice
)
def get_notice(ctx: Context, notice_id: int):
    rt = runtime()
    notice, linked = notices.get_notice(ctx, notice_id)
    return LinkedNotice.model_validate(
        {**notice_json(notice, rt.clock.now()), "linked_incidents": linked}
    )


@api.post("/notices/<int:notice_id>/updates")
@operation(
    "Append an update: what changed, a new expected end",
    tag=TAG,
    body=NoticeUpdateBody,
    answer=NoticeOut,
    roles=DESK,
)
def post_notice_update(ctx: Context, notice_id: int, body: NoticeUpdateBody):
    rt = runtime()
    notice = notices.update_notice(ctx, notice_id, body.text, body.expected_end, body.messages)
    return NoticeOut.model_validate(notice_json(notice, rt.clock.now()))


@api.post("/notices/<int:notice_id>/fallback")
@operation(
    "Activate the BCP (the fallback window opens) or end it",
    tag=TAG,
    body=NoticeFallbackBody,
    answer=NoticeOut,
    roles=DESK,
)
def post_notice_fallback(ctx: Context, notice_id: int, body: NoticeFallbackBody):
    rt = runtime()
    activation = body.bcp.to_domain() if body.bcp else None
    notice = notices.set_fallback(ctx, notice_id, body.allowed, body.text, activation)
    return NoticeOut.model_validate(notice_json(notice, rt.clock.now()))


@api.post("/notices/<int:notice_id>/notifications")
@operation(
    "Record that the Commission and the member states were told of the outage",
    tag=TAG,
    body=NotificationBody,
    answer=NoticeOut,
    roles=DESK,
    description="Implementing Regulation (EU) 2023/1070, Art. 105(3): to whom, and when.",
)
def post_notice_notification(ctx: Context, notice_id: int, body: NotificationBody):
    rt = runtime()
    notice = notices.notify_commission(ctx, notice_id, body.to, body.at, body.text)
    return NoticeOut.model_validate(notice_json(notice, rt.clock.now()))


@api.post("/notices/<int:notice_id>/close")
@operation(
    "Close the notice: the outage is over",
    tag=TAG,
    body=NoticeCloseBody,
    body_required=False,
    answer=NoticeOut,
    roles=DESK,
)
def post_notice_close(ctx: Context, notice_id: int, body: NoticeCloseBody):
    rt = runtime()
    notice = notices.close_notice(ctx, notice_id, body.text)
    return NoticeOut.model_validate(notice_json(notice, rt.clock.now()))
