"""Referrals (RFI, RFS, DNL): what the desk records and the carrier answers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from bcp.domain.messages import N_
from bcp.domain.referrals import (
    CONSIGNMENT_MAX,
    TEXT_MAX,
    Outcome,
    ReferralKind,
    ReferralRequest,
    Route,
)
from bcp.web.schemas.types import Body, Eori, Id, Instant, Shape, free_text, one_line, refuse


def _compact(value: object) -> object:
    return "".join(value.split()).upper() if isinstance(value, str) else value


def _code_characters(value: str) -> str:
    if not all(ch.isalnum() or ch in "-/" for ch in value):
        raise refuse(N_("letters, digits, '-' and '/' only"))
    return value


def code(max_length: int, description: str) -> object:
    """A consignment or ENS number: spaces dropped, in capitals, letters, digits, - and /."""
    return Annotated[
        str,
        BeforeValidator(_compact),
        AfterValidator(_code_characters),
        Field(max_length=max_length, description=description),
    ]


class ReferralBody(Body):
    """The air waybill or the house consignment number, or both."""

    kind: ReferralKind
    air_waybill: code(CONSIGNMENT_MAX, "11 digits, e.g. 02012345675") | None = None
    house_consignment: code(CONSIGNMENT_MAX, "House consignment number") | None = None
    ens_reference: code(60, "The ENS or MRN it concerns") | None = None
    route: Route
    sent_at: Instant | None = Field(None, description="When it was sent; default: now")
    sent_to: one_line(
        200, "Who received it: a name, a telephone number or an address", required=True
    )
    request: free_text(TEXT_MAX, "What was asked") = ""
    consignment: Id | None = Field(
        None,
        description="The consignment of the incident's goods it concerns (its id); its "
        "transport document stands for the air waybill when none is given",
    )
    carrier: Eori | None = Field(
        None,
        description="The carrier it is for, by EORI: required on an EDI provider's incident "
        "(one of its clients) and on a notice",
    )

    def to_domain(self) -> ReferralRequest:
        return ReferralRequest(
            kind=self.kind,
            air_waybill=self.air_waybill or None,
            house_consignment=self.house_consignment or None,
            ens_reference=self.ens_reference or None,
            route=self.route,
            sent_at=self.sent_at,
            sent_to=self.sent_to,
            request=self.request.strip(),
            consignment_id=self.consignment,
        )


class ConfirmationBody(Body):
    note: free_text(TEXT_MAX, "What the carrier says on confirming") = ""


class OutcomeBody(Body):
    outcome: Outcome = Field(
        description="RFI: information_given; RFS: screening_done (with its result); "
        "DNL: cargo_not_loaded"
    )
    result: free_text(TEXT_MAX, "The screening's result (required for an RFS)") = ""
    note: free_text(TEXT_MAX, "Free note") = ""


class ReferralOut(Shape):
    number: int = Field(ge=1)
    kind: ReferralKind
    air_waybill: str | None
    house_consignment: str | None
    ens_reference: str | None
    route: Route
    sent_at: Instant
    sent_to: str
    request: str
    recorded_at: Instant
    recorded_by: str
    status: Literal["sent", "confirmed", "completed"]
    confirmed_at: Instant | None
    confirmed_by: str | None
    outcome: Outcome | None
    result: str | None
    outcome_at: Instant | None
    escalations: int = Field(ge=0)
    consignment: int | None = Field(None, description="The consignment it concerns, if listed")
