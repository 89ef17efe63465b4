"""The desk's queue: incidents waiting for acknowledgement, oldest first, against their target.

Read without the timelines: during a national outage hundreds wait, and twenty agents refresh
the queue every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bcp.domain.clock import Clock
from bcp.domain.consignments.model import Consignment
from bcp.domain.incident import Incident
from bcp.domain.lifecycle import State
from bcp.domain.referrals import Referral, referrals_of
from bcp.domain.reflexes.model import Procedure
from bcp.services.consignments import at_risk_soonest
from bcp.services.context import Context
from bcp.services.drafts import drafts_for
from bcp.services.preferences import Preferences, preferences_of
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store.incidents import InProgressRow, WaitingRow
from bcp.store.models import DraftRow

SHOWN = 2000


@dataclass(frozen=True)
class AgainstTarget:
    """How long an incident has waited for the desk's acknowledgement, against its target."""

    waited: timedelta
    target: timedelta

    @property
    def late(self) -> bool:
        return self.waited > self.target


@dataclass(frozen=True, kw_only=True)
class Waiting(AgainstTarget):
    incident: WaitingRow

    @property
    def share(self) -> float:
        return self.waited / self.target if self.target else 1.0


@dataclass(frozen=True)
class Queue:
    items: list[Waiting]
    total: int
    organisations: list[OrganisationChoice] = field(default_factory=list)
    """The organisations of the incidents waiting, by name: what the filter can narrow to."""


@dataclass(frozen=True)
class OrganisationChoice:
    eori: str
    name: str


@dataclass(frozen=True)
class QueueFilter:
    """What an agent narrows the queue to: a component, an organisation (EORI), the late only."""

    component: str | None = None
    organisation: str | None = None
    late_only: bool = False

    def keeps(self, item: Waiting) -> bool:
        return (
            (self.component is None or item.incident.component == self.component)
            and (self.organisation is None or item.incident.organisation_eori == self.organisation)
            and (not self.late_only or item.late)
        )

    @property
    def narrows(self) -> bool:
        return bool(self.component or self.organisation or self.late_only)


def waiting_queue(
    uow: UnitOfWork, clock: Clock, settings: Settings, flt: QueueFilter | None = None
) -> Queue:
    """The oldest incidents waiting (SHOWN of them) and how many wait in all; `flt` narrows
    both to what the agent asked for."""
    with uow.reading():
        rows, total = uow.incidents.waiting(SHOWN)
    now = clock.now()
    items = [
        Waiting(
            incident=row,
            waited=max(now - row.declared_at, timedelta(0)),
            target=settings.acknowledgement_target(row.component),
        )
        for row in rows
    ]
    organisations = sorted(
        {
            OrganisationChoice(row.organisation_eori, row.organisation or row.organisation_eori)
            for row in rows
            if row.organisation_eori
        },
        key=lambda o: (o.name, o.eori),
    )
    if flt is not None and flt.narrows:
        items = [i for i in items if flt.keeps(i)]
        total = len(items)
    return Queue(items=items, total=total, organisations=organisations)


IN_PROGRESS = (State.ACKNOWLEDGED, State.FALLBACK_ACTIVE, State.RECOVERED)
IN_PROGRESS_SHOWN = 500


@dataclass(frozen=True)
class InProgress:
    """An incident the desk follows: its row and its procedure."""

    incident: InProgressRow
    procedure: Procedure | None
    """As the rules table has it, for every transport mode (an incident read whole has the one
    for its own modes): the queue shows its title."""


@dataclass(frozen=True)
class Followed:
    """The incidents the desk follows: the latest of them, how many in all, and the referrals
    still awaiting the carrier's confirmation in any of them (shown or not)."""

    latest: list[InProgress]
    total: int
    unconfirmed: list[tuple[InProgressRow, Referral]]


def in_progress(
    uow: UnitOfWork, library: ReflexLibrary, shown: int = IN_PROGRESS_SHOWN
) -> Followed:
    """The latest `shown` incidents acknowledged and not yet closed, read without their
    timelines; the referrals still unconfirmed, from the events that tell referrals alone."""
    rows, total = uow.incidents.in_progress(IN_PROGRESS, shown)
    waiting_confirmation = {
        incident_id: unconfirmed
        for incident_id, events in uow.incidents.referral_events(IN_PROGRESS).items()
        if (unconfirmed := [r for r in referrals_of(events) if not r.confirmed])
    }
    listed = {row.id: row for row in rows}
    missing = [i for i in waiting_confirmation if i not in listed]
    listed.update((row.id, row) for row in uow.incidents.in_progress_of(missing))
    return Followed(
        latest=[InProgress(row, _procedure(library, row)) for row in rows],
        total=total,
        unconfirmed=[
            (listed[incident_id], referral)
            for incident_id in sorted(waiting_confirmation, reverse=True)  # the latest first
            for referral in waiting_confirmation[incident_id]
            if incident_id in listed
        ],
    )


def _procedure(library: ReflexLibrary, row: InProgressRow) -> Procedure | None:
    if row.reflex_version is None or row.procedure_id is None:
        return None
    return library.get(row.reflex_version).procedures.get(row.procedure_id)


@dataclass(frozen=True)
class DeskQueue:
    """What the desk's queue shows every agent alike: the incidents waiting and in progress, the
    goods nearest their ENS deadline, as of `as_of`."""

    waiting: Queue
    in_progress: Followed
    goods_at_risk: tuple[list[tuple[Consignment, str | None]], int]
    as_of: datetime


def desk_queue(
    ctx: Context,
    settings: Settings,
    flt: QueueFilter | None = None,
    in_progress_shown: int = IN_PROGRESS_SHOWN,
) -> DeskQueue:
    """The incidents waiting and (the latest `in_progress_shown`) in progress and the goods
    nearest their ENS deadline, read in one transaction rather than one each: the page refreshes
    every few seconds for twenty agents during an outage. (On PostgreSQL, whose reads run in
    autocommit, each statement sees the database as it is when it runs.)"""
    with ctx.uow.reading():
        return DeskQueue(
            waiting=waiting_queue(ctx.uow, ctx.clock, settings, flt),
            in_progress=in_progress(ctx.uow, ctx.library, in_progress_shown),
            goods_at_risk=at_risk_soonest(ctx),
            as_of=ctx.clock.now(),
        )


@dataclass(frozen=True)
class AgentDesk:
    """What the queue shows beside what every agent sees alike: the drafts bcp proposes, whose
    forms carry the agent's session, and the agent's preferences."""

    drafts: list[DraftRow]
    preferences: Preferences


def agent_desk(ctx: Context) -> AgentDesk:
    with ctx.uow.reading():
        return AgentDesk(
            drafts=drafts_for(ctx.uow, ctx.actor), preferences=preferences_of(ctx.uow, ctx.actor)
        )


@dataclass(frozen=True, kw_only=True)
class AwaitedAcknowledgement(AgainstTarget):
    """An incident the desk has not acknowledged yet: when the acknowledgement is due."""

    due_at: datetime


def awaited_acknowledgement(
    incident: Incident, settings: Settings, now: datetime
) -> AwaitedAcknowledgement | None:
    """While the incident waits for the desk: when the acknowledgement is due (None after)."""
    if incident.state is not State.DECLARED:
        return None
    target = settings.acknowledgement_target(incident.facts.component)
    return AwaitedAcknowledgement(
        due_at=incident.declared_at + target,
        target=target,
        waited=max(now - incident.declared_at, timedelta(0)),
    )
