"""The front page: what this service is and where to go. The desks' pages come with the web UI."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from bcp.domain.catalogue import COMPONENTS
from bcp.web.runtime import runtime

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", components=COMPONENTS.values())


@bp.get("/healthz")
def health():
    """Liveness and database reachability, for a load balancer or a probe."""
    with runtime().engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
