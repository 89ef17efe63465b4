"""Each route of /api/v1 declares its operation once, with the typed models of its body, query
and answers (bcp.web.schemas): `@operation(...)` validates the request from them before the
handler runs, turns the handler's model into the JSON answer, and is what `document()` builds
the OpenAPI 3.1 document from. A route without an operation cannot be documented: `document()`
refuses it, and so the test of the document fails.

Why a small module rather than flask-openapi3, APIFlask or spectree: see docs/architecture.md.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Flask, Response, g, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.exceptions import UnsupportedMediaType

from bcp.domain.actors import Role
from bcp.domain.errors import NotAllowed
from bcp.domain.messages import N_
from bcp.web.runtime import context_for
from bcp.web.schemas.common import Problem
from bcp.web.schemas.edge import from_json, from_mapping
from bcp.web.schemas.refusals import translate
from bcp.web.schemas.types import Body, Shape

JSON = "application/json"
PROBLEM = "application/problem+json"

ERRORS = {
    400: "The body is not JSON, or a header is malformed",
    401: "No token, or an unknown, revoked or expired one",
    403: "Your role may not do this",
    404: "Not found, or not visible to you",
    409: "Not possible in the current state, changed meanwhile, or the same Idempotency-Key "
    "still being served",
    413: "The body is too large",
    415: "The body is not JSON",
    422: "Invalid values (every faulty field in `errors`), or an Idempotency-Key used for "
    "another request",
    429: "Too many requests with this token: see Retry-After",
    503: "The database cannot be reached, or too many documents are being prepared: see "
    "Retry-After",
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key again with the same request (after a lost answer) to get "
    "the first answer back, marked Idempotent-Replayed: true, instead of doing it twice. Keys "
    "are kept 24 hours ([api] idempotency_hours); the same key with another request is 422, "
    "while the first is still being served 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "3f1c2a9e-8d7b-4e21-9a55-0c6f2b1d7e40",
}


@dataclass(frozen=True)
class Media:
    """An answer that is not JSON: a PDF, a calendar."""

    media_type: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Answer:
    """A model with the status and headers it goes with (201 and its Location)."""

    shape: BaseModel
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    answer: type[Shape] | Media | None
    status: int
    description: str = ""
    body: type[Body] | None = None
    body_required: bool = True
    query: type[Body] | None = None
    roles: tuple[Role, ...] = ()
    errors: tuple[int, ...] = ()
    public: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    links: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    conditional: bool = False


IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of the answer held: 304 while it is still the answer",
    "schema": {"type": "string", "maxLength": 200},
}
CONDITIONAL_HEADERS = {
    "ETag": "What the answer is made of; send it back in If-None-Match",
    "Cache-Control": "private, a short max-age, stale-while-revalidate",
}


def operation(
    summary: str,
    *,
    tag: str,
    answer: type[Shape] | Media | None,
    status: int = 200,
    description: str = "",
    body: type[Body] | None = None,
    body_required: bool = True,
    query: type[Body] | None = None,
    roles: tuple[Role, ...] = (),
    errors: tuple[int, ...] = (),
    public: bool = False,
    headers: dict[str, str] | None = None,
    links: dict[str, tuple[str, dict[str, str]]] | None = None,
    conditional: bool = False,
) -> Callable:
    """Declare a route's operation. `roles`, when given, are the only ones let through (403
    for the others, before the body is read); the domain keeps its own finer checks. The
    handler receives `body=` and `query=` as validated models, and `ctx=` (the use case's
    Context: unit of work, clock, rules library, the token's actor) when it names one, and
    returns a model, an Answer,
    or a Response of its own (a PDF). `links` are OpenAPI links from the answer to the next
    operations (name: (endpoint, {parameter: runtime expression})), which clients and
    Schemathesis follow. A `conditional` operation answers 304 to an If-None-Match that holds
    its ETag (bcp.web.conditional)."""
    spec = Operation(
        summary=summary,
        tag=tag,
        answer=answer,
        status=status,
        description=description,
        body=body,
        body_required=body_required,
        query=query,
        roles=roles,
        errors=errors,
        public=public,
        headers={**(headers or {}), **(CONDITIONAL_HEADERS if conditional else {})},
        links=links or {},
        conditional=conditional,
    )

    def decorate(handler: Callable) -> Callable:
        wants_context = "ctx" in inspect.signature(handler).parameters

        @wraps(handler)
        def endpoint(**path: Any) -> Response:
            if spec.roles and g.actor.role not in spec.roles:
                raise NotAllowed(_roles_only(spec.roles))
            arguments = dict(path)
            if wants_context:
                arguments["ctx"] = context_for(g.actor)
            if spec.query is not None:
                arguments["query"] = from_mapping(spec.query, request.args.to_dict())
            if spec.body is not None:
                arguments["body"] = read_body(spec.body, spec.body_required)
            return respond(handler(**arguments), spec.status)

        endpoint.operation = spec  # type: ignore[attr-defined]
        return endpoint

    return decorate


def _roles_only(roles: tuple[Role, ...]) -> str:
    """Said in the request's language (the roles are in the document: x-roles)."""
    return N_("this operation is for other roles: the API reference says which")


def read_body(model: type[Body], required: bool) -> Body:
    raw = request.get_data(cache=True)
    if not raw and not required:
        return model()
    if not request.is_json:
        raise UnsupportedMediaType(
            translate(N_("send the body as JSON, with the header Content-Type: application/json"))
        )
    return from_json(model, raw)


def respond(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    headers: dict[str, str] = {}
    if isinstance(result, Answer):
        status, headers, result = result.status, result.headers, result.shape
    return Response(result.model_dump_json(), status=status, headers=headers, mimetype=JSON)


# ---- the document ----------------------------------------------------------------------------

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def operations(app: Flask) -> list[tuple[str, str, str, Operation]]:
    """(path, method, endpoint, operation) of every route of /api/v1; a route without an
    operation is refused with its name."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "operation", None)
        if spec is None:
            raise LookupError(f"{rule.endpoint} ({rule.rule}) declares no @operation")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule.removeprefix("/api/v1"), method.lower(), rule.endpoint, spec))
    return found


def document(app: Flask) -> dict[str, Any]:
    listed = operations(app)
    models: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for *_, spec in listed:
        for model, mode in (
            (spec.body, "validation"),
            (spec.query, "validation"),
            (spec.answer, "serialization"),
        ):
            if isinstance(model, type) and (model, mode) not in models:
                models.append((model, mode))
    keys, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for path, method, endpoint, spec in listed:
        paths.setdefault(_PATH_PARAM.sub(r"{\2}", path), {})[method] = _operation(
            path, method, endpoint, spec, keys
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bcp: ICS2 continuity desk API",
            "version": "1.0.0",
            "description": "Outages of ICS2 components and their fallback procedures. Errors "
            "are application/problem+json (RFC 9457), in the language of Accept-Language "
            "(French or English; English by default). Times are ISO 8601 with their offset; "
            "answers give them in UTC.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(
    path: str, method: str, endpoint: str, spec: Operation, keys: dict
) -> dict[str, Any]:
    parameters = [_path_parameter(kind, name) for kind, name in _PATH_PARAM.findall(path)]
    if spec.query is not None:
        parameters += _query_parameters(keys[(spec.query, "validation")], spec.query)
    if method == "post" and not spec.public:
        parameters.append(IDEMPOTENCY_KEY)
    if spec.conditional:
        parameters.append(IF_NONE_MATCH)
    result: dict[str, Any] = {
        "operationId": endpoint.removeprefix("api."),
        "summary": spec.summary,
        "tags": [spec.tag],
    }
    if spec.description:
        result["description"] = spec.description
    if spec.roles:
        roles = ", ".join(r.value for r in spec.roles)
        result["description"] = (result.get("description", "") + f"\n\nRoles: {roles}.").strip()
        result["x-roles"] = [r.value for r in spec.roles]
    if parameters:
        result["parameters"] = parameters
    if spec.body is not None:
        result["requestBody"] = {
            "required": spec.body_required,
            "content": {JSON: {"schema": keys[(spec.body, "validation")]}},
        }
    if spec.public:
        result["security"] = []
    result["responses"] = {str(spec.status): _success(spec, keys), **_errors(path, method, spec)}
    if spec.conditional:
        result["responses"]["304"] = {
            "description": "Not Modified: the answer held (its ETag in If-None-Match) is current"
        }
    return result


def _path_parameter(kind: str, name: str) -> dict[str, Any]:
    schema = (
        {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
        if kind == "int"
        else {"type": "string", "minLength": 1, "maxLength": 100}
    )
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_parameters(ref: dict, model: type[Body]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            parameter["description"] = prop["description"]
        parameters.append(parameter)
    return parameters


def _success(spec: Operation, keys: dict) -> dict[str, Any]:
    answer = spec.answer
    response: dict[str, Any]
    if answer is None:
        response = {"description": spec.summary}
    elif isinstance(answer, Media):
        response = {
            "description": answer.description,
            "content": {answer.media_type: {"schema": answer.schema}},
        }
    else:
        response = {
            "description": (answer.__doc__ or answer.__name__).strip().splitlines()[0],
            "content": {JSON: {"schema": keys[(answer, "serialization")]}},
        }
    if spec.links:
        response["links"] = {
            name: {"operationId": endpoint, "parameters": parameters}
            for name, (endpoint, parameters) in spec.links.items()
        }
    if spec.headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in spec.headers.items()
        }
    return response


def _errors(path: str, method: str, spec: Operation) -> dict[str, Any]:
    statuses = set(spec.errors)
    if not spec.public:
        statuses |= {401, 403, 429, 503}  # the domain may refuse a role for this incident
    if "<" in path:
        statuses |= {404, 422}
    if spec.query is not None:
        statuses.add(422)
    if spec.body is not None:
        statuses |= {400, 413, 415, 422}
    if method == "post" and not spec.public:
        statuses |= {400, 409, 422}
    problem = {"$ref": "#/components/schemas/Problem"}
    return {
        str(status): {"description": ERRORS[status], "content": {PROBLEM: {"schema": problem}}}
        for status in sorted(statuses)
    }
