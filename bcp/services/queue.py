"""The desk's queue: incidents waiting for acknowledgement, oldest first, against their target.

Read without the timelines: during a national outage hundreds wait, and twenty agents refresh
the queue every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.clock import Clock
from bcp.domain.incident import Incident
from bcp.domain.lifecycle import State
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store.incidents import WaitingRow

SHOWN = 2000


@dataclass(frozen=True)
class Waiting:
    incident: WaitingRow
    waited: timedelta
    target: timedelta

    @property
    def late(self) -> bool:
        return self.waited > self.target

    @property
    def share(self) -> float:
        return self.waited / self.target if self.target else 1.0


@dataclass(frozen=True)
class Queue:
    items: list[Waiting]
    total: int


def waiting_queue(uow: UnitOfWork, clock: Clock, settings: Settings) -> Queue:
    with uow.reading():
        rows, total = uow.incidents.waiting(SHOWN)
    now = clock.now()
    return Queue(
        items=[
            Waiting(
                incident=row,
                waited=max(now - row.declared_at, timedelta(0)),
                target=settings.acknowledgement_target(row.component),
            )
            for row in rows
        ],
        total=total,
    )


@dataclass(frozen=True)
class AwaitedAcknowledgement:
    """An incident the desk has not acknowledged yet, against its target."""

    due_at: datetime
    target: timedelta
    waited: timedelta

    @property
    def late(self) -> bool:
        return self.waited > self.target


def awaited_acknowledgement(
    incident: Incident, settings: Settings, now: datetime
) -> AwaitedAcknowledgement | None:
    """While the incident waits for the desk: when the acknowledgement is due (None after)."""
    if incident.state is not State.DECLARED:
        return None
    target = settings.acknowledgement_target(incident.facts.component)
    return AwaitedAcknowledgement(
        incident.declared_at + target, target, max(now - incident.declared_at, timedelta(0))
    )
