"""Rendering the documents: a Jinja template per document, in the language asked for, to PDF.

Call inside a Flask application context (the web app, or `flask --app wsgi bcp ...`).
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup

from bcp.domain.catalogue import COMPONENTS
from bcp.domain.consignments.deadlines import TIME_KINDS
from bcp.domain.consignments.model import DOCUMENT_KINDS, STATES
from bcp.domain.errors import NotFound, invalid
from bcp.domain.messages import N_
from bcp.domain.notifications import TOPICS
from bcp.domain.reflexes.messages import fill
from bcp.reports.charts import Bar, bar_chart, duration_bar, minutes
from bcp.reports.pdf import render_pdf
from bcp.services.reports import IncidentReport, PeriodReport
from bcp.settings import ROOT
from bcp.texts import LANGUAGES

LABELS = {"document_kinds": DOCUMENT_KINDS, "states": STATES, "time_kinds": TIME_KINDS}
"""The names of the goods' closed vocabularies, for the documents that list consignments."""

TIMELINE_TABLE_ROWS = 50
"""A timeline this long or shorter is a table (about two pages); a longer one is a line per
event, ruled every fifth line. WeasyPrint lays a table out column by column, about 5 ms a row; a
line of text costs about 1.4 ms (`make bench`: an incident report of 1,000 events took 6.5 s as
a table). Measured on 7 December 2026, interleaved, CPU seconds: a 100-event report 0.85-1.02 s
as a table, 0.37-0.43 s as lines."""


GOODS_LINES_IN_FLOW = 30
"""A list of goods this long or shorter stays in the document's flow, in portrait; a longer one
is set on landscape pages (in the incident report and the post-mortem, an annex after the
timeline), where a consignment takes one line instead of two: WeasyPrint's cost goes by the line,
and an incident report of 1,000 events and 1,000 consignments took about a quarter less time
(docs/performance.md, issue 18's tenth round)."""


def check_lang(lang: str | None) -> str:
    lang = (lang or "fr").lower()
    if lang not in LANGUAGES:
        raise invalid("lang", N_("fr or en"))
    return lang


def incident_pdf(report: IncidentReport, lang: str, now: datetime) -> bytes:
    template = "reports/postmortem.html" if report.postmortem else "reports/incident.html"
    procedure = report.incident.procedure
    titles = {}
    if procedure is not None:  # the timeline names steps and procedures by id
        titles = {s.id: s.title for s in procedure.steps} | {procedure.id: procedure.title}
    return _pdf(
        template,
        lang,
        report=report,
        now=now,
        minutes=minutes,
        components=COMPONENTS,
        titles=titles,
        topics=TOPICS,
        timeline_table_rows=TIMELINE_TABLE_ROWS,
    )


def fallback_pdf(report: IncidentReport, step_id: str, lang: str, now: datetime) -> bytes:
    incident = report.incident
    status = next((s.status for s in report.steps if s.status.step.id == step_id), None)
    if status is None or (status.step.message is None and status.step.form is None):
        raise NotFound(N_("this step of the incident's procedure has no document"))
    values = incident.message_values(lang)
    message = status.step.message
    return _pdf(
        "reports/fallback.html",
        lang,
        report=report,
        step=status.step,
        subject=fill(message.subject(lang), values) if message else None,
        body=fill(message.body(lang), values) if message else None,
        reference=values["reference"],
        now=now,
    )


def carrier_sheet_pdf(report: IncidentReport, lang: str, now: datetime) -> bytes:
    """The carrier sheet: the flight and goods details of every consignment listed."""
    values = report.incident.message_values(lang)
    return _pdf(
        "reports/carrier_sheet.html", lang, report=report, reference=values["reference"], now=now
    )


def period_pdf(report: PeriodReport, lang: str, now: datetime) -> bytes:
    with force_locale(lang):
        charts = [
            bar_chart(
                gettext("Incidents by component"),
                [Bar(r.label, r.count, str(r.count)) for r in report.by_component],
            ),
            bar_chart(
                gettext("Time to acknowledge, median by component"),
                [duration_bar(r.label, r.acknowledge.median) for r in report.by_component],
            ),
            bar_chart(
                gettext("Time to recover, median by component"),
                [duration_bar(r.label, r.recover.median) for r in report.by_component],
            ),
        ]
    safe = [Markup(chart) for chart in charts]  # noqa: S704 (built from escaped parts)
    return _pdf("reports/period.html", lang, report=report, now=now, minutes=minutes, charts=safe)


def _pdf(template: str, lang: str, **context) -> bytes:
    context.setdefault("components", COMPONENTS)
    report = context.get("report")
    context["goods_wide"] = isinstance(report, IncidentReport) and (
        len(report.consignments) > GOODS_LINES_IN_FLOW
    )
    with force_locale(lang):
        html = render_template(template, lang=lang, **LABELS, **context)
    return render_pdf(html, base_url=str(ROOT))
