"""RFC 9457 problem details: every API error is `application/problem+json` with a 4xx status."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

from bcp.domain.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
)

PROBLEM_TYPE = "/problems/"

_DOMAIN: list[tuple[type[DomainError], int, str, str]] = [
    (InvalidInput, 422, "invalid-input", "The request has invalid values"),
    (IllegalTransition, 409, "illegal-transition", "This action is not possible now"),
    (Conflict, 409, "conflict", "Changed by someone else at the same time"),
    (NotAllowed, 403, "not-allowed", "Your role may not do this"),
    (NotFound, 404, "not-found", "Not found"),
]


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> Response:
    body = {
        "type": PROBLEM_TYPE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def domain_problem(error: DomainError) -> Response:
    for kind, status, slug, title in _DOMAIN:
        if isinstance(error, kind):
            extra: dict[str, Any] = {}
            if isinstance(error, InvalidInput):
                extra["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
            return problem(status, slug, title, error.message, **extra)
    return problem(400, "bad-request", "Bad request", error.message)
