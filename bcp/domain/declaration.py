"""What a person declares about an outage, checked field by field before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.fields import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    datetime_field,
    enum_list,
    object_errors,
    optional_enum,
    optional_str,
    required_enum,
    required_str,
)

__all__ = ["EARLIEST_YEAR", "FIELDS", "LATEST_YEAR", "Declaration", "parse_declaration"]

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
    errors = object_errors(data, FIELDS)

    component = required_str(data, "component", errors)
    if component is not None and component not in COMPONENTS:
        errors.add("component", f"unknown component {component!r}; known: {', '.join(COMPONENTS)}")
    organisation = optional_str(data, "organisation", errors)
    if organisation is not None:
        organisation = organisation.strip().upper()
    scope = optional_enum(data, "scope", Scope, errors)
    side = optional_enum(data, "side", Side, errors)
    planned = data.get("planned", False)
    if not isinstance(planned, bool):
        errors.add("planned", "expected true or false")
        planned = False
    started_at = datetime_field(data, "started_at", errors, required=True)
    planned_until = datetime_field(data, "planned_until", errors, required=False)
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
    modes = enum_list(data, "modes", Mode, errors)
    channel = required_enum(data, "channel", Channel, errors)
    operations = enum_list(data, "ens_operations", EnsOperation, errors)
    ens_waiting = data.get("ens_waiting", 0)
    if isinstance(ens_waiting, bool) or not isinstance(ens_waiting, int):
        errors.add("ens_waiting", "expected a whole number")
    elif not 0 <= ens_waiting <= ENS_WAITING_MAX:
        errors.add("ens_waiting", f"expected a number between 0 and {ENS_WAITING_MAX}")
    summary = required_str(data, "summary", errors)
    if summary is not None:
        summary = summary.strip()
        if not summary:
            errors.add("summary", "must not be blank")
        elif len(summary) > SUMMARY_MAX:
            errors.add("summary", f"at most {SUMMARY_MAX} characters")
    description = optional_str(data, "description", errors) or ""
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
