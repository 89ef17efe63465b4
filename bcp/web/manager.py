"""The manager's desk: the dashboard, search and filters, CSV export."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from io import StringIO

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from bcp.domain.actors import Role
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import PARIS, in_paris
from bcp.domain.errors import DomainError, NotAllowed, NotFound, invalid
from bcp.domain.lifecycle import State
from bcp.domain.messages import N_
from bcp.reports.charts import Bar, bar_chart, duration_bar, minutes
from bcp.reports.documents import check_lang, period_pdf
from bcp.services import incidents as service
from bcp.services import notices, reports
from bcp.services.accounts import organisation_choices
from bcp.services.context import Context
from bcp.services.dashboard import Dashboard
from bcp.services.dashboard import dashboard as compute
from bcp.store.incidents import IncidentFilter
from bcp.web import forms
from bcp.web.api.reports import pdf_response
from bcp.web.conditional import fingerprint
from bcp.web.freshness import board_reuse
from bcp.web.rendered import rendered_once
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("manager", __name__, url_prefix="/manager")

SEARCH_LIMIT = 1000


@bp.get("/")
@for_roles(Role.MANAGER, Role.DESK, Role.ADMIN)
def dashboard(ctx: Context):
    rt = runtime()
    board = compute(ctx, rt.dashboard_cache)
    # The process serves one computed dashboard (its exact "as of") until the next: the page is
    # rendered once per session and computation, and again when a notice changes the banner.
    banner = notices.notices_in_force(rt.unit_of_work(), rt.clock, board_reuse())
    made_of = fingerprint(rt.clock.now(), ctx.actor, board.computation, banner)
    return rendered_once(rt.pages, made_of, lambda: _dashboard_page(board))


def _dashboard_page(board: Dashboard) -> str:
    open_chart = bar_chart(
        _("Open incidents by component"),
        [
            Bar(code, sum(c.values()), str(sum(c.values())))
            for code, c in board.open_by_component.items()
        ],
    )
    ack_chart = bar_chart(
        _("Time to acknowledge, median by component"),
        [duration_bar(r.label, r.acknowledge.median) for r in board.by_component],
    )
    recover_chart = bar_chart(
        _("Time to recover, median by component"),
        [duration_bar(r.label, r.recover.median) for r in board.by_component],
    )
    return render_template(
        "manager/dashboard.html",
        board=board,
        charts=[Markup(open_chart), Markup(ack_chart), Markup(recover_chart)],  # noqa: S704 (built from escaped parts)
        minutes=minutes,
        month_days=month_days,
    )


def month_days(month: str) -> dict[str, str]:
    """The search filter of a month of the dashboard ("2026-11"): its first and last days."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return {"from": first.isoformat(), "to": (following - timedelta(days=1)).isoformat()}


@bp.get("/incidents")
@for_roles(Role.MANAGER, Role.DESK, Role.ADMIN)
def search(ctx: Context):
    rt = runtime()
    flt, org = _filter()
    views = service.list_incidents(ctx, flt, org)
    return render_template(
        "manager/search.html",
        views=views,
        form=request.args,
        components=COMPONENTS,
        states=[s.value for s in State],
        organisations=organisation_choices(rt.unit_of_work()),
        limit=SEARCH_LIMIT,
        minutes=minutes,
    )


@bp.get("/incidents.csv")
@for_roles(Role.MANAGER, Role.DESK, Role.ADMIN)
def export(ctx: Context):
    flt, org = _filter()
    views = service.list_incidents(ctx, flt, org)
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "state",
            "component",
            "organisation",
            "eori",
            "scope",
            "side",
            "started_at",
            "declared_at",
            "modes",
            "channel",
            "ens_waiting",
            "procedure",
            "summary",
            "time_to_acknowledge_s",
            "time_in_fallback_s",
            "total_outage_s",
            "time_to_close_s",
        ]
    )
    for v in views:
        i, d = v.incident, v.durations.as_seconds()
        writer.writerow(
            [
                i.id,
                i.state.value,
                i.facts.component,
                i.organisation.name if i.organisation else "",
                i.organisation.eori if i.organisation else "",
                i.facts.scope.value,
                i.facts.side.value,
                in_paris(i.facts.started_at).isoformat(),
                in_paris(i.declared_at).isoformat(),
                " ".join(m.value for m in i.facts.modes),
                i.facts.channel.value,
                i.ens_waiting,
                i.reflex.procedure_id if i.reflex else "",
                _csv_safe(i.summary),
                d["time_to_acknowledge"],
                d["time_in_fallback"],
                d["total_outage"],
                d["time_to_close"],
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=incidents.csv"},
    )


@bp.get("/reports/period.pdf")
@for_roles(Role.MANAGER, Role.DESK)
def period_report(ctx: Context):
    rt = runtime()
    lang = check_lang(request.args.get("lang") or str(get_locale()))
    start = _day(request.args.get("from"), "from")
    end = _day(request.args.get("to"), "to")
    if start is None or end is None:
        raise invalid("from", N_("give the first and the last day of the period"))
    report = reports.period_report(ctx, rt.settings, start.date(), end.date())
    return pdf_response(
        period_pdf(report, lang, rt.clock.now()), f"period-{start.date()}-{end.date()}.pdf"
    )


@bp.route("/incidents/<int:incident_id>/postmortem", methods=["GET", "POST"])
@for_roles(Role.MANAGER)
def postmortem(ctx: Context, incident_id: int):
    """The post-mortem's form. "Finalise" saves what is on the screen first, then freezes it:
    what is signed is what the manager read. A refusal shows the page again, as typed (long
    texts do not fit in the session that carries a refusal across a redirect), each error
    beside its field."""
    if request.method == "POST":
        saved = False
        try:
            reports.edit_postmortem(ctx, incident_id, forms.postmortem(request.form))
            saved = True
            if request.form.get("finalise") == "yes":
                reports.finalise_postmortem(ctx, incident_id)
                flash(_("Post-mortem finalised: it is now frozen."), "success")
            else:
                flash(_("Post-mortem saved."), "success")
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            current = reports.get_postmortem(ctx, incident_id)
            return render_template(
                "manager/postmortem.html",
                pm=current,
                incident_id=incident_id,
                errors=forms.messages(error),
                by_field=forms.field_errors(error),
                typed=request.form,
                saved=saved,
            ), 422
        return redirect(url_for("manager.postmortem", incident_id=incident_id), 303)
    current = reports.get_postmortem(ctx, incident_id)
    return render_template("manager/postmortem.html", pm=current, incident_id=incident_id)


def _filter() -> tuple[IncidentFilter, str | None]:
    args = request.args
    states = tuple(State(s) for s in args.getlist("state") if s in {x.value for x in State})
    component = args.get("component") or None
    if component and component not in COMPONENTS:
        raise invalid("component", N_("unknown component"))
    return (
        IncidentFilter(
            states=states,
            component=component,
            since=_day(args.get("from"), "from"),
            until=_day(args.get("to"), "to", next_day=True),
            text=(args.get("q") or "").strip()[:200] or None,
            limit=SEARCH_LIMIT,
        ),
        (args.get("org") or "").strip().upper() or None,
    )


def _day(value: str | None, name: str, next_day: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise invalid(name, N_("expected a date, e.g. 2026-11-22")) from None
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=PARIS)


def _csv_safe(text: str) -> str:
    """A cell starting with = + - @ would be a formula in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
