"""A model's refusal as a person reads it: pydantic's errors become the domain's InvalidInput,
one message per faulty field, in the request's language, never the library's own text."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_babel import gettext
from pydantic import BaseModel, ValidationError

from bcp.domain.errors import FieldError, InvalidInput
from bcp.domain.messages import N_

# pydantic's error types, and what we say instead; %(name)s are taken from the error's context.
MESSAGES: dict[str, str] = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_type": N_("expected a string"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "string_too_short": N_("at least %(min_length)s characters"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number, in the digits 0-9"),
    "int_from_float": N_("expected a whole number"),
    "greater_than_equal": N_("at least %(ge)s"),
    "less_than_equal": N_("at most %(le)s"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "enum": N_("unknown value %(input)s; expected one of: %(expected)s"),
    "literal_error": N_("unknown value %(input)s; expected one of: %(expected)s"),
    "list_type": N_("expected a list"),
    "tuple_type": N_("expected a list"),
    "too_short": N_("expected a list of at least %(min_length)s"),
    "too_long": N_("at most %(max_length)s items"),
    "model_type": N_("expected a JSON object"),
    "dict_type": N_("expected a JSON object"),
    "model_attributes_type": N_("expected a JSON object"),
    "date_type": N_("expected a date, e.g. 2026-11-01"),
    "date_parsing": N_("expected a date, e.g. 2026-11-01"),
    "date_from_datetime_parsing": N_("expected a date, e.g. 2026-11-01"),
    "date_from_datetime_inexact": N_("expected a date, e.g. 2026-11-01"),
    "timezone_aware": N_("give the time zone offset (e.g. +01:00 for Paris in winter, or Z)"),
    "datetime_type": N_("expected an ISO 8601 date and time, e.g. 2026-11-22T08:10:00+01:00"),
    "datetime_parsing": N_("not a date and time; e.g. 2026-11-22T08:10:00+01:00"),
    "datetime_from_date_parsing": N_("not a date and time; e.g. 2026-11-22T08:10:00+01:00"),
    "json_invalid": N_("the body is not valid JSON"),
    "string_unicode": N_("not valid Unicode text (a lone surrogate such as \\ud800)"),
}
FALLBACK = N_("not an accepted value")


def translate(message: str) -> str:
    return gettext(message) if has_request_context() else message


def refusal(error: ValidationError, model: type[BaseModel]) -> InvalidInput:
    """Every fault of `error`, each said once per field."""
    faults: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    items = error.errors(include_url=False)
    # A list whose items are refused is not also said to be too short (they did not count).
    with_bad_items = {e["loc"][:-1] for e in items if e["loc"] and isinstance(e["loc"][-1], int)}
    for item in items:
        if item["type"] in ("too_short", "too_long") and item["loc"] in with_bad_items:
            continue
        field = field_name(item["loc"], model)
        message = _message(item)
        if (field, message) not in seen:
            seen.add((field, message))
            faults.append(FieldError(field, message))
    return InvalidInput(faults)


def field_name(loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    """`modes`, `action_items[2].due`: the field as the person sent it (its alias); a fault of
    an item of a list of values is the list's."""
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            if index + 1 < len(loc):
                parts[-1] += f"[{part}]"
        else:
            field = model.model_fields.get(part) if index == 0 else None
            parts.append(field.alias if field is not None and field.alias else str(part))
    return ".".join(parts) or "body"


def _message(item: Any) -> str:
    kind, context = item["type"], dict(item.get("ctx") or {})
    if kind == "bcp":
        template = context.pop("template")
    else:
        template = MESSAGES.get(kind, FALLBACK)
        context["input"] = _shown(item.get("input"))
        if "expected" in context:
            context["expected"] = str(context["expected"]).replace("'", "").replace(" or ", ", ")
    try:
        return translate(template) % context
    except (KeyError, ValueError, TypeError):
        return translate(template)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
