"""The status board every signed-in person sees, and each notice's page with its updates."""

from __future__ import annotations

from flask import Blueprint, render_template

from bcp.domain.actors import Role
from bcp.domain.catalogue import COMPONENTS, Mode
from bcp.domain.notices import NO_FALLBACK
from bcp.domain.referrals import ReferralKind, Route
from bcp.services import notices as service
from bcp.services.context import Context
from bcp.web.conditional import cacheable, fingerprint, unchanged
from bcp.web.freshness import board_reuse
from bcp.web.rendered import rendered_once
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("status", __name__, url_prefix="/status")


@bp.get("/")
@for_roles()
def board(ctx: Context):
    rt = runtime()
    board = service.status_board(rt.unit_of_work(), rt.clock, board_reuse())
    etag = fingerprint(board.now, ctx.actor, board.components, board.notices)
    if (same := unchanged(etag, ctx.actor)) is not None:
        return same
    page = rendered_once(
        rt.pages,
        etag,
        lambda: render_template("status/board.html", board=board, components=COMPONENTS),
    )
    return cacheable(page, etag, ctx.actor)


@bp.get("/notices/<int:notice_id>")
@for_roles()
def notice(ctx: Context, notice_id: int):
    rt = runtime()
    found, linked = service.get_notice(ctx, notice_id)
    now = rt.clock.now()
    can_activate = ctx.actor.role is Role.DESK and service.may_activate(ctx, found)
    banner = service.notices_in_force(rt.unit_of_work(), rt.clock, board_reuse())
    etag = fingerprint(now, ctx.actor, found, linked, can_activate, banner)
    if (same := unchanged(etag, ctx.actor)) is not None:
        return same
    page = rendered_once(
        rt.pages,
        etag,
        lambda: render_template(
            "status/notice.html",
            notice=found,
            linked=linked,
            now=now,
            components=COMPONENTS,
            can_activate=can_activate,
            no_fallback=NO_FALLBACK,
            modes=[m.value for m in Mode],
            referral_kinds=[k.value for k in ReferralKind],
            routes=[r.value for r in Route],
        ),
    )
    return cacheable(page, etag, ctx.actor)
