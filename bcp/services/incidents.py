"""Use cases of the incident lifecycle and of the procedure it follows."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bcp.domain.activation import ActivationRequest, check_notification
from bcp.domain.actors import Actor, OrganisationRef, Role, desk_notice
from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.clock import Clock
from bcp.domain.consignments.goods import describe_goods
from bcp.domain.declaration import Declaration
from bcp.domain.durations import Durations, derive
from bcp.domain.errors import DomainError, IllegalTransition, NotAllowed, NotFound, invalid
from bcp.domain.evidence import AttachmentLimits, check_evidence
from bcp.domain.incident import Incident, declare
from bcp.domain.lifecycle import Action, next_action
from bcp.domain.messages import N_
from bcp.domain.notices import Notice
from bcp.domain.referrals import describe
from bcp.domain.reflexes.engine import Decision
from bcp.domain.reflexes.progress import StepStatus
from bcp.domain.timeline import EventKind, TimelineEvent
from bcp.domain.watch import Timing, next_watch
from bcp.services.context import Context
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import organisation_by_eori
from bcp.store.incidents import IncidentFilter, NextLook, organisation_ref
from bcp.store.models import AttachmentRow, FallbackReferenceRow
from bcp.store.outbox import Message, enqueue

SYSTEM = Actor(user_id=None, label="bcp (rules re-run)", role=Role.SYSTEM)
"""The application itself, when the passing of time changes the procedure."""


@dataclass(frozen=True)
class IncidentView:
    """An incident as one actor sees it at one moment."""

    incident: Incident
    durations: Durations
    allowed_actions: list[Action]
    steps: list[StepStatus]
    now: datetime

    @property
    def next_action(self) -> Action | None:
        return next_action(self.allowed_actions)

    @property
    def choice_event(self) -> TimelineEvent | None:
        kinds = (EventKind.PROCEDURE_SELECTED, EventKind.PROCEDURE_SWITCHED)
        return next((e for e in reversed(self.incident.events) if e.kind in kinds), None)


ALREADY_FOLLOWING = N_(
    "your organisation already has an open incident on this component in the desk's notice: add "
    "to it rather than declare the outage again"
)
EVERYONE_IS_A_NOTICE = N_(
    "an outage for everyone is the administration's outage: publish it as a notice (the desk's "
    "declaration form does, or POST /api/v1/notices); operators' incidents join it"
)


def declare_incident(ctx: Context, declaration: Declaration) -> IncidentView:
    """An organisation's outage (declared by it, or by the desk for it). One for everyone is a
    notice (bcp.services.notices.announce_for_everyone)."""
    if declaration.scope is not None and declaration.scope.concerns_everyone:
        if ctx.actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk declares an outage that concerns everyone"))
        raise invalid("scope", EVERYONE_IS_A_NOTICE)
    now = ctx.clock.now()
    with ctx.uow:
        incident = _prepare(ctx.uow, ctx.library, ctx.actor, declaration, now)
        _follow_covering_notice(ctx.uow, ctx.library, incident, now)
        if incident.awaits_first_reference and incident.notice_id is not None:
            # joined a notice whose fallback window is open: the message to send names it, and
            # its number needs the incident's
            ctx.uow.incidents.add(incident)
            issue_reference(ctx.uow, desk_notice(incident.notice_id), incident, now)
            ctx.uow.incidents.save(incident)
            _next_look(ctx.uow, ctx.library, incident, now)
        else:
            # written with the row: one statement less than an UPDATE after it
            ctx.uow.incidents.add(incident, _next_look_of(ctx.library, incident, now))
        _enqueue_events(ctx.uow, incident, incident.events)
        ctx.uow.commit()
    return view_of(incident, ctx.actor, now)


def _next_look(uow: UnitOfWork, library: ReflexLibrary, incident: Incident, now: datetime) -> None:
    """When the scheduler should next look at an incident just declared or changed, with its
    rules run at `now` (bcp.domain.watch.next_watch: what is due and not recorded yet is due at
    once, at the scheduler's next tick). Its look would cost about what the declaration or the
    change did (bench/results/20261207-053333.json: the scheduler's first looks at the
    declarations and at the desk's 250 acknowledgements). Without timings (a library made
    without config), the save's NULL stands: the next tick looks."""
    look = _next_look_of(library, incident, now)
    if look is not None:
        uow.incidents.watch_again_at(incident, look.at)


def _next_look_of(library: ReflexLibrary, incident: Incident, now: datetime) -> NextLook | None:
    """The scheduler's next look at an incident whose rules were run at `now`; None without
    timings (a library made without config): at its next tick."""
    timing = library.timing(incident.facts.component)
    return None if timing is None else NextLook(_next_watch(library, incident, now, timing))


def _next_watch(
    library: ReflexLibrary, incident: Incident, now: datetime, timing: Timing
) -> datetime | None:
    table = library.get(incident.reflex.table_version) if incident.reflex else None
    return next_watch(incident, now, timing, table)


def look_again(
    uow: UnitOfWork, library: ReflexLibrary, incident: Incident, now: datetime, timing: Timing
) -> None:
    """Inside an open unit of work, after the incident's rules were run at `now` and it was
    saved: write when the scheduler should next look at it."""
    uow.incidents.watch_again_at(incident, _next_watch(library, incident, now, timing))


@dataclass(frozen=True)
class Preview:
    """What a declaration would become: its procedure and why, and the desk notice it would
    join (None when no notice covers it)."""

    decision: Decision
    notice_id: int | None


def preview_declaration(
    ctx: Context,
    declaration: Declaration,
    *,
    with_notices: bool = True,
) -> Preview:
    """The procedure a declaration would get, and why, without saving anything; with the desk's
    notices in force, unless the question is about the rules table alone (`with_notices`)."""
    now = ctx.clock.now()
    with ctx.uow.reading():
        incident = _prepare(ctx.uow, ctx.library, ctx.actor, declaration, now)
        if with_notices:
            _follow_covering_notice(ctx.uow, ctx.library, incident, now, once=False)
        return Preview(incident.decision(ctx.library.active(ctx.uow), now), incident.notice_id)


def _prepare(
    uow: UnitOfWork, library: ReflexLibrary, actor: Actor, declaration: Declaration, now: datetime
) -> Incident:
    organisation = None
    eori = declaration.organisation_eori
    if actor.role is Role.OPERATOR:
        if eori is not None and (actor.organisation is None or eori != actor.organisation.eori):
            raise NotAllowed(N_("an operator declares outages for its own organisation only"))
        organisation = actor.organisation
        if organisation is None:
            raise NotAllowed(N_("this operator account belongs to no organisation"))
    elif eori is not None:
        row = organisation_by_eori(uow.session, eori)
        if row is None:
            raise invalid("organisation", N_("no organisation has the EORI %(eori)s"), eori=eori)
        organisation = organisation_ref(row)
    return declare(declaration, actor, organisation, now, library.active(uow))


def open_for_carrier(
    ctx: Context, notice: Notice, carrier: OrganisationRef, now: datetime
) -> Incident:
    """Inside an open unit of work: the incident the desk opens for a carrier that has declared
    none, to pass it a referral during the administration's outage. It is the carrier's part of
    that outage (linked to the notice, acknowledged by it); the caller adds it."""
    spec = next((c for c in notice.components if c != "NES"), notice.components[0])
    declaration = Declaration(
        component=spec,
        organisation_eori=carrier.eori,
        scope=Scope.ORGANISATION,
        side=Side.ADMINISTRATION,
        started_at=min(notice.starts_at, now),
        planned=notice.scheduled,
        planned_until=notice.expected_end if notice.scheduled else None,
        modes=(Mode.AIR,),
        channel=Channel.EDI,
        ens_operations=(EnsOperation.REFERRAL_RESPONSE,),
        ens_waiting=0,
        summary=notice.title[:200],
        description=OPENED_FOR_REFERRAL,
    )
    incident = declare(declaration, ctx.actor, carrier, now, ctx.library.active(ctx.uow))
    incident.follow_notice(notice, now)
    review(incident, ctx.library, now)
    return incident


OPENED_FOR_REFERRAL = (
    "Ouvert par la douane pour transmettre une demande (RFI, RFS, DNL) pendant l'indisponibilité "
    "annoncée / opened by customs to pass a referral during the announced outage"
)


def add_new(uow: UnitOfWork, incident: Incident) -> None:
    """Save a new incident with its events and their outbox rows, and commit."""
    uow.incidents.add(incident)
    _enqueue_events(uow, incident, incident.events)
    uow.commit()


def _follow_covering_notice(
    uow: UnitOfWork,
    library: ReflexLibrary,
    incident: Incident,
    now: datetime,
    *,
    once: bool = True,
) -> None:
    """An outage the desk has announced is not declared twice: the new incident joins the
    notice (acknowledged by it, fallback allowed if its window is open). An organisation has one
    incident per component in a notice (`once`; a dry run only shows what would happen)."""
    covering = [n for n in uow.notices.current(now, now) if incident.may_follow(n, now)]
    if covering:
        notice = min(covering, key=lambda n: (n.starts_at, n.id))
        if (
            once
            and incident.organisation is not None
            and uow.incidents.following_for(
                notice.id, incident.organisation.id, incident.facts.component
            )
        ):
            raise IllegalTransition(ALREADY_FOLLOWING)
        incident.follow_notice(notice, now)
        review(incident, library, now)


def apply_action(
    ctx: Context,
    incident_id: int,
    action: Action,
    note: str = "",
    activation: ActivationRequest | None = None,
) -> IncidentView:
    """Move the incident on; authorising its fallback is the BCP's activation for this
    organisation (`activation`: modes, offices, until; by default the incident's modes), and
    issues the organisation's first fallback reference for the message to send."""
    if activation is not None and Action(action) is not Action.ACTIVATE_FALLBACK:
        raise invalid("bcp", N_("only the authorisation of the fallback activates the BCP"))

    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        events = [incident.apply(Action(action), ctx.actor, now, note, activation)]
        if incident.awaits_first_reference:  # the message to send names it
            events.append(issue_reference(ctx.uow, ctx.actor, incident, now))
        return events

    return change(ctx, incident_id, act)


def acknowledge_several(
    ctx: Context, incident_ids: list[int], note: str = ""
) -> dict[int, DomainError | None]:
    """The desk acknowledges the incidents it selected in its queue, each in a transaction of
    its own: one already acknowledged by a colleague, or refused, leaves the others done."""
    outcome: dict[int, DomainError | None] = {}
    for incident_id in dict.fromkeys(incident_ids):
        try:
            apply_action(ctx, incident_id, Action.ACKNOWLEDGE, note)
            outcome[incident_id] = None
        except DomainError as error:
            outcome[incident_id] = error
    return outcome


def notify_commission(
    ctx: Context, incident_id: int, to: str, at: datetime | None = None, note: str = ""
) -> IncidentView:
    """Record that the Commission and the member states were told this organisation's system
    cannot lodge (Art. 105(3))."""

    def act(incident: Incident, now: datetime) -> TimelineEvent:
        return incident.notify_commission(ctx.actor, now, check_notification(to, at, now), note)

    return change(ctx, incident_id, act)


def settle_step(
    ctx: Context,
    incident_id: int,
    step_id: str,
    *,
    done: bool,
    note: str = "",
    reference: str = "",
) -> IncidentView:
    """Mark a step done, or skip it (a reason required)."""
    return change(
        ctx,
        incident_id,
        lambda incident, now: incident.settle_step(step_id, done, ctx.actor, now, note, reference),
    )


def record_work(
    ctx: Context,
    incident_id: int,
    *,
    note: str = "",
    reference: str = "",
    step_id: str | None = None,
    attachment: tuple[str, bytes] | None = None,
    attachment_limits: AttachmentLimits | None = None,
) -> IncidentView:
    """The incident page's box: what was done, optionally as a step of the procedure, with the
    reference of the e-mail sent and a piece of evidence, all in one transaction."""
    attachment_limits = attachment_limits or AttachmentLimits()
    content_type = check_evidence(*attachment) if attachment else None
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        now = ctx.clock.now()
        events = review(incident, ctx.library, now)
        evidence = None
        if attachment is not None:
            filename, data = attachment
            count, total = ctx.uow.incidents.attachment_totals(incident_id)
            if problem := attachment_limits.problem(count, total, len(data)):
                raise invalid("attachment", problem)
            row = AttachmentRow(
                incident_id=incident_id,
                filename=filename.strip(),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                uploaded_at=now,
                uploaded_by_id=ctx.actor.user_id,
            )
            ctx.uow.session.add(row)
            ctx.uow.session.flush()
            evidence = {
                "id": row.id,
                "filename": row.filename,
                "content_type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
            }
        if step_id:
            events.append(incident.settle_step(step_id, True, ctx.actor, now, note, reference))
            if evidence is not None:
                events.append(incident.record_note(ctx.actor, now, "", "", evidence))
        else:
            events.append(incident.record_note(ctx.actor, now, note, reference, evidence))
        save(ctx.uow, incident, events)
    return view_of(incident, ctx.actor, now)


def get_attachment(ctx: Context, incident_id: int, attachment_id: int) -> AttachmentRow:
    with ctx.uow.reading():
        load_visible(ctx.uow, ctx.library, ctx.actor, incident_id)
        row = ctx.uow.session.get(AttachmentRow, attachment_id)
        if row is None or row.incident_id != incident_id:
            raise NotFound(
                N_("no attachment %(attachment_id)s on incident %(incident_id)s"),
                attachment_id=attachment_id,
                incident_id=incident_id,
            )
        return row


def change(
    ctx: Context,
    incident_id: int,
    act: Callable[[Incident, datetime], TimelineEvent | list[TimelineEvent]],
) -> IncidentView:
    """Load under lock, let time re-run the rules first, act, save events and outbox rows."""
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        now = ctx.clock.now()
        events = review(incident, ctx.library, now)
        done = act(incident, now)
        events += done if isinstance(done, list) else [done]
        save(ctx.uow, incident, events, commit=False)
        _next_look(ctx.uow, ctx.library, incident, now)
        ctx.uow.commit()
    return view_of(incident, ctx.actor, now)


def reclassify(
    ctx: Context,
    incident_id: int,
    changes: Mapping[str, Any],
    note: str = "",
) -> IncidentView:
    """The desk corrects the component, side or scope (`changes`, typed values); the rules of
    the incident's table version run again and the timeline records both the change and any
    switch of procedure."""
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        now = ctx.clock.now()
        events = [incident.reclassify(ctx.actor, now, note, **changes)]
        events += review(incident, ctx.library, now, ctx.actor)
        save(ctx.uow, incident, events)
    return view_of(incident, ctx.actor, now)


def review_incident(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, incident_id: int
) -> TimelineEvent | None:
    """Re-run the rules because time has passed (a duration threshold, the end of a planned
    window). Returns the switch recorded, if any."""
    with uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        if incident is None:
            raise NotFound(N_("no incident %(incident_id)s"), incident_id=incident_id)
        attach_procedure(incident, library)
        events = review(incident, library, clock.now())
        if events:
            save(uow, incident, events)
    return events[0] if events else None


def issue_fallback_reference(ctx: Context, incident_id: int) -> tuple[str, IncidentView]:
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        now = ctx.clock.now()
        event = issue_reference(ctx.uow, ctx.actor, incident, now)
        save(ctx.uow, incident, [event])
    return event.changes["reference"], view_of(incident, ctx.actor, now)


def issue_reference(
    uow: UnitOfWork, actor: Actor, incident: Incident, now: datetime
) -> TimelineEvent:
    """Inside an open unit of work: the organisation's next fallback reference of the year."""
    if incident.organisation is None:
        incident.issue_fallback_reference(actor, now, 0)  # raises with the reason
    org_id = incident.organisation.id
    sequence = uow.incidents.last_fallback_sequence(org_id, now.year) + 1
    event = incident.issue_fallback_reference(actor, now, sequence)
    uow.session.add(
        FallbackReferenceRow(
            reference=event.changes["reference"],
            incident_id=incident.id,
            organisation_id=org_id,
            year=now.year,
            sequence=sequence,
            issued_at=now,
            issued_by_id=actor.user_id,
        )
    )
    return event


def incident_version(ctx: Context, incident_id: int) -> str:
    """A number that changes with every change to the incident, for a page to poll."""
    with ctx.uow.reading():
        version = ctx.uow.incidents.version_of(incident_id, ctx.actor)
    if version is None:
        raise NotFound(N_("no incident %(incident_id)s"), incident_id=incident_id)
    return version


def get_incident(ctx: Context, incident_id: int) -> IncidentView:
    with ctx.uow.reading():
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id)
    return view_of(incident, ctx.actor, ctx.clock.now())


def list_incidents(
    ctx: Context,
    flt: IncidentFilter,
    org_eori: str | None = None,
) -> list[IncidentView]:
    now = ctx.clock.now()
    with ctx.uow.reading():
        if org_eori is not None:
            row = organisation_by_eori(ctx.uow.session, org_eori)
            if row is None:
                return []
            flt = replace(flt, organisation_id=row.id)
        incidents = ctx.uow.incidents.list(ctx.actor, flt)
    for incident in incidents:
        attach_procedure(incident, ctx.library)
    return [view_of(i, ctx.actor, now) for i in incidents]


def open_incident_ids(uow: UnitOfWork) -> list[int]:
    with uow.reading():
        return uow.incidents.open_ids()


def review(
    incident: Incident, library: ReflexLibrary, now: datetime, actor: Actor = SYSTEM
) -> list[TimelineEvent]:
    """Incidents keep the table version they were decided with."""
    version = incident.reflex.table_version if incident.reflex else library.default_version
    event = incident.decide(library.get(version), actor, now)
    return [event] if event else []


def load_visible(
    uow: UnitOfWork,
    library: ReflexLibrary,
    actor: Actor,
    incident_id: int,
    *,
    for_update: bool = False,
) -> Incident:
    incident = uow.incidents.get(incident_id, for_update=for_update)
    if incident is None or not incident.visible_to(actor):
        raise NotFound(N_("no incident %(incident_id)s"), incident_id=incident_id)
    attach_procedure(incident, library)
    return incident


def attach_procedure(incident: Incident, library: ReflexLibrary) -> None:
    if incident.reflex is not None:
        table = library.get(incident.reflex.table_version)
        procedure = table.procedures[incident.reflex.procedure_id]
        incident.procedure = procedure.for_modes(frozenset(incident.facts.modes))


def save(
    uow: UnitOfWork, incident: Incident, events: list[TimelineEvent], *, commit: bool = True
) -> None:
    uow.incidents.save(incident)
    _enqueue_events(uow, incident, events)
    if commit:
        uow.commit()


def view_of(incident: Incident, actor: Actor, now: datetime) -> IncidentView:
    return IncidentView(
        incident=incident,
        durations=derive(incident.events, incident.facts.started_at, now),
        allowed_actions=incident.allowed_actions(actor),
        steps=incident.steps(now),
        now=now,
    )


def _detail(event: TimelineEvent) -> str | None:
    if event.kind.value.startswith("consignment"):
        return describe_goods(event.changes)
    return describe(event.changes) if "referral" in event.changes else None


def _titles(incident: Incident, event: TimelineEvent) -> dict[str, dict[str, str]]:
    """The titles, in both languages, of the step or procedure an event names by its id."""
    procedure = incident.procedure
    if procedure is None:
        return {}
    named = {s.id: s.title for s in procedure.steps} | {procedure.id: procedure.title}
    return {
        value: {"fr": named[value]("fr"), "en": named[value]("en")}
        for key in ("step", "procedure")
        if (value := event.changes.get(key)) in named
    }


def _enqueue_events(uow: UnitOfWork, incident: Incident, events: list[TimelineEvent]) -> None:
    enqueue(uow.session, [_message(incident, event) for event in events])


def _message(incident: Incident, event: TimelineEvent) -> Message:
    return Message(
        topic=f"incident.{event.kind.value}",
        idempotency_key=f"incident-{incident.id}-event-{event.seq}",
        incident_id=incident.id,
        payload={
            "incident_id": incident.id,
            "organisation_id": incident.organisation.id if incident.organisation else None,
            "owner_role": event.changes.get("role"),
            "note": event.note,
            "event": event.kind.value,
            "state": event.state_after.value,
            "at": event.at.isoformat(),
            "actor": event.actor_label,
            "component": incident.facts.component,
            "summary": incident.summary,
            "detail": _detail(event),
            # what an e-mail or a webhook needs to say it in its reader's language
            "changes": event.changes,
            "titles": _titles(incident, event),
        },
        now=event.at,
    )
