"""The operator's desk: declare an outage (with the procedure shown before saving), my incidents."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bcp.domain.actors import OrganisationKind, Role
from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode
from bcp.domain.errors import DomainError
from bcp.reports.charts import minutes
from bcp.services import incidents as service
from bcp.services.context import Context
from bcp.services.drafts import drafts_for
from bcp.services.notices import announce_for_everyone, status_board
from bcp.services.queue import awaited_acknowledgement
from bcp.store.incidents import IncidentFilter
from bcp.web import forms
from bcp.web.freshness import board_reuse
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.get("/")
@for_roles(Role.OPERATOR)
def home(ctx: Context):
    rt = runtime()
    views = service.list_incidents(ctx, IncidentFilter(limit=500))
    own = [v for v in views if not v.incident.concerns_everyone]
    return render_template(
        "operator/home.html",
        board=status_board(rt.unit_of_work(), rt.clock, board_reuse()),
        components=COMPONENTS,
        drafts=drafts_for(rt.unit_of_work(), ctx.actor),
        open=[v for v in own if v.incident.state.is_open],
        waiting_referrals=[(v, r) for v in own for r in v.incident.referrals if not r.confirmed],
        history=[v for v in own if not v.incident.state.is_open],
        minutes=minutes,
        late_acknowledgements=[
            (v, awaited)
            for v in own
            if (awaited := awaited_acknowledgement(v.incident, rt.settings, rt.clock.now()))
            and awaited.late
        ],
    )


@bp.route("/declare", methods=["GET", "POST"])
@for_roles(Role.OPERATOR, Role.DESK)
def declare(ctx: Context):
    everyone = ctx.actor.role is Role.DESK
    decision, notice_id, errors, by_field, status = None, None, [], {}, 200
    form = request.form if request.method == "POST" else request.args  # a draft fills the form
    if request.method == "POST":
        try:
            data = forms.declaration(request.form)
            if request.form.get("confirm") == "yes" and everyone:
                notice = announce_for_everyone(ctx, data).notice
                flash(_("Outage published for everyone: notice %(id)s.", id=notice.id), "success")
                return redirect(url_for("status.notice", notice_id=notice.id), 303)
            if request.form.get("confirm") == "yes":
                view = service.declare_incident(ctx, data)
                flash(_("Outage declared: incident %(id)s.", id=view.incident.id), "success")
                return redirect(url_for("incidents.page", incident_id=view.incident.id), 303)
            preview = service.preview_declaration(ctx, data)
            decision, notice_id = preview.decision, preview.notice_id
        except DomainError as error:
            errors, by_field, status = forms.messages(error), forms.field_errors(error), 422
    provider = (
        ctx.actor.organisation is not None
        and ctx.actor.organisation.kind is OrganisationKind.PROVIDER
    )
    return (
        render_template(
            "operator/declare.html",
            form=form,
            decision=decision,
            notice_id=notice_id,
            errors=errors,
            by_field=by_field,
            everyone=everyone,
            provider=provider,
            components=COMPONENTS,
            modes=[m.value for m in Mode],
            channels=[c.value for c in Channel],
            operations=[o.value for o in EnsOperation],
        ),
        status,
    )
