"""The JSON API, /api/v1: a contract other tools rely on (see docs/api.md and openapi.json)."""

from __future__ import annotations

from flask import Blueprint, g, request

from bcp.domain.messages import N_
from bcp.services.accounts import actor_for_token
from bcp.services.demo import DEMO_TOKENS
from bcp.web.freshness import actor_reuse
from bcp.web.problems import problem
from bcp.web.runtime import runtime

api = Blueprint("api", __name__)

PUBLIC_ENDPOINTS = {"api.openapi", "api.maintenance_calendar"}
IMPORT_ENDPOINTS = {
    "api.post_consignments_bulk",
    "api.post_consignments_import",
    "api.post_lodgings",
}
"""Lists of consignments: up to 5,000 at once, larger than any other body."""


@api.before_request
def authenticate():
    settings = runtime().settings
    request.max_content_length = (
        settings.api_max_import_bytes
        if request.endpoint in IMPORT_ENDPOINTS
        else settings.api_max_body_bytes
    )
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return _unauthenticated(N_("send the header Authorization: Bearer, followed by your token"))
    rt = runtime()
    if rt.settings.is_production and token in DEMO_TOKENS:
        return _unauthenticated(N_("a demo token (README) is refused in production"))
    actor = actor_for_token(rt.unit_of_work(), token, rt.clock, actor_reuse())
    if actor is None:
        return _unauthenticated(N_("this token is unknown, revoked or expired"))
    g.actor = actor
    return None


def _unauthenticated(detail: str):
    response = problem(401, "unauthenticated", N_("Authentication required"), detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="bcp"'
    return response


from bcp.web.api import (  # noqa: E402, F401  (routes and hooks register on import)
    account,
    admin,
    consignments,
    idempotency,
    incidents,
    openapi,
    referrals,
    reflexes,
    reports,
    status,
)
