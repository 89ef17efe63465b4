"""Use cases of referrals passed to a carrier while the fallback is active (see
bcp.domain.referrals): the desk records one, the carrier confirms it and records its outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bcp.domain.actors import OrganisationRef
from bcp.domain.consignments.model import Consignment, DocumentKind
from bcp.domain.errors import IllegalTransition, NotFound, invalid
from bcp.domain.incident import Incident
from bcp.domain.messages import N_
from bcp.domain.notices import check_desk
from bcp.domain.referrals import Outcome, ReferralRequest, check_outcome, check_referral
from bcp.domain.timeline import TimelineEvent
from bcp.services.consignments import load_goods
from bcp.services.context import Context
from bcp.services.incidents import (
    IncidentView,
    add_new,
    change,
    load_visible,
    open_for_carrier,
    review,
    save,
    view_of,
)
from bcp.store.accounts import organisation_by_eori
from bcp.store.incidents import organisation_ref

CARGO_NOT_LOADED = N_("cargo not loaded after a DNL")
"""The reason a consignment is not needed when its DNL's outcome says the goods stayed."""


def record_referral(
    ctx: Context,
    incident_id: int,
    request: ReferralRequest,
    carrier_eori: str | None = None,
) -> IncidentView:
    """Record a referral on an open outage that stops the electronic delivery to the carrier:
    its own incident, or its EDI provider's (naming the carrier, `carrier_eori`)."""

    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        carrier = _carrier(ctx, carrier_eori)
        incident.check_may_refer(ctx.actor, carrier)
        return [_refer(ctx, incident, request, now, carrier)]

    return change(ctx, incident_id, act)


def refer_on_notice(
    ctx: Context, notice_id: int, carrier_eori: str, request: ReferralRequest
) -> IncidentView:
    """A referral during the administration's outage, for a named carrier: recorded on the
    carrier's incident that follows the notice; if the carrier has declared none, the desk opens
    it for the carrier (linked to the notice, never a second one), so that the carrier confirms
    it there."""
    check_desk(ctx.actor)
    with ctx.uow:
        carrier = _carrier(ctx, carrier_eori)
        if carrier is None:
            raise invalid("carrier", N_("required: the EORI of the carrier"))
        notice = ctx.uow.notices.get(notice_id)
        if notice is None:
            raise NotFound(N_("no notice %(notice_id)s"), notice_id=notice_id)
        now = ctx.clock.now()
        if not notice.is_open or not notice.started(now):
            raise IllegalTransition(
                N_("this notice's outage is not under way: record the referral through ICS2")
            )
        incident_id = ctx.uow.incidents.following_for(notice_id, carrier.id)
        if incident_id is None:
            incident = open_for_carrier(ctx, notice, carrier, now)
            incident.check_may_refer(ctx.actor, carrier)
            _refer(ctx, incident, request, now, carrier)
            add_new(ctx.uow, incident)
        else:
            incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
            events = review(incident, ctx.library, now)
            incident.check_may_refer(ctx.actor, carrier)
            events.append(_refer(ctx, incident, request, now, carrier))
            save(ctx.uow, incident, events)
    return view_of(incident, ctx.actor, now)


def _refer(
    ctx: Context, incident: Incident, request: ReferralRequest, now: datetime, carrier
) -> TimelineEvent:
    named = request
    if request.consignment_id is not None:
        named = about(request, load_goods(ctx.uow, incident).get(request.consignment_id))
    elif incident.id is not None and (
        listed := load_goods(ctx.uow, incident).named(
            request.air_waybill, request.house_consignment
        )
    ):
        named = replace(request, consignment_id=listed.id)  # a DNL on goods the carrier listed
    checked = check_referral(named, now, not_before=incident.facts.started_at)
    return incident.record_referral(checked, ctx.actor, now, carrier)


def _carrier(ctx: Context, eori: str | None) -> OrganisationRef | None:
    if not eori:
        return None
    row = organisation_by_eori(ctx.uow.session, eori.strip().upper())
    if row is None:
        raise invalid("carrier", N_("no organisation has this EORI"))
    return organisation_ref(row)


def about(request: ReferralRequest, consignment: Consignment) -> ReferralRequest:
    """A referral on a listed consignment names its transport document, unless it names one."""
    if request.air_waybill or request.house_consignment:
        return request
    facts = consignment.facts
    if facts.document_kind is DocumentKind.AWB_MASTER:
        return replace(request, air_waybill=facts.document_number.replace("-", ""))
    return replace(request, house_consignment=facts.document_number)


def confirm_referral(
    ctx: Context,
    incident_id: int,
    number: int,
    note: str = "",
) -> IncidentView:
    return change(
        ctx,
        incident_id,
        lambda incident, now: [incident.confirm_referral(number, ctx.actor, now, note)],
    )


def record_outcome(
    ctx: Context,
    incident_id: int,
    number: int,
    outcome: Outcome,
    result: str = "",
    note: str = "",
) -> IncidentView:
    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        referral = incident.referral_for(number, ctx.actor)
        check_outcome(outcome, result, referral.kind)
        events = incident.record_referral_outcome(
            number, outcome, result.strip(), note.strip(), ctx.actor, now
        )
        if outcome is Outcome.CARGO_NOT_LOADED and referral.consignment_id is not None:
            # The goods were not loaded: no ENS is needed for them any more.
            listed = load_goods(ctx.uow, incident)
            consignment = listed.get(referral.consignment_id)
            if not consignment.state.settled:
                events += listed.mark_not_needed(
                    consignment.id, CARGO_NOT_LOADED, ctx.actor, now, number
                )
                ctx.uow.consignments.save([consignment])
        return events

    return change(ctx, incident_id, act)
