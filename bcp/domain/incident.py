"""The incident aggregate: its facts, its state, and the events that got it there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bcp.domain.activation import Activation, ActivationRequest, CommissionNotification
from bcp.domain.actors import (
    SCHEDULER,
    Actor,
    OrganisationKind,
    OrganisationRef,
    Role,
    desk_notice,
)
from bcp.domain.catalogue import (
    COMPONENTS,
    Channel,
    Component,
    EnsOperation,
    Mode,
    Owner,
    Scope,
    Side,
    possible_scopes,
)
from bcp.domain.clock import in_paris
from bcp.domain.declaration import Declaration, check_declaration
from bcp.domain.durations import Milestones
from bcp.domain.errors import ErrorList, IllegalTransition, NotAllowed, NotFound, invalid
from bcp.domain.lifecycle import TRANSITIONS, Action, State
from bcp.domain.messages import N_
from bcp.domain.notices import Notice
from bcp.domain.referrals import Outcome, Referral, ReferralRequest, referrals_of
from bcp.domain.reflexes.engine import Decision, ReflexFacts, evaluate
from bcp.domain.reflexes.model import Anchor, Procedure, ReflexTable, StepRole, Text
from bcp.domain.reflexes.progress import StepStatus, blocking_steps, milestones, step_statuses
from bcp.domain.timeline import EVENT_OF_ACTION, EventKind, Said, TimelineEvent

NOTE_MAX = 5_000
NOT_YET = {
    Anchor.ACKNOWLEDGED: N_("this step comes after the acknowledgement: it cannot be done before"),
    Anchor.FALLBACK_AUTHORISED: N_(
        "this step comes once the fallback is authorised: it cannot be done before"
    ),
    Anchor.RECOVERED: N_("this step comes after recovery: it cannot be done before"),
}
"""Why a step cannot be done yet, by the event its phase starts with."""
PROCEDURE_WITHOUT_FALLBACK = N_(
    "the procedure of this outage has no fallback: nothing is sent by a fallback route (an "
    "outage of the national system, or one that does not stop this organisation's filing)"
)

REASON_REQUIRED = {
    Action.REFUSE_FALLBACK: N_("a reason is required to refuse the fallback"),
    Action.CANCEL: N_("a reason is required to cancel the incident"),
}
"""What the refusal of an action that needs a reason says (TRANSITIONS[...].reason_required)."""
STEP_OWNER = {
    StepRole.OPERATOR: N_("this step is for the operator to do"),
    StepRole.PROVIDER: N_("this step is for the EDI provider to do"),
    StepRole.DESK: N_("this step is for the customs desk to do"),
    StepRole.MANAGER: N_("this step is for a manager to do"),
}
"""Why a person may not settle a step, by whose it is."""
AT_MOST = N_("at most %(limit)s characters")
ONLY_ROLES = {
    frozenset({Role.DESK}): N_("only the customs desk does this"),
    frozenset({Role.OPERATOR, Role.DESK}): N_(
        "only the organisation concerned or the customs desk does this"
    ),
}
"""Why an action is refused to a role, by the roles it belongs to (TRANSITIONS[...].roles)."""
NOT_IN_STATE = {
    State.DECLARED: N_("not possible yet: the incident is declared and not acknowledged"),
    State.ACKNOWLEDGED: N_("not possible now: the incident is acknowledged"),
    State.FALLBACK_ACTIVE: N_("not possible now: the fallback procedure is active"),
    State.RECOVERED: N_("not possible now: the incident is recovered"),
    State.CLOSED: N_("not possible: the incident is closed"),
    State.CANCELLED: N_("not possible: the incident is cancelled"),
}
"""Why an action is refused in a state: the state says which actions remain (lifecycle)."""
SIDE_IMPOSSIBLE = N_("%(component)s cannot be at fault on this side")
SCOPE_IMPOSSIBLE = N_("this choice is not possible for %(component)s at fault on this side")


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


@dataclass(frozen=True)
class ReflexChoice:
    """The procedure an incident follows, and the table version and rule that chose it."""

    table_version: str
    rule_id: str
    procedure_id: str


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
    reflex: ReflexChoice | None = None
    procedure: Procedure | None = field(default=None, compare=False)
    notice_id: int | None = None
    outstanding_consignments: int = field(default=0, compare=False)
    """Consignments listed and not yet back in ICS2 (set with its goods, see
    bcp.domain.consignments.goods): the incident does not close while there are any."""
    listed_consignments: int | None = field(default=None, compare=False)
    """How many consignments it lists, when read with it for a page (None: not read): a page
    of an incident that lists none does not ask for them."""

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

    @property
    def fallback_references(self) -> list[str]:
        return [
            e.changes["reference"]
            for e in self.events
            if e.kind is EventKind.FALLBACK_REFERENCE_ISSUED
        ]

    def message_values(self, lang: str) -> dict[str, Any]:
        """What a step's message template may quote of this incident (see reflexes.messages)."""
        references = self.fallback_references
        return {
            "eori": self.organisation.eori if self.organisation else None,
            "organisation": self.organisation.name if self.organisation else None,
            "component": COMPONENTS[self.facts.component].name(lang),
            "started_at": in_paris(self.facts.started_at).strftime("%d/%m/%Y %H:%M"),
            "reference": references[-1] if references else None,
            "ens_waiting": self.ens_waiting,
            "summary": self.summary,
            "incident_id": self.id,
        }

    @property
    def referrals(self) -> list[Referral]:
        return referrals_of(self.events)

    def may_follow(self, notice: Notice, now: datetime) -> bool:
        """An open incident of the administration's side, on a component the notice covers and
        not yet linked to another notice, is part of the notice's outage."""
        return (
            self.state.is_open
            and self.state is not State.RECOVERED
            and self.notice_id in (None, notice.id)
            and self.facts.side is Side.ADMINISTRATION
            and notice.covers(self.facts.component, now)
        )

    def follow_notice(self, notice: Notice, now: datetime) -> list[TimelineEvent]:
        """Take from the desk's notice what it decides for every incident it covers: the link
        itself (which acknowledges the incident: the desk knows of the outage), whether the outage
        is planned and until when, the fallback window, and the recovery when it closes. The
        caller then re-runs the rules."""
        if not self.state.is_open or (self.notice_id not in (None, notice.id)):
            return []
        by = desk_notice(notice.id)
        events: list[TimelineEvent] = []
        if self.notice_id is None:
            self.notice_id = notice.id
            events.append(
                self._record(
                    EventKind.NOTICE_LINKED,
                    by,
                    now,
                    self.state,
                    note=notice.title,
                    changes={"notice": notice.id, "kind": notice.kind.value},
                )
            )
        planned_until = notice.expected_end if notice.scheduled else None
        if (self.facts.planned, self.facts.planned_until) != (notice.scheduled, planned_until):
            before = {
                "planned": self.facts.planned,
                "planned_until": _iso(self.facts.planned_until),
            }
            self.facts = replace(self.facts, planned=notice.scheduled, planned_until=planned_until)
            after = {"planned": notice.scheduled, "planned_until": _iso(planned_until)}
            events.append(
                self._record(
                    EventKind.NOTICE_UPDATED,
                    by,
                    now,
                    self.state,
                    note=notice.updates[-1].text if notice.updates else "",
                    changes={"notice": notice.id, "before": before, "after": after},
                )
            )
        if not notice.is_open:
            if self.state in TRANSITIONS[Action.RECOVER].sources:
                note = f"service restored: desk notice {notice.id} closed"
                changes = {"notice": notice.id, "said": Said.NOTICE_CLOSED.value}
                events.append(
                    self._record(EventKind.RECOVERED, by, now, State.RECOVERED, note, changes)
                )
            return events
        ended = self._activation_ended_by(notice, now, by)
        if ended is not None:
            events.append(ended)
        if self.state is State.DECLARED:
            note = f"the desk announced this outage in notice {notice.id}"
            changes = {"notice": notice.id, "said": Said.NOTICE_ANNOUNCED.value}
            events.append(
                self._record(EventKind.ACKNOWLEDGED, by, now, State.ACKNOWLEDGED, note, changes)
            )
        activation = notice.activation(now)
        allowed = (
            activation is not None
            and activation.covers_modes(self.facts.modes)
            and (self.procedure is None or self.procedure.fallback)
        )
        if allowed and self.state is State.ACKNOWLEDGED:
            blocking = (
                blocking_steps(self.procedure, self.events, Action.ACTIVATE_FALLBACK.value, now)
                if self.procedure
                else []
            )
            if not blocking:
                note = f"fallback allowed by desk notice {notice.id}"
                changes = {
                    "notice": notice.id,
                    "bcp": activation.changes(),
                    "said": Said.NOTICE_FALLBACK.value,
                }
                events.append(
                    self._record(
                        EventKind.FALLBACK_ACTIVATED,
                        by,
                        now,
                        State.FALLBACK_ACTIVE,
                        note,
                        changes,
                    )
                )
        return events

    def record_referral(
        self,
        request: ReferralRequest,
        actor: Actor,
        now: datetime,
        carrier: OrganisationRef | None = None,
    ) -> TimelineEvent:
        """The desk passed a referral to the carrier by telephone or e-mail."""
        self.check_may_refer(actor, carrier)
        if carrier is not None and self.organisation and carrier.id != self.organisation.id:
            request = replace(
                request, carrier_id=carrier.id, carrier=f"{carrier.name} ({carrier.eori})"
            )
        number = len(self.referrals) + 1
        return self._record(
            EventKind.REFERRAL_SENT,
            actor,
            now,
            self.state,
            note=request.request,
            changes={"referral": number, **request.changes()},
        )

    def may_refer(self, actor: Actor) -> bool:
        """Whether the desk may record a referral here now (on a provider's incident, naming
        the client carrier)."""
        return (
            actor.role is Role.DESK
            and self.organisation is not None
            and self.state not in (State.RECOVERED, State.CLOSED, State.CANCELLED)
        )

    def check_may_refer(self, actor: Actor, carrier: OrganisationRef | None = None) -> None:
        """A referral passed by telephone or e-mail is recorded whenever this outage stops the
        electronic delivery to the carrier: from its declaration until recovery, whatever its
        procedure (a DNL waits unseen in the carrier's AS4 channel, or is never sent while the
        national system is down). On an EDI provider's incident it names the client carrier it
        is for (`carrier`)."""
        if actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk records referrals"))
        if self.organisation is None:
            raise IllegalTransition(
                N_(
                    "this outage concerns everyone: record the referral on its notice, naming "
                    "the carrier, so that the carrier confirms it"
                )
            )
        if not self.state.is_open:
            raise IllegalTransition(N_("this incident is over: its referrals are frozen"))
        if self.state is State.RECOVERED:
            raise IllegalTransition(
                N_(
                    "the outage is over: the electronic channel delivers referrals again; send "
                    "this one through ICS2"
                )
            )
        if self.facts.scope is Scope.PROVIDER:
            if carrier is None:
                raise invalid(
                    "carrier", N_("name the client carrier this referral is for (its EORI)")
                )
            if carrier.provider_id != self.organisation.id:
                raise invalid(
                    "carrier", N_("this carrier does not file through the provider of this outage")
                )
        elif carrier is not None and carrier.id != self.organisation.id:
            raise invalid(
                "carrier", N_("this incident is another organisation's: record it on the carrier's")
            )

    def confirm_referral(
        self, number: int, actor: Actor, now: datetime, note: str = ""
    ) -> TimelineEvent:
        """The carrier confirms it received the referral (or the desk records that it did)."""
        referral = self.referral_for(number, actor)
        if referral.confirmed:
            raise IllegalTransition(N_("referral R%(number)s was confirmed already"), number=number)
        _check_note(note.strip())
        return self._record(
            EventKind.REFERRAL_CONFIRMED,
            actor,
            now,
            self.state,
            note=note.strip(),
            changes={"referral": number, "kind": referral.kind.value},
        )

    def record_referral_outcome(
        self, number: int, outcome: Outcome, result: str, note: str, actor: Actor, now: datetime
    ) -> list[TimelineEvent]:
        """What came of it: information given, screening done and its result, cargo not
        loaded. An outcome is also the confirmation of receipt, if none was recorded."""
        referral = self.referral_for(number, actor)
        if referral.outcome is not None:
            raise IllegalTransition(
                N_("the outcome of referral R%(number)s is recorded already"), number=number
            )
        events = [] if referral.confirmed else [self.confirm_referral(number, actor, now)]
        changes = {
            "referral": number,
            "kind": referral.kind.value,
            "outcome": outcome.value,
            "result": result or None,
        }
        events.append(
            self._record(
                EventKind.REFERRAL_OUTCOME, actor, now, self.state, note=note, changes=changes
            )
        )
        return events

    def referral_for(self, number: int, actor: Actor) -> Referral:
        """The referral an actor may answer: the carrier concerned (the incident's organisation,
        or the client carrier named on its provider's incident), or the desk."""
        found = next((r for r in self.referrals if r.number == number), None)
        named = (
            found is not None
            and found.carrier_id is not None
            and actor.role is Role.OPERATOR
            and actor.organisation_id == found.carrier_id
        )
        if not (self.may_contribute(actor) or named):
            raise NotAllowed(N_("only the carrier concerned or the desk answers this referral"))
        if found is None:
            raise NotFound(N_("this incident has no referral R%(number)s"), number=number)
        return found

    def milestones(self) -> Milestones:
        def first(kind: EventKind) -> datetime | None:
            return next((e.at for e in self.events if e.kind is kind), None)

        return Milestones(
            component=self.facts.component,
            state=self.state,
            declared_at=self.declared_at,
            started_at=self.facts.started_at,
            acknowledged_at=first(EventKind.ACKNOWLEDGED),
            recovered_at=first(EventKind.RECOVERED),
        )

    def may_contribute(self, actor: Actor) -> bool:
        """Notes, evidence and fallback references: the organisation concerned and the desk, and
        bcp on the desk's behalf (a desk notice that allows the fallback issues its first
        reference)."""
        return actor.role in (Role.DESK, Role.SYSTEM) or (
            actor.role is Role.OPERATOR and self._belongs_to(actor)
        )

    @property
    def awaits_first_reference(self) -> bool:
        """Authorised to go by the fallback route, with a message to send that names a fallback
        reference, and none issued yet: the authorisation issues the first one."""
        return (
            self.organisation is not None
            and self.state is State.FALLBACK_ACTIVE
            and not self.fallback_references
            and self.procedure is not None
            and any(s.message for s in self.procedure.steps)
        )

    def may_issue_reference(self, actor: Actor) -> bool:
        return (
            self.may_contribute(actor)
            and self.organisation is not None
            and self.state is State.FALLBACK_ACTIVE
        )

    def allowed_actions(self, actor: Actor) -> list[Action]:
        return [a for a in Action if self._refusal(a, actor) is None]

    def apply(
        self,
        action: Action,
        actor: Actor,
        now: datetime,
        note: str = "",
        activation: ActivationRequest | None = None,
        said: Said | None = None,
    ) -> TimelineEvent:
        """Move the incident on. `said` marks a note written by bcp itself (Said).

        Authorising the fallback of one organisation's outage is the
        member state's activation of the BCP for it (Art. 105(5)): `activation` says for which
        modes, offices and until when (by default: the incident's modes, every French office,
        until the desk ends it)."""
        refusal = self._refusal(action, actor)
        if refusal is not None:
            raise refusal
        transition = TRANSITIONS[action]
        note = note.strip()
        if transition.reason_required and not note:
            raise invalid("note", REASON_REQUIRED.get(action, N_("a reason is required")))
        _check_note(note)
        if self.procedure is not None:
            blocking = blocking_steps(self.procedure, self.events, action.value, now)
            if blocking:
                raise IllegalTransition(
                    N_(
                        "first settle this step of the procedure (done, or skipped with a "
                        "reason): %(steps)s"
                    ),
                    steps=Text(
                        fr="; ".join(s.title.fr for s in blocking),
                        en="; ".join(s.title.en for s in blocking),
                    ),
                )
        changes = None
        if action is Action.ACTIVATE_FALLBACK:
            request = activation or ActivationRequest(modes=self.facts.modes)
            decided = request.decide(actor.label, now, (self.facts.component,))
            changes = {"bcp": decided.changes()}
        if said is not None:
            changes = {**(changes or {}), "said": said.value}
        return self._record(
            EVENT_OF_ACTION[action], actor, now, transition.target, note=note, changes=changes
        )

    @property
    def activation(self) -> Activation | None:
        """The BCP's activation under which this incident's fallback was authorised, if it was
        (by the desk for this organisation, or by the notice it follows), with the end the
        notice gave it if the desk ended it early."""
        index, event = self._activation_event()
        if event is None:
            return None
        activation = Activation.from_changes(
            event.changes.get("bcp") or {}, event.at, event.actor_label
        )
        ended = next(
            (
                datetime.fromisoformat(e.changes["bcp_ended"])
                for e in self.events[index + 1 :]
                if e.kind is EventKind.NOTICE_UPDATED and e.changes.get("bcp_ended")
            ),
            None,
        )
        if ended is not None and (activation.until is None or ended < activation.until):
            activation = replace(activation, until=ended)
        return activation

    def _activation_event(self) -> tuple[int, TimelineEvent] | tuple[None, None]:
        return next(
            (
                (i, e)
                for i, e in reversed(list(enumerate(self.events)))
                if e.kind is EventKind.FALLBACK_ACTIVATED
            ),
            (None, None),
        )

    def _activation_ended_by(
        self, notice: Notice, now: datetime, by: Actor
    ) -> TimelineEvent | None:
        """The desk ended the notice's window before the activation's own end: the fallback this
        notice authorised for the incident ends with it (what was sent before stays sent)."""
        _, event = self._activation_event()
        activation = self.activation
        if (
            event is None
            or event.changes.get("notice") != notice.id
            or self.state is not State.FALLBACK_ACTIVE
            or activation is None
            or not activation.in_force(now)
            or notice.activation(now) is not None
        ):
            return None
        return self._record(
            EventKind.NOTICE_UPDATED,
            by,
            now,
            self.state,
            note=f"the continuity plan's activation ended (desk notice {notice.id})",
            changes={
                "notice": notice.id,
                "bcp_ended": now.isoformat(),
                "said": Said.ACTIVATION_ENDED.value,
            },
        )

    def notify_commission(
        self, actor: Actor, now: datetime, notification: CommissionNotification, note: str = ""
    ) -> TimelineEvent:
        """The desk told the Commission and the other member states that this operator's system
        cannot lodge (Art. 105(3), second subparagraph)."""
        if actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk records the notification to the Commission"))
        if self.organisation is None:
            raise IllegalTransition(
                N_("record the notification of an administration's outage on its notice")
            )
        _check_note(note.strip())
        return self._record(
            EventKind.COMMISSION_NOTIFIED,
            actor,
            now,
            self.state,
            note=note.strip(),
            changes=notification.changes(),
        )

    def reflex_facts(self) -> ReflexFacts:
        f = self.facts
        return ReflexFacts(
            component=f.component,
            scope=f.scope,
            side=f.side,
            planned=f.planned,
            modes=frozenset(f.modes),
            channel=f.channel,
            ens_operations=frozenset(f.ens_operations),
            started_at=f.started_at,
            planned_until=f.planned_until,
            stp_access=bool(self.organisation and self.organisation.stp_access),
        )

    def decision(self, table: ReflexTable, now: datetime) -> Decision:
        return evaluate(self.reflex_facts(), table, now, milestones(self.events))

    def decide(self, table: ReflexTable, actor: Actor, now: datetime) -> TimelineEvent | None:
        """Run the rules on the current facts; record the choice, or the switch and why. Running
        it again on the same facts at the same moment records nothing."""
        if not self.state.is_open:
            return None
        decision = self.decision(table, now)
        choice = ReflexChoice(table.version, decision.rule.id, decision.procedure.id)
        if choice == self.reflex:
            return None
        previous, self.reflex, self.procedure = self.reflex, choice, decision.procedure
        changes: dict[str, Any] = {
            "table": choice.table_version,
            "rule": choice.rule_id,
            "procedure": choice.procedure_id,
            "why": decision.explanation(),
            "because": decision.because(),
        }
        if previous is None:
            kind = EventKind.PROCEDURE_SELECTED
        else:
            kind = EventKind.PROCEDURE_SWITCHED
            changes["before"] = {"rule": previous.rule_id, "procedure": previous.procedure_id}
            changes["kept_steps"] = [s.step.id for s in self.steps(now) if s.state.settled]
        return self._record(kind, actor, now, self.state, changes=changes)

    def steps(self, now: datetime) -> list[StepStatus]:
        if self.procedure is None:
            return []
        return step_statuses(self.procedure, self.events, now)

    def settle_step(
        self,
        step_id: str,
        done: bool,
        actor: Actor,
        now: datetime,
        note: str = "",
        reference: str = "",
    ) -> TimelineEvent:
        """Mark a step of the current procedure done, or skipped (with a reason)."""
        if self.procedure is None or (step := self.procedure.step(step_id)) is None:
            raise NotFound(N_("the procedure of this incident has no such step"))
        if not self.may_settle(step.role, actor):
            raise NotAllowed(STEP_OWNER[step.role])
        if not self.state.is_open:
            raise IllegalTransition(N_("the incident is no longer open: its steps are frozen"))
        status = next(s for s in self.steps(now) if s.step.id == step_id)
        if (
            EventKind.CONSIGNMENTS_RELODGED.value in step.done_when
            and self.outstanding_consignments
        ):
            raise IllegalTransition(
                N_(
                    "goods listed on this incident are not back in ICS2: enter their MRN or mark "
                    "them not needed; the desk may waive the rest with a reason"
                )
            )
        if status.state.settled:
            raise IllegalTransition(N_("this step is settled already"))
        if done and status.due_at is None:
            # Its phase is not reached: the event its due time counts from has not happened (a
            # fallback filing before the authorisation, a re-lodging before recovery). Skipping
            # it, with a reason, stays possible: it says the step will not happen.
            raise IllegalTransition(NOT_YET[step.anchor])
        note, reference = note.strip(), reference.strip()
        if not done and not note:
            raise invalid("note", N_("a reason is required to skip a step"))
        _check_note(note)
        if len(reference) > REFERENCE_MAX:
            raise invalid("reference", AT_MOST, limit=REFERENCE_MAX)
        kind = EventKind.STEP_DONE if done else EventKind.STEP_SKIPPED
        changes = {"step": step_id, "reference": reference or None}
        return self._record(kind, actor, now, self.state, note=note, changes=changes)

    def may_settle(self, role: StepRole, actor: Actor) -> bool:
        """The role named by the step does it; the desk may settle any step."""
        if actor.role is Role.DESK:
            return True
        if role in (StepRole.OPERATOR, StepRole.PROVIDER):
            return actor.role is Role.OPERATOR and self._belongs_to(actor)
        return role is StepRole.MANAGER and actor.role is Role.MANAGER

    def reclassify(
        self, actor: Actor, now: datetime, note: str = "", **changes: Any
    ) -> TimelineEvent:
        """The desk corrects the component, the side or the scope; the caller then re-runs the
        rules with `decide`."""
        if actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk reclassifies an incident"))
        if not self.state.is_open:
            raise IllegalTransition(N_("the incident is no longer open: it cannot change"))
        component = changes.get("component") or self.facts.component
        spec = COMPONENTS[component]
        side = changes.get("side") or (
            self.facts.side if self.facts.side in spec.sides else spec.default_side
        )
        scope = changes.get("scope") or self.facts.scope
        errors = ErrorList()
        if side not in spec.sides:
            errors.add("side", SIDE_IMPOSSIBLE, component=_named(spec))
        elif scope not in possible_scopes(spec, side):
            errors.add("scope", SCOPE_IMPOSSIBLE, component=_named(spec))
        if scope.concerns_everyone != self.facts.scope.concerns_everyone:
            errors.add(
                "scope",
                N_(
                    "an incident cannot move between one organisation and everyone; "
                    "declare a separate outage for everyone"
                ),
            )
        errors.raise_if_any()
        before = {
            "component": self.facts.component,
            "side": self.facts.side.value,
            "scope": self.facts.scope.value,
        }
        after = {"component": component, "side": side.value, "scope": scope.value}
        if before == after:
            raise invalid(
                "component", N_("nothing to change: give another component, side or scope")
            )
        _check_note(note.strip())
        self.facts = replace(self.facts, component=component, side=side, scope=scope)
        return self._record(
            EventKind.RECLASSIFIED,
            actor,
            now,
            self.state,
            note=note.strip(),
            changes={"before": before, "after": after},
        )

    def record_note(
        self,
        actor: Actor,
        now: datetime,
        note: str,
        reference: str = "",
        attachment: dict[str, Any] | None = None,
    ) -> TimelineEvent:
        """What was done, as the people doing it tell it: a note, the reference of the e-mail
        sent, a piece of evidence."""
        if not self.may_contribute(actor):
            raise NotAllowed(
                N_("only the organisation concerned or the desk adds to this incident")
            )
        note, reference = note.strip(), reference.strip()
        if not note and not reference and attachment is None:
            raise invalid("note", N_("write what was done, give a reference, or attach a file"))
        _check_note(note)
        if len(reference) > REFERENCE_MAX:
            raise invalid("reference", AT_MOST, limit=REFERENCE_MAX)
        changes: dict[str, Any] = {"reference": reference or None}
        if attachment is not None:
            changes["attachment"] = attachment
        return self._record(
            EventKind.NOTE_ADDED, actor, now, self.state, note=note, changes=changes
        )

    def record_alert(self, kind: EventKind, changes: dict[str, Any], note: str, now: datetime):
        """An escalation or a reminder, recorded by the scheduler (see bcp.domain.watch)."""
        return self._record(kind, SCHEDULER, now, self.state, note=note, changes=changes)

    def issue_fallback_reference(self, actor: Actor, now: datetime, sequence: int) -> TimelineEvent:
        """A traceable reference for one fallback filing, like GAMMA's fallback number."""
        if self.organisation is None:
            raise IllegalTransition(
                N_(
                    "this outage concerns everyone: declare your organisation's own incident "
                    "for it, then ask for fallback references there"
                )
            )
        if not self.may_contribute(actor):
            raise NotAllowed(N_("only the organisation concerned or the desk asks for a reference"))
        if self.state is not State.FALLBACK_ACTIVE:
            raise IllegalTransition(
                N_("fallback references are issued while the fallback is active")
            )
        reference = fallback_reference(now.year, self.organisation.eori, sequence)
        return self._record(
            EventKind.FALLBACK_REFERENCE_ISSUED,
            actor,
            now,
            self.state,
            changes={"reference": reference, "sequence": sequence},
        )

    def _refusal(self, action: Action, actor: Actor) -> Exception | None:
        transition = TRANSITIONS[action]
        if actor.role not in transition.roles:
            return NotAllowed(
                ONLY_ROLES.get(transition.roles, N_("this action belongs to another role"))
            )
        if actor.role is Role.OPERATOR and not self._belongs_to(actor):
            return NotAllowed(
                N_(
                    "this outage was declared by the customs desk for everyone: "
                    "only the desk changes its state"
                )
            )
        if self.state not in transition.sources:
            return IllegalTransition(NOT_IN_STATE[self.state])
        if (
            action is Action.ACTIVATE_FALLBACK
            and self.procedure is not None
            and not self.procedure.fallback
        ):
            return IllegalTransition(PROCEDURE_WITHOUT_FALLBACK)
        if action is Action.CLOSE and self.outstanding_consignments:
            return IllegalTransition(
                N_(
                    "goods listed on this incident are not back in ICS2: enter their MRN or mark "
                    "them not needed, or waive the rest with a reason, before closing"
                )
            )
        if action in (Action.CLOSE, Action.CANCEL):
            waiting = [r for r in self.referrals if not r.confirmed]
            if waiting:
                names = ", ".join(f"R{r.number} ({r.kind.value.upper()})" for r in waiting)
                return IllegalTransition(
                    N_("the carrier has not confirmed the receipt of %(referrals)s"),
                    referrals=names,
                )
        return None

    def record(
        self,
        kind: EventKind,
        actor: Actor,
        now: datetime,
        note: str = "",
        changes: dict[str, Any] | None = None,
    ) -> TimelineEvent:
        """An event that leaves the state as it is, for the incident's collaborators (its goods:
        bcp.domain.consignments.goods)."""
        return self._record(kind, actor, now, self.state, note=note, changes=changes)

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


REFERENCE_MAX = 200


def fallback_reference(year: int, eori: str, sequence: int) -> str:
    return f"PS-{year}-{eori}-{sequence:04d}"


def declare(
    declaration: Declaration,
    actor: Actor,
    organisation: OrganisationRef | None,
    now: datetime,
    table: ReflexTable,
) -> Incident:
    """Open an incident and pick its procedure. `organisation` is the one named by the
    declaration (desk) or the actor's own (operator). An outage the desk declares is acknowledged
    by that same act."""
    if actor.role not in (Role.OPERATOR, Role.DESK):
        raise NotAllowed(N_("only an operator or the customs desk may declare an outage"))
    check_declaration(declaration, now)
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
    incident.decide(table, actor, now)
    if actor.role is Role.DESK:
        incident.apply(
            Action.ACKNOWLEDGE,
            actor,
            now,
            note="declared by the customs desk",
            said=Said.DECLARED_BY_DESK,
        )
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
        errors.add("side", SIDE_IMPOSSIBLE, component=_named(spec))
    elif scope not in possible_scopes(spec, side):
        errors.add("scope", SCOPE_IMPOSSIBLE, component=_named(spec))
    if scope.concerns_everyone:
        if actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk declares an outage that concerns everyone"))
        if organisation is not None:
            errors.add("organisation", N_("an outage for everyone names no organisation"))
    else:
        if organisation is None:
            errors.add("organisation", N_("required: the EORI of the organisation concerned"))
        elif scope is Scope.PROVIDER and organisation.kind is not OrganisationKind.PROVIDER:
            errors.add("scope", N_("only an EDI service provider declares for all its clients"))
    errors.raise_if_any()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _named(component: Component) -> Text:
    """A component as a refusal names it, in the reader's language."""
    return Text(fr=component.name_fr, en=component.name_en)


def _check_note(note: str) -> None:
    if len(note) > NOTE_MAX or "\x00" in note:
        raise invalid("note", N_("at most %(limit)s characters, no NUL"), limit=NOTE_MAX)


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
