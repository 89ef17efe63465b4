"""What a person declares about an outage, checked field by field before anything is saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.errors import ErrorList

SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
ENS_WAITING_MAX = 10_000_000
CLOCK_SKEW = timedelta(minutes=1)
PLANNED_NOTICE_MAX = timedelta(days=90)

FIELDS = frozenset(
    {
        "component",
        "organisation",
        "scope",
        "side",
        "started_at",
        "planned",
        "planned_until",
        "modes",
        "channel",
        "ens_operations",
        "ens_waiting",
        "summary",
        "description",
    }
)


@dataclass(frozen=True)
class Declaration:
    component: str
    organisation_eori: str | None
    scope: Scope | None
    side: Side | None
    started_at: datetime
    planned: bool
    planned_until: datetime | None
    modes: tuple[Mode, ...]
    channel: Channel
    ens_operations: tuple[EnsOperation, ...]
    ens_waiting: int
    summary: str
    description: str


def parse_declaration(data: Any, now: datetime) -> Declaration:
    """Turn a JSON-like mapping into a Declaration, or raise InvalidInput naming every fault."""
    errors = ErrorList()
    if not isinstance(data, Mapping):
        errors.add("body", "expected a JSON object")
        errors.raise_if_any()
    for name in sorted(set(data) - FIELDS):
        errors.add(name, "unknown field")

    component = _required_str(data, "component", errors)
    if component is not None and component not in COMPONENTS:
        errors.add("component", f"unknown component {component!r}; known: {', '.join(COMPONENTS)}")
    organisation = _optional_str(data, "organisation", errors)
    if organisation is not None:
        organisation = organisation.strip().upper()
    scope = _optional_enum(data, "scope", Scope, errors)
    side = _optional_enum(data, "side", Side, errors)
    planned = data.get("planned", False)
    if not isinstance(planned, bool):
        errors.add("planned", "expected true or false")
        planned = False
    started_at = _datetime(data, "started_at", errors, required=True)
    planned_until = _datetime(data, "planned_until", errors, required=False)
    if started_at is not None:
        if not planned and started_at > now + CLOCK_SKEW:
            errors.add("started_at", "an unplanned outage cannot start in the future")
        if planned and started_at > now + PLANNED_NOTICE_MAX:
            errors.add("started_at", "a planned outage is announced at most 90 days ahead")
    if planned_until is not None:
        if not planned:
            errors.add("planned_until", "only a planned outage has a planned end")
        elif started_at is not None and planned_until <= started_at:
            errors.add("planned_until", "the planned end must come after the start")
    modes = _enum_list(data, "modes", Mode, errors)
    channel = _required_enum(data, "channel", Channel, errors)
    operations = _enum_list(data, "ens_operations", EnsOperation, errors)
    ens_waiting = data.get("ens_waiting", 0)
    if isinstance(ens_waiting, bool) or not isinstance(ens_waiting, int):
        errors.add("ens_waiting", "expected a whole number")
    elif not 0 <= ens_waiting <= ENS_WAITING_MAX:
        errors.add("ens_waiting", f"expected a number between 0 and {ENS_WAITING_MAX}")
    summary = _required_str(data, "summary", errors)
    if summary is not None:
        summary = summary.strip()
        if not summary:
            errors.add("summary", "must not be blank")
        elif len(summary) > SUMMARY_MAX:
            errors.add("summary", f"at most {SUMMARY_MAX} characters")
    description = _optional_str(data, "description", errors) or ""
    if len(description) > DESCRIPTION_MAX:
        errors.add("description", f"at most {DESCRIPTION_MAX} characters")

    errors.raise_if_any()
    return Declaration(
        component=component,  # type: ignore[arg-type]
        organisation_eori=organisation or None,
        scope=scope,
        side=side,
        started_at=started_at,  # type: ignore[arg-type]
        planned=planned,
        planned_until=planned_until,
        modes=modes,
        channel=channel,  # type: ignore[arg-type]
        ens_operations=operations,
        ens_waiting=ens_waiting,
        summary=summary,  # type: ignore[arg-type]
        description=description.strip(),
    )


def _required_str(data: Mapping, name: str, errors: ErrorList) -> str | None:
    if name not in data or data[name] is None:
        errors.add(name, "required")
        return None
    return _optional_str(data, name, errors)


def _optional_str(data: Mapping, name: str, errors: ErrorList) -> str | None:
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


def _optional_enum(data: Mapping, name: str, enum: type, errors: ErrorList):
    value = _optional_str(data, name, errors)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        errors.add(name, f"unknown value {value!r}; expected one of: {_choices(enum)}")
        return None


def _required_enum(data: Mapping, name: str, enum: type, errors: ErrorList):
    if name not in data or data[name] is None:
        errors.add(name, f"required; one of: {_choices(enum)}")
        return None
    return _optional_enum(data, name, enum, errors)


def _enum_list(data: Mapping, name: str, enum: type, errors: ErrorList) -> tuple:
    value = data.get(name)
    if value is None:
        errors.add(name, f"required: a list of at least one of: {_choices(enum)}")
        return ()
    if not isinstance(value, list) or not value:
        errors.add(name, f"expected a non-empty list of: {_choices(enum)}")
        return ()
    items = []
    for item in value:
        try:
            member = enum(item) if isinstance(item, str) else None
        except ValueError:
            member = None
        if member is None:
            errors.add(name, f"unknown value {item!r}; expected one of: {_choices(enum)}")
        elif member in items:
            errors.add(name, f"{item!r} is listed twice")
        else:
            items.append(member)
    return tuple(items)


EARLIEST_YEAR, LATEST_YEAR = 2000, 2999
"""Outside these years a date is a typing slip (and near years 1 and 9999, beyond what a time
zone shift can hold)."""


def _datetime(data: Mapping, name: str, errors: ErrorList, *, required: bool) -> datetime | None:
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


def _choices(enum: type) -> str:
    return ", ".join(str(m.value) for m in enum)
