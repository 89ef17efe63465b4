"""The customs desk: the live queue of incidents waiting for acknowledgement, and the rest."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from bcp.domain.actors import Actor, Role
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.errors import DomainError, InvalidInput
from bcp.domain.notices import PUBLIC_COMPONENTS, Reason
from bcp.services import incidents as service
from bcp.services import notices, referrals
from bcp.services.context import Context
from bcp.services.drafts import drafts_for
from bcp.services.preferences import choose_queue_sound
from bcp.services.queue import IN_PROGRESS_SHOWN, QueueFilter, agent_desk, desk_queue
from bcp.web import forms
from bcp.web.countdown import Countdown
from bcp.web.freshness import board_reuse, queue_reuse
from bcp.web.i18n import translated
from bcp.web.posts import attempt
from bcp.web.runtime import SharedRows, context_for, runtime
from bcp.web.security import for_roles, require

bp = Blueprint("desk", __name__, url_prefix="/desk")

ON_PAGE = 50
"""The queue lists the 50 oldest incidents waiting and the 50 latest in progress, and all of
them on request (`?waiting=all`, `?in_progress=all`, kept by the refresh): on an outage's day,
a page of 180 kB with 50 waiting and 250 in progress, five times the time of a quiet day's
queue, that every agent refreshed (docs/performance.md, issue 18's eighth round). The counts,
the referrals awaiting confirmation and the filters' choices still come from every one."""


@bp.get("/")
@for_roles(Role.DESK)
def queue():
    rt = runtime()
    actor = require(Role.DESK)
    flt, shown = _queue_filter(), _shown()
    rows = _shared_rows(actor, flt, shown)
    mine = agent_desk(context_for(actor))
    return render_template(
        "desk/queue.html",
        board=notices.status_board(rt.unit_of_work(), rt.clock, board_reuse()),
        components=COMPONENTS,
        organisations=rows.organisations,
        waiting_total=rows.waiting_total,
        queue_sound=mine.preferences.queue_sound,
        drafts=mine.drafts,
        rows=rows.html,
        refresh_seconds=rt.settings.queue_refresh_seconds,
        filter=flt,
        rows_url=url_for("desk.queue_rows", **_asked(flt, shown)),
    )


@bp.post("/queue/sound")
@for_roles(Role.DESK)
def queue_sound():
    """The agent's choice of a sound for a new incident, kept for them (queue.js posts it)."""
    rt = runtime()
    choose_queue_sound(rt.unit_of_work(), require(Role.DESK), request.form.get("on") == "1")
    return "", 204


@bp.get("/queue/rows")
@for_roles(Role.DESK)
def queue_rows():
    """The part of the page that refreshes by itself; nothing the agent types is in it."""
    actor = require(Role.DESK)
    rows = _shared_rows(actor, _queue_filter(), _shown())
    drafts = drafts_for(runtime().unit_of_work(), actor)
    return render_template("desk/_queue_rows.html", drafts=drafts, rows=rows.html)


@dataclass(frozen=True)
class Shown:
    """Whether every incident waiting, and every one in progress, is listed (`?waiting=all`,
    `?in_progress=all`) or the first ON_PAGE of each."""

    every_waiting: bool
    every_in_progress: bool


def _shown() -> Shown:
    return Shown(
        every_waiting=request.args.get("waiting") == "all",
        every_in_progress=request.args.get("in_progress") == "all",
    )


def _asked(flt: QueueFilter, shown: Shown) -> dict[str, str]:
    """The query string of what was asked, as understood (the links and the refresh keep it)."""
    asked = {
        "component": flt.component,
        "org": flt.organisation,
        "late": "1" if flt.late_only else None,
        "waiting": "all" if shown.every_waiting else None,
        "in_progress": "all" if shown.every_in_progress else None,
    }
    return {name: value for name, value in asked.items() if value}


def _shared_rows(actor: Actor, flt: QueueFilter, shown: Shown) -> SharedRows:
    """The queue's rows as every agent sees them, for this filter and language: rendered once
    per process and reused for `[status] board_reuse_seconds` by every agent but one who has
    just changed something (bcp.web.freshness). They carry no form of their own, hence no
    session's CSRF token: their buttons submit the page's forms (`form=` attributes). While
    reused, their times (minutes waited, countdowns) are as old as their read, a second at
    most."""

    def read() -> SharedRows:
        rt = runtime()
        limit = IN_PROGRESS_SHOWN if shown.every_in_progress else ON_PAGE
        page = desk_queue(context_for(actor), rt.settings, flt, in_progress_shown=limit)
        asked = _asked(flt, shown)
        waiting = page.waiting
        html = render_template(
            "desk/_queue_shared.html",
            waiting=waiting,
            waiting_shown=waiting.items if shown.every_waiting else waiting.items[:ON_PAGE],
            every_waiting_url=url_for(
                "desk.queue", **{**asked, "waiting": "all"}, _anchor="waiting"
            ),
            in_progress=page.in_progress,
            every_in_progress_url=None
            if shown.every_in_progress
            else url_for("desk.queue", **{**asked, "in_progress": "all"}, _anchor="in-progress"),
            unconfirmed=page.in_progress.unconfirmed,
            goods_at_risk=page.goods_at_risk,
            countdown=Countdown(),
            now=page.as_of,
            filter=flt,
        )
        rendered = Markup(html)  # noqa: S704 (a template's output, escaped by Jinja as it rendered)
        return SharedRows(rendered, waiting.total, waiting.organisations)

    reuse = queue_reuse()
    key = (flt, shown, str(get_locale()))
    return read() if reuse is None else reuse.get(key, read)


def _queue_filter() -> QueueFilter:
    """The queue's filters from the query string; a value that names nothing narrows nothing
    (a component or an organisation that no incident has simply shows an empty queue)."""
    component = request.args.get("component") or None
    return QueueFilter(
        component=component if component in COMPONENTS else None,
        organisation=(request.args.get("org") or "").strip().upper()[:17] or None,
        late_only=request.args.get("late") == "1",
    )


@bp.post("/acknowledge")
@for_roles(Role.DESK)
def acknowledge_selected(ctx: Context):
    """Acknowledge the incidents ticked in the queue, each on its own: those a colleague
    acknowledged first, or that are refused, are named, the others are done."""
    ids = [int(i) for i in request.form.getlist("incident") if i.isdigit() and len(i) < 10]
    if not ids:
        flash(_("Tick the incidents to acknowledge first."), "error")
        return redirect(url_for("desk.queue"), 303)
    outcome = service.acknowledge_several(ctx, ids, request.form.get("note", ""))
    done = [i for i, error in outcome.items() if error is None]
    if done:
        flash(
            ngettext(
                "%(num)d incident acknowledged.", "%(num)d incidents acknowledged.", len(done)
            ),
            "success",
        )
    for incident_id, error in outcome.items():
        if error is not None:
            flash(
                _(
                    "Incident %(id)s not acknowledged: %(why)s",
                    id=incident_id,
                    why=translated(error),
                ),
                "error",
            )
    return redirect(url_for("desk.queue"), 303)


REASONS = {
    Reason.HARDWARE_FAILURE: "hardware failure",
    Reason.TELECOM_FAILURE: "telecommunication failure",
    Reason.NETWORK_PROBLEM: "network problem",
    Reason.FORCE_MAJEURE: "force majeure",
    Reason.SCHEDULED_MAINTENANCE: "scheduled maintenance",
    Reason.UNDETERMINED: "cause not yet known",
}


@bp.route("/notices/new", methods=["GET", "POST"])
@for_roles(Role.DESK)
def new_notice(ctx: Context):
    """Publish a notice. Scheduled maintenance less than 48 hours ahead comes back with the
    warning and a box to tick: the desk publishes it knowingly."""
    errors, by_field, warning, status = [], {}, None, 200
    if request.method == "POST":
        try:
            draft = forms.notice(request.form)
            published = notices.publish_notice(ctx, draft)
        except InvalidInput as error:
            if [e.field for e in error.errors] == ["short_notice_confirmed"]:
                warning = translated(error.errors[0])
            else:
                errors, by_field, status = forms.messages(error), forms.field_errors(error), 422
        except DomainError as error:
            errors, by_field, status = forms.messages(error), forms.field_errors(error), 422
        else:
            notice = published.notice
            flash(_("Notice %(id)s published.", id=notice.id), "success")
            if published.linked:
                flash(
                    _("Incidents linked to it: %(ids)s", ids=", ".join(map(str, published.linked))),
                    "success",
                )
            return redirect(url_for("status.notice", notice_id=notice.id), 303)
    return (
        render_template(
            "desk/notice_form.html",
            form=request.form,
            errors=errors,
            by_field=by_field,
            short_notice=warning,
            public_components=PUBLIC_COMPONENTS,
            components=COMPONENTS,
            reasons=[(r.value, _(label)) for r, label in REASONS.items()],
        ),
        status,
    )


@bp.post("/notices/<int:notice_id>/updates")
@for_roles(Role.DESK)
def notice_update(ctx: Context, notice_id: int):

    def update():
        body = forms.notice_update(request.form)
        return notices.update_notice(ctx, notice_id, body.text, body.expected_end, body.messages)

    return attempt(
        url_for("status.notice", notice_id=notice_id) + "#update-form",
        update,
        _("Update published."),
        form="update-form",
    )


@bp.post("/notices/<int:notice_id>/fallback")
@for_roles(Role.DESK)
def notice_fallback(ctx: Context, notice_id: int):
    window = request.form.get("window")
    if window not in ("open", "close"):
        flash(_("Choose to open or to close the fallback window."), "error")
        return redirect(url_for("status.notice", notice_id=notice_id), 303)

    def change():
        body = forms.notice_fallback(request.form, allowed=window == "open")
        activation = body.bcp.to_domain() if body.bcp else None
        return notices.set_fallback(ctx, notice_id, body.allowed, body.text, activation)

    return _notice_change(
        notice_id,
        change,
        _("Fallback window opened.") if window == "open" else _("Fallback window closed."),
        "fallback-form",
    )


@bp.post("/notices/<int:notice_id>/close")
@for_roles(Role.DESK)
def notice_close(ctx: Context, notice_id: int):
    return _notice_change(
        notice_id,
        lambda: notices.close_notice(ctx, notice_id, forms.notice_close(request.form).text),
        _("Notice closed; the incidents linked to it are reported recovered."),
        "close-form",
    )


@bp.post("/notices/<int:notice_id>/notifications")
@for_roles(Role.DESK)
def notice_notification(ctx: Context, notice_id: int):
    def record():
        body = forms.notification(request.form)
        return notices.notify_commission(ctx, notice_id, body.to, body.at, body.text)

    return attempt(
        url_for("status.notice", notice_id=notice_id) + "#notification-form",
        record,
        _("Notification to the Commission recorded."),
        form="notification-form",
    )


@bp.post("/notices/<int:notice_id>/referrals")
@for_roles(Role.DESK)
def notice_referral(ctx: Context, notice_id: int):
    """A referral during the administration's outage lands on the carrier's incident: the page
    goes there, where the carrier will confirm it."""

    def record():
        body = forms.referral(request.form)
        return referrals.refer_on_notice(ctx, notice_id, body.carrier or "", body.to_domain())

    return attempt(
        url_for("status.notice", notice_id=notice_id),
        record,
        _("Referral recorded: the carrier is asked to confirm it."),
        then=lambda view: url_for("incidents.page", incident_id=view.incident.id) + "#referrals",
        form="referral-form",
    )


def _notice_change(notice_id: int, work, success: str, form: str):
    """On the notice's page; a refused `form` comes back to it, errors beside its fields."""
    page = url_for("status.notice", notice_id=notice_id)
    return attempt(f"{page}#{form}", work, success, form=form)
