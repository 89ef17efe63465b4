"""The desk's queue: incidents waiting for acknowledgement, oldest first, against their target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bcp.domain.actors import Actor
from bcp.domain.clock import Clock
from bcp.domain.lifecycle import State
from bcp.services.incidents import IncidentView, list_incidents
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store.incidents import IncidentFilter


@dataclass(frozen=True)
class Waiting:
    view: IncidentView
    waited: timedelta
    target: timedelta

    @property
    def late(self) -> bool:
        return self.waited > self.target

    @property
    def share(self) -> float:
        return self.waited / self.target if self.target else 1.0


def waiting_queue(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, actor: Actor, settings: Settings
) -> list[Waiting]:
    views = list_incidents(
        uow, clock, library, actor, IncidentFilter(states=(State.DECLARED,), limit=500)
    )
    now = clock.now()
    items = [
        Waiting(
            view=v,
            waited=max(now - v.incident.declared_at, timedelta(0)),
            target=settings.acknowledgement_target(v.incident.facts.component),
        )
        for v in views
    ]
    return sorted(items, key=lambda w: w.view.incident.declared_at)
