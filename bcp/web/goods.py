"""The goods page of an incident: its consignments, soonest ENS deadline first, and the forms
that list them (one, pasted rows or a CSV file), send them by the fallback route, record their
MRN once back in ICS2, mark one not needed, or (the desk) waive the rest after recovery.

A refused form is shown again with what was typed, each fault beside a list of what is wrong,
named by its label (and its line, for a table)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from bcp.domain.consignments import csv_import
from bcp.domain.consignments.deadlines import TIME_KINDS
from bcp.domain.consignments.goods import Lodging
from bcp.domain.consignments.model import DOCUMENT_KINDS, STATES, DocumentKind
from bcp.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from bcp.domain.messages import N_
from bcp.reports.carrier_sheet import carrier_sheet_csv
from bcp.reports.documents import check_lang
from bcp.services import consignments as service
from bcp.services import incidents, reports
from bcp.services.context import Context
from bcp.web.api.consignments import csv_response
from bcp.web.api.reports import carrier_sheet_document, pdf_response
from bcp.web.countdown import Countdown
from bcp.web.forms import local_time
from bcp.web.i18n import translated
from bcp.web.runtime import runtime
from bcp.web.schemas.consignments import ConsignmentBody, LodgedAt, ReasonBody, SentBody
from bcp.web.schemas.edge import from_mapping
from bcp.web.security import for_roles

bp = Blueprint("goods", __name__, url_prefix="/incidents")


def _labels() -> dict[str, str]:
    """The name of each field as its form shows it."""
    return {
        "document_kind": _("Kind of transport document"),
        "document_number": _("Transport document number"),
        "case": _("ENS deadline case"),
        "means_of_transport": _("Means of transport"),
        "office_of_first_entry": _("Office of first entry"),
        "loading_at": _("Loading"),
        "departure_at": _("Departure"),
        "arrival_at": _("Estimated arrival"),
        "lrn": _("LRN"),
        "note": _("Note"),
        "reason": _("Reason"),
        "reference": _("Fallback reference"),
        "sent_at": _("Sent at"),
        "lodged_at": _("Lodged in ICS2 at (Paris time; empty: now)"),
        "consignments": _("Consignments"),
        "lodgings": _("MRN"),
        "file": _("File"),
        "csv": _("Rows"),
    }


def beside_fields(error: InvalidInput) -> dict[str, list[str]]:
    """The faults of the one consignment typed in the form, by its field's name, to show each
    beside its field (the list above the form says them all, with their place)."""
    found: dict[str, list[str]] = {}
    for e in error.errors:
        field = e.field.rpartition(".")[2]
        if not field.startswith("line ") and not field.isdigit():
            found.setdefault(field, []).append(translated(e))
    return found


def describe(error: InvalidInput, documents: dict[int, str]) -> list[str]:
    """Each fault as a person reads it: "Line 873 — Estimated arrival: …", "H0002 — MRN: …"."""
    labels = _labels()
    lines = []
    for e in error.errors:
        where, _sep, field = e.field.rpartition(".")
        if not where and e.field.startswith("line "):
            where, field = e.field, ""
        label = labels.get(field, field)
        if where.startswith("line "):
            place = _("Line %(number)s", number=where.removeprefix("line "))
        elif where == "consignments" and field.isdigit():
            place, label = documents.get(int(field), field), labels["lodgings"]
        elif where.startswith("consignments["):
            place = _("Consignment %(number)s", number=int(where[13:-1]) + 1)
        else:
            place = ""
        text = translated(e)
        if place and label:
            lines.append(
                _("%(place)s — %(field)s: %(message)s", place=place, field=label, message=text)
            )
        else:
            lines.append(_("%(field)s: %(message)s", field=place or label, message=text))
    return lines


@bp.get("/<int:incident_id>/goods")
@for_roles()
def page(ctx: Context, incident_id: int):
    return _render(ctx, incident_id)


def _render(
    ctx: Context, incident_id: int, *, errors=(), form=None, by_field=None, status: int = 200
):
    view = service.get_goods(ctx, incident_id)
    incident = view.incident.incident
    lang = str(get_locale())
    table = ctx.library.deadlines
    return (
        render_template(
            "incidents/goods.html",
            view=view,
            incident=incident,
            goods=view.summary,
            lang=lang,
            actor=ctx.actor,
            cases=table.cases,
            case_titles={c.id: c.title(lang) for c in table.cases},
            document_kinds=DOCUMENT_KINDS,
            kinds=[k.value for k in DocumentKind],
            states=STATES,
            time_kinds=TIME_KINDS,
            references=incident.fallback_references,
            countdown=Countdown(view.now),
            kind_names={k: _(v) for k, v in DOCUMENT_KINDS.items()},
            state_names={k: _(v) for k, v in STATES.items()},
            missing_names={
                k: _("cannot be computed: give the time of %(time)s", time=_(v))
                for k, v in TIME_KINDS.items()
            },
            errors=list(errors),
            form=form or {},
            by_field=by_field or {},
            columns=csv_import.COLUMNS,
        ),
        status,
    )


def _attempt(ctx: Context, incident_id: int, work, success: str):
    try:
        work()
    except InvalidInput as error:
        view = service.get_goods(ctx, incident_id)
        documents = {c.id: c.facts.document_number for c in view.consignments}
        return _render(
            ctx,
            incident_id,
            errors=describe(error, documents),
            form=request.form,
            by_field=beside_fields(error) if request.endpoint == "goods.add" else {},
            status=422,
        )
    except (IllegalTransition, Conflict) as error:
        flash(
            _("Not applied: %(why)s. The page shows it as it is now.", why=translated(error)),
            "error",
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        flash(translated(error), "error")
    else:
        if success:
            flash(success, "success")
    return redirect(url_for("goods.page", incident_id=incident_id), 303)


@bp.post("/<int:incident_id>/goods/add")
@for_roles()
def add(ctx: Context, incident_id: int):
    def work():
        form = request.form
        data = {
            name: form.get(name, "").strip()
            for name in (
                "document_kind",
                "document_number",
                "case",
                "means_of_transport",
                "office_of_first_entry",
                "note",
            )
        }
        data["lrn"] = form.get("lrn", "").strip() or None
        for name in ("loading_at", "departure_at", "arrival_at"):
            data[name] = local_time(form.get(name))
        body = from_mapping(ConsignmentBody, {k: v for k, v in data.items() if v not in (None, "")})
        service.add_consignments(ctx, incident_id, [("", body.to_domain())])

    return _attempt(ctx, incident_id, work, _("Consignment listed."))


@bp.post("/<int:incident_id>/goods/import")
@for_roles()
def import_table(ctx: Context, incident_id: int):
    def work():
        upload = request.files.get("file")
        data: bytes | str = request.form.get("rows", "")
        if upload is not None and upload.filename:
            data = upload.read(csv_import.MAX_BYTES + 1)
        added, _view = service.import_consignments(ctx, incident_id, data)
        flash(_("%(count)s consignments listed.", count=len(added)), "success")

    return _attempt(ctx, incident_id, work, "")


@bp.post("/<int:incident_id>/goods/sent")
@for_roles()
def sent(ctx: Context, incident_id: int):
    """Sent by the fallback route; with "attach", the carrier sheet of what was sent is kept in
    the incident's evidence, under the reference, as the message's attachment."""

    def work():
        form = request.form
        ids = [int(i) for i in form.getlist("consignment") if i.isdigit()]
        reference = form.get("reference") or None
        data: dict = {"consignments": ids}
        if reference and reference != "new":
            data["reference"] = reference
        if form.get("sent_at"):
            data["sent_at"] = local_time(form["sent_at"])
        body = from_mapping(SentBody, data)
        view = service.mark_sent(ctx, incident_id, body.consignments, body.reference, body.sent_at)
        if form.get("attach") == "on":
            used = next(c.fallback_reference for c in view.consignments if c.id == ids[0])
            report = reports.incident_report(ctx, runtime().settings, incident_id)
            lang = str(get_locale())
            pdf = carrier_sheet_document(report, lang)
            incidents.record_work(
                ctx,
                incident_id,
                note=_("Carrier sheet attached to the fallback message"),
                reference=used or "",
                attachment=(f"carrier-sheet-{incident_id}-{used}.pdf", pdf),
            )

    return _attempt(ctx, incident_id, work, _("Marked as sent by the fallback route."))


@bp.post("/<int:incident_id>/goods/lodgings")
@for_roles()
def lodgings(ctx: Context, incident_id: int):
    def work():
        at = None
        if request.form.get("lodged_at"):
            at = from_mapping(LodgedAt, {"lodged_at": local_time(request.form["lodged_at"])})
        entries = [
            Lodging(int(key[4:]), value, at.lodged_at if at else None)
            for key, value in request.form.items()
            if key.startswith("mrn-") and key[4:].isdigit() and value.strip()
        ]
        if not entries:
            raise InvalidInput([_field("lodgings", N_("enter at least one MRN"))])
        service.record_lodgings(ctx, incident_id, entries)

    return _attempt(ctx, incident_id, work, _("MRN recorded."))


@bp.post("/<int:incident_id>/goods/not-needed")
@for_roles()
def not_needed(ctx: Context, incident_id: int):
    """One form for the whole list: the button pressed names the consignment, and its reason
    is the field beside it."""

    def work():
        chosen = request.form.get("consignment", "")
        if not chosen.isdigit():
            raise InvalidInput([_field("consignments", N_("choose at least one consignment"))])
        body = from_mapping(ReasonBody, {"reason": request.form.get(f"reason-{chosen}", "")})
        service.mark_not_needed(ctx, incident_id, int(chosen), body.reason)

    return _attempt(ctx, incident_id, work, _("Marked as not needed."))


@bp.post("/<int:incident_id>/goods/waiver")
@for_roles()
def waiver(ctx: Context, incident_id: int):
    def work():
        body = from_mapping(ReasonBody, {"reason": request.form.get("reason", "")})
        service.waive(ctx, incident_id, body.reason)

    return _attempt(ctx, incident_id, work, _("The rest is waived."))


@bp.get("/<int:incident_id>/goods/template.csv")
@for_roles()
def template(ctx: Context, incident_id: int):
    service.get_goods(ctx, incident_id)  # the incident's people only
    return csv_response(csv_import.template(), "consignments-template.csv")


@bp.get("/<int:incident_id>/carrier-sheet.<any(pdf, csv):format>")
@for_roles()
def carrier_sheet(ctx: Context, incident_id: int, format: str):
    lang = check_lang(request.args.get("lang") or str(get_locale()))
    report = reports.incident_report(ctx, runtime().settings, incident_id)
    if format == "csv":
        text = carrier_sheet_csv(report.incident, report.consignments, lang)
        return csv_response(text, f"carrier-sheet-{incident_id}.csv")
    return pdf_response(carrier_sheet_document(report, lang), f"carrier-sheet-{incident_id}.pdf")


def _field(name: str, message: str) -> FieldError:
    return FieldError(name, message)
