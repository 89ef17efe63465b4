"""Use cases of the desk's outage notices, and the status board they feed.

Each change of a notice is one transaction: the notice's new update, its outbox row, and what the
change means for every open incident the notice covers (linked, acknowledged, fallback allowed,
planned or not, recovered), with their timeline events and outbox rows and the rules re-run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.activation import ActivationRequest, check_notification
from bcp.domain.actors import desk_notice
from bcp.domain.clock import Clock
from bcp.domain.declaration import Declaration
from bcp.domain.errors import NotFound, invalid
from bcp.domain.messages import N_
from bcp.domain.notices import (
    PUBLIC_COMPONENTS,
    Notice,
    NoticeDraft,
    NoticeKind,
    NoticeUpdate,
    Reason,
    check_desk,
    publish,
)
from bcp.domain.reflexes.engine import fallback_components
from bcp.domain.status import ComponentStatus, FailingProbe, board
from bcp.services.context import Context
from bcp.services.incidents import attach_procedure, issue_reference, review, save
from bcp.services.recent import Recent
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.outbox import Message, enqueue
from bcp.store.probes import desk_probes_down, down_since

HISTORY = timedelta(days=7)
"""How long a closed notice stays on the status board."""
CALENDAR_PAST = timedelta(days=30)


@dataclass(frozen=True)
class Board:
    components: list[ComponentStatus]
    notices: list[Notice]
    now: datetime

    @property
    def open_notices(self) -> list[Notice]:
        return [n for n in self.notices if n.is_open]

    @property
    def closed_notices(self) -> list[Notice]:
        return [n for n in self.notices if not n.is_open]

    @property
    def all_operational(self) -> bool:
        return all(c.health.value == "operational" for c in self.components)


@dataclass(frozen=True)
class Published:
    notice: Notice
    warnings: list[str]
    linked: list[int]


def publish_notice(ctx: Context, draft: NoticeDraft) -> Published:
    """The administration's outage, announced once: every operator is told, and the open
    incidents on its components join it."""
    now = ctx.clock.now()
    with ctx.uow:
        components = fallback_components(ctx.library.active(ctx.uow), draft.components)
        publication = publish(draft, ctx.actor, now, components)
        notice = publication.notice
        ctx.uow.notices.add(notice)
        _enqueue(ctx.uow, notice, notice.updates)
        linked = _propagate(
            ctx.uow, ctx.library, notice, ctx.uow.incidents.unlinked_on(notice.components), now
        )
        ctx.uow.commit()
    return Published(notice, publication.warnings, linked)


def update_notice(
    ctx: Context,
    notice_id: int,
    text: str,
    expected_end: datetime | None = None,
    messages: str | None = None,
) -> Notice:
    check_desk(ctx.actor)
    return _change(
        ctx.uow,
        ctx.clock,
        ctx.library,
        notice_id,
        lambda notice, now: [notice.add_update(ctx.actor, now, text, expected_end, messages)],
    )


def announce_for_everyone(ctx: Context, declaration: Declaration) -> Published:
    """The desk declares an outage for everyone: that is publishing its notice (the one object
    of the administration's outage, docs/status.md). The cause is not known yet unless it is
    planned maintenance."""
    draft = NoticeDraft(
        components=(declaration.component,),
        kind=NoticeKind.SCHEDULED if declaration.planned else NoticeKind.UNSCHEDULED,
        reason=Reason.SCHEDULED_MAINTENANCE if declaration.planned else Reason.UNDETERMINED,
        title=declaration.summary,
        starts_at=declaration.started_at,
        expected_end=declaration.planned_until,
        messages=declaration.description,
        short_notice_confirmed=True,
    )
    if declaration.component not in PUBLIC_COMPONENTS:
        raise invalid("component", N_("a notice names only the components the administrations run"))
    return publish_notice(ctx, draft)


def set_fallback(
    ctx: Context,
    notice_id: int,
    allowed: bool,
    text: str = "",
    activation: ActivationRequest | None = None,
) -> Notice:
    """Activate the BCP for the notice's outage (`allowed`: the fallback window opens, for the
    modes, offices and until the time `activation` names), or end it."""
    check_desk(ctx.actor)

    def act(notice: Notice, now: datetime) -> list[NoticeUpdate]:
        if allowed:
            decided = (activation or ActivationRequest()).decide(ctx.actor.label, now)
            components = fallback_components(ctx.library.active(ctx.uow), notice.components)
            return [notice.open_fallback(ctx.actor, now, text, decided, components)]
        return [notice.close_fallback(ctx.actor, now, text)]

    return _change(ctx.uow, ctx.clock, ctx.library, notice_id, act)


def notify_commission(
    ctx: Context, notice_id: int, to: str, at: datetime | None = None, text: str = ""
) -> Notice:
    """Record that the Commission and the other member states were told (Art. 105(3))."""
    check_desk(ctx.actor)

    def act(notice: Notice, now: datetime) -> list[NoticeUpdate]:
        notification = check_notification(to, at, now)
        return [notice.notify_commission(ctx.actor, now, notification, text)]

    return _change(ctx.uow, ctx.clock, ctx.library, notice_id, act)


def close_notice(ctx: Context, notice_id: int, text: str) -> Notice:
    check_desk(ctx.actor)
    return _change(
        ctx.uow,
        ctx.clock,
        ctx.library,
        notice_id,
        lambda notice, now: notice.close(ctx.actor, now, text),
    )


def watch_notices(uow: UnitOfWork, clock: Clock, library: ReflexLibrary) -> list[int]:
    """The scheduler's part: a maintenance window still open at its planned end becomes an
    unscheduled outage, and the incidents it covers have their rules re-run."""
    with uow.reading():
        overrun = uow.notices.overrun_ids(clock.now())
    for notice_id in overrun:
        _change(uow, clock, library, notice_id, lambda notice, now: _overrun(notice, now))
    return overrun


def _overrun(notice: Notice, now: datetime) -> list[NoticeUpdate]:
    update = notice.overrun(now)
    return [update] if update else []


def get_notice(ctx: Context, notice_id: int) -> tuple[Notice, list[int]]:
    """A notice is public to everyone signed in; of the incidents linked to it, each person sees
    those they may open."""
    with ctx.uow.reading():
        notice = ctx.uow.notices.get(notice_id)
        if notice is None:
            raise NotFound(N_("no notice %(notice_id)s"), notice_id=notice_id)
        return notice, ctx.uow.incidents.linked_to(notice_id, ctx.actor)


def may_activate(ctx: Context, notice: Notice) -> bool:
    """Whether the rules table gives this notice's outage a fallback at all (an outage of the
    national system alone has none)."""
    with ctx.uow.reading():
        return bool(fallback_components(ctx.library.active(ctx.uow), notice.components))


def status_board(uow: UnitOfWork, clock: Clock, recent: Recent[Board] | None = None) -> Board:
    """The board now, or the one `recent` read less than a second ago (bcp.services.recent)."""

    def read() -> Board:
        now = clock.now()
        with uow.reading():
            notices = uow.notices.current(now, now - HISTORY)
            outages = uow.incidents.open_outages()
            probes = _failing_probes(uow)
        return Board(board(notices, outages, probes, now), notices, now)

    return read() if recent is None else recent.get(read)


def notices_in_force(
    uow: UnitOfWork, clock: Clock, recent: Recent[Board] | None = None
) -> list[Notice]:
    """Open notices whose outage has begun: the banner of every page. With `recent`, those of
    the board read less than a second ago (the board holds every notice still open)."""
    if recent is not None:
        found = status_board(uow, clock, recent)
        return [n for n in found.notices if n.is_open and n.started(found.now)]
    now = clock.now()
    with uow.reading():
        return [n for n in uow.notices.current(now, now) if n.is_open and n.started(now)]


def maintenance_notices(uow: UnitOfWork, clock: Clock) -> list[Notice]:
    with uow.reading():
        return uow.notices.scheduled(clock.now() - CALENDAR_PAST)


def _change(
    uow: UnitOfWork,
    clock: Clock,
    library: ReflexLibrary,
    notice_id: int,
    act: Callable[[Notice, datetime], list[NoticeUpdate]],
) -> Notice:
    with uow:
        notice = uow.notices.get(notice_id, for_update=True)
        if notice is None:
            raise NotFound(N_("no notice %(notice_id)s"), notice_id=notice_id)
        now = clock.now()
        updates = act(notice, now)
        if not updates:
            return notice
        uow.notices.save(notice)
        _enqueue(uow, notice, updates)
        _propagate(uow, library, notice, uow.incidents.following(notice_id), now)
        uow.commit()
    return notice


def _propagate(
    uow: UnitOfWork, library: ReflexLibrary, notice: Notice, incident_ids: list[int], now: datetime
) -> list[int]:
    """Apply the notice to each incident it covers; returns those that changed."""
    changed = []
    for incident_id in incident_ids:
        incident = uow.incidents.get(incident_id, for_update=True)
        if incident is None:
            continue
        if incident.notice_id is None and not incident.may_follow(notice, now):
            continue
        attach_procedure(incident, library)
        events = incident.follow_notice(notice, now)
        events += review(incident, library, now)
        if incident.awaits_first_reference:  # allowed by the notice: the message names it
            events.append(issue_reference(uow, desk_notice(notice.id), incident, now))
        if events:
            save(uow, incident, events, commit=False)
            changed.append(incident_id)
    return changed


def _enqueue(uow: UnitOfWork, notice: Notice, updates: list[NoticeUpdate]) -> None:
    enqueue(uow.session, [_message(notice, update) for update in updates])


def _message(notice: Notice, update: NoticeUpdate) -> Message:
    return Message(
        topic="notice.published" if update.seq == 1 else "notice.updated",
        idempotency_key=f"notice-{notice.id}-update-{update.seq}",
        incident_id=None,
        payload={
            "notice_id": notice.id,
            "organisation_id": None,
            "title": notice.title,
            "components": list(notice.components),
            "kind": notice.kind.value,
            "reason": notice.reason.value,
            "event": update.kind.value,
            "note": update.text,
            "actor": update.actor_label,
            "at": update.at.isoformat(),
            "starts_at": notice.starts_at.isoformat(),
            "expected_end": notice.expected_end.isoformat() if notice.expected_end else None,
            "fallback_allowed": notice.fallback_allowed(update.at),
            "bcp": _activation(notice, update),
            "messages": notice.messages,
        },
        now=update.at,
    )


def _activation(notice: Notice, update: NoticeUpdate) -> dict | None:
    """The BCP's activation in force once this update is made (what operators must know: for
    which modes and offices, until when)."""
    activation = notice.activation(max(update.at, notice.starts_at))
    return activation.changes() if activation else None


def _failing_probes(uow: UnitOfWork) -> list[FailingProbe]:
    """The desk's own probes (no organisation) that say their component is down, since their
    first failure after the last success."""
    return [
        FailingProbe(probe.id, probe.component, down_since(uow.session, probe.id))
        for probe in desk_probes_down(uow.session)
    ]
