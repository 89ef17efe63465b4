"""Reading requests: JSON bodies and query parameters, with clear messages for bad input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from bcp.domain.errors import invalid


def json_object() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON with 'Content-Type: application/json'")
    raw = request.get_data(cache=True)
    try:
        body = request.get_json(force=True, silent=False) if raw else None
    except BadRequest:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "expected a JSON object")
    _refuse_nul(body, "body")
    return body


def _refuse_nul(value: Any, where: str) -> None:
    """PostgreSQL's text columns refuse the NUL character: say so for the field that holds it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(where, "the NUL character (\\u0000) is not accepted")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, key if where == "body" else f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}[{index}]")


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, "expected a whole number") from None
    if not low <= value <= high:
        raise invalid(name, f"expected a number between {low} and {high}")
    return value


def query_datetime(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    # An unencoded "+" in a query string arrives as a space: put it back before the offset.
    if " " in raw and "T" in raw:
        head, _, offset = raw.rpartition(" ")
        raw = f"{head}+{offset}"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid(name, "expected an ISO 8601 date and time with its offset") from None
    if moment.tzinfo is None:
        raise invalid(name, "give the time zone offset (e.g. +01:00, or Z)")
    return moment
