"""The incident page, shared by every audience, and the forms it posts: transitions, steps,
what was done (with evidence), reclassification, fallback references."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from bcp.domain.actors import Role
from bcp.domain.catalogue import COMPONENTS, Mode, Scope, Side
from bcp.domain.consignments.model import STATES
from bcp.domain.errors import DomainError, NotAllowed, NotFound
from bcp.domain.evidence import AttachmentLimits
from bcp.domain.referrals import OUTCOME_OF, ReferralKind, Route
from bcp.domain.reflexes.messages import fill
from bcp.reports.charts import minutes
from bcp.reports.documents import check_lang
from bcp.services import incidents as service
from bcp.services import referrals
from bcp.services.context import Context
from bcp.services.incident_page import incident_page
from bcp.services.queue import awaited_acknowledgement
from bcp.web import forms
from bcp.web.api.reports import incident_document, pdf_response
from bcp.web.countdown import Countdown
from bcp.web.forms import messages
from bcp.web.freshness import contacts_reuse
from bcp.web.posts import attempt
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("incidents", __name__, url_prefix="/incidents")

TIMELINE_SHOWN = 100
"""The incident page shows the last events of its timeline, and all of them on request: an
outage followed for days gathers a thousand, which made a page of 1 MB to render at each refresh
(the PDF report lists them all)."""


@bp.get("/<int:incident_id>")
@for_roles()
def page(ctx: Context, incident_id: int):
    rt = runtime()
    read = incident_page(ctx, incident_id, contacts_reuse())
    goods, table, contacts = read.goods, read.table, read.contacts
    view = goods.incident
    incident = view.incident
    lang = str(get_locale())
    soonest = next((c for c in goods.consignments if not c.state.settled and c.deadline.at), None)
    references = incident.fallback_references
    values = incident.message_values(lang)
    filled = {
        s.step.id: (
            fill(s.step.message.subject(lang), values),
            fill(s.step.message.body(lang), values),
        )
        for s in view.steps
        if s.step.message
    }
    attachments = [e.changes["attachment"] for e in incident.events if e.changes.get("attachment")]
    newest_first = incident.events[::-1]
    shown = newest_first if request.args.get("timeline") == "all" else newest_first[:TIMELINE_SHOWN]
    return render_template(
        "incidents/page.html",
        timeline=shown,
        timeline_hidden=len(shown) < len(newest_first),
        view=view,
        incident=incident,
        actor=ctx.actor,
        lang=lang,
        contacts=contacts,
        titles=table.titles if table else {},
        filled=filled,
        references=references,
        attachments=attachments,
        components=COMPONENTS,
        sides=[s.value for s in Side],
        scopes=[s.value for s in Scope],
        minutes=minutes,
        settleable={
            s.step.id
            for s in view.steps
            if incident.may_settle(s.step.role, ctx.actor) and s.due_at is not None
        },
        can_reference=incident.may_issue_reference(ctx.actor),
        can_refer=incident.may_refer(ctx.actor),
        names_carrier=incident.facts.scope is Scope.PROVIDER,
        mode_values=[m.value for m in Mode],
        can_notify=ctx.actor.role is Role.DESK and incident.organisation is not None,
        referral_kinds=[k.value for k in ReferralKind],
        routes=[r.value for r in Route],
        outcome_of={k.value: o.value for k, o in OUTCOME_OF.items()},
        can_record=incident.may_contribute(ctx.actor),
        goods=goods.summary,
        consignments=goods.consignments,
        next_goods=[c for c in goods.consignments if not c.state.settled][:5],
        states=STATES,
        consignment_labels={c.id: c.facts.document_number for c in goods.consignments},
        soonest=soonest if soonest and soonest.state.value == "at_risk" else None,
        countdown=Countdown(view.now),
        awaited=awaited_acknowledgement(incident, rt.settings, view.now),
        refresh_seconds=rt.settings.queue_refresh_seconds,
    )


@bp.get("/<int:incident_id>/version")
@for_roles()
def version(ctx: Context, incident_id: int):
    """What the incident page polls (static/js/live.js): its ETag changes with every change to
    the incident; a conditional request for an unchanged one is answered 304, with no body and
    without loading the incident."""
    response = make_response({"version": service.incident_version(ctx, incident_id)})
    response.set_etag(response.json["version"])
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.post("/<int:incident_id>/transition")
@for_roles()
def transition(ctx: Context, incident_id: int):

    def act():
        body = forms.transition(request.form)
        activation = body.bcp.to_domain() if body.bcp else None
        return service.apply_action(ctx, incident_id, body.action, body.note, activation)

    return _attempt(incident_id, act, _("Done."), "actions")


@bp.post("/<int:incident_id>/steps/<step_id>")
@for_roles()
def step(ctx: Context, incident_id: int, step_id: str):

    def settle():
        body = forms.step(request.form)
        return service.settle_step(
            ctx, incident_id, step_id, done=body.status == "done", note=body.note
        )

    return _attempt(incident_id, settle, _("Step recorded."))


@bp.post("/<int:incident_id>/record")
@for_roles()
def record(ctx: Context, incident_id: int):
    rt = runtime()
    upload = request.files.get("attachment")
    attachment = None
    if upload is not None and upload.filename:
        attachment = (upload.filename, upload.read())
    return _attempt(
        incident_id,
        lambda: service.record_work(
            ctx,
            incident_id,
            note=request.form.get("note", ""),
            reference=request.form.get("reference", ""),
            step_id=request.form.get("step") or None,
            attachment=attachment,
            attachment_limits=AttachmentLimits(
                rt.settings.attachments_per_incident, rt.settings.attachments_total_bytes
            ),
        ),
        _("Recorded."),
        form="record-form",
    )


@bp.post("/<int:incident_id>/reclassify")
@for_roles(Role.DESK)
def reclassify(ctx: Context, incident_id: int):

    def correct():
        body = forms.reclassification(request.form)
        return service.reclassify(ctx, incident_id, body.changes(), body.note)

    return _attempt(
        incident_id, correct, _("Reclassified; the rules ran again."), "reclassify-form"
    )


@bp.post("/<int:incident_id>/fallback-reference")
@for_roles()
def fallback_reference(ctx: Context, incident_id: int):
    try:
        reference, _view = service.issue_fallback_reference(ctx, incident_id)
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        for message in messages(error):
            flash(message, "error")
        return redirect(url_for("incidents.page", incident_id=incident_id), 303)
    flash(_("Fallback reference: %(reference)s", reference=reference), "success")
    return redirect(url_for("incidents.page", incident_id=incident_id), 303)


@bp.post("/<int:incident_id>/referrals")
@for_roles(Role.DESK)
def referral(ctx: Context, incident_id: int):
    def record():
        body = forms.referral(request.form)
        return referrals.record_referral(ctx, incident_id, body.to_domain(), body.carrier)

    return attempt(
        url_for("incidents.page", incident_id=incident_id) + "#referral-form",
        record,
        _("Referral recorded: the carrier is asked to confirm it."),
        form="referral-form",
    )


@bp.post("/<int:incident_id>/notifications")
@for_roles(Role.DESK)
def notification(ctx: Context, incident_id: int):
    def record():
        body = forms.notification(request.form)
        return service.notify_commission(ctx, incident_id, body.to, body.at, body.text)

    return _attempt(
        incident_id, record, _("Notification to the Commission recorded."), "notification-form"
    )


@bp.post("/<int:incident_id>/referrals/<int:number>/confirm")
@for_roles(Role.OPERATOR, Role.DESK)
def referral_confirm(ctx: Context, incident_id: int, number: int):
    return _attempt(
        incident_id,
        lambda: referrals.confirm_referral(
            ctx, incident_id, number, forms.confirmation(request.form).note.strip()
        ),
        _("Receipt confirmed."),
    )


@bp.post("/<int:incident_id>/referrals/<int:number>/outcome")
@for_roles(Role.OPERATOR, Role.DESK)
def referral_outcome(ctx: Context, incident_id: int, number: int):

    def answer():
        body = forms.referral_outcome(request.form)
        return referrals.record_outcome(
            ctx, incident_id, number, body.outcome, body.result, body.note
        )

    return _attempt(incident_id, answer, _("Outcome recorded."), f"outcome-{number}")


@bp.get("/<int:incident_id>/attachments/<int:attachment_id>")
@for_roles()
def attachment(ctx: Context, incident_id: int, attachment_id: int):
    row = service.get_attachment(ctx, incident_id, attachment_id)
    return send_file(
        BytesIO(row.data),
        mimetype=row.content_type,
        as_attachment=True,
        download_name=row.filename,
    )


@bp.get("/<int:incident_id>/report.pdf")
@for_roles()
def report_pdf(ctx: Context, incident_id: int):
    lang = check_lang(request.args.get("lang") or str(get_locale()))
    with_postmortem = request.args.get("postmortem") == "1"
    pdf = incident_document(ctx, incident_id, lang, with_postmortem=with_postmortem)
    name = "postmortem" if with_postmortem else "incident"
    return pdf_response(pdf, f"{name}-{incident_id}.pdf")


@bp.get("/<int:incident_id>/fallback/<step_id>.pdf")
@for_roles()
def fallback_document(ctx: Context, incident_id: int, step_id: str):
    lang = check_lang(request.args.get("lang") or str(get_locale()))
    pdf = incident_document(ctx, incident_id, lang, step_id=step_id)
    return pdf_response(pdf, f"incident-{incident_id}-{step_id}.pdf")


def _attempt(incident_id: int, work, success: str, form: str | None = None):
    """On the incident's page; a refused `form` comes back to it, errors beside its fields."""
    page = url_for("incidents.page", incident_id=incident_id)
    return attempt(page + (f"#{form}" if form else ""), work, success, form=form)
