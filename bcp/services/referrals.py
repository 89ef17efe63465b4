"""Use cases of referrals passed to a carrier while the fallback is active (see
bcp.domain.referrals): the desk records one, the carrier confirms it and records its outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bcp.domain.consignments.model import Consignment, DocumentKind
from bcp.domain.incident import Incident
from bcp.domain.messages import N_
from bcp.domain.referrals import Outcome, ReferralRequest, check_outcome, check_referral
from bcp.domain.timeline import TimelineEvent
from bcp.services.consignments import load_goods
from bcp.services.context import Context
from bcp.services.incidents import IncidentView, change

CARGO_NOT_LOADED = N_("cargo not loaded after a DNL")
"""The reason a consignment is not needed when its DNL's outcome says the goods stayed."""


def record_referral(
    ctx: Context,
    incident_id: int,
    request: ReferralRequest,
) -> IncidentView:
    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        incident.check_may_refer(ctx.actor)
        named = request
        if request.consignment_id is not None:
            named = about(request, load_goods(ctx.uow, incident).get(request.consignment_id))
        checked = check_referral(named, now, not_before=incident.facts.started_at)
        return [incident.record_referral(checked, ctx.actor, now)]

    return change(ctx, incident_id, act)


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
