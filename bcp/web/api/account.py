"""/api/v1/account, /drafts, /certificates: what each person has of their own."""

from __future__ import annotations

from bcp.domain.actors import Role
from bcp.domain.notifications import TOPICS
from bcp.services import certificates, drafts, notifications
from bcp.services.context import Context
from bcp.web.api import api
from bcp.web.api.spec import Answer, operation
from bcp.web.runtime import runtime
from bcp.web.schemas.account import (
    DraftClosureBody,
    DraftList,
    DraftOut,
    TopicChoice,
    TopicsBody,
    TopicsOut,
)
from bcp.web.schemas.admin import CertificateOut, OwnCertificateBody
from bcp.web.schemas.common import items_of

Certificates = items_of(CertificateOut)
OPERATOR_OR_DESK = (Role.OPERATOR, Role.DESK)


def _topics(ctx: Context) -> TopicsOut:
    chosen = set(notifications.topics_of(ctx.uow, ctx.actor))
    return TopicsOut(
        topics=[
            TopicChoice(topic=t, label=label, chosen=t in chosen) for t, label in TOPICS.items()
        ]
    )


@api.get("/account/notifications")
@operation("The notifications you receive by e-mail", tag="account", answer=TopicsOut)
def get_notification_topics(ctx: Context):
    return _topics(ctx)


@api.put("/account/notifications")
@operation("Choose the notifications you receive", tag="account", body=TopicsBody, answer=TopicsOut)
def put_notification_topics(ctx: Context, body: TopicsBody):
    notifications.set_topics(ctx.uow, ctx.clock, ctx.actor, list(body.topics))
    return _topics(ctx)


@api.get("/drafts")
@operation(
    "Drafts proposed to you: incidents to declare, recoveries to report",
    tag="drafts",
    answer=DraftList,
)
def list_drafts(ctx: Context):
    rows = drafts.drafts_for(runtime().unit_of_work(), ctx.actor)
    return DraftList(items=[DraftOut.model_validate(r, from_attributes=True) for r in rows])


@api.post("/drafts/<int:draft_id>/closure")
@operation(
    "Close a draft: accepted (you declared or reported it) or dismissed",
    tag="drafts",
    body=DraftClosureBody,
    answer=DraftOut,
    roles=OPERATOR_OR_DESK,
)
def post_draft_closure(ctx: Context, draft_id: int, body: DraftClosureBody):
    row = drafts.close_draft(ctx.uow, ctx.clock, ctx.actor, draft_id, body.status)
    return DraftOut.model_validate(row, from_attributes=True)


@api.get("/certificates")
@operation(
    "Your organisation's UUM&DS certificates",
    tag="account",
    answer=Certificates,
    roles=(Role.OPERATOR,),
)
def list_own_certificates(ctx: Context):
    rows = certificates.certificates_of(runtime().unit_of_work(), ctx.actor.organisation_id)
    return Certificates(
        items=[CertificateOut.model_validate(r, from_attributes=True) for r in rows]
    )


@api.post("/certificates")
@operation(
    "Record one of your organisation's certificates",
    tag="account",
    body=OwnCertificateBody,
    answer=CertificateOut,
    status=201,
    roles=(Role.OPERATOR,),
)
def post_own_certificate(ctx: Context, body: OwnCertificateBody):
    rt = runtime()
    organisation_id = ctx.actor.organisation_id
    certificate_id = certificates.record_certificate(
        ctx.uow, ctx.clock, ctx.actor, organisation_id, **body.details()
    )
    rows = certificates.certificates_of(rt.unit_of_work(), organisation_id)
    return Answer(
        CertificateOut.model_validate(
            next(r for r in rows if r.id == certificate_id), from_attributes=True
        ),
        201,
    )
