"""/api/v1: PDF documents and post-mortems."""

from __future__ import annotations

from datetime import date

from flask import Response, g, jsonify, request

from bcp.domain.errors import invalid
from bcp.domain.postmortem import PostMortem
from bcp.reports.documents import check_lang, fallback_pdf, incident_pdf, period_pdf
from bcp.reports.render import document_key
from bcp.services import reports
from bcp.web.api import api
from bcp.web.api.parsing import json_object
from bcp.web.api.serialize import instant
from bcp.web.runtime import runtime


def incident_document(report, lang: str, step_id: str | None = None) -> bytes:
    """The incident report, post-mortem or a fallback document, rendered within the process's
    bounds and served from its cache while unchanged (bcp.reports.render)."""
    rt = runtime()
    now = rt.clock.now()
    if step_id is not None:
        key = document_key(f"fallback:{step_id}", lang, report, now)
        return rt.renderer.render(key, lambda: fallback_pdf(report, step_id, lang, now))
    key = document_key("incident", lang, report, now)
    return rt.renderer.render(key, lambda: incident_pdf(report, lang, now))


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@api.get("/incidents/<int:incident_id>/report.pdf")
def get_report(incident_id: int):
    rt = runtime()
    lang = check_lang(request.args.get("lang"))
    report = reports.incident_report(
        rt.unit_of_work(), rt.clock, rt.library, rt.settings, g.actor, incident_id
    )
    return pdf_response(incident_document(report, lang), f"incident-{incident_id}.pdf")


@api.get("/incidents/<int:incident_id>/postmortem.pdf")
def get_postmortem_pdf(incident_id: int):
    rt = runtime()
    lang = check_lang(request.args.get("lang"))
    report = reports.incident_report(
        rt.unit_of_work(),
        rt.clock,
        rt.library,
        rt.settings,
        g.actor,
        incident_id,
        with_postmortem=True,
    )
    return pdf_response(incident_document(report, lang), f"postmortem-{incident_id}.pdf")


@api.get("/incidents/<int:incident_id>/fallback-documents/<step_id>.pdf")
def get_fallback_document(incident_id: int, step_id: str):
    rt = runtime()
    lang = check_lang(request.args.get("lang"))
    report = reports.incident_report(
        rt.unit_of_work(), rt.clock, rt.library, rt.settings, g.actor, incident_id
    )
    return pdf_response(
        incident_document(report, lang, step_id), f"incident-{incident_id}-{step_id}.pdf"
    )


@api.get("/reports/period.pdf")
def get_period_report():
    rt = runtime()
    lang = check_lang(request.args.get("lang"))
    start, end = _date("from"), _date("to")
    report = reports.period_report(
        rt.unit_of_work(), rt.clock, rt.library, rt.settings, g.actor, start, end
    )
    return pdf_response(period_pdf(report, lang, rt.clock.now()), f"period-{start}-{end}.pdf")


@api.get("/incidents/<int:incident_id>/postmortem")
def get_postmortem(incident_id: int):
    rt = runtime()
    return jsonify(
        postmortem_json(reports.get_postmortem(rt.unit_of_work(), rt.library, g.actor, incident_id))
    )


@api.put("/incidents/<int:incident_id>/postmortem")
def put_postmortem(incident_id: int):
    rt = runtime()
    postmortem = reports.edit_postmortem(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id, json_object()
    )
    return jsonify(postmortem_json(postmortem))


@api.post("/incidents/<int:incident_id>/postmortem/finalise")
def post_finalise(incident_id: int):
    rt = runtime()
    postmortem = reports.finalise_postmortem(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, incident_id
    )
    return jsonify(postmortem_json(postmortem))


def postmortem_json(postmortem: PostMortem) -> dict:
    return {
        **postmortem.content(),
        "finalised": postmortem.finalised,
        "finalised_at": instant(postmortem.finalised_at),
        "finalised_by": postmortem.finalised_by,
        "content_sha256": postmortem.content_sha256,
        "timeline_sha256": postmortem.timeline_sha256,
    }


def _date(name: str) -> date:
    value = request.args.get(name)
    if not value:
        raise invalid(name, "required: a date, e.g. 2026-11-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "expected a date, e.g. 2026-11-01") from None
