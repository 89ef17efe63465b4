"""Use cases of referrals passed to a carrier while the fallback is active (see
bcp.domain.referrals): the desk records one, the carrier confirms it and records its outcome."""

from __future__ import annotations

from datetime import datetime

from bcp.domain.incident import Incident
from bcp.domain.referrals import Outcome, ReferralRequest, check_outcome, check_referral
from bcp.domain.timeline import TimelineEvent
from bcp.services.context import Context
from bcp.services.incidents import IncidentView, change


def record_referral(
    ctx: Context,
    incident_id: int,
    request: ReferralRequest,
) -> IncidentView:
    def act(incident: Incident, now: datetime) -> list[TimelineEvent]:
        incident.check_may_refer(ctx.actor)
        checked = check_referral(request, now, not_before=incident.facts.started_at)
        return [incident.record_referral(checked, ctx.actor, now)]

    return change(ctx, incident_id, act)


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
        return incident.record_referral_outcome(
            number, outcome, result.strip(), note.strip(), ctx.actor, now
        )

    return change(ctx, incident_id, act)
