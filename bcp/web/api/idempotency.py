"""The Idempotency-Key header on every POST of the API (bcp.services.idempotency)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Response, g, request

from bcp.domain.messages import N_
from bcp.services import idempotency
from bcp.web.api import api
from bcp.web.problems import problem
from bcp.web.runtime import runtime

HEADER = "Idempotency-Key"


@api.before_request
def replay_or_reserve():
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or not hasattr(g, "actor"):
        return None
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        return problem(
            400,
            "bad-idempotency-key",
            N_("Invalid Idempotency-Key"),
            N_("Idempotency-Key: 1 to 255 printable ASCII characters, e.g. a UUID"),
        )
    rt = runtime()
    fingerprint = hashlib.sha256(
        b"\n".join([request.method.encode(), request.full_path.encode(), request.get_data()])
    ).hexdigest()
    keep = timedelta(hours=rt.settings.idempotency_hours)
    try:
        found = idempotency.begin(
            rt.unit_of_work(), rt.clock, g.actor.user_id, key, fingerprint, keep
        )
    except idempotency.KeyReused:
        return problem(
            422,
            "idempotency-key-reused",
            N_("Idempotency-Key already used"),
            N_("this Idempotency-Key came with another request: a new request takes a new key"),
        )
    except idempotency.StillServing:
        response = problem(
            409,
            "idempotency-key-in-use",
            N_("Request still being served"),
            N_("the first request with this Idempotency-Key is still being served: try again"),
        )
        response.headers["Retry-After"] = "1"
        return response
    if isinstance(found, idempotency.Replay):
        response = Response(found.body, status=found.status, content_type=found.content_type)
        if found.location:
            response.headers["Location"] = found.location
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency = found
    return None


@api.after_request
def keep_the_answer(response: Response) -> Response:
    reserved = g.pop("idempotency", None)
    if reserved is not None:
        idempotency.finish(
            runtime().unit_of_work(),
            reserved,
            response.status_code,
            response.content_type or "",
            response.headers.get("Location"),
            response.get_data(),
        )
    return response
