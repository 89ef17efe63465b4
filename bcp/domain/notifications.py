"""Who is told of what, and when a failed delivery is tried again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bcp.domain.actors import Role
from bcp.domain.messages import N_

# The events people are told of, with their label (translated where shown); every other
# timeline event stays in the timeline only.
TOPICS = {
    "incident.declared": N_("new incident"),
    "incident.acknowledged": N_("acknowledgement"),
    "incident.fallback_activated": N_("fallback authorised"),
    "incident.fallback_refused": N_("fallback refused"),
    "incident.escalated": N_("escalation"),
    "incident.step_reminder": N_("step due soon"),
    "incident.step_overdue": N_("step overdue"),
    "incident.follow_up_reminder": N_("follow-up reminder"),
    "incident.recovered": N_("recovery"),
    "incident.closed": N_("closure"),
    "incident.referral_sent": N_("referral (RFI, RFS, DNL) passed to the carrier"),
    "incident.referral_confirmed": N_("referral confirmed by the carrier"),
    "incident.referral_outcome": N_("outcome of a referral"),
    "incident.referral_escalated": N_("referral not confirmed in time"),
    "incident.consignment_deadline_near": N_("a consignment's ENS deadline is near"),
    "certificate.expiring": N_("certificate expiring"),
    "notice.published": N_("outage notice published"),
    "notice.updated": N_("outage notice updated (fallback window, expected end, end)"),
}
ESCALATIONS = frozenset({"incident.escalated", "incident.referral_escalated"})
"""Topics that also reach the desk's escalation contact (settings: notifications)."""
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Person:
    user_id: int
    role: Role
    organisation_id: int | None
    email: str | None
    topics: frozenset[str] | None  # None: everything
    language: str | None = None  # of their e-mails; None: French, the desk's language


@dataclass(frozen=True)
class Subject:
    """What a notification is about, as far as choosing its recipients goes."""

    topic: str
    organisation_id: int | None  # None: the desk's outage for everyone
    owner_role: str | None = None  # the role that owns the step, for step topics


def recipients(subject: Subject, people: Iterable[Person]) -> list[Person]:
    """People with an address who chose this topic and whom it concerns."""
    if subject.topic not in TOPICS:
        return []
    chosen = []
    for person in people:
        if not person.email or (person.topics is not None and subject.topic not in person.topics):
            continue
        if _concerns(subject, person):
            chosen.append(person)
    return chosen


def _concerns(subject: Subject, person: Person) -> bool:
    own = person.role is Role.OPERATOR and (
        subject.organisation_id is None or person.organisation_id == subject.organisation_id
    )
    topic = subject.topic
    if topic in ("incident.step_reminder", "incident.step_overdue", "incident.follow_up_reminder"):
        if subject.owner_role in ("operator", "provider"):
            return own
        return person.role.value == subject.owner_role
    if topic == "incident.declared":
        return person.role is Role.DESK
    if topic == "incident.escalated":
        return person.role in (Role.DESK, Role.MANAGER)
    if topic == "incident.referral_escalated":
        return own or person.role in (Role.DESK, Role.MANAGER)
    if topic.startswith("notice."):
        return person.role in (Role.OPERATOR, Role.DESK, Role.MANAGER)
    if topic == "certificate.expiring":
        return own or person.role is Role.DESK
    return own or person.role is Role.DESK


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))
