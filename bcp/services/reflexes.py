"""The rules tables: which version is active, dry runs, and activating a new version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bcp.domain.actors import Role
from bcp.domain.consignments.deadlines import DeadlineTable
from bcp.domain.errors import NotAllowed, NotFound
from bcp.domain.messages import N_
from bcp.domain.reflexes.model import ReflexTable
from bcp.domain.watch import Timing
from bcp.services.context import Context
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.audit import audit
from bcp.store.models import ReflexActivationRow
from bcp.store.reflex_activations import active_version
from bcp.store.reflex_files import load_deadlines


@dataclass(frozen=True)
class ReflexLibrary:
    """Every table version found in reflexes/, and the version used when none is activated."""

    tables: Mapping[str, ReflexTable]
    default_version: str
    deadlines: DeadlineTable = field(default_factory=load_deadlines)
    """The ENS deadlines per mode, from reflexes/deadlines/."""
    timings: Mapping[str, Timing] = field(default_factory=dict)
    """Per component, the times the scheduler holds an open incident to (config/: the
    acknowledgement target, reminders, referrals; bcp.services.watch.timings). A declaration
    or a change uses them to say when the scheduler should next look at the incident; without
    them, it looks at its next tick."""

    def get(self, version: str) -> ReflexTable:
        try:
            return self.tables[version]
        except KeyError:
            raise NotFound(N_("no rules table %(version)s in reflexes/"), version=version) from None

    def timing(self, component: str) -> Timing | None:
        return self.timings.get(component)

    def active(self, uow: UnitOfWork) -> ReflexTable:
        """Call inside an open unit of work."""
        return self.get(active_version(uow.session) or self.default_version)


def active_table(uow: UnitOfWork, library: ReflexLibrary) -> ReflexTable:
    with uow.reading():
        return library.active(uow)


def activate(ctx: Context, version: str, note: str) -> ReflexTable:
    if ctx.actor.role not in (Role.ADMIN, Role.DESK):
        raise NotAllowed(N_("only an admin or the desk activates a rules table"))
    table = ctx.library.get(version)
    with ctx.uow:
        ctx.uow.session.add(
            ReflexActivationRow(
                version=version,
                activated_at=ctx.clock.now(),
                activated_by=ctx.actor.label,
                note=note,
            )
        )
        audit(ctx.uow.session, ctx.actor, "reflexes_activated", version, ctx.clock.now(), note=note)
        ctx.uow.commit()
    return table
