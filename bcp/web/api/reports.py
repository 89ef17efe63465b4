"""/api/v1: PDF documents and post-mortems."""

from __future__ import annotations

from flask import Response

from bcp.domain.actors import Role
from bcp.domain.postmortem import PostMortem
from bcp.reports.documents import carrier_sheet_pdf, fallback_pdf, incident_pdf, period_pdf
from bcp.reports.render import document_key
from bcp.services import reports
from bcp.services.context import Context
from bcp.web.api import api
from bcp.web.api.spec import Media, operation
from bcp.web.runtime import runtime
from bcp.web.schemas.postmortems import PostMortemEdit, PostMortemOut
from bcp.web.schemas.reports import DocumentQuery, PeriodQuery

TAG = "reports"
PDF = Media(
    "application/pdf",
    "A PDF/A-3b document, tagged for accessibility",
    {"type": "string", "format": "binary"},
)
MANAGER = (Role.MANAGER,)


def incident_document(
    ctx: Context,
    incident_id: int,
    lang: str,
    *,
    step_id: str | None = None,
    with_postmortem: bool = False,
) -> bytes:
    """The incident report, post-mortem or a fallback document, rendered within the process's
    bounds and served from its cache while unchanged (bcp.reports.render).

    The cache is keyed by the incident's stamp (a few narrow rows: reports.document_stamp), so
    that a repeated download loads neither the timeline nor the consignments. Should a change
    land between the stamp and the loading, the newer document is kept under the older stamp,
    which nobody asks for once the change is committed."""
    rt = runtime()
    now = rt.clock.now()
    kind = f"fallback:{step_id}" if step_id else "postmortem" if with_postmortem else "incident"
    stamp = reports.document_stamp(ctx, incident_id, with_postmortem=with_postmortem)

    def build() -> bytes:
        report = reports.incident_report(
            ctx, rt.settings, incident_id, with_postmortem=with_postmortem
        )
        if step_id is not None:
            return fallback_pdf(report, step_id, lang, now)
        return incident_pdf(report, lang, now)

    return rt.renderer.render((kind, lang, stamp), build)


def carrier_sheet_document(report, lang: str) -> bytes:
    rt = runtime()
    now = rt.clock.now()
    key = document_key("carrier-sheet", lang, report, now)
    return rt.renderer.render(key, lambda: carrier_sheet_pdf(report, lang, now))


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@api.get("/incidents/<int:incident_id>/report.pdf")
@operation("The incident report", tag=TAG, query=DocumentQuery, answer=PDF)
def get_report(ctx: Context, incident_id: int, query: DocumentQuery):
    pdf = incident_document(ctx, incident_id, query.lang)
    return pdf_response(pdf, f"incident-{incident_id}.pdf")


@api.get("/incidents/<int:incident_id>/postmortem.pdf")
@operation(
    "The post-mortem of a closed incident",
    tag=TAG,
    query=DocumentQuery,
    answer=PDF,
    errors=(403, 409),
)
def get_postmortem_pdf(ctx: Context, incident_id: int, query: DocumentQuery):
    pdf = incident_document(ctx, incident_id, query.lang, with_postmortem=True)
    return pdf_response(pdf, f"postmortem-{incident_id}.pdf")


@api.get("/incidents/<int:incident_id>/fallback-documents/<step_id>.pdf")
@operation(
    "A fallback document of a step (the e-mail to the desk, the list of ENS to re-lodge)",
    tag=TAG,
    query=DocumentQuery,
    answer=PDF,
)
def get_fallback_document(ctx: Context, incident_id: int, step_id: str, query: DocumentQuery):
    pdf = incident_document(ctx, incident_id, query.lang, step_id=step_id)
    return pdf_response(pdf, f"incident-{incident_id}-{step_id}.pdf")


@api.get("/reports/period.pdf")
@operation(
    "The report of a period: incidents, durations, deadlines kept",
    tag=TAG,
    query=PeriodQuery,
    answer=PDF,
    errors=(403,),
)
def get_period_report(ctx: Context, query: PeriodQuery):
    rt = runtime()
    start, end = query.from_, query.to
    report = reports.period_report(ctx, rt.settings, start, end)
    return pdf_response(period_pdf(report, query.lang, rt.clock.now()), f"period-{start}-{end}.pdf")


@api.get("/incidents/<int:incident_id>/postmortem")
@operation("The post-mortem of a closed incident", tag=TAG, answer=PostMortemOut, errors=(403,))
def get_postmortem(ctx: Context, incident_id: int):
    return postmortem_shape(reports.get_postmortem(ctx, incident_id))


@api.put("/incidents/<int:incident_id>/postmortem")
@operation(
    "Edit the post-mortem; the fields left out keep their value",
    tag=TAG,
    body=PostMortemEdit,
    answer=PostMortemOut,
    roles=MANAGER,
    errors=(409,),
)
def put_postmortem(ctx: Context, incident_id: int, body: PostMortemEdit):
    postmortem = reports.edit_postmortem(ctx, incident_id, body.changes())
    return postmortem_shape(postmortem)


@api.post("/incidents/<int:incident_id>/postmortem/finalise")
@operation(
    "Finalise the post-mortem: frozen, with digests of its content and of the timeline",
    tag=TAG,
    answer=PostMortemOut,
    roles=MANAGER,
)
def post_finalise(ctx: Context, incident_id: int):
    postmortem = reports.finalise_postmortem(ctx, incident_id)
    return postmortem_shape(postmortem)


def postmortem_shape(postmortem: PostMortem) -> PostMortemOut:
    return PostMortemOut.model_validate(
        {
            **postmortem.content(),
            "finalised": postmortem.finalised,
            "finalised_at": postmortem.finalised_at,
            "finalised_by": postmortem.finalised_by,
            "content_sha256": postmortem.content_sha256,
            "timeline_sha256": postmortem.timeline_sha256,
        }
    )
