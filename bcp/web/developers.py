"""For the people who connect their systems: the API's reference, read from the same document
as /api/v1/openapi.json, with a console to try an operation with one's own token. Served from
the package (no CDN), public like the document itself."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, current_app, render_template

from bcp.domain.messages import N_
from bcp.web.api.openapi import openapi_document

bp = Blueprint("developers", __name__, url_prefix="/developers")

TAGS = {
    "incidents": N_("incidents"),
    "referrals": N_("referrals"),
    "consignments": N_("consignments"),
    "reflexes": N_("reflexes"),
    "reports": N_("reports"),
    "status and notices": N_("status and notices"),
    "drafts": N_("drafts"),
    "account": N_("account"),
    "admin": N_("admin"),
    "meta": N_("meta"),
}
"""The operations' tags, in the order the page lists them, marked for the French catalogue (the
operations' summaries are extracted from their `@operation`: Makefile, translations)."""

LOCATIONS = {"path": N_("in the path"), "query": N_("in the query"), "header": N_("header")}

ROLES = {
    "operator": N_("Operator"),
    "desk": N_("Customs desk"),
    "manager": N_("Manager"),
    "admin": N_("Administrator"),
}


@bp.get("/api")
def api_reference():
    document = openapi_document(current_app)
    return render_template(
        "developers/api.html",
        tags=_by_tag(document),
        tag_labels=TAGS,
        role_labels=ROLES,
        locations=LOCATIONS,
        document=document,
    )


def _by_tag(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    schemas = document["components"]["schemas"]
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, operations in document["paths"].items():
        for method, op_spec in operations.items():
            body = op_spec.get("requestBody", {}).get("content", {}).get("application/json")
            model = _model(body["schema"], schemas) if body else None
            tags.setdefault(op_spec["tags"][0], []).append(
                {
                    "id": op_spec["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op_spec["summary"],
                    "description": _without_roles(op_spec.get("description", "")),
                    "roles": op_spec.get("x-roles", []),
                    "parameters": op_spec.get("parameters", []),
                    "body": model,
                    "example": json.dumps(_example(model, schemas), indent=2) if model else "",
                    "responses": op_spec["responses"],
                    "public": op_spec.get("security") == [],
                }
            )
    return sorted(tags.items(), key=lambda item: list(TAGS).index(item[0]))


def _without_roles(description: str) -> str:
    """The description, less the English line naming the roles (the page says it in words)."""
    return re.sub(r"\s*Roles: [a-z, ]+\.$", "", description)


def _model(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    name = schema["$ref"].rsplit("/", 1)[-1]
    model = schemas[name]
    required = set(model.get("required", []))
    fields = [
        {**spec, "name": field, "required": field in required, "type": _type(spec, schemas)}
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
