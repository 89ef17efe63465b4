"""What one request hands its use case: the unit of work it runs in, the clock, the rules
library and who acts. Built once per request by the web layer (bcp.web.runtime.context_for),
by the command line and the scheduler for their own acts, and by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the library's module has use cases of its own, which take a Context
    from bcp.domain.actors import Actor
    from bcp.domain.clock import Clock
    from bcp.services.reflexes import ReflexLibrary
    from bcp.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Context:
    uow: UnitOfWork
    clock: Clock
    library: ReflexLibrary
    actor: Actor
