"""Loading and saving incidents: rows to the domain aggregate and back."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.durations import Milestones
from bcp.domain.errors import Conflict
from bcp.domain.incident import Incident, OutageFacts, ReflexChoice
from bcp.domain.lifecycle import OPEN_STATES, State
from bcp.domain.messages import N_
from bcp.domain.status import OpenOutage
from bcp.domain.timeline import EventKind, TimelineEvent
from bcp.store.consignments import OUTSTANDING
from bcp.store.models import (
    AttachmentRow,
    ConsignmentRow,
    FallbackReferenceRow,
    IncidentRow,
    OrganisationRow,
    TimelineEventRow,
)
from bcp.store.planner import incident_open


def organisation_ref(row: OrganisationRow) -> OrganisationRef:
    return OrganisationRef(
        id=row.id,
        name=row.name,
        kind=OrganisationKind(row.kind),
        eori=row.eori,
        siret=row.siret,
        provider_id=row.provider_id,
        stp_access=bool(row.stp_access),
    )


@dataclass(frozen=True)
class DocumentStamp:
    """An incident's row version and its timeline's last event: every change to the incident,
    its steps or its consignments (each is an event of the timeline) changes one of them."""

    version: int
    last_seq: int
    organisation_id: int | None
    open: bool


@dataclass(frozen=True)
class IncidentFilter:
    states: tuple[State, ...] = ()
    scopes: tuple[Scope, ...] = ()
    component: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    organisation_id: int | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class WaitingRow:
    id: int
    component: str
    organisation: str | None
    summary: str
    declared_at: datetime
    organisation_eori: str | None = None


@dataclass(frozen=True)
class InProgressRow:
    """An incident the desk follows, as its queue lists it: without its timeline."""

    id: int
    state: State
    component: str
    organisation: str | None
    summary: str
    started_at: datetime
    reflex_version: str | None
    procedure_id: str | None


REFERRAL_KINDS = tuple(k.value for k in EventKind if k.value.startswith("referral_"))
"""The timeline events that tell an incident's referrals (bcp.domain.referrals.referrals_of)."""


CONCURRENT_CHANGE = N_(
    "someone else changed this incident at the same moment; "
    "reload it to see what happened, then try again"
)


NEVER = datetime(9999, 12, 31, tzinfo=UTC)
"""The scheduler's next look at an incident when only a change of it can call for one (NULL
says "at the next tick")."""


@dataclass(frozen=True)
class NextLook:
    """When the scheduler should next look at an incident whose rules were just run
    (bcp.domain.watch.next_watch): at `at`, or only after a change of it (None)."""

    at: datetime | None


class IncidentRepository:
    def __init__(self, session: Session, *, reading: bool = False) -> None:
        """`reading`: the unit of work only reads (it may not commit), so `get` reads plain
        rows, without the ORM objects that `save` needs (the incident page's read)."""
        self.session = session
        self.reading = reading
        self._rows: dict[int, IncidentRow] = {}

    def last_fallback_sequence(self, organisation_id: int, year: int) -> int:
        """The highest fallback reference number the organisation was given that year, or 0."""
        last = self.session.scalar(
            select(func.max(FallbackReferenceRow.sequence)).where(
                FallbackReferenceRow.organisation_id == organisation_id,
                FallbackReferenceRow.year == year,
            )
        )
        return last or 0

    def attachment_totals(self, incident_id: int) -> tuple[int, int]:
        """How many files an incident holds, and their bytes in all."""
        count, total = self.session.execute(
            select(
                func.count(AttachmentRow.id), func.coalesce(func.sum(AttachmentRow.size), 0)
            ).where(AttachmentRow.incident_id == incident_id)
        ).one()
        return int(count), int(total)

    def get(self, incident_id: int, *, for_update: bool = False) -> Incident | None:
        """The incident with its organisation and its counts of consignments, listed and still
        out (one statement), and its timeline (a second)."""
        if self.reading and not for_update:
            return self._read(incident_id)
        query = (
            select(IncidentRow, _outstanding(IncidentRow.id), _listed(IncidentRow.id))
            .where(IncidentRow.id == incident_id)
            .options(selectinload(IncidentRow.events), joinedload(IncidentRow.organisation))
        )
        if for_update and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=IncidentRow)
        found = self.session.execute(query).one_or_none()
        if found is None:
            return None
        row, outstanding, listed = found
        self._rows[row.id] = row
        incident = to_domain(row, [_event(e) for e in row.events], row.organisation)
        incident.outstanding_consignments = outstanding
        incident.listed_consignments = listed
        return incident

    def _read(self, incident_id: int) -> Incident | None:
        found = self.session.execute(_READ_INCIDENT, {"incident_id": incident_id}).one_or_none()
        if found is None:
            return None
        timeline = self.session.execute(_READ_TIMELINE, {"incident_id": incident_id}).all()
        columns = found._mapping
        organisation = _Columns(columns, "org_") if columns["org_id"] is not None else None
        incident = to_domain(found, [_event_of_columns(e) for e in timeline], organisation)
        incident.outstanding_consignments = columns["outstanding"]
        incident.listed_consignments = columns["listed"]
        return incident

    def add(self, incident: Incident, next_look: NextLook | None = None) -> Incident:
        """Insert a new incident and its timeline: plain inserts (one for the row, one for all
        its events), without the ORM's objects; a `save` in the same unit of work loads them.
        With `next_look`, its rules were run: the row says when the scheduler should look at it
        (as `watch_again_at` would after it); without, at the scheduler's next tick."""
        facts = incident.facts
        columns = {
            "organisation_id": incident.organisation.id if incident.organisation else None,
            "modes": [m.value for m in facts.modes],
            "channel": facts.channel.value,
            "ens_operations": [o.value for o in facts.ens_operations],
            "ens_waiting": incident.ens_waiting,
            "summary": incident.summary,
            "description": incident.description,
            "started_at": facts.started_at,
            "declared_at": incident.declared_at,
            "declared_by_id": incident.declared_by,
            "version": 1,  # the ORM's version counter (IncidentRow's version_id_col) starts here
            **_changing_columns(incident),
        }
        if next_look is not None:
            columns["watch_at"] = next_look.at or NEVER
        incident.id = self.session.execute(_INSERT_INCIDENT, columns).scalar_one()
        timeline = [{"incident_id": incident.id, **event_columns(e)} for e in incident.events]
        self.session.execute(_INSERT_EVENTS, timeline)
        return incident

    def save(self, incident: Incident) -> None:
        """Write the new state and append the events the row does not have yet."""
        row = self._rows.get(incident.id)  # type: ignore[arg-type]  # loaded by get() before
        if row is None:  # added by this unit of work
            row = self.session.get_one(IncidentRow, incident.id)
            self._rows[row.id] = row
        for name, value in _changing_columns(incident).items():
            setattr(row, name, value)
        known = len(row.events)
        try:
            self._append_events(row, incident.events[known:])
        except (StaleDataError, IntegrityError) as exc:
            raise Conflict(CONCURRENT_CHANGE) from exc

    def _append_events(self, row: IncidentRow, events: list[TimelineEvent]) -> None:
        for event in events:
            row.events.append(TimelineEventRow(**event_columns(event)))
        self.session.flush()

    def open_ids(self) -> list[int]:
        query = select(IncidentRow.id).where(incident_open()).order_by(IncidentRow.id)
        return list(self.session.scalars(query))

    def due_for_watch(self, now: datetime) -> list[int]:
        """The open incidents the scheduler should look at now: changed since its last look,
        or with something that may have come due (bcp.domain.watch.next_watch)."""
        query = select(IncidentRow.id).where(
            incident_open(), or_(IncidentRow.watch_at.is_(None), IncidentRow.watch_at <= now)
        )
        return list(self.session.scalars(query.order_by(IncidentRow.id)))

    def watch_again_at(self, incident: Incident, when: datetime | None) -> None:
        """When the scheduler should next look at an incident whose rules were just run, after
        its save. Written in the transaction that declared it or loaded it for update (a row
        lock on PostgreSQL, the write lock on SQLite), so no change can land in between. The
        incident's version is left as it is: nothing it shows has changed. None: only a change
        of the incident will call for a look."""
        self.session.execute(_WATCH_AGAIN, {"incident_id": incident.id, "when": when or NEVER})

    def watch_all_again(self) -> int:
        """Have the scheduler look at every open incident at its next tick: when it starts, as
        its settings (acknowledgement targets, reminders) may have changed meanwhile."""
        result = self.session.execute(
            update(IncidentRow).where(incident_open()).values(watch_at=None)
        )
        return result.rowcount

    def following(self, notice_id: int) -> list[int]:
        """The open incidents linked to a notice."""
        query = select(IncidentRow.id).where(IncidentRow.notice_id == notice_id, incident_open())
        return list(self.session.scalars(query.order_by(IncidentRow.id)))

    def following_for(
        self, notice_id: int, organisation_id: int, component: str | None = None
    ) -> int | None:
        """The open incident of this organisation linked to a notice (on this component, if
        given), if it declared one."""
        query = select(IncidentRow.id).where(
            IncidentRow.notice_id == notice_id,
            IncidentRow.organisation_id == organisation_id,
            incident_open(),
        )
        if component is not None:
            query = query.where(IncidentRow.component == component)
        return self.session.scalars(query.order_by(IncidentRow.id).limit(1)).first()

    def linked_to(self, notice_id: int, actor: Actor) -> list[int]:
        """The incidents linked to a notice that this actor may see."""
        query = _visible(select(IncidentRow.id).where(IncidentRow.notice_id == notice_id), actor)
        return list(self.session.scalars(query.order_by(IncidentRow.id)))

    def unlinked_on(self, components: Iterable[str]) -> list[int]:
        """Open incidents of the administration's side on these components, linked to no
        notice: those a new notice takes in."""
        query = select(IncidentRow.id).where(
            IncidentRow.notice_id.is_(None),
            incident_open(),
            IncidentRow.side == Side.ADMINISTRATION.value,
            IncidentRow.component.in_(list(components)),
        )
        return list(self.session.scalars(query.order_by(IncidentRow.id)))

    def open_outages(self) -> list[OpenOutage]:
        """What the status board counts besides notices: open incidents of the administration's
        side, not recovered, that no notice covers."""
        query = (
            select(IncidentRow.id, IncidentRow.component, IncidentRow.scope, IncidentRow.started_at)
            .where(
                incident_open(s for s in OPEN_STATES if s is not State.RECOVERED),
                IncidentRow.notice_id.is_(None),
                IncidentRow.side == Side.ADMINISTRATION.value,
            )
            .order_by(IncidentRow.state, IncidentRow.declared_at)
        )
        return [
            OpenOutage(id_, component, Scope(scope).concerns_everyone, started_at)
            for id_, component, scope, started_at in self.session.execute(query)
        ]

    def milestones_since(self, since: datetime) -> list[Milestones]:
        """One narrow row per incident declared since `since`, for the figures (no timeline)."""
        query = select(
            IncidentRow.component,
            IncidentRow.state,
            IncidentRow.declared_at,
            IncidentRow.started_at,
            IncidentRow.acknowledged_at,
            IncidentRow.recovered_at,
        ).where(IncidentRow.declared_at >= since)
        return [
            Milestones(component, State(state), declared, started, acknowledged, recovered)
            for component, state, declared, started, acknowledged, recovered in (
                self.session.execute(query)
            )
        ]

    def waiting(self, limit: int) -> tuple[list[WaitingRow], int]:
        """Incidents declared and not yet acknowledged, oldest first, without their timelines;
        and how many there are in all."""
        listed, counted = _waiting_statements()
        rows = [WaitingRow(*row) for row in self.session.execute(listed, {"limit": limit})]
        total = len(rows)
        if total == limit:
            total = self.session.scalar(counted) or 0
        return rows, total

    def in_progress(self, states: Iterable[State], limit: int) -> tuple[list[InProgressRow], int]:
        """Open incidents in these states, the latest declared first, without their timelines,
        and how many there are in all: during a national outage the desk follows hundreds, and
        twenty agents refresh their queue every few seconds (with the timelines, 250 of them
        took 60 ms to read and show)."""
        states = tuple(states)
        query = _in_progress_query().where(incident_open(states)).limit(limit)
        rows = [
            InProgressRow(id_, State(state), *rest)
            for id_, state, *rest in self.session.execute(query)
        ]
        total = len(rows)
        if total == limit:
            counted = select(func.count()).select_from(IncidentRow).where(incident_open(states))
            total = self.session.scalar(counted) or 0
        return rows, total

    def in_progress_of(self, incident_ids: Iterable[int]) -> list[InProgressRow]:
        """These incidents as the queue lists them, the latest declared first."""
        ids = sorted(set(incident_ids))
        if not ids:
            return []
        query = _in_progress_query().where(IncidentRow.id.in_(ids))
        return [
            InProgressRow(id_, State(state), *rest)
            for id_, state, *rest in self.session.execute(query)
        ]

    def referral_events(self, states: Iterable[State]) -> dict[int, list[TimelineEvent]]:
        """The events that tell the referrals of the open incidents in these states, in each
        one's order; nothing else of their timelines."""
        events = TimelineEventRow.__table__
        followed = select(IncidentRow.id).where(incident_open(tuple(states)))
        query = (
            select(events)
            .where(events.c.incident_id.in_(followed), events.c.kind.in_(REFERRAL_KINDS))
            .order_by(events.c.incident_id, events.c.seq)
        )
        found: dict[int, list[TimelineEvent]] = {}
        for row in self.session.execute(query):
            found.setdefault(row.incident_id, []).append(_event_of_columns(row))
        return found

    def open_counts(self) -> list[tuple[str, State, int]]:
        """Open incidents by component and state."""
        query = (
            select(IncidentRow.component, IncidentRow.state, func.count())
            .where(incident_open())
            .group_by(IncidentRow.component, IncidentRow.state)
        )
        return [(c, State(s), n) for c, s, n in self.session.execute(query)]

    def version_of(self, incident_id: int, actor: Actor) -> str | None:
        """What changes with every change to the incident: its row version and the number of
        its timeline's last event (None: not there, or not the actor's to see). A page polls
        it to know it is out of date, without loading the incident."""
        last = (
            select(func.max(TimelineEventRow.seq))
            .where(TimelineEventRow.incident_id == incident_id)
            .scalar_subquery()
        )
        query = _visible(
            select(IncidentRow.version, last).where(IncidentRow.id == incident_id), actor
        )
        row = self.session.execute(query).first()
        return None if row is None else f"{row[0]}-{row[1] or 0}"

    def document_stamp(self, incident_id: int, actor: Actor) -> DocumentStamp | None:
        """The few columns that change with every change to what an incident's documents say
        (None: not there, or not the actor's to see)."""
        last = (
            select(func.max(TimelineEventRow.seq))
            .where(TimelineEventRow.incident_id == incident_id)
            .scalar_subquery()
        )
        query = _visible(
            select(IncidentRow.version, last, IncidentRow.organisation_id, IncidentRow.state).where(
                IncidentRow.id == incident_id
            ),
            actor,
        )
        row = self.session.execute(query).first()
        if row is None:
            return None
        version, last_seq, organisation_id, state = row
        return DocumentStamp(version, last_seq or 0, organisation_id, State(state).is_open)

    def last_event_id(self) -> int:
        """Grows with every change to any incident (each one appends to its timeline): a cheap
        sign that figures computed before may be out of date."""
        return self.session.scalar(select(func.max(TimelineEventRow.id))) or 0

    def list(self, actor: Actor, flt: IncidentFilter) -> list[Incident]:
        query = _visible(select(IncidentRow), actor)
        if flt.states and all(s.is_open for s in flt.states):
            query = query.where(incident_open(flt.states))
        elif flt.states:
            query = query.where(IncidentRow.state.in_([s.value for s in flt.states]))
        if flt.scopes:
            query = query.where(IncidentRow.scope.in_([s.value for s in flt.scopes]))
        if flt.component:
            query = query.where(IncidentRow.component == flt.component)
        if flt.since:
            query = query.where(IncidentRow.declared_at >= flt.since)
        if flt.until:
            query = query.where(IncidentRow.declared_at < flt.until)
        if flt.text:
            pattern = (
                "%" + flt.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            query = query.where(
                or_(
                    IncidentRow.summary.ilike(pattern, escape="\\"),
                    IncidentRow.description.ilike(pattern, escape="\\"),
                )
            )
        if flt.organisation_id is not None:
            query = query.where(IncidentRow.organisation_id == flt.organisation_id)
        query = (
            query.order_by(IncidentRow.declared_at.desc(), IncidentRow.id.desc())
            .limit(flt.limit)
            .offset(flt.offset)
            .options(selectinload(IncidentRow.events), selectinload(IncidentRow.organisation))
            .add_columns(_outstanding(IncidentRow.id))
        )
        incidents = []
        for row, outstanding in self.session.execute(query):
            incident = to_domain(row, [_event(e) for e in row.events], row.organisation)
            incident.outstanding_consignments = outstanding
            incidents.append(incident)
        return incidents


def _visible(query: Select, actor: Actor) -> Select:
    """The same rule as Incident.visible_to, as SQL."""
    if actor.role is not Role.OPERATOR:
        return query
    everyone = IncidentRow.scope.in_([Scope.NATIONAL.value, Scope.EU.value])
    own = actor.organisation
    if own is None:
        return query.where(everyone)
    clauses = [everyone, IncidentRow.organisation_id == own.id]
    if own.provider_id is not None:
        clauses.append(
            (IncidentRow.scope == Scope.PROVIDER.value)
            & (IncidentRow.organisation_id == own.provider_id)
        )
    return query.where(or_(*clauses))


def event_columns(event: TimelineEvent) -> dict[str, Any]:
    """A timeline event as the columns of its row (without its incident)."""
    return {
        "seq": event.seq,
        "at": event.at,
        "kind": event.kind.value,
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "actor_role": event.actor_role.value if event.actor_role else None,
        "state_before": event.state_before.value if event.state_before else None,
        "state_after": event.state_after.value,
        "changes": event.changes,
        "note": event.note,
    }


def _changing_columns(incident: Incident) -> dict[str, Any]:
    """The columns a change of the incident may alter: written by `add`, then by each `save`
    (its state and milestones, its facts as the desk reclassifies them, its rule and procedure,
    the notice it follows)."""
    facts = incident.facts
    milestones = incident.milestones()
    choice = incident.reflex
    return {
        "state": incident.state.value,
        "updated_at": incident.events[-1].at,
        "component": facts.component,
        "scope": facts.scope.value,
        "side": facts.side.value,
        "planned": facts.planned,
        "planned_until": facts.planned_until,
        "notice_id": incident.notice_id,
        "reflex_version": choice.table_version if choice else None,
        "rule_id": choice.rule_id if choice else None,
        "procedure_id": choice.procedure_id if choice else None,
        "acknowledged_at": milestones.acknowledged_at,
        "recovered_at": milestones.recovered_at,
        "watch_at": None,  # changed: the scheduler looks at it again at its next tick
    }


def to_domain(row: Any, events: list[TimelineEvent], organisation: Any | None) -> Incident:
    """An incident from its row and its organisation's, each an ORM object or a plain row of the
    same columns, and its timeline."""
    return Incident(
        id=row.id,
        organisation=organisation_ref(organisation) if organisation is not None else None,
        facts=OutageFacts(
            component=row.component,
            scope=Scope(row.scope),
            side=Side(row.side),
            planned=row.planned,
            planned_until=row.planned_until,
            modes=tuple(Mode(m) for m in row.modes),
            channel=Channel(row.channel),
            ens_operations=tuple(EnsOperation(o) for o in row.ens_operations),
            started_at=row.started_at,
        ),
        ens_waiting=row.ens_waiting,
        summary=row.summary,
        description=row.description,
        declared_at=row.declared_at,
        declared_by=row.declared_by_id,
        state=State(row.state),
        notice_id=row.notice_id,
        events=events,
        reflex=(
            ReflexChoice(row.reflex_version, row.rule_id, row.procedure_id)
            if row.reflex_version and row.rule_id and row.procedure_id
            else None
        ),
    )


def _outstanding(incident_id: Any):
    """How many of the incident's consignments are not back in ICS2 (its closing waits). On the
    table's columns, not the ORM's attributes: a statement that names none of the ORM's stays a
    plain one, without the ORM's compiling and loading of its rows (a tenth of an incident
    page's time, in one process)."""
    return (
        select(func.count(_CONSIGNMENTS.c.id))
        .where(_CONSIGNMENTS.c.incident_id == incident_id, _CONSIGNMENTS.c.state.in_(OUTSTANDING))
        .scalar_subquery()
        .label("outstanding")
    )


def _listed(incident_id: Any):
    """How many consignments the incident lists (a page of one that lists none reads none)."""
    return (
        select(func.count(_CONSIGNMENTS.c.id))
        .where(_CONSIGNMENTS.c.incident_id == incident_id)
        .scalar_subquery()
        .label("listed")
    )


@cache
def _in_progress_query() -> Select:
    """The columns of an incident the desk queue lists as in progress, the latest first: built
    once (see _READ_INCIDENT)."""
    return (
        select(
            IncidentRow.id,
            IncidentRow.state,
            IncidentRow.component,
            OrganisationRow.name,
            IncidentRow.summary,
            IncidentRow.started_at,
            IncidentRow.reflex_version,
            IncidentRow.procedure_id,
        )
        .outerjoin(OrganisationRow, IncidentRow.organisation_id == OrganisationRow.id)
        .order_by(IncidentRow.declared_at.desc(), IncidentRow.id.desc())
    )


@cache
def _waiting_statements() -> tuple[Select, Select]:
    """The desk queue's incidents waiting, and their count: built once (see _READ_INCIDENT)."""
    condition = incident_open([State.DECLARED])
    listed = (
        select(
            IncidentRow.id,
            IncidentRow.component,
            OrganisationRow.name,
            IncidentRow.summary,
            IncidentRow.declared_at,
            OrganisationRow.eori,
        )
        .outerjoin(OrganisationRow, IncidentRow.organisation_id == OrganisationRow.id)
        .where(condition)
        .order_by(IncidentRow.declared_at, IncidentRow.id)
        .limit(bindparam("limit"))
    )
    return listed, select(func.count()).where(condition)


class _Columns:
    """The columns of a joined row that start with `prefix`, as attributes without it."""

    def __init__(self, mapping: Any, prefix: str) -> None:
        self._mapping, self._prefix = mapping, prefix

    def __getattr__(self, name: str) -> Any:
        return self._mapping[self._prefix + name]


_INCIDENTS, _ORGANISATIONS = IncidentRow.__table__, OrganisationRow.__table__
_CONSIGNMENTS = ConsignmentRow.__table__
_EVENTS = TimelineEventRow.__table__
# Built once: SQLAlchemy then keys its cache of compiled statements without building them again
# at each read (a tenth of the incident page's read).
_READ_INCIDENT = (
    select(
        _INCIDENTS,
        *(c.label(f"org_{c.name}") for c in _ORGANISATIONS.c),
        _outstanding(_INCIDENTS.c.id),
        _listed(_INCIDENTS.c.id),
    )
    .select_from(_INCIDENTS.outerjoin(_ORGANISATIONS))
    .where(_INCIDENTS.c.id == bindparam("incident_id"))
)
_INSERT_INCIDENT = insert(_INCIDENTS).returning(_INCIDENTS.c.id)
_INSERT_EVENTS = insert(_EVENTS)
# Every declaration and every change writes it: a statement on the table, built once, without
# the ORM's bulk update (which built and keyed the statement anew each time: 0.8 ms of a
# declaration's 9 under cProfile, the UPDATE itself 0.03 ms).
_WATCH_AGAIN = (
    update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident_id"))
    .values(watch_at=bindparam("when"))
)
_READ_TIMELINE = (
    select(_EVENTS).where(_EVENTS.c.incident_id == bindparam("incident_id")).order_by(_EVENTS.c.seq)
)


def _event(row: TimelineEventRow | _EventColumns) -> TimelineEvent:
    return TimelineEvent(
        seq=row.seq,
        at=row.at,
        kind=_KINDS[row.kind],
        actor_user_id=row.actor_user_id,
        actor_label=row.actor_label,
        actor_role=_ROLES[row.actor_role] if row.actor_role else None,
        state_before=_STATES[row.state_before] if row.state_before else None,
        state_after=_STATES[row.state_after],
        changes=dict(row.changes),
        note=row.note,
    )


_KINDS = {k.value: k for k in EventKind}
_ROLES = {r.value: r for r in Role}
_STATES = {s.value: s for s in State}
_EventColumns = namedtuple("_EventColumns", _EVENTS.c.keys())
"""A plain row of the whole timeline table (`select(_EVENTS)`), its columns as attributes: a
Row's attribute costs about 0.6 µs, and an incident page reads its timeline, twenty events or a
thousand (`_event` of a Row: 13 µs an event; of this, with the dicts above: about 5 µs)."""


def _event_of_columns(row: Row) -> TimelineEvent:
    return _event(_EventColumns._make(row))
