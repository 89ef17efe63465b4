"""/api/v1: the goods at stake in an incident, from the outage to their ENS back in ICS2."""

from __future__ import annotations

from flask import Response, url_for

from bcp.domain.actors import Role
from bcp.domain.consignments import csv_import
from bcp.reports.carrier_sheet import carrier_sheet_csv
from bcp.services import consignments as service
from bcp.services import reports
from bcp.services.context import Context
from bcp.web.api import api
from bcp.web.api.reports import PDF, carrier_sheet_document, pdf_response
from bcp.web.api.spec import Answer, Media, operation
from bcp.web.runtime import runtime
from bcp.web.schemas.consignments import (
    ConsignmentBody,
    ConsignmentOut,
    ConsignmentsBody,
    CsvImportBody,
    DeadlineCases,
    GoodsOut,
    LodgingsBody,
    ReasonBody,
    SentBody,
    cases_shape,
    consignment_shape,
    goods_shape,
)
from bcp.web.schemas.reports import DocumentQuery

TAG = "consignments"
CSV = Media("text/csv", "CSV, UTF-8 with a byte-order mark")
CHANGERS = (Role.OPERATOR, Role.DESK)


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@api.get("/consignments/cases")
@operation(
    "The cases of the ENS deadlines (Delegated Regulation (EU) 2015/2446, Art. 105-109)",
    tag=TAG,
    answer=DeadlineCases,
)
def get_deadline_cases(ctx: Context):
    return cases_shape(ctx.library.deadlines)


@api.get("/consignments/template.csv")
@operation("The CSV template for importing consignments", tag=TAG, answer=CSV)
def get_consignment_template(ctx: Context):
    return csv_response(csv_import.template(), "consignments-template.csv")


@api.get("/incidents/<int:incident_id>/consignments")
@operation(
    "The incident's consignments, what is still to do first, with their counts",
    tag=TAG,
    answer=GoodsOut,
)
def get_consignments(ctx: Context, incident_id: int):
    return goods_shape(service.get_goods(ctx, incident_id))


@api.post("/incidents/<int:incident_id>/consignments")
@operation(
    "List one consignment; its ENS deadline is computed from its case and times",
    tag=TAG,
    body=ConsignmentBody,
    answer=ConsignmentOut,
    status=201,
    roles=CHANGERS,
    errors=(403, 409),
    headers={"Location": "The consignment's address"},
)
def post_consignment(ctx: Context, incident_id: int, body: ConsignmentBody):
    (added,), view = service.add_consignments(ctx, incident_id, [("", body.to_domain())])
    location = url_for("api.get_consignment", incident_id=incident_id, consignment_id=added.id)
    return Answer(consignment_shape(added, view.now), 201, {"Location": location})


@api.get("/incidents/<int:incident_id>/consignments/<int:consignment_id>")
@operation("One consignment", tag=TAG, answer=ConsignmentOut)
def get_consignment(ctx: Context, incident_id: int, consignment_id: int):
    view = service.get_goods(ctx, incident_id)
    return consignment_shape(service.get_goods_item(view, consignment_id), view.now)


@api.post("/incidents/<int:incident_id>/consignments/bulk")
@operation(
    "List several consignments: all, or none with each item's faults",
    tag=TAG,
    body=ConsignmentsBody,
    answer=GoodsOut,
    status=201,
    roles=CHANGERS,
    errors=(403, 409),
)
def post_consignments_bulk(ctx: Context, incident_id: int, body: ConsignmentsBody):
    _, view = service.add_consignments(ctx, incident_id, body.items())
    return Answer(goods_shape(view), 201)


@api.post("/incidents/<int:incident_id>/consignments/import")
@operation(
    "Import consignments from a CSV file's text: every row, or none with each fault's line",
    tag=TAG,
    body=CsvImportBody,
    answer=GoodsOut,
    status=201,
    roles=CHANGERS,
    errors=(403, 409),
)
def post_consignments_import(ctx: Context, incident_id: int, body: CsvImportBody):
    _, view = service.import_consignments(ctx, incident_id, body.csv)
    return Answer(goods_shape(view), 201)


@api.post("/incidents/<int:incident_id>/consignments/fallback")
@operation(
    "Mark consignments sent by the fallback route, under a fallback reference",
    tag=TAG,
    body=SentBody,
    answer=GoodsOut,
    roles=CHANGERS,
    errors=(403, 409),
)
def post_consignments_sent(ctx: Context, incident_id: int, body: SentBody):
    view = service.mark_sent(ctx, incident_id, body.consignments, body.reference, body.sent_at)
    return goods_shape(view)


@api.post("/incidents/<int:incident_id>/consignments/lodgings")
@operation(
    "Record the MRN of consignments back in ICS2",
    tag=TAG,
    body=LodgingsBody,
    answer=GoodsOut,
    roles=CHANGERS,
    errors=(403, 409),
)
def post_lodgings(ctx: Context, incident_id: int, body: LodgingsBody):
    view = service.record_lodgings(ctx, incident_id, [item.to_domain() for item in body.lodgings])
    return goods_shape(view)


@api.post("/incidents/<int:incident_id>/consignments/<int:consignment_id>/not-needed")
@operation(
    "No ENS needed any more for this consignment (goods not loaded, shipment cancelled)",
    tag=TAG,
    body=ReasonBody,
    answer=GoodsOut,
    roles=CHANGERS,
    errors=(403, 409),
)
def post_not_needed(ctx: Context, incident_id: int, consignment_id: int, body: ReasonBody):
    return goods_shape(service.mark_not_needed(ctx, incident_id, consignment_id, body.reason))


@api.post("/incidents/<int:incident_id>/consignments/waiver")
@operation(
    "Waive the re-lodging of the consignments left, after recovery, with a reason",
    tag=TAG,
    body=ReasonBody,
    answer=GoodsOut,
    roles=(Role.DESK,),
    errors=(409,),
)
def post_waiver(ctx: Context, incident_id: int, body: ReasonBody):
    return goods_shape(service.waive(ctx, incident_id, body.reason))


@api.get("/incidents/<int:incident_id>/carrier-sheet.csv")
@operation(
    "The carrier sheet: the flight and goods details of the consignments, to attach",
    tag=TAG,
    query=DocumentQuery,
    answer=CSV,
)
def get_carrier_sheet_csv(ctx: Context, incident_id: int, query: DocumentQuery):
    report = reports.incident_report(ctx, runtime().settings, incident_id)
    text = carrier_sheet_csv(report.incident, report.consignments, query.lang)
    return csv_response(text, f"carrier-sheet-{incident_id}.csv")


@api.get("/incidents/<int:incident_id>/carrier-sheet.pdf")
@operation("The carrier sheet, as a PDF", tag=TAG, query=DocumentQuery, answer=PDF)
def get_carrier_sheet_pdf(ctx: Context, incident_id: int, query: DocumentQuery):
    report = reports.incident_report(ctx, runtime().settings, incident_id)
    return pdf_response(
        carrier_sheet_document(report, query.lang), f"carrier-sheet-{incident_id}.pdf"
    )
