"""/api/v1/incidents/{id}/referrals: the desk records a referral; the carrier confirms it and
records its outcome."""

from __future__ import annotations

from bcp.domain.actors import Role
from bcp.services import referrals
from bcp.services.context import Context
from bcp.web.api import api
from bcp.web.api.serialize import incident_shape, referral_json
from bcp.web.api.spec import Answer, operation
from bcp.web.schemas.incidents import ReferralAnswer
from bcp.web.schemas.referrals import ConfirmationBody, OutcomeBody, ReferralBody

TAG = "referrals"
REFERRAL = {
    "incident_id": "$response.body#/incident/id",
    "number": "$response.body#/referral/number",
}


@api.post("/incidents/<int:incident_id>/referrals")
@operation(
    "Record a referral (RFI, RFS, DNL) passed to the carrier by telephone or e-mail",
    tag=TAG,
    body=ReferralBody,
    answer=ReferralAnswer,
    status=201,
    roles=(Role.DESK,),
    errors=(409,),
    links={
        "Confirm": ("post_referral_confirmation", REFERRAL),
        "Outcome": ("post_referral_outcome", REFERRAL),
    },
)
def post_referral(ctx: Context, incident_id: int, body: ReferralBody):
    view = referrals.record_referral(ctx, incident_id, body.to_domain(), body.carrier)
    return Answer(_answer(view, view.incident.referrals[-1].number), 201)


@api.post("/notices/<int:notice_id>/referrals")
@operation(
    "Record a referral passed to a carrier during the administration's outage",
    tag=TAG,
    body=ReferralBody,
    answer=ReferralAnswer,
    status=201,
    roles=(Role.DESK,),
    errors=(409,),
    description="Name the carrier (`carrier`, its EORI). The referral goes on the carrier's "
    "incident that follows this notice; if the carrier declared none, the desk's act opens it "
    "for the carrier, linked to the notice, so that the carrier confirms it there.",
    links={
        "Confirm": ("post_referral_confirmation", REFERRAL),
        "Outcome": ("post_referral_outcome", REFERRAL),
    },
)
def post_notice_referral(ctx: Context, notice_id: int, body: ReferralBody):
    view = referrals.refer_on_notice(ctx, notice_id, body.carrier or "", body.to_domain())
    return Answer(_answer(view, view.incident.referrals[-1].number), 201)


@api.post("/incidents/<int:incident_id>/referrals/<int:number>/confirmation")
@operation(
    "The carrier confirms it received the referral",
    tag=TAG,
    body=ConfirmationBody,
    body_required=False,
    answer=ReferralAnswer,
    errors=(403, 409),
)
def post_referral_confirmation(ctx: Context, incident_id: int, number: int, body: ConfirmationBody):
    view = referrals.confirm_referral(ctx, incident_id, number, body.note.strip())
    return _answer(view, number)


@api.post("/incidents/<int:incident_id>/referrals/<int:number>/outcome")
@operation(
    "The referral's outcome: information given, screening done, cargo not loaded",
    tag=TAG,
    body=OutcomeBody,
    answer=ReferralAnswer,
    errors=(403, 409),
)
def post_referral_outcome(ctx: Context, incident_id: int, number: int, body: OutcomeBody):
    view = referrals.record_outcome(ctx, incident_id, number, body.outcome, body.result, body.note)
    return _answer(view, number)


def _answer(view, number: int) -> ReferralAnswer:
    referral = next(r for r in view.incident.referrals if r.number == number)
    return ReferralAnswer(
        referral=referral_json(referral), incident=incident_shape(view, with_timeline=False)
    )
