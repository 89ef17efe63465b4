"""Reading what arrives into a model, once: a JSON body (bytes), a query string or a form's
mapping. A refusal is the domain's InvalidInput (problem+json or the page's messages)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bcp.domain.declaration import Declaration, check_declaration
from bcp.domain.errors import InvalidInput, invalid
from bcp.web.schemas.incidents import DeclarationBody
from bcp.web.schemas.refusals import refusal, translate

M = TypeVar("M", bound=BaseModel)


def from_json(model: type[M], raw: bytes) -> M:
    """Parse and validate in one pass (pydantic-core); a body that is not JSON is told apart
    from one whose values are wrong, and a lone surrogate is named by the field that holds it."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise _not_json(raw) from None
        raise refusal(error, model) from None


def from_mapping(model: type[M], data: Mapping[str, Any]) -> M:
    """A form's values (or a test's), as Python values: the same checks as JSON."""
    _check_text(data)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise refusal(error, model) from None


def read_declaration(raw: bytes, now: datetime) -> Declaration:
    """A declaration's body to the domain's checked Declaration: what POST /api/v1/incidents
    does before it opens a transaction (and what `make bench` times)."""
    return check_declaration(from_json(DeclarationBody, raw).to_domain(), now)


class NotJson(Exception):
    """The body cannot be read as JSON at all (400, not 422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_json(raw: bytes) -> Exception:
    """Why pydantic's parser refused the body (it also stops at 200 levels of nesting, before
    any stack is at risk): read it again with the standard library, which keeps lone
    surrogates, to name the field that holds one."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return NotJson(translate("the body is not valid JSON"))
    try:
        _check_text(body)
    except InvalidInput as error:
        return error
    return NotJson(translate("the body is not valid JSON"))


def _check_text(body: Any) -> None:
    """No string of the body, keys included, may hold a lone surrogate such as \\ud800 (not
    Unicode text; no encoding can store it). Said for the field that holds it."""
    pending: list[tuple[str, Any]] = [("body", body)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise invalid(
                    where, translate("not valid Unicode text (a lone surrogate such as \\ud800)")
                ) from None
        elif isinstance(value, Mapping):
            for key, item in value.items():
                pending.append((where, key))
                pending.append((key if where == "body" else f"{where}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
