"""The status board every signed-in person sees, and each notice's page with its updates."""

from __future__ import annotations

from flask import Blueprint, render_template

from bcp.domain.catalogue import COMPONENTS
from bcp.services import notices as service
from bcp.web.runtime import runtime
from bcp.web.security import require

bp = Blueprint("status", __name__, url_prefix="/status")


@bp.get("/")
def board():
    require()
    rt = runtime()
    return render_template(
        "status/board.html",
        board=service.status_board(rt.unit_of_work(), rt.clock),
        components=COMPONENTS,
    )


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    actor = require()
    rt = runtime()
    found, linked = service.get_notice(rt.unit_of_work(), actor, notice_id)
    return render_template(
        "status/notice.html",
        notice=found,
        linked=linked,
        now=rt.clock.now(),
        components=COMPONENTS,
    )
