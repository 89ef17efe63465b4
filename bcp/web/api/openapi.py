"""GET /api/v1/openapi.json: the contract of the API, generated from the routes' operations and
their typed models (bcp.web.api.spec); built once per process."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify

from bcp.web.api import api
from bcp.web.api.spec import Media, document, operation


def openapi_document(app: Flask) -> dict[str, Any]:
    cached = app.extensions.get("bcp.openapi")
    if cached is None:
        cached = app.extensions["bcp.openapi"] = document(app)
    return cached


@api.get("/openapi.json")
@operation(
    "This document",
    tag="meta",
    answer=Media("application/json", "The OpenAPI 3.1 document", {"type": "object"}),
    public=True,
)
def openapi():
    return jsonify(openapi_document(current_app))
