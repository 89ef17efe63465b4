"""The goods of one incident: its consignments and what may be done with them, each act one
event of the incident's timeline.

The consignments are kept beside the incident (they can be a thousand); the timeline records
every change to them, so that the reports and the post-mortem can tell who did what and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import in_paris
from bcp.domain.consignments.deadlines import DeadlineTable
from bcp.domain.consignments.model import (
    CLOCK_SKEW,
    REASON_MAX,
    Consignment,
    ConsignmentFacts,
    ConsignmentState,
    check_consignment,
)
from bcp.domain.consignments.mrn import mrn_problem, normalise_mrn
from bcp.domain.errors import (
    DomainError,
    ErrorList,
    FieldError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
    invalid,
)
from bcp.domain.lifecycle import State
from bcp.domain.messages import N_
from bcp.domain.timeline import EventKind, TimelineEvent

if TYPE_CHECKING:
    from bcp.domain.incident import Incident

RELODGED = EventKind.CONSIGNMENTS_RELODGED.value
"""The event a re-lodging step of the rules table names in its done_when."""


@dataclass(frozen=True)
class Lodging:
    """The MRN ICS2 gave a consignment's ENS, and when it was lodged (None: now)."""

    consignment_id: int
    mrn: str
    lodged_at: datetime | None = None


@dataclass(frozen=True)
class GoodsSummary:
    total: int = 0
    at_risk: int = 0
    late: int = 0
    sent_by_fallback: int = 0
    lodged: int = 0
    not_needed: int = 0
    waived: int = 0

    @property
    def outstanding(self) -> int:
        return self.at_risk + self.sent_by_fallback


def summarise(consignments: Iterable[Consignment], now: datetime) -> GoodsSummary:
    counts = dict.fromkeys(ConsignmentState, 0)
    late = total = 0
    for c in consignments:
        total += 1
        counts[c.state] += 1
        late += c.late(now)
    return GoodsSummary(
        total=total,
        at_risk=counts[ConsignmentState.AT_RISK],
        late=late,
        sent_by_fallback=counts[ConsignmentState.SENT_BY_FALLBACK],
        lodged=counts[ConsignmentState.LODGED],
        not_needed=counts[ConsignmentState.NOT_NEEDED],
        waived=counts[ConsignmentState.WAIVED],
    )


def soonest_first(consignments: Iterable[Consignment]) -> list[Consignment]:
    """What is still to do first, by its ENS deadline (those without one after), then the rest
    in the order they were listed."""

    def key(c: Consignment):
        settled = c.state.settled
        at = c.deadline.at
        return (settled, at is None, at.timestamp() if at else 0.0, c.id or 0)

    return sorted(consignments, key=key)


class Goods:
    def __init__(self, incident: Incident, consignments: Sequence[Consignment]) -> None:
        self.incident = incident
        self.consignments = list(consignments)
        self._count()

    def outstanding(self) -> list[Consignment]:
        return [c for c in self.consignments if not c.state.settled]

    def summary(self, now: datetime) -> GoodsSummary:
        return summarise(self.consignments, now)

    def get(self, consignment_id: int) -> Consignment:
        found = next((c for c in self.consignments if c.id == consignment_id), None)
        if found is None:
            raise NotFound(
                N_("this incident lists no consignment %(consignment)s"),
                consignment=consignment_id,
            )
        return found

    def named(self, air_waybill: str | None, house: str | None) -> Consignment | None:
        """The listed consignment whose transport document a referral names, if one does (an
        air waybill compared without its dash)."""
        wanted = {n.replace("-", "") for n in (air_waybill, house) if n}
        return next(
            (c for c in self.consignments if c.facts.document_number.replace("-", "") in wanted),
            None,
        )

    def check_may_change(self, actor: Actor) -> None:
        incident = self.incident
        if not incident.may_contribute(actor):
            raise NotAllowed(N_("only the organisation concerned or the desk lists its goods"))
        if incident.organisation is None:
            raise IllegalTransition(
                N_(
                    "this outage concerns everyone: list the goods on the operator's own "
                    "incident, which the desk follows for that operator"
                )
            )
        if not incident.state.is_open:
            raise IllegalTransition(N_("the incident is closed: its goods can no longer change"))

    def may_change(self, actor: Actor) -> bool:
        try:
            self.check_may_change(actor)
        except DomainError:
            return False
        return True

    def may_send(self, actor: Actor) -> bool:
        """The forms a page offers: sending by the fallback route once the desk authorised it."""
        return self.may_change(actor) and self.incident.state is State.FALLBACK_ACTIVE

    def may_waive(self, actor: Actor) -> bool:
        return (
            actor.role is Role.DESK
            and self.may_change(actor)
            and self.incident.state is State.RECOVERED
            and bool(self.outstanding())
        )

    def add(
        self,
        items: Sequence[tuple[str, ConsignmentFacts]],
        table: DeadlineTable,
        actor: Actor,
        now: datetime,
    ) -> tuple[list[Consignment], TimelineEvent]:
        """List consignments: all of them, or none if one is faulty. Each item comes with where
        it was given (a line of a file, an index of a list; "" for one alone), so that every
        fault says where it is."""
        self.check_may_change(actor)
        if not items:
            raise invalid("consignments", N_("give at least one consignment"))
        errors: list[FieldError] = []
        seen = {(c.facts.document_kind, c.facts.document_number) for c in self.consignments}
        added: list[Consignment] = []
        for where, facts in items:
            try:
                kept, deadline = check_consignment(facts, table, now)
            except InvalidInput as refusal:
                errors += [FieldError(_at(where, e.field), e.message) for e in refusal.errors]
                continue
            key = (kept.document_kind, kept.document_number)
            if key in seen:
                errors.append(
                    FieldError(
                        _at(where, "document_number"),
                        N_("this transport document is listed already on this incident"),
                    )
                )
                continue
            seen.add(key)
            added.append(
                Consignment(
                    id=None,
                    incident_id=self.incident.id,
                    facts=kept,
                    deadline=deadline,
                    recorded_at=now,
                    recorded_by=actor.label,
                )
            )
        if errors:
            raise InvalidInput(errors)
        self.consignments += added
        event = self.incident.record(
            EventKind.CONSIGNMENTS_ADDED,
            actor,
            now,
            changes={
                "count": len(added),
                "table": table.version,
                "documents": [c.facts.document_number for c in added],
            },
        )
        self._count()
        return added, event

    def mark_sent(
        self,
        ids: Sequence[int],
        reference: str,
        actor: Actor,
        now: datetime,
        sent_at: datetime | None = None,
    ) -> list[TimelineEvent]:
        """The data of these consignments went to the desk by the fallback route, under one of
        the incident's fallback references."""
        self.check_may_change(actor)
        if self.incident.state is not State.FALLBACK_ACTIVE:
            raise IllegalTransition(
                N_("goods go by the fallback route once the desk has authorised the fallback")
            )
        if reference not in self.incident.fallback_references:
            raise invalid("reference", N_("not a fallback reference of this incident"))
        chosen = self._chosen(ids)
        sent_at = self._moment(sent_at, now, "sent_at")
        activation = self.incident.activation
        if activation and not activation.in_force(sent_at):
            raise invalid(
                "sent_at",
                N_(
                    "the continuity plan's activation had ended by then: nothing goes by the "
                    "fallback route after it"
                ),
            )
        errors = ErrorList()
        for c in chosen:
            if c.state is not ConsignmentState.AT_RISK:
                errors.add(
                    f"consignments.{c.id}", N_("already sent by the fallback route or settled")
                )
            elif activation and not activation.covers_office(c.facts.office_of_first_entry):
                errors.add(
                    f"consignments.{c.id}",
                    N_(
                        "its office of first entry is not one the continuity plan was activated "
                        "for: it waits for ICS2, or for an activation that covers it"
                    ),
                )
        errors.raise_if_any()
        for c in chosen:
            c.send(reference, sent_at, actor.label)
        event = self.incident.record(
            EventKind.CONSIGNMENTS_SENT,
            actor,
            now,
            changes={
                "reference": reference,
                "sent_at": sent_at.isoformat(),
                "count": len(chosen),
                "documents": [c.facts.document_number for c in chosen],
            },
        )
        return [event]

    def record_lodgings(
        self, lodgings: Sequence[Lodging], actor: Actor, now: datetime
    ) -> list[TimelineEvent]:
        """Consignments back in ICS2, each with the MRN of its ENS: all of them, or none."""
        self.check_may_change(actor)
        if not lodgings:
            raise invalid("lodgings", N_("give at least one MRN"))
        errors = ErrorList()
        taken = {c.mrn for c in self.consignments if c.mrn}
        checked: list[tuple[Consignment, str, datetime]] = []
        for lodging in lodgings:
            field = f"consignments.{lodging.consignment_id}"
            c = self.get(lodging.consignment_id)
            mrn = normalise_mrn(lodging.mrn)
            at = lodging.lodged_at or now
            if c.state.settled:
                errors.add(field, N_("this consignment is settled already"))
            elif problem := mrn_problem(mrn):
                errors.add(field, problem)
            elif mrn in taken:
                errors.add(field, N_("this MRN is given already to another consignment"))
            elif at > now + CLOCK_SKEW:
                errors.add(field, N_("lodged in the future? give the time ICS2 registered it"))
            elif at < self.incident.facts.started_at:
                errors.add(field, N_("lodged before the outage started: check the time"))
            else:
                taken.add(mrn)
                checked.append((c, mrn, at))
        errors.raise_if_any()
        for c, mrn, at in checked:
            c.lodge(mrn, at, actor.label)
        events = [
            self.incident.record(
                EventKind.CONSIGNMENTS_LODGED,
                actor,
                now,
                changes={
                    "count": len(checked),
                    "items": [
                        {
                            "document": c.facts.document_number,
                            "mrn": mrn,
                            "lodged_at": at.isoformat(),
                        }
                        for c, mrn, at in checked
                    ],
                },
            )
        ]
        return events + self._all_back(actor, now)

    def mark_not_needed(
        self,
        consignment_id: int,
        reason: str,
        actor: Actor,
        now: datetime,
        referral: int | None = None,
    ) -> list[TimelineEvent]:
        """No ENS is needed any more: the goods were not loaded, the shipment was cancelled."""
        self.check_may_change(actor)
        c = self.get(consignment_id)
        reason = _reason(reason)
        if c.state.settled:
            raise IllegalTransition(N_("this consignment is settled already"))
        c.settle(ConsignmentState.NOT_NEEDED, reason, now, actor.label, referral)
        event = self.incident.record(
            EventKind.CONSIGNMENT_NOT_NEEDED,
            actor,
            now,
            note=reason,
            changes={"document": c.facts.document_number, "referral": referral},
        )
        return [event, *self._all_back(actor, now)]

    def waive(self, reason: str, actor: Actor, now: datetime) -> list[TimelineEvent]:
        """The desk closes the books on what is left, after recovery, with its reason."""
        if actor.role is not Role.DESK:
            raise NotAllowed(N_("only the customs desk waives the re-lodging of goods"))
        self.check_may_change(actor)
        if self.incident.state is not State.RECOVERED:
            raise IllegalTransition(N_("the re-lodging is waived only after recovery"))
        reason = _reason(reason)
        left = self.outstanding()
        if not left:
            raise IllegalTransition(N_("every consignment is settled already: nothing to waive"))
        for c in left:
            c.settle(ConsignmentState.WAIVED, reason, now, actor.label, None)
        event = self.incident.record(
            EventKind.CONSIGNMENTS_WAIVED,
            actor,
            now,
            note=reason,
            changes={"count": len(left), "documents": [c.facts.document_number for c in left]},
        )
        return [event, *self._all_back(actor, now)]

    def deadlines_near(self, now: datetime, lead: timedelta) -> list[Consignment]:
        """Consignments at risk whose ENS deadline is within `lead`, not yet reminded of."""
        if not self.incident.state.is_open or self.incident.organisation is None:
            return []
        return [
            c
            for c in self.consignments
            if c.state is ConsignmentState.AT_RISK
            and c.reminded_at is None
            and c.deadline.at is not None
            and now >= c.deadline.at - lead
        ]

    def remind(self, near: Sequence[Consignment], now: datetime) -> TimelineEvent:
        from bcp.domain.actors import SCHEDULER

        for c in near:
            c.reminded_at = now
        soonest = min(c.deadline.at for c in near if c.deadline.at)
        return self.incident.record(
            EventKind.CONSIGNMENT_DEADLINE_NEAR,
            SCHEDULER,
            now,
            changes={
                "count": len(near),
                "documents": [c.facts.document_number for c in near],
                "soonest": soonest.isoformat(),
                "role": "operator",
            },
        )

    def _all_back(self, actor: Actor, now: datetime) -> list[TimelineEvent]:
        before = self.incident.outstanding_consignments
        self._count()
        if before and not self.incident.outstanding_consignments:
            return [
                self.incident.record(
                    EventKind.CONSIGNMENTS_RELODGED,
                    actor,
                    now,
                    changes={"count": len(self.consignments)},
                )
            ]
        return []

    def _count(self) -> None:
        self.incident.outstanding_consignments = len(self.outstanding())
        self.incident.listed_consignments = len(self.consignments)

    def _chosen(self, ids: Sequence[int]) -> list[Consignment]:
        if not ids:
            raise invalid("consignments", N_("choose at least one consignment"))
        return [self.get(i) for i in dict.fromkeys(ids)]

    def _moment(self, at: datetime | None, now: datetime, field: str) -> datetime:
        at = at or now
        if at > now + CLOCK_SKEW:
            raise invalid(field, N_("a time in the future? give the time it happened"))
        if at < self.incident.facts.started_at:
            raise invalid(field, N_("before the outage started: check the time"))
        return at


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise invalid("reason", N_("a reason is required"))
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise invalid("reason", N_("at most 500 characters"))
    return reason


def _at(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def describe_goods(changes: dict) -> str | None:
    """One line for a notification: "3 consignments: H0001, H0002, H0003 (+1 more)"."""
    documents = changes.get("documents") or [i.get("document") for i in changes.get("items", [])]
    if changes.get("document"):
        documents = [changes["document"]]
    if not documents:
        return None
    shown = ", ".join(str(d) for d in documents[:10])
    more = f" (+{len(documents) - 10})" if len(documents) > 10 else ""
    line = f"{len(documents)} consignment(s) / envoi(s): {shown}{more}"
    if changes.get("soonest"):
        soonest = in_paris(datetime.fromisoformat(changes["soonest"]))
        line += f" · ENS deadline / délai ENS: {soonest:%d/%m/%Y %H:%M} (Paris)"
    if changes.get("reference"):
        line += f" · {changes['reference']}"
    return line
