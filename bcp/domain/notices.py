"""Outage notices: what the customs desk tells everyone about an ICS2 component, as other customs
administrations publish it (see docs/domain.md): scheduled or unscheduled, a reason, the expected
end, what happens to messages sent meanwhile, and an explicit "fallback allowed" window that the
desk opens and closes. A notice is never rewritten: every change is an update appended to it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bcp.domain.activation import Activation, CommissionNotification
from bcp.domain.actors import SCHEDULER, Actor, Role
from bcp.domain.catalogue import COMPONENTS, Owner
from bcp.domain.errors import ErrorList, IllegalTransition, NotAllowed, invalid, said
from bcp.domain.messages import N_

TITLE_MAX = 200
TEXT_MAX = 5_000
ANNOUNCE_AHEAD = timedelta(hours=48)
"""Scheduled maintenance is notified at least this long before it starts (Regulation (EU)
2016/323, article on unavailability)."""
CLOCK_SKEW = timedelta(minutes=1)
HORIZON = timedelta(days=90)

# What an update says when the desk writes nothing: read by French and other operators alike.
FALLBACK_ALLOWED = (
    "L'utilisation de la procédure de secours est autorisée / "
    "the use of the fallback procedure is allowed"
)
FALLBACK_ENDED = (
    "La fenêtre de secours est close : la procédure de secours n'est plus autorisée / "
    "the fallback window has concluded; fallback is no longer allowed"
)
RESTORED = "Service rétabli / service restored"
OVERRAN = (
    "La maintenance a dépassé sa fin prévue : l'indisponibilité n'est plus programmée / "
    "the maintenance window has overrun its planned end: the outage is now unscheduled"
)


class NoticeKind(StrEnum):
    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"


class Reason(StrEnum):
    """What counts as unavailability (Regulation (EU) 2016/323)."""

    HARDWARE_FAILURE = "hardware_failure"
    TELECOM_FAILURE = "telecom_failure"
    NETWORK_PROBLEM = "network_problem"
    FORCE_MAJEURE = "force_majeure"
    SCHEDULED_MAINTENANCE = "scheduled_maintenance"
    UNDETERMINED = "undetermined"
    """Not known yet: the first minutes of an outage the desk declares for everyone."""


class UpdateKind(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    FALLBACK_OPENED = "fallback_opened"
    FALLBACK_CLOSED = "fallback_closed"
    OVERRAN = "overran"
    COMMISSION_NOTIFIED = "commission_notified"
    CLOSED = "closed"


PUBLIC_COMPONENTS = tuple(
    code for code, spec in COMPONENTS.items() if spec.owner in (Owner.EU, Owner.NATIONAL)
)
"""The components a notice may name: those the administrations run. An operator's or a
provider's own system is that organisation's incident, not a notice for everyone."""


@dataclass(frozen=True)
class NoticeUpdate:
    seq: int
    at: datetime
    kind: UpdateKind
    actor_user_id: int | None
    actor_label: str
    text: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    """A span during which the fallback is allowed, by the member state's activation of the BCP;
    `until` is None while it is open and no end was set."""

    since: datetime
    until: datetime | None
    activation: Activation | None = None

    def holds(self, moment: datetime) -> bool:
        return self.since <= moment and (self.until is None or moment < self.until)


NO_FALLBACK = N_(
    "an outage of the national system has no fallback: ENS are still lodged through STI; after "
    "recovery, check that assessment complete and control notifications arrive"
)


@dataclass
class Notice:
    id: int | None
    components: tuple[str, ...]
    kind: NoticeKind
    reason: Reason
    title: str
    starts_at: datetime
    expected_end: datetime | None
    messages: str
    published_at: datetime
    published_by: int | None
    closed_at: datetime | None = None
    updates: list[NoticeUpdate] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def scheduled(self) -> bool:
        return self.kind is NoticeKind.SCHEDULED

    @property
    def announced_as_scheduled(self) -> bool:
        """Published as scheduled maintenance, even if it has overrun since."""
        return bool(self.updates) and self.updates[0].changes.get("kind") == "scheduled"

    def started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def covers(self, component: str, now: datetime) -> bool:
        """An incident on this component, declared now, is part of this notice's outage."""
        return self.is_open and self.started(now) and component in self.components

    @property
    def windows(self) -> list[Window]:
        windows: list[Window] = []
        for update in self.updates:
            if update.kind is UpdateKind.FALLBACK_OPENED:
                since = datetime.fromisoformat(update.changes.get("since") or update.at.isoformat())
                activation = Activation.from_changes(update.changes, update.at, update.actor_label)
                windows.append(Window(since, activation.until, activation))
            elif update.kind is UpdateKind.FALLBACK_CLOSED and windows:
                last = windows[-1]
                until = update.at if last.until is None else min(last.until, update.at)
                windows[-1] = Window(last.since, until, last.activation)
        return windows

    @property
    def window_open(self) -> bool:
        """The desk has opened the window and not closed it (it may start later, or have an
        end set by the activation)."""
        kinds = (UpdateKind.FALLBACK_OPENED, UpdateKind.FALLBACK_CLOSED)
        last = next((u.kind for u in reversed(self.updates) if u.kind in kinds), None)
        return last is UpdateKind.FALLBACK_OPENED

    def _window_running(self, now: datetime) -> bool:
        windows = self.windows
        return self.window_open and (windows[-1].until is None or now < windows[-1].until)

    def fallback_allowed(self, now: datetime) -> bool:
        return any(w.holds(now) for w in self.windows)

    def activation(self, now: datetime) -> Activation | None:
        """The BCP's activation in force at `now`, if any."""
        return next((w.activation for w in self.windows if w.holds(now)), None)

    @property
    def notifications(self) -> list[NoticeUpdate]:
        return [u for u in self.updates if u.kind is UpdateKind.COMMISSION_NOTIFIED]

    def add_update(
        self,
        actor: Actor,
        now: datetime,
        text: str,
        expected_end: datetime | None = None,
        messages: str | None = None,
    ) -> NoticeUpdate:
        """News of the outage; may move the expected end or say more about messages sent."""
        self._check_desk(actor)
        self._check_open()
        errors = ErrorList()
        text = _text(text, "text", errors, required=True)
        changes: dict[str, Any] = {}
        if expected_end is not None:
            if expected_end <= self.starts_at:
                errors.add("expected_end", N_("the expected end must come after the start"))
            else:
                changes["expected_end"] = expected_end.isoformat()
        if messages is not None:
            changes["messages"] = _text(messages, "messages", errors)
        errors.raise_if_any()
        if "expected_end" in changes:
            self.expected_end = expected_end
        if "messages" in changes:
            self.messages = changes["messages"]
        return self._record(UpdateKind.UPDATED, actor, now, text, changes)

    def open_fallback(
        self,
        actor: Actor,
        now: datetime,
        text: str = "",
        activation: Activation | None = None,
        fallback_components: frozenset[str] | None = None,
    ) -> NoticeUpdate:
        """The member state activates the BCP (Art. 105(5)): from now on, or from the start of a
        window still to come, operators may use the fallback procedure without asking one by
        one, for the modes and offices the activation names. `fallback_components` are those
        whose outage has a fallback at all (the rules table says which): an outage of the
        national system alone has none."""
        self._check_desk(actor)
        self._check_open()
        if self._window_running(now):
            raise IllegalTransition(N_("the fallback window of this notice is already open"))
        if fallback_components is not None and not set(self.components) & fallback_components:
            raise IllegalTransition(NO_FALLBACK)
        since = max(now, self.starts_at)
        activation = activation or Activation(decided_by=actor.label, decided_at=now)
        activation = replace(activation, components=self.components)
        return self._record(
            UpdateKind.FALLBACK_OPENED,
            actor,
            now,
            _text(text, "text") or FALLBACK_ALLOWED,
            {"since": since.isoformat(), **activation.changes()},
        )

    def notify_commission(
        self, actor: Actor, now: datetime, notification: CommissionNotification, text: str = ""
    ) -> NoticeUpdate:
        """The desk told the Commission and the other member states of the outage (Art.
        105(3)); recorded with whom and when."""
        self._check_desk(actor)
        return self._record(
            UpdateKind.COMMISSION_NOTIFIED,
            actor,
            now,
            _text(text, "text") or f"Notifié à / notified to: {notification.to}",
            notification.changes(),
        )

    def close_fallback(self, actor: Actor, now: datetime, text: str = "") -> NoticeUpdate:
        self._check_desk(actor)
        self._check_open()
        if not self.window_open:
            raise IllegalTransition(N_("the fallback window of this notice is not open"))
        return self._record(
            UpdateKind.FALLBACK_CLOSED,
            actor,
            now,
            _text(text, "text") or FALLBACK_ENDED,
        )

    def close(self, actor: Actor, now: datetime, text: str = "") -> list[NoticeUpdate]:
        """The component is back: the window, if open, closes with the notice."""
        self._check_desk(actor)
        self._check_open()
        text = _text(text, "text")
        updates = []
        if self.window_open:
            updates.append(self.close_fallback(actor, now))
        self.closed_at = now
        updates.append(self._record(UpdateKind.CLOSED, actor, now, text or RESTORED))
        return updates

    def overrun(self, now: datetime) -> NoticeUpdate | None:
        """A scheduled window still open at its expected end becomes an unscheduled outage."""
        if not (self.is_open and self.scheduled and self.expected_end and now >= self.expected_end):
            return None
        self.kind = NoticeKind.UNSCHEDULED
        return self._record(
            UpdateKind.OVERRAN,
            SCHEDULER,
            now,
            OVERRAN,
            {"planned_end": self.expected_end.isoformat(), "kind": NoticeKind.UNSCHEDULED.value},
        )

    def _check_desk(self, actor: Actor) -> None:
        check_desk(actor)

    def _check_open(self) -> None:
        if not self.is_open:
            raise IllegalTransition(N_("this notice is closed; publish a new one"))

    def _record(
        self,
        kind: UpdateKind,
        actor: Actor,
        now: datetime,
        text: str,
        changes: dict[str, Any] | None = None,
    ) -> NoticeUpdate:
        if self.updates and now < self.updates[-1].at:
            now = self.updates[-1].at
        update = NoticeUpdate(
            seq=len(self.updates) + 1,
            at=now,
            kind=kind,
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            text=text,
            changes=changes or {},
        )
        self.updates.append(update)
        return update


def check_desk(actor: Actor) -> None:
    if actor.role is not Role.DESK:
        raise NotAllowed(N_("only the customs desk publishes and updates outage notices"))


@dataclass(frozen=True)
class Publication:
    notice: Notice
    warnings: list[str]


def short_notice(kind: NoticeKind, starts_at: datetime, now: datetime) -> str | None:
    """The warning for scheduled maintenance announced less than 48 hours before it starts."""
    if kind is not NoticeKind.SCHEDULED:
        return None
    ahead = starts_at - now
    if ahead >= ANNOUNCE_AHEAD:
        return None
    return said(SHORT_NOTICE, _short_notice_values(starts_at - now))


SHORT_NOTICE = N_(
    "scheduled maintenance announced %(lead)s before its start: less than the %(hours)s hours "
    "of notice operators are owed"
)


def _short_notice_values(ahead: timedelta) -> dict[str, str]:
    seconds = max(ahead.total_seconds(), 0)
    lead = f"{seconds / 3600:.0f} h" if seconds >= 3600 else f"{seconds // 60:.0f} min"
    return {"lead": lead, "hours": f"{ANNOUNCE_AHEAD.total_seconds() / 3600:.0f}"}


@dataclass(frozen=True)
class NoticeDraft:
    """A notice as the desk writes it, every field well formed (bcp.web.schemas.notices)."""

    components: tuple[str, ...]
    kind: NoticeKind
    reason: Reason | None
    title: str
    starts_at: datetime | None
    expected_end: datetime | None
    messages: str = ""
    fallback_allowed: bool = False
    short_notice_confirmed: bool = False


def publish(
    draft: NoticeDraft,
    actor: Actor,
    now: datetime,
    fallback_components: frozenset[str] | None = None,
) -> Publication:
    """Check what only the business knows of a notice, and publish it. A scheduled maintenance
    announced less than 48 hours ahead is refused until the desk confirms it knowingly
    (`short_notice_confirmed`)."""
    check_desk(actor)
    errors = ErrorList()
    kind, reason = draft.kind, draft.reason
    if reason is None and kind is NoticeKind.SCHEDULED:
        reason = Reason.SCHEDULED_MAINTENANCE
    elif reason is None:
        errors.add("reason", N_("required: choose the reason"))
    if kind is NoticeKind.SCHEDULED:
        for name in ("starts_at", "expected_end"):
            if getattr(draft, name) is None:
                errors.add(name, N_("required for scheduled maintenance"))
    starts_at = draft.starts_at or now
    expected_end = draft.expected_end
    if kind is NoticeKind.SCHEDULED and reason not in (None, Reason.SCHEDULED_MAINTENANCE):
        errors.add("reason", N_("a scheduled notice is for scheduled maintenance"))
    if kind is NoticeKind.UNSCHEDULED:
        if reason is Reason.SCHEDULED_MAINTENANCE:
            errors.add("reason", N_("maintenance announced ahead is a scheduled notice"))
        if starts_at > now + CLOCK_SKEW:
            errors.add("starts_at", N_("an unscheduled outage cannot start in the future"))
    if starts_at > now + HORIZON:
        errors.add("starts_at", N_("a notice is published at most 90 days ahead"))
    if expected_end is not None and expected_end <= starts_at:
        errors.add("expected_end", N_("the expected end must come after the start"))
    errors.raise_if_any()
    components = tuple(dict.fromkeys(draft.components))
    warnings = [w for w in [short_notice(kind, starts_at, now)] if w]
    if warnings and not draft.short_notice_confirmed:
        raise invalid(
            "short_notice_confirmed", SHORT_NOTICE, **_short_notice_values(starts_at - now)
        )
    title = draft.title
    notice = Notice(
        id=None,
        components=components,
        kind=kind,
        reason=reason,
        title=title,
        starts_at=starts_at,
        expected_end=expected_end,
        messages=draft.messages.strip(),
        published_at=now,
        published_by=actor.user_id,
    )
    notice._record(
        UpdateKind.PUBLISHED,
        actor,
        now,
        title,
        {
            "components": list(components),
            "kind": kind.value,
            "reason": reason.value,
            "starts_at": starts_at.isoformat(),
            "expected_end": expected_end.isoformat() if expected_end else None,
            "short_notice": warnings[0] if warnings else None,
        },
    )
    if draft.fallback_allowed:
        notice.open_fallback(actor, now, fallback_components=fallback_components)
    return Publication(notice, warnings)


def _text(value: Any, name: str, errors: ErrorList | None = None, required: bool = False) -> str:
    own = errors or ErrorList()
    if value is not None and not isinstance(value, str):
        own.add(name, "expected a string")
        value = ""
    value = (value or "").strip()
    if required and not value:
        own.add(name, "required")
    if len(value) > TEXT_MAX or "\x00" in value:
        own.add(name, f"at most {TEXT_MAX} characters, no NUL")
    if errors is None:
        own.raise_if_any()
    return value
