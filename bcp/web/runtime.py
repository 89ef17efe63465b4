"""What the application holds for the length of its life: settings, engine, sessions, clock."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bcp.domain.actors import Actor
from bcp.domain.clock import Clock
from bcp.reports.render import Renderer
from bcp.services.accounts import ActorReuse
from bcp.services.context import Context
from bcp.services.dashboard import DashboardCache
from bcp.services.notices import Board
from bcp.services.recent import LeastRecent, Recent, RecentByKey
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.web.rendered import kept_pages


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    library: ReflexLibrary
    dashboard_cache: DashboardCache = field(default_factory=DashboardCache)
    board_cache: Recent[Board] = field(default_factory=lambda: Recent(0.0))
    actor_cache: ActorReuse = field(default_factory=lambda: RecentByKey(0.0))
    renderer: Renderer = field(default_factory=lambda: Renderer(1, 64))
    pages: LeastRecent[Hashable, str] = field(default_factory=kept_pages)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


def runtime() -> Runtime:
    return current_app.extensions["bcp"]


def context_for(actor: Actor) -> Context:
    """The use case's context for this request: a new unit of work, the app's clock and rules
    library, and who acts (the signed-in person, or the API token's)."""
    rt = runtime()
    return Context(rt.unit_of_work(), rt.clock, rt.library, actor)
