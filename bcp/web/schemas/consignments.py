"""The goods at stake in an incident: consignments listed, sent by the fallback route and
re-lodged in ICS2 with their MRN."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from bcp.domain.consignments.csv_import import MAX_BYTES, MAX_ROWS
from bcp.domain.consignments.deadlines import TimeKind, TransportMode
from bcp.domain.consignments.goods import Lodging
from bcp.domain.consignments.model import (
    DOCUMENT_MAX,
    LRN_MAX,
    MEANS_MAX,
    NOTE_MAX,
    REASON_MAX,
    ConsignmentFacts,
    ConsignmentState,
    DocumentKind,
)
from bcp.web.schemas.common import Bilingual
from bcp.web.schemas.types import Body, Id, Instant, Shape, free_text, one_line

CaseId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="A case of the ENS deadlines (GET /api/v1/consignments/cases)",
        examples=["air-long-haul"],
    ),
]


class ConsignmentBody(Body):
    """One consignment: its transport document, the case of the ENS deadline, the means of
    transport, the office of first entry, and the times its deadline counts from."""

    document_kind: DocumentKind
    document_number: one_line(
        DOCUMENT_MAX,
        "Air waybill (020-12345675), bill of lading, CMR, CIM, item number",
        required=True,
        examples=["020-12345675"],
    )
    case: CaseId
    means_of_transport: one_line(
        MEANS_MAX,
        "Flight number, vessel and voyage, vehicle or train",
        required=True,
        examples=["AF0123"],
    )
    office_of_first_entry: one_line(
        8,
        "Reference number of the customs office of first entry",
        required=True,
        examples=["FR004100"],
    )
    loading_at: Instant | None = Field(None, description="Loading at the last foreign place")
    departure_at: Instant | None = Field(None, description="Departure (actual or expected)")
    arrival_at: Instant | None = Field(None, description="Estimated arrival in the Union")
    lrn: one_line(LRN_MAX, "The ENS's local reference number, if any") | None = None
    note: free_text(NOTE_MAX, "Free note") = ""

    def to_domain(self) -> ConsignmentFacts:
        return ConsignmentFacts(
            document_kind=self.document_kind,
            document_number=self.document_number,
            case=self.case,
            means_of_transport=self.means_of_transport,
            office_of_first_entry=self.office_of_first_entry,
            loading_at=self.loading_at,
            departure_at=self.departure_at,
            arrival_at=self.arrival_at,
            lrn=self.lrn or None,
            note=self.note,
        )


class ConsignmentsBody(Body):
    """Several consignments at once: all of them are listed, or none (each fault is named
    `consignments[i].field`)."""

    consignments: list[ConsignmentBody] = Field(min_length=1, max_length=MAX_ROWS)

    def items(self) -> list[tuple[str, ConsignmentFacts]]:
        return [(f"consignments[{i}]", c.to_domain()) for i, c in enumerate(self.consignments)]


class CsvImportBody(Body):
    csv: free_text(
        MAX_BYTES,
        "The CSV file's text (template: GET /api/v1/consignments/template.csv); separated by "
        "commas, semicolons or tabs",
    ) = Field(min_length=1)


class SentBody(Body):
    consignments: list[Id] = Field(min_length=1, max_length=MAX_ROWS)
    reference: one_line(60, "A fallback reference of this incident") | None = Field(
        None, description="A fallback reference of this incident; none: a new one is issued"
    )
    sent_at: Instant | None = Field(None, description="When they were sent; default: now")


class LodgingBody(Body):
    consignment: Id
    mrn: one_line(40, "The MRN ICS2 gave the ENS", required=True, examples=["21DE27364916384836"])
    lodged_at: Instant | None = Field(None, description="When ICS2 registered it; default: now")

    def to_domain(self) -> Lodging:
        return Lodging(self.consignment, self.mrn, self.lodged_at)


class LodgedAt(Body):
    """The page's one time of lodging for the MRNs entered together."""

    lodged_at: Instant


class LodgingsBody(Body):
    """MRNs of consignments back in ICS2: all are recorded, or none."""

    lodgings: list[LodgingBody] = Field(min_length=1, max_length=MAX_ROWS)


class ReasonBody(Body):
    reason: one_line(REASON_MAX, "Why", required=True)


class ConsignmentOut(Shape):
    id: int
    document_kind: DocumentKind
    document_number: str
    case: str
    means_of_transport: str
    office_of_first_entry: str
    loading_at: Instant | None
    departure_at: Instant | None
    arrival_at: Instant | None
    lrn: str | None
    note: str
    deadline_at: Instant | None = Field(description="The ENS deadline, None if a time is missing")
    deadline_missing: TimeKind | None = Field(description="The time the deadline needs")
    late: bool = Field(description="Past its deadline, neither lodged nor sent by fallback")
    state: ConsignmentState
    fallback_reference: str | None
    sent_at: Instant | None
    sent_by: str | None
    mrn: str | None
    lodged_at: Instant | None
    lodged_by: str | None
    reason: str
    settled_at: Instant | None
    settled_by: str | None
    referral: int | None
    recorded_at: Instant
    recorded_by: str


class GoodsSummaryOut(Shape):
    total: int
    at_risk: int
    late: int
    sent_by_fallback: int
    lodged: int
    not_needed: int
    waived: int


class GoodsOut(Shape):
    incident_id: int
    summary: GoodsSummaryOut
    items: list[ConsignmentOut] = Field(
        description="What is still to do first, soonest deadline first"
    )


class JourneyOut(Shape):
    under_minutes: int | None
    at_least_minutes: int | None


class DeadlineCaseOut(Shape):
    id: str
    mode: TransportMode
    title: Bilingual
    counts_from: TimeKind
    before_minutes: int
    journey: JourneyOut | None
    source: str


class DeadlineCases(Shape):
    version: str
    title: Bilingual
    items: list[DeadlineCaseOut]


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def consignment_shape(c, now: datetime) -> ConsignmentOut:
    f = c.facts
    return ConsignmentOut(
        id=c.id,
        document_kind=f.document_kind,
        document_number=f.document_number,
        case=f.case,
        means_of_transport=f.means_of_transport,
        office_of_first_entry=f.office_of_first_entry,
        loading_at=f.loading_at,
        departure_at=f.departure_at,
        arrival_at=f.arrival_at,
        lrn=f.lrn,
        note=f.note,
        deadline_at=c.deadline.at,
        deadline_missing=c.deadline.missing,
        late=c.late(now),
        state=c.state,
        fallback_reference=c.fallback_reference,
        sent_at=c.sent_at,
        sent_by=c.sent_by,
        mrn=c.mrn,
        lodged_at=c.lodged_at,
        lodged_by=c.lodged_by,
        reason=c.reason,
        settled_at=c.settled_at,
        settled_by=c.settled_by,
        referral=c.referral,
        recorded_at=c.recorded_at,
        recorded_by=c.recorded_by,
    )


def goods_shape(view) -> GoodsOut:
    s = view.summary
    return GoodsOut(
        incident_id=view.incident.incident.id,
        summary=GoodsSummaryOut(
            total=s.total,
            at_risk=s.at_risk,
            late=s.late,
            sent_by_fallback=s.sent_by_fallback,
            lodged=s.lodged,
            not_needed=s.not_needed,
            waived=s.waived,
        ),
        items=[consignment_shape(c, view.now) for c in view.consignments],
    )


def cases_shape(table) -> DeadlineCases:
    return DeadlineCases(
        version=table.version,
        title=Bilingual(fr=table.title.fr, en=table.title.en),
        items=[
            DeadlineCaseOut(
                id=c.id,
                mode=c.mode,
                title=Bilingual(fr=c.title.fr, en=c.title.en),
                counts_from=c.counts_from,
                before_minutes=_minutes(c.before),
                journey=JourneyOut(
                    under_minutes=_minutes(c.journey.under) if c.journey.under else None,
                    at_least_minutes=_minutes(c.journey.at_least) if c.journey.at_least else None,
                )
                if c.journey
                else None,
                source=c.source.cite(),
            )
            for c in table.cases
        ],
    )
