"""Checks of one field of a JSON-like mapping, shared by everything a person submits: each adds
its fault to an ErrorList, so that the person sees every fault at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bcp.domain.errors import ErrorList


def object_errors(data: Any, allowed: frozenset[str]) -> ErrorList:
    """Start checking a submitted object: refuse anything but a mapping at once, and name every
    field it has that is not `allowed`. The caller adds the faults of each field."""
    errors = ErrorList()
    if not isinstance(data, Mapping):
        errors.add("body", "expected a JSON object")
        errors.raise_if_any()
    for name in sorted(set(data) - allowed):
        errors.add(name, "unknown field")
    return errors


def required_str(data: Mapping, name: str, errors: ErrorList) -> str | None:
    if name not in data or data[name] is None:
        errors.add(name, "required")
        return None
    return optional_str(data, name, errors)


def optional_str(data: Mapping, name: str, errors: ErrorList) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(name, "expected a string")
        return None
    if "\x00" in value:
        errors.add(name, "must not contain NUL characters")
        return None
    return value


def optional_enum(data: Mapping, name: str, enum: type, errors: ErrorList):
    value = optional_str(data, name, errors)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        errors.add(name, f"unknown value {value!r}; expected one of: {choices(enum)}")
        return None


def required_enum(data: Mapping, name: str, enum: type, errors: ErrorList):
    if name not in data or data[name] is None:
        errors.add(name, f"required; one of: {choices(enum)}")
        return None
    return optional_enum(data, name, enum, errors)


def enum_list(data: Mapping, name: str, enum: type, errors: ErrorList) -> tuple:
    value = data.get(name)
    if value is None:
        errors.add(name, f"required: a list of at least one of: {choices(enum)}")
        return ()
    if not isinstance(value, list) or not value:
        errors.add(name, f"expected a non-empty list of: {choices(enum)}")
        return ()
    items = []
    for item in value:
        try:
            member = enum(item) if isinstance(item, str) else None
        except ValueError:
            member = None
        if member is None:
            errors.add(name, f"unknown value {item!r}; expected one of: {choices(enum)}")
        elif member in items:
            errors.add(name, f"{item!r} is listed twice")
        else:
            items.append(member)
    return tuple(items)


EARLIEST_YEAR, LATEST_YEAR = 2000, 2999
"""Outside these years a date is a typing slip (and near years 1 and 9999, beyond what a time
zone shift can hold)."""


def datetime_field(
    data: Mapping, name: str, errors: ErrorList, *, required: bool
) -> datetime | None:
    value = data.get(name)
    if value is None:
        if required:
            errors.add(name, "required: an ISO 8601 date and time with its offset")
        return None
    if not isinstance(value, str):
        errors.add(name, "expected an ISO 8601 date and time, e.g. 2026-11-22T08:10:00+01:00")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.add(name, "not a date and time; e.g. 2026-11-22T08:10:00+01:00")
        return None
    if moment.tzinfo is None:
        errors.add(name, "give the time zone offset (e.g. +01:00 for Paris in winter, or Z)")
        return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        errors.add(name, f"a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
        return None
    return moment.astimezone(UTC)


def choices(enum: type) -> str:
    return ", ".join(str(m.value) for m in enum)
