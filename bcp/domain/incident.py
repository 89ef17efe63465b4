"""The incident aggregate: its facts, its state, and the events that got it there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Owner, Scope, Side
from bcp.domain.declaration import Declaration
from bcp.domain.errors import ErrorList, IllegalTransition, NotAllowed, invalid
from bcp.domain.lifecycle import TRANSITIONS, Action, State
from bcp.domain.timeline import EVENT_OF_ACTION, EventKind, TimelineEvent

NOTE_MAX = 5_000


@dataclass(frozen=True)
class OutageFacts:
    """The facts the reflex sheet decides on."""

    component: str
    scope: Scope
    side: Side
    planned: bool
    planned_until: datetime | None
    modes: tuple[Mode, ...]
    channel: Channel
    ens_operations: tuple[EnsOperation, ...]
    started_at: datetime


@dataclass
class Incident:
    id: int | None
    organisation: OrganisationRef | None
    facts: OutageFacts
    ens_waiting: int
    summary: str
    description: str
    declared_at: datetime
    declared_by: int | None
    state: State = State.DECLARED
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def concerns_everyone(self) -> bool:
        return self.facts.scope.concerns_everyone

    def visible_to(self, actor: Actor) -> bool:
        """Operators see their own organisation's incidents, those of their EDI provider that
        concern all its clients, and the outages the desk declared for everyone."""
        if actor.role is not Role.OPERATOR:
            return True
        if self.concerns_everyone:
            return True
        own = actor.organisation
        if own is None or self.organisation is None:
            return False
        if self.organisation.id == own.id:
            return True
        return self.facts.scope is Scope.PROVIDER and self.organisation.id == own.provider_id

    def allowed_actions(self, actor: Actor) -> list[Action]:
        return [a for a in Action if self._refusal(a, actor) is None]

    def apply(self, action: Action, actor: Actor, now: datetime, note: str = "") -> TimelineEvent:
        refusal = self._refusal(action, actor)
        if refusal is not None:
            raise refusal
        transition = TRANSITIONS[action]
        note = note.strip()
        if transition.reason_required and not note:
            raise invalid("note", f"a reason is required to {action.value.replace('_', ' ')}")
        _check_note(note)
        return self._record(EVENT_OF_ACTION[action], actor, now, transition.target, note=note)

    def _refusal(self, action: Action, actor: Actor) -> Exception | None:
        transition = TRANSITIONS[action]
        if actor.role not in transition.roles:
            owners = " or ".join(r.value for r in sorted(transition.roles))
            return NotAllowed(f"only the {owners} role may {action.value.replace('_', ' ')}")
        if actor.role is Role.OPERATOR and not self._belongs_to(actor):
            return NotAllowed(
                "this outage was declared by the customs desk for everyone: "
                "only the desk changes its state"
            )
        if self.state not in transition.sources:
            allowed = ", ".join(sorted(s.value for s in transition.sources))
            return IllegalTransition(
                f"cannot {action.value.replace('_', ' ')} an incident that is "
                f"{self.state.value}; possible only when it is {allowed}"
            )
        return None

    def _belongs_to(self, actor: Actor) -> bool:
        return (
            self.organisation is not None
            and actor.organisation is not None
            and self.organisation.id == actor.organisation.id
        )

    def _record(
        self,
        kind: EventKind,
        actor: Actor,
        now: datetime,
        target: State,
        note: str = "",
        changes: dict[str, Any] | None = None,
    ) -> TimelineEvent:
        if self.events and now < self.events[-1].at:
            now = self.events[-1].at
        event = TimelineEvent(
            seq=len(self.events) + 1,
            at=now,
            kind=kind,
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            actor_role=actor.role,
            state_before=self.state if self.events else None,
            state_after=target,
            changes=changes or {},
            note=note,
        )
        self.state = target
        self.events.append(event)
        return event


def declare(
    declaration: Declaration,
    actor: Actor,
    organisation: OrganisationRef | None,
    now: datetime,
) -> Incident:
    """Open an incident. `organisation` is the one named by the declaration (desk) or the actor's
    own (operator). An outage the desk declares is acknowledged by that same act."""
    if actor.role not in (Role.OPERATOR, Role.DESK):
        raise NotAllowed("only an operator or the customs desk may declare an outage")
    spec = COMPONENTS[declaration.component]
    scope = declaration.scope or (
        Scope.ORGANISATION if organisation is not None else _everyone_scope(spec.owner)
    )
    side = declaration.side or spec.default_side
    _check_scope(declaration, actor, organisation, scope, side)
    facts = OutageFacts(
        component=declaration.component,
        scope=scope,
        side=side,
        planned=declaration.planned,
        planned_until=declaration.planned_until,
        modes=declaration.modes,
        channel=declaration.channel,
        ens_operations=declaration.ens_operations,
        started_at=declaration.started_at,
    )
    incident = Incident(
        id=None,
        organisation=None if scope.concerns_everyone else organisation,
        facts=facts,
        ens_waiting=declaration.ens_waiting,
        summary=declaration.summary,
        description=declaration.description,
        declared_at=now,
        declared_by=actor.user_id,
    )
    incident._record(EventKind.DECLARED, actor, now, State.DECLARED, changes=_facts_dict(incident))
    if actor.role is Role.DESK:
        incident.apply(Action.ACKNOWLEDGE, actor, now, note="declared by the customs desk")
    return incident


def _everyone_scope(owner: Owner) -> Scope:
    return Scope.NATIONAL if owner is Owner.NATIONAL else Scope.EU


def _check_scope(
    declaration: Declaration,
    actor: Actor,
    organisation: OrganisationRef | None,
    scope: Scope,
    side: Side,
) -> None:
    spec = COMPONENTS[declaration.component]
    errors = ErrorList()
    if side not in spec.sides:
        sides = ", ".join(s.value for s in spec.sides)
        errors.add("side", f"{spec.code} can only be at fault on the side of: {sides}")
    if scope.concerns_everyone:
        if actor.role is not Role.DESK:
            raise NotAllowed("only the customs desk declares an outage that concerns everyone")
        if organisation is not None:
            errors.add("organisation", "an outage for everyone names no organisation")
        if spec.owner not in (Owner.EU, Owner.NATIONAL):
            errors.add("scope", f"{spec.code} is not an EU or national component")
        elif spec.owner is Owner.NATIONAL and scope is Scope.EU:
            errors.add("scope", "the national entry system concerns France only: scope national")
        if side is not Side.ADMINISTRATION:
            errors.add("side", "an outage for everyone is on the administration's side")
    else:
        if organisation is None:
            errors.add("organisation", "required: the EORI of the organisation concerned")
        elif scope is Scope.PROVIDER and organisation.kind is not OrganisationKind.PROVIDER:
            errors.add("scope", "only an EDI service provider declares for all its clients")
    errors.raise_if_any()


def _check_note(note: str) -> None:
    if len(note) > NOTE_MAX or "\x00" in note:
        raise invalid("note", f"at most {NOTE_MAX} characters, no NUL")


def _facts_dict(incident: Incident) -> dict[str, Any]:
    facts = incident.facts
    return {
        "component": facts.component,
        "scope": facts.scope.value,
        "side": facts.side.value,
        "organisation": incident.organisation.eori if incident.organisation else None,
        "started_at": facts.started_at.isoformat(),
        "planned": facts.planned,
        "planned_until": facts.planned_until.isoformat() if facts.planned_until else None,
        "modes": [m.value for m in facts.modes],
        "channel": facts.channel.value,
        "ens_operations": [o.value for o in facts.ens_operations],
        "ens_waiting": incident.ens_waiting,
    }
