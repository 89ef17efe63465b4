"""The typed values the use cases take, read from the same JSON-like data the API accepts, as
the API's models read them (bcp.web.schemas): tests of services and jobs write their inputs as
a client would send them."""

from __future__ import annotations

from typing import Any

from bcp.domain.consignments.model import ConsignmentFacts
from bcp.domain.declaration import Declaration
from bcp.domain.notices import NoticeDraft
from bcp.domain.referrals import Outcome, ReferralRequest
from bcp.web.schemas.consignments import ConsignmentBody
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import DeclarationBody, ReclassificationBody, StepSettlementBody
from bcp.web.schemas.notices import NoticeBody, NoticeUpdateBody
from bcp.web.schemas.postmortems import PostMortemEdit
from bcp.web.schemas.referrals import OutcomeBody, ReferralBody


def as_declaration(data: dict[str, Any]) -> Declaration:
    return from_mapping(DeclarationBody, data).to_domain()


def as_notice(data: dict[str, Any]) -> NoticeDraft:
    return from_mapping(NoticeBody, data).to_domain()


def as_referral(data: dict[str, Any]) -> ReferralRequest:
    return from_mapping(ReferralBody, data).to_domain()


def as_outcome(data: dict[str, Any]) -> tuple[Outcome, str, str]:
    body = from_mapping(OutcomeBody, data)
    return body.outcome, body.result, body.note


def as_step(data: dict[str, Any]) -> dict[str, Any]:
    body = from_mapping(StepSettlementBody, data)
    return {"done": body.status == "done", "note": body.note, "reference": body.reference}


def as_reclassification(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    body = from_mapping(ReclassificationBody, data)
    return body.changes(), body.note


def as_update(data: dict[str, Any]) -> tuple[str, Any, str | None]:
    body = from_mapping(NoticeUpdateBody, data)
    return body.text, body.expected_end, body.messages


def as_postmortem(data: dict[str, Any]) -> dict[str, Any]:
    return from_mapping(PostMortemEdit, data).changes()


def as_consignment(data: dict[str, Any]) -> ConsignmentFacts:
    return from_mapping(ConsignmentBody, data).to_domain()
