"""The front page: what this service is, and each person's own home once signed in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from bcp.domain.catalogue import COMPONENTS
from bcp.store.schema import check_reachable
from bcp.web.auth import HOMES
from bcp.web.guard import RETRY_AFTER_SECONDS, schema_state
from bcp.web.runtime import runtime

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(HOMES[current_user.actor.role]))
    return render_template("home/index.html", components=COMPONENTS.values())


@bp.get("/ping")
def ping():
    """Liveness alone: a constant, no database. Also the baseline of `make bench`."""
    return "pong", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def health():
    """Readiness: the database is reachable and its schema at the migrations' head; a 503 says
    why not, with Retry-After, for a load balancer or a probe."""
    unavailable = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        found = schema_state()  # first: it never creates a missing SQLite file
        if found is None:
            check_reachable(runtime().engine)
    except DBAPIError as error:
        body = {"status": "unavailable", "database": str(error.orig or error)[:200]}
        return body, 503, unavailable
    if found:
        return {"status": "unavailable", "database": found}, 503, unavailable
    return {"status": "ok", "database": "ok"}
