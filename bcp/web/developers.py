"""For the people who connect their systems: the API's reference, read from the same document
as /api/v1/openapi.json, with a console to try an operation with one's own token. Served from
the package (no CDN), public like the document itself."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, render_template

from bcp.web.api.openapi import openapi_document

bp = Blueprint("developers", __name__, url_prefix="/developers")


@bp.get("/api")
def api_reference():
    document = openapi_document(current_app)
    return render_template("developers/api.html", tags=_by_tag(document), document=document)


def _by_tag(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    schemas = document["components"]["schemas"]
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            model = _model(body["schema"], schemas) if body else None
            tags.setdefault(operation["tags"][0], []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": model,
                    "example": json.dumps(_example(model, schemas), indent=2) if model else "",
                    "responses": operation["responses"],
                    "public": operation.get("security") == [],
                }
            )
    return list(tags.items())


def _model(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    name = schema["$ref"].rsplit("/", 1)[-1]
    model = schemas[name]
    required = set(model.get("required", []))
    fields = [
        {"name": field, "required": field in required, "type": _type(spec, schemas), **spec}
        for field, spec in model.get("properties", {}).items()
    ]
    return {"name": name, "description": model.get("description", ""), "fields": fields}


def _type(spec: dict[str, Any], schemas: dict[str, Any]) -> str:
    if "$ref" in spec:
        target = schemas[spec["$ref"].rsplit("/", 1)[-1]]
        if "enum" in target:
            return " | ".join(str(v) for v in target["enum"])
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " | ".join(_type(s, schemas) for s in spec["anyOf"])
    if spec.get("type") == "array":
        return f"[{_type(spec.get('items', {}), schemas)}]"
    if "enum" in spec:
        return " | ".join(str(v) for v in spec["enum"])
    return spec.get("format") or spec.get("type", "")


def _example(model: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A body to start from: the required fields with their example or first allowed value."""
    example: dict[str, Any] = {}
    for field in model["fields"]:
        if not field["required"]:
            continue
        example[field["name"]] = _value(field, schemas)
    return example


def _value(spec: dict[str, Any], schemas: dict[str, Any]) -> Any:
    if spec.get("examples"):
        return spec["examples"][0]
    if "$ref" in spec:
        target = schemas[spec["$ref"].rsplit("/", 1)[-1]]
        return target.get("enum", [""])[0]
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("type") == "array":
        return [_value(spec.get("items", {}), schemas)]
    if spec.get("type") == "boolean":
        return False
    if spec.get("type") == "integer":
        return spec.get("minimum", 0)
    return ""
