"""Serve only a database at the migrations' head: until it is, every request but /ping gets a
503 that says which revision was found and the command that fixes it (and /healthz names it).

Checked once per process while it is fine, and again on each request while it is not, so that
the app serves as soon as someone runs the migrations."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _

from bcp.store.schema import head_revision, schema_problem
from bcp.web.problems import problem
from bcp.web.runtime import runtime

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
_UNGUARDED = ("home.ping", "static")


class SchemaGuard:
    def __init__(self) -> None:
        self.head = head_revision()
        self.ok = False
        self._lock = threading.Lock()

    def problem(self) -> str | None:
        if self.ok:
            return None
        with self._lock:
            found = schema_problem(runtime().engine, self.head)
            if found is None:
                self.ok = True
            return found


def init(app: Flask) -> None:
    guard = SchemaGuard()
    app.extensions["bcp_schema"] = guard

    @app.before_request
    def refuse_an_unready_database():
        if request.endpoint in _UNGUARDED or request.endpoint == "home.health":
            return None
        found = guard.problem()
        if found is None:
            return None
        log.error("not serving: %s", found)
        if request.path.startswith("/api/"):
            response = problem(503, "database-not-ready", "Service unavailable", found)
        else:
            message = _("The service is not ready: %(reason)s", reason=found)
            response = app.make_response(
                (render_template("error.html", status=503, message=message), 503)
            )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def schema_state() -> str | None:
    """For /healthz: the reason the database is not served, or None."""
    return current_app.extensions["bcp_schema"].problem()
