"""What a person declares about an outage: its typed facts, and the checks only the business
can make of them before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.errors import ErrorList
from bcp.domain.messages import N_

__all__ = ["Declaration", "check_declaration"]

SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
ENS_WAITING_MAX = 10_000_000
CLOCK_SKEW = timedelta(minutes=1)
PLANNED_NOTICE_MAX = timedelta(days=90)


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


def check_declaration(declaration: Declaration, now: datetime) -> Declaration:
    """What only the business knows of a declaration whose every field is already well formed
    (bcp.web.schemas.incidents): when an outage may start, and when a planned one ends. Raises
    InvalidInput naming every fault."""
    errors = ErrorList()
    started_at, planned_until = declaration.started_at, declaration.planned_until
    if not declaration.planned and started_at > now + CLOCK_SKEW:
        errors.add("started_at", N_("an unplanned outage cannot start in the future"))
    if declaration.planned and started_at > now + PLANNED_NOTICE_MAX:
        errors.add("started_at", N_("a planned outage is announced at most 90 days ahead"))
    if planned_until is not None:
        if not declaration.planned:
            errors.add("planned_until", N_("only a planned outage has a planned end"))
        elif planned_until <= started_at:
            errors.add("planned_until", N_("the planned end must come after the start"))
    errors.raise_if_any()
    return declaration
