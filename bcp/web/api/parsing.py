"""Reading requests: JSON bodies and query parameters, with clear messages for bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from bcp.domain.errors import invalid
from bcp.domain.fields import EARLIEST_YEAR, LATEST_YEAR

MAX_DEPTH = 16
"""No request of the API nests deeper than a few levels; far deeper is refused before it can
exhaust the parser's stack (30,000 nested arrays fit in 64 KiB)."""


def json_object() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType("send the body as JSON with 'Content-Type: application/json'")
    raw = request.get_data(cache=True)
    if _nesting(raw) > MAX_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    try:
        body = request.get_json(force=True, silent=False) if raw else None
    except (BadRequest, RecursionError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "expected a JSON object")
    _check_text(body)
    return body


def _nesting(raw: bytes) -> int:
    """How deep the brackets of a JSON text go, outside its strings (a byte scan, no parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _check_text(body: dict[str, Any]) -> None:
    """Every string of the body, keys included, must be text the databases keep: no NUL
    character (PostgreSQL refuses it) and no lone surrogate such as \\ud800 (not Unicode text;
    no encoding can store it). Said for the field that holds it."""
    pending: list[tuple[str, Any]] = [("body", body)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise invalid(where, "the NUL character (\\u0000) is not accepted")
            if not _is_unicode(value):
                raise invalid(where, "not valid Unicode text (a lone surrogate such as \\ud800)")
        elif isinstance(value, dict):
            for key, item in value.items():
                pending.append((where, key))
                pending.append((key if where == "body" else f"{where}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise invalid(name, "expected a whole number, in the digits 0-9")
    value = int(raw)
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
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise invalid(name, f"a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return moment.astimezone(UTC)
