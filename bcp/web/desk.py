"""The customs desk: the live queue of incidents waiting for acknowledgement, and the rest."""

from __future__ import annotations

from flask import Blueprint, render_template

from bcp.domain.actors import Role
from bcp.domain.lifecycle import State
from bcp.services import incidents as service
from bcp.services.drafts import drafts_for
from bcp.services.queue import waiting_queue
from bcp.store.incidents import IncidentFilter
from bcp.web.runtime import runtime
from bcp.web.security import require

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.get("/")
def queue():
    require(Role.DESK)
    return render_template("desk/queue.html", **_queue())


@bp.get("/queue/rows")
def queue_rows():
    """The part of the page that refreshes by itself; nothing the agent types is in it."""
    require(Role.DESK)
    return render_template("desk/_queue_rows.html", **_queue())


def _queue() -> dict:
    rt = runtime()
    actor = require(Role.DESK)
    waiting = waiting_queue(rt.unit_of_work(), rt.clock, rt.settings)
    in_progress = service.list_incidents(
        rt.unit_of_work(),
        rt.clock,
        rt.library,
        actor,
        IncidentFilter(
            states=(State.ACKNOWLEDGED, State.FALLBACK_ACTIVE, State.RECOVERED), limit=500
        ),
    )
    return {
        "drafts": drafts_for(rt.unit_of_work(), actor),
        "waiting": waiting,
        "in_progress": in_progress,
        "refresh_seconds": rt.settings.queue_refresh_seconds,
    }
