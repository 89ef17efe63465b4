"""What the application holds for the length of its life: settings, engine, sessions, clock."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bcp.domain.actors import Actor
from bcp.domain.clock import Clock
from bcp.reports.render import Renderer
from bcp.services.accounts import ActorReuse
from bcp.services.contacts import Corrections
from bcp.services.context import Context
from bcp.services.dashboard import DashboardCache
from bcp.services.notices import Board
from bcp.services.queue import OrganisationChoice
from bcp.services.recent import KeptUntilChanged, LeastRecent, Recent, RecentByKey
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.web.rendered import kept_pages


@dataclass(frozen=True)
class SharedRows:
    """The desk queue's rows as every agent sees them (bcp.web.desk), rendered once for all of
    them, with what the rest of the page says of them."""

    html: Markup
    waiting_total: int
    organisations: list[OrganisationChoice]


QueueReuse = RecentByKey[Hashable, SharedRows]
QUEUE_KEYS = 16
"""Rows kept per process, one per filter and language asked (a few in practice): with every
incident listed (`?waiting=all`) on an outage's day, up to a few hundred kB each."""


EXPLANATION_CHARACTERS = 2 * 1024 * 1024
"""Why a procedure applies, rendered (bcp.web.why): about 3,000 explanations of five conditions
(some 700 characters each) per process, at most 4 MiB."""


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    library: ReflexLibrary
    reading_engine: Engine | None = None
    """PostgreSQL: the engine of the use cases that only read (bcp.store.db.make_reading_engine)."""
    reading_session_factory: sessionmaker[Session] | None = None
    dashboard_cache: DashboardCache = field(default_factory=DashboardCache)
    board_cache: Recent[Board] = field(default_factory=lambda: Recent(0.0))
    actor_cache: ActorReuse = field(default_factory=lambda: KeptUntilChanged(0.0))
    contacts_cache: Recent[Corrections] = field(default_factory=lambda: Recent(0.0))
    renderer: Renderer = field(default_factory=lambda: Renderer(1, 64))
    pages: LeastRecent[Hashable, str] = field(default_factory=kept_pages)
    queue_cache: QueueReuse = field(default_factory=lambda: RecentByKey(0.0))
    explanations: LeastRecent[tuple[str, str], Markup] = field(
        default_factory=lambda: LeastRecent(EXPLANATION_CHARACTERS, len)
    )

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.reading_session_factory)

    @property
    def engines(self) -> list[Engine]:
        """Every engine the app's statements go through (to listen to them all)."""
        return [e for e in (self.engine, self.reading_engine) if e is not None]

    def dispose(self, *, close: bool = True) -> None:
        """Let go of the pooled connections (close=False: in a forked worker, forget the
        parent's without closing them under it)."""
        for engine in self.engines:
            engine.dispose(close=close)


def runtime() -> Runtime:
    return current_app.extensions["bcp"]


def context_for(actor: Actor) -> Context:
    """The use case's context for this request: a new unit of work, the app's clock and rules
    library, and who acts (the signed-in person, or the API token's)."""
    rt = runtime()
    return Context(rt.unit_of_work(), rt.clock, rt.library, actor)
