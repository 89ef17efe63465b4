"""Use cases of the goods at stake in an incident (bcp.domain.consignments): listing them one
by one, in bulk or from a CSV file, sending them by the fallback route, recording their MRN once
back in ICS2, or that they are not needed, and the desk's waiver of the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.actors import Role
from bcp.domain.consignments import csv_import
from bcp.domain.consignments.goods import Goods, GoodsSummary, Lodging, soonest_first
from bcp.domain.consignments.model import Consignment, ConsignmentFacts
from bcp.domain.errors import InvalidInput, NotAllowed, NotFound
from bcp.domain.incident import Incident
from bcp.domain.messages import N_
from bcp.domain.timeline import TimelineEvent
from bcp.services.context import Context
from bcp.services.incidents import (
    IncidentView,
    attach_procedure,
    issue_reference,
    load_visible,
    review,
    save,
    view_of,
)
from bcp.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class GoodsView:
    """An incident's consignments as one actor sees them: what is still to do first."""

    incident: IncidentView
    consignments: list[Consignment]
    summary: GoodsSummary
    may_change: bool
    may_send: bool
    may_waive: bool

    @property
    def now(self) -> datetime:
        return self.incident.now


def get_goods(ctx: Context, incident_id: int) -> GoodsView:
    with ctx.uow.reading():
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id)
        listed = incident.listed_consignments  # 0: no statement for an empty list
        shown = ctx.uow.consignments.shown_of_incident(incident_id) if listed != 0 else []
        goods = Goods(incident, shown)
    return _view(ctx, goods, ctx.clock.now())


def get_consignment(ctx: Context, incident_id: int, consignment_id: int) -> Consignment:
    return get_goods_item(get_goods(ctx, incident_id), consignment_id)


def get_goods_item(view: GoodsView, consignment_id: int) -> Consignment:
    found = next((c for c in view.consignments if c.id == consignment_id), None)
    if found is None:
        raise NotFound(
            N_("this incident lists no consignment %(consignment)s"), consignment=consignment_id
        )
    return found


def add_consignments(
    ctx: Context,
    incident_id: int,
    items: Sequence[tuple[str, ConsignmentFacts]],
    prior: InvalidInput | None = None,
) -> tuple[list[Consignment], GoodsView]:
    """All the consignments, or none. `prior` carries the faults found in reading them (a
    file's cells), reported together with those of the rules."""
    added: list[Consignment] = []

    def act(goods: Goods, now: datetime) -> list[TimelineEvent]:
        try:
            new, event = goods.add(items, ctx.library.deadlines, ctx.actor, now)
        except InvalidInput as refusal:
            if prior is None:
                raise
            raise InvalidInput(prior.errors + refusal.errors) from None
        if prior is not None:
            raise prior
        added.extend(new)
        return [event]

    view = _change(ctx, incident_id, act)
    return added, view


def import_consignments(
    ctx: Context, incident_id: int, data: bytes | str
) -> tuple[list[Consignment], GoodsView]:
    """A CSV file or pasted rows: every row, or none, with each fault's line and column."""
    text = csv_import.decode(data) if isinstance(data, bytes) else data
    parsed = csv_import.parse(text)
    prior = InvalidInput(parsed.errors) if parsed.errors else None
    if not parsed.items and prior is not None:
        with ctx.uow.reading():  # who may not list goods here is told so first
            Goods(load_visible(ctx.uow, ctx.library, ctx.actor, incident_id), []).check_may_change(
                ctx.actor
            )
        raise prior
    return add_consignments(ctx, incident_id, parsed.items, prior)


def mark_sent(
    ctx: Context,
    incident_id: int,
    consignment_ids: Sequence[int],
    reference: str | None,
    sent_at: datetime | None = None,
) -> GoodsView:
    """Sent by the fallback route under `reference`, or under a new one issued now (None)."""

    def act(goods: Goods, now: datetime) -> list[TimelineEvent]:
        events: list[TimelineEvent] = []
        chosen = reference
        if chosen is None:
            goods.check_may_change(ctx.actor)
            event = issue_reference(ctx.uow, ctx.actor, goods.incident, now)
            events.append(event)
            chosen = event.changes["reference"]
        return events + goods.mark_sent(consignment_ids, chosen, ctx.actor, now, sent_at)

    return _change(ctx, incident_id, act)


def record_lodgings(ctx: Context, incident_id: int, lodgings: Sequence[Lodging]) -> GoodsView:
    return _change(
        ctx, incident_id, lambda goods, now: goods.record_lodgings(lodgings, ctx.actor, now)
    )


def mark_not_needed(ctx: Context, incident_id: int, consignment_id: int, reason: str) -> GoodsView:
    return _change(
        ctx,
        incident_id,
        lambda goods, now: goods.mark_not_needed(consignment_id, reason, ctx.actor, now),
    )


def waive(ctx: Context, incident_id: int, reason: str) -> GoodsView:
    return _change(ctx, incident_id, lambda goods, now: goods.waive(reason, ctx.actor, now))


def remind_near_deadlines(uow: UnitOfWork, clock, library, lead: timedelta) -> list[TimelineEvent]:
    """The scheduler's part: one reminder per incident for the consignments whose ENS deadline
    is near and that are neither lodged nor sent by the fallback route; each consignment is
    reminded of once."""
    now = clock.now()
    with uow.reading():
        incident_ids = uow.consignments.incidents_with_deadlines_before(now + lead)
    recorded: list[TimelineEvent] = []
    for incident_id in incident_ids:
        with uow:
            incident = uow.incidents.get(incident_id, for_update=True)
            if incident is None:
                continue
            attach_procedure(incident, library)
            goods = Goods(incident, uow.consignments.of_incident(incident_id))
            near = goods.deadlines_near(now, lead)
            if not near:
                continue
            events = [goods.remind(near, now)]
            uow.consignments.save(near)
            save(uow, incident, events)
            recorded += events
    return recorded


def at_risk_soonest(ctx: Context, limit: int = 20):
    """For the desk: the consignments nearest their ENS deadline across open incidents."""
    if ctx.actor.role is not Role.DESK:
        raise NotAllowed(N_("only the customs desk follows every operator's goods"))
    with ctx.uow.reading():
        return ctx.uow.consignments.at_risk_soonest(limit)


def load_goods(uow: UnitOfWork, incident: Incident) -> Goods:
    """For the other use cases that touch an incident's goods (referrals)."""
    return Goods(incident, uow.consignments.of_incident(incident.id))


def _change(
    ctx: Context, incident_id: int, act: Callable[[Goods, datetime], list[TimelineEvent]]
) -> GoodsView:
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        now = ctx.clock.now()
        events = review(incident, ctx.library, now)
        goods = Goods(incident, ctx.uow.consignments.of_incident(incident_id))
        events += act(goods, now)
        ctx.uow.consignments.save(goods.consignments)
        save(ctx.uow, incident, events)
    return _view(ctx, goods, now)


def _view(ctx: Context, goods: Goods, now: datetime) -> GoodsView:
    return GoodsView(
        incident=view_of(goods.incident, ctx.actor, now),
        consignments=soonest_first(goods.consignments),
        summary=goods.summary(now),
        may_change=goods.may_change(ctx.actor),
        may_send=goods.may_send(ctx.actor),
        may_waive=goods.may_waive(ctx.actor),
    )
