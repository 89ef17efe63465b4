"""Error handlers: problem+json under /api/, a plain page elsewhere; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from bcp.domain.errors import DomainError
from bcp.domain.messages import N_
from bcp.reports.render import TooBusy
from bcp.store.db import is_unreachable
from bcp.web.forms import messages
from bcp.web.i18n import translated
from bcp.web.limits import retry_after
from bcp.web.problems import domain_problem, problem
from bcp.web.schemas.edge import NotJson

log = logging.getLogger(__name__)

_SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    413: "body-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}

_TITLES = {
    400: N_("Bad request"),
    401: N_("Authentication required"),
    403: N_("Your role may not do this"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    413: N_("Body too large"),
    415: N_("Unsupported media type"),
    429: N_("Too many requests"),
}

RETRY_AFTER_SECONDS = 30


def register(app: Flask) -> None:
    @app.errorhandler(TooBusy)
    def on_too_busy(error: TooBusy):
        if _wants_problem():
            response = problem(503, "too-busy", N_("Service busy"), translated(error))
        else:
            response = app.make_response(
                _page(503, gettext("Too many documents are being prepared: try again shortly."))
            )
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(NotJson)
    def on_not_json(error: NotJson):
        if _wants_problem():
            return problem(400, "bad-request", gettext("Bad request"), error.message)
        return _page(400, error.message)

    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError):
        if _wants_problem():
            return domain_problem(error)
        return _page(_status_of(error), " ".join(messages(error)))

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        status = error.code or 500
        if status == 429:
            response = app.make_response(_http_answer(error, status))
            response.headers["Retry-After"] = str(retry_after(error) or 60)
            return response
        return _http_answer(error, status)

    def _http_answer(error: HTTPException, status: int):
        if _wants_problem():
            response = problem(
                status,
                _SLUGS.get(status, "http-error"),
                _TITLES.get(status, error.name),
                error.description or error.name,
            )
            if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
                response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
            return response
        return _page(status, error.description or error.name)

    @app.errorhandler(DBAPIError)
    def on_database_error(error: DBAPIError):
        if not is_unreachable(error):
            return on_unexpected(error)
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
        if _wants_problem():
            response = problem(
                503, "database-unavailable", N_("Service unavailable"), _unavailable()
            )
        else:
            response = _page(503, _unavailable())
        response = app.make_response(response)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if _wants_problem():
            return problem(
                500,
                "internal-error",
                N_("Internal error"),
                N_("Something went wrong on our side; nothing was saved. The error is logged."),
            )
        return _page(500, InternalServerError.description)


def _unavailable() -> str:
    return gettext(
        "The database cannot be reached right now; nothing was saved. "
        "Try again in a minute: the service recovers by itself when the database is back."
    )


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _status_of(error: DomainError) -> int:
    return domain_problem(error).status_code


def _page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status
