"""The incident: what a person declares, the acts on it, and how the API shows it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from bcp.domain.actors import Role
from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.declaration import (
    DESCRIPTION_MAX,
    ENS_WAITING_MAX,
    SUMMARY_MAX,
    Declaration,
)
from bcp.domain.incident import NOTE_MAX, REFERENCE_MAX
from bcp.domain.lifecycle import Action, State
from bcp.domain.messages import N_
from bcp.domain.reflexes.model import Anchor, Phase, StepRole
from bcp.domain.reflexes.progress import StepState
from bcp.domain.timeline import EventKind
from bcp.web.schemas.activation import ActivationBody
from bcp.web.schemas.common import Bilingual, Page, Source
from bcp.web.schemas.referrals import ReferralOut
from bcp.web.schemas.types import (
    Body,
    ComponentCode,
    Flag,
    Instant,
    Shape,
    choices_of,
    free_text,
    one_line,
    refuse,
    unique,
    whole,
)

EORI_MAX = 17

Modes = Annotated[
    tuple[Mode, ...],
    Field(min_length=1, description="Transport modes whose ENS are affected"),
    AfterValidator(unique),
]
Operations = Annotated[
    tuple[EnsOperation, ...],
    Field(min_length=1, description="ENS operations that fail"),
    AfterValidator(unique),
]
Note = free_text(NOTE_MAX, "Free note")


class DeclarationBody(Body):
    """An outage as a person observed it. Every field is checked here; when the outage may start
    and end is the domain's (bcp.domain.declaration.check_declaration)."""

    component: ComponentCode
    organisation: (
        one_line(
            EORI_MAX,
            "EORI of the organisation concerned. Operators: their own (default). Desk: required "
            "unless the scope concerns everyone.",
            examples=["FR81234567800013"],
        )
        | None
    ) = None
    scope: Scope | None = Field(
        None,
        description="organisation (default), provider (an EDI provider and all its clients), "
        "national or eu (desk only: concerns every operator)",
    )
    side: Side | None = Field(
        None,
        description="Whose side the fault is on; defaults to the component's owner. UUMDS on the "
        "operator side is a certificate problem.",
    )
    started_at: Instant = Field(
        description="When the outage began, as observed, with its offset. Not in the future "
        "unless planned (at most 90 days ahead)."
    )
    planned: Flag = False
    planned_until: Instant | None = Field(None, description="End of a planned outage's window")
    modes: Modes
    channel: Channel
    ens_operations: Operations
    ens_waiting: whole(0, ENS_WAITING_MAX, "ENS waiting to be lodged") = 0
    summary: one_line(SUMMARY_MAX, "One line on what fails", required=True)
    description: free_text(DESCRIPTION_MAX, "What was seen, error messages") = ""

    def to_domain(self) -> Declaration:
        return Declaration(
            component=self.component,
            organisation_eori=self.organisation.upper() or None if self.organisation else None,
            scope=self.scope,
            side=self.side,
            started_at=self.started_at,
            planned=self.planned,
            planned_until=self.planned_until,
            modes=self.modes,
            channel=self.channel,
            ens_operations=self.ens_operations,
            ens_waiting=self.ens_waiting,
            summary=self.summary,
            description=self.description.strip(),
        )


def _states(raw: str) -> str:
    for part in _parts(raw):
        if part not in State.__members__.values():
            raise refuse(
                N_("unknown state %(value)s; expected: %(expected)s"),
                value=repr(part)[:60],
                expected=choices_of(State),
            )
    return raw


class IncidentQuery(Body):
    status: Annotated[
        one_line(
            200,
            "States to list, separated by commas, e.g. declared,acknowledged",
            examples=["declared,acknowledged"],
        ),
        AfterValidator(_states),
    ] = ""
    component: ComponentCode | None = None
    since: Instant | None = Field(None, description="Declared at or after this instant")
    org: one_line(EORI_MAX, "EORI of one organisation (desk, manager)") | None = None
    limit: int | None = Field(None, ge=1, le=500, description="At most this many (default 50)")
    offset: int = Field(0, ge=0, le=10_000_000)

    def states(self) -> tuple[State, ...]:
        return tuple(State(part) for part in _parts(self.status))


def _parts(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


class TransitionBody(Body):
    action: Action
    note: free_text(NOTE_MAX, "Free note; the reason, required for refuse_fallback and cancel") = ""
    bcp: ActivationBody | None = Field(
        None,
        description="activate_fallback only: the BCP's activation for this organisation (who "
        "decided, modes, offices, until); default: the incident's modes, every French office",
    )


class StepSettlementBody(Body):
    status: Literal["done", "skipped"]
    note: free_text(NOTE_MAX, "Required to skip") = ""
    reference: one_line(
        REFERENCE_MAX, "e.g. the fallback reference or the message id of the e-mail"
    ) = ""


class ReclassificationBody(Body):
    component: ComponentCode | None = None
    side: Side | None = None
    scope: Scope | None = None
    note: Note = ""

    def changes(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in (
                ("component", self.component),
                ("side", self.side),
                ("scope", self.scope),
            )
            if value is not None
        }


class Organisation(Shape):
    name: str
    eori: str
    siret: str | None


class DeclaredBy(Shape):
    user_id: int | None
    name: str


class Durations(Shape):
    """Derived from the timeline, in seconds; null until it begins."""

    time_to_acknowledge: int | None
    time_in_fallback: int | None
    total_outage: int | None
    time_to_close: int | None


class Due(Shape):
    after: Anchor
    minutes: int = Field(ge=0)


class StepMessage(Shape):
    subject: Bilingual
    body: Bilingual


class StepOut(Shape):
    """A step of a procedure, as the rules table defines it."""

    id: str
    title: Bilingual
    instruction: Bilingual
    role: StepRole
    phase: Phase
    due: Due
    blocks: list[Action]
    contact: str | None
    form: str | None
    message: StepMessage | None
    to_confirm: bool = Field(description="Not yet confirmed by the official texts")
    source: Source


class StepStatusOut(StepOut):
    """A step as one incident follows it; the status is derived from the timeline and the
    clock."""

    status: StepState
    due_at: Instant | None = Field(description="null until the event it counts from happened")
    settled_by: str | None
    settled_at: Instant | None
    note: str
    reference: str | None


class ProcedureChoice(Shape):
    table_version: str
    rule: str
    id: str
    title: Bilingual
    summary: Bilingual
    fallback: bool
    source: Source
    why: list[str]
    decided_at: Instant | None


class EventActor(Shape):
    user_id: int | None
    name: str
    role: Role | None


class TimelineEventOut(Shape):
    seq: int = Field(ge=1)
    at: Instant
    kind: EventKind
    actor: EventActor
    state_before: State | None
    state_after: State
    changes: dict[str, Any]
    note: str


class IncidentLinks(Shape):
    self: str
    timeline: str
    transitions: str


class IncidentSummary(Shape):
    """An incident as the asking actor sees it now."""

    id: int
    state: State
    component: ComponentCode
    component_name: Bilingual
    organisation: Organisation | None
    scope: Scope
    side: Side
    concerns_everyone: bool
    started_at: Instant
    declared_at: Instant
    declared_by: DeclaredBy | None
    planned: bool
    planned_until: Instant | None
    modes: list[Mode]
    channel: Channel
    ens_operations: list[EnsOperation]
    ens_waiting: int = Field(ge=0)
    summary: str
    description: str
    durations: Durations
    allowed_actions: list[Action] = Field(description="What the asking actor may do now")
    links: IncidentLinks
    notice_id: int | None = Field(description="The desk notice whose outage this is part of")
    referrals: list[ReferralOut]
    procedure: ProcedureChoice | None
    steps: list[StepStatusOut]


class IncidentOut(IncidentSummary):
    """An incident with its whole timeline."""

    timeline: list[TimelineEventOut]


class IncidentList(Page):
    items: list[IncidentSummary]


class Timeline(Shape):
    items: list[TimelineEventOut]


class FallbackReference(Shape):
    reference: str = Field(
        description="PS-YYYY-EORI-NNNN, numbered per organisation and year",
        examples=["PS-2026-FR81234567800013-0001"],
    )
    incident: IncidentOut


class ReferralAnswer(Shape):
    referral: ReferralOut
    incident: IncidentSummary
