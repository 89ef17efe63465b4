"""RFC 9457 problem details: every API error is `application/problem+json` with a 4xx status."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from flask_babel import gettext

from bcp.domain.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from bcp.domain.messages import N_
from bcp.web.i18n import translated

PROBLEM_TYPE = "/problems/"

_DOMAIN: list[tuple[type[DomainError], int, str, str]] = [
    (InvalidInput, 422, "invalid-input", N_("The request has invalid values")),
    (IllegalTransition, 409, "illegal-transition", N_("This action is not possible now")),
    (Conflict, 409, "conflict", N_("Changed by someone else at the same time")),
    (NotAllowed, 403, "not-allowed", N_("Your role may not do this")),
    (NotFound, 404, "not-found", N_("Not found")),
]


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> Response:
    """The title and detail in the request's language where the catalogue has them (callers
    mark theirs with N_); a text with values in it stays as written."""
    body = {
        "type": PROBLEM_TYPE + slug,
        "title": gettext(title),
        "status": status,
        "detail": gettext(detail),
        "instance": request.path,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def domain_problem(error: DomainError) -> Response:
    """The refusal in the request's language, where the catalogue has its messages (the domain
    and the models mark theirs)."""
    for kind, status, slug, title in _DOMAIN:
        if isinstance(error, kind):
            extra: dict[str, Any] = {}
            detail = translated(error)
            if isinstance(error, InvalidInput):
                faults = [{"field": e.field, "message": translated(e)} for e in error.errors]
                extra["errors"] = faults
                detail = "; ".join(f"{f['field']}: {f['message']}" for f in faults)
            return problem(status, slug, gettext(title), detail, **extra)
    return problem(400, "bad-request", gettext("Bad request"), translated(error))
