"""Referrals while the electronic channel is down (DG TAXUD, "EU guidance on air cargo security
referral protocols", ICS2): a request for information (RFI), a request for screening (RFS) or
"do not load" (DNL) that the desk passes to the carrier by telephone or e-mail, and that the
carrier confirms and answers. They live in the incident's timeline; this module reads them back
from it, checks what is recorded and says when an unconfirmed one must escalate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bcp.domain.errors import ErrorList
from bcp.domain.messages import N_
from bcp.domain.statistics import Summary, summarise
from bcp.domain.timeline import EventKind, TimelineEvent

CONSIGNMENT_MAX = 35
"""An air waybill is 11 digits; a house consignment number up to 35 characters (UN/CEFACT)."""
TEXT_MAX = 2_000
CLOCK_SKEW = timedelta(minutes=1)


class ReferralKind(StrEnum):
    RFI = "rfi"
    RFS = "rfs"
    DNL = "dnl"


class Route(StrEnum):
    TELEPHONE = "telephone"
    EMAIL = "email"


class Outcome(StrEnum):
    INFORMATION_GIVEN = "information_given"
    SCREENING_DONE = "screening_done"
    CARGO_NOT_LOADED = "cargo_not_loaded"


OUTCOME_OF = {
    ReferralKind.RFI: Outcome.INFORMATION_GIVEN,
    ReferralKind.RFS: Outcome.SCREENING_DONE,
    ReferralKind.DNL: Outcome.CARGO_NOT_LOADED,
}


@dataclass(frozen=True)
class ReferralRequest:
    kind: ReferralKind
    air_waybill: str | None
    house_consignment: str | None
    ens_reference: str | None
    route: Route
    sent_at: datetime | None  # None until checked: then the time it was sent, or now
    sent_to: str
    request: str
    consignment_id: int | None = None  # the consignment of the incident's goods it concerns
    carrier_id: int | None = None
    """The carrier it is for, when the incident is not the carrier's own (its EDI provider's):
    that carrier confirms it."""
    carrier: str | None = None  # the carrier's name and EORI, as recorded

    def changes(self) -> dict[str, Any]:
        return {
            "consignment": self.consignment_id,
            "carrier_id": self.carrier_id,
            "carrier": self.carrier,
            "kind": self.kind.value,
            "air_waybill": self.air_waybill,
            "house_consignment": self.house_consignment,
            "ens_reference": self.ens_reference,
            "route": self.route.value,
            "sent_at": self.sent_at.isoformat(),
            "sent_to": self.sent_to,
        }


@dataclass(frozen=True, kw_only=True)
class Referral(ReferralRequest):
    """A referral as the timeline tells it: what was sent, then its confirmation and outcome."""

    number: int
    recorded_at: datetime
    recorded_by: str
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    outcome: Outcome | None = None
    result: str = ""
    outcome_at: datetime | None = None
    outcome_by: str | None = None
    escalations: int = 0

    @property
    def consignment(self) -> str:
        return " / ".join(c for c in (self.air_waybill, self.house_consignment) if c)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def status(self) -> str:
        return "completed" if self.outcome else "confirmed" if self.confirmed else "sent"

    @property
    def time_to_confirm(self) -> timedelta | None:
        return self.confirmed_at - self.sent_at if self.confirmed_at else None


def referrals_of(events: Iterable[TimelineEvent]) -> list[Referral]:
    found: dict[int, Referral] = {}
    for e in events:
        number = e.changes.get("referral")
        if e.kind is EventKind.REFERRAL_SENT:
            c = e.changes
            found[number] = Referral(
                number=number,
                kind=ReferralKind(c["kind"]),
                air_waybill=c.get("air_waybill"),
                house_consignment=c.get("house_consignment"),
                ens_reference=c.get("ens_reference"),
                route=Route(c["route"]),
                sent_at=datetime.fromisoformat(c["sent_at"]),
                sent_to=c.get("sent_to", ""),
                request=e.note,
                consignment_id=c.get("consignment"),
                carrier_id=c.get("carrier_id"),
                carrier=c.get("carrier"),
                recorded_at=e.at,
                recorded_by=e.actor_label,
            )
        elif number in found:
            r = found[number]
            if e.kind is EventKind.REFERRAL_CONFIRMED:
                found[number] = replace(r, confirmed_at=e.at, confirmed_by=e.actor_label)
            elif e.kind is EventKind.REFERRAL_OUTCOME:
                found[number] = replace(
                    r,
                    outcome=Outcome(e.changes["outcome"]),
                    result=e.changes.get("result") or "",
                    outcome_at=e.at,
                    outcome_by=e.actor_label,
                )
            elif e.kind is EventKind.REFERRAL_ESCALATED:
                found[number] = replace(r, escalations=e.changes.get("level", r.escalations))
    return list(found.values())


def describe(changes: Mapping[str, Any]) -> str:
    """One line for a notification or a report: "R2 DNL · AWB 02012345675 / HAWB H1 · ..."."""
    parts = [f"R{changes.get('referral')} {str(changes.get('kind', '')).upper()}"]
    for label, key in (
        ("AWB", "air_waybill"),
        ("HAWB", "house_consignment"),
        ("ENS", "ens_reference"),
    ):
        if changes.get(key):
            parts.append(f"{label} {changes[key]}")
    if changes.get("route"):
        parts.append(f"{changes['route']} → {changes.get('sent_to', '')}")
    if changes.get("outcome"):
        parts.append(f"{changes['outcome']} {changes.get('result') or ''}".strip())
    if changes.get("level"):
        parts.append(f"unconfirmed after {changes.get('waited_minutes')} min")
    return " · ".join(parts)


def check_referral(
    request: ReferralRequest, now: datetime, not_before: datetime
) -> ReferralRequest:
    """What only the business knows of a well-formed referral (bcp.web.schemas.referrals): it
    names a consignment, and it was sent during the outage, not in the future. Without a time
    of sending, it was sent now."""
    errors = ErrorList()
    if not request.air_waybill and not request.house_consignment:
        errors.add("air_waybill", N_("give the air waybill or the house consignment number"))
    sent_at = request.sent_at or now
    if sent_at > now + CLOCK_SKEW:
        errors.add("sent_at", N_("a referral sent in the future? give the time it was sent"))
    elif sent_at < not_before:
        errors.add("sent_at", N_("sent before the outage started: record it on the right incident"))
    errors.raise_if_any()
    return replace(request, sent_at=sent_at)


def check_outcome(outcome: Outcome, result: str, kind: ReferralKind) -> None:
    """Each kind of referral has its one outcome; a screening's result is required."""
    errors = ErrorList()
    if outcome is not OUTCOME_OF[kind]:
        errors.add("outcome", N_("this is not the outcome of this kind of referral"))
    if outcome is Outcome.SCREENING_DONE and not result.strip():
        errors.add("result", N_("the result of the screening is required"))
    errors.raise_if_any()


@dataclass(frozen=True)
class ReferralAlert:
    referral: int
    level: int
    waited_minutes: int
    target_minutes: int
    kind: ReferralKind


def referral_alerts(
    referrals: Iterable[Referral], now: datetime, targets: Mapping[ReferralKind, timedelta]
) -> list[ReferralAlert]:
    """One alert per unconfirmed referral that has reached a new multiple of its kind's target
    (a DNL: 5 minutes, then every 5 minutes). A scheduler that was down records the level reached
    once, not every missed one."""
    alerts = []
    for r in referrals:
        if r.confirmed:
            continue
        target = targets[r.kind]
        level = int((now - r.sent_at) / target)
        if level > r.escalations:
            alerts.append(
                ReferralAlert(
                    r.number,
                    level,
                    int((now - r.sent_at).total_seconds() // 60),
                    int(target.total_seconds() // 60),
                    r.kind,
                )
            )
    return alerts


@dataclass(frozen=True)
class KindFigures:
    """For one kind of referral over a period: how many, how many still unconfirmed, how many
    escalated, and the time the carriers took to confirm."""

    kind: ReferralKind
    count: int
    unconfirmed: int
    escalated: int
    to_confirm: Summary


def figures(referrals: Iterable[Referral]) -> list[KindFigures]:
    by_kind: dict[ReferralKind, list[Referral]] = {k: [] for k in ReferralKind}
    for r in referrals:
        by_kind[r.kind].append(r)
    return [
        KindFigures(
            kind=kind,
            count=len(items),
            unconfirmed=sum(1 for r in items if not r.confirmed),
            escalated=sum(1 for r in items if r.escalations),
            to_confirm=summarise(r.time_to_confirm for r in items),
        )
        for kind, items in by_kind.items()
    ]
