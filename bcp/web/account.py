"""What each signed-in person has of their own: notifications chosen, drafts proposed to them,
their organisation's certificates, and the components' pages."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from bcp.domain.actors import Role
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import in_paris
from bcp.domain.errors import NotFound
from bcp.domain.messages import N_
from bcp.domain.notifications import TOPICS
from bcp.reports.charts import Bar, bar_chart
from bcp.services import accounts, certificates, drafts, notifications, probes
from bcp.services.context import Context
from bcp.web import forms
from bcp.web.posts import attempt
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("account", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@for_roles()
def notification_topics(ctx: Context):
    rt = runtime()
    if request.method == "POST":
        notifications.set_topics(
            rt.unit_of_work(), rt.clock, ctx.actor, request.form.getlist("topics")
        )
        flash(_("Your choice is saved."), "success")
        return redirect(url_for("account.notification_topics"), 303)
    chosen = set(notifications.topics_of(rt.unit_of_work(), ctx.actor))
    return render_template("account/notifications.html", topics=TOPICS, chosen=chosen)


@bp.route("/account/tokens", methods=["GET", "POST"])
@for_roles()
def tokens(ctx: Context):
    """One's own API tokens: name, created, last used, expiry; a new one is shown once."""
    rt = runtime()
    issued = None
    if request.method == "POST":
        issued = accounts.issue_token(
            rt.unit_of_work(),
            rt.clock,
            ctx.actor,
            ctx.actor.user_id,
            request.form.get("label", ""),
            rt.settings.token_days,
        )
        flash(_("Token created."), "success")
    return (
        render_template(
            "account/tokens.html",
            tokens=accounts.list_tokens(rt.unit_of_work(), ctx.actor.user_id),
            issued=issued,
            everyone=False,
            revoke_endpoint="account.revoke_token",
            now=rt.clock.now(),
        ),
        201 if issued else 200,
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@for_roles()
def revoke_token(ctx: Context, token_id: int):
    rt = runtime()
    accounts.revoke_token(rt.unit_of_work(), rt.clock, ctx.actor, token_id)
    flash(_("Token revoked: it is refused from now on."), "success")
    return redirect(url_for("account.tokens"), 303)


@bp.post("/drafts/<int:draft_id>/dismiss")
@for_roles(Role.OPERATOR, Role.DESK)
def dismiss(ctx: Context, draft_id: int):
    rt = runtime()
    drafts.close_draft(rt.unit_of_work(), rt.clock, ctx.actor, draft_id, "dismissed")
    flash(_("Draft dismissed."), "success")
    return redirect(request.referrer or url_for("home.index"), 303)


@bp.post("/drafts/<int:draft_id>/use")
@for_roles(Role.OPERATOR, Role.DESK)
def use(ctx: Context, draft_id: int):
    """Open the declaration form filled from the draft, or the incident to report recovery."""
    rt = runtime()
    draft = drafts.close_draft(rt.unit_of_work(), rt.clock, ctx.actor, draft_id, "accepted")
    if draft.kind == "recovery" and draft.incident_id:
        return redirect(url_for("incidents.page", incident_id=draft.incident_id), 303)
    component = (
        "UUMDS:operator"
        if draft.component == "UUMDS" and draft.side == "operator"
        else draft.component
    )
    query = urlencode(
        {
            "component": component,
            "started_at": in_paris(draft.started_at).strftime("%Y-%m-%dT%H:%M"),
            "summary": draft.summary,
            "description": draft.detail,
        }
    )
    return redirect(url_for("operator.declare") + "?" + query, 303)


@bp.route("/certificates", methods=["GET", "POST"])
@for_roles(Role.OPERATOR)
def organisation_certificates(ctx: Context):
    rt = runtime()
    if request.method == "POST":

        def record():
            body = forms.certificate(request.form, ctx.actor.organisation_id)
            certificates.record_certificate(
                rt.unit_of_work(), rt.clock, ctx.actor, body.organisation_id, **body.details()
            )

        return attempt(
            url_for("account.organisation_certificates") + "#certificate-form",
            record,
            _("Certificate recorded."),
            form="certificate-form",
        )
    rows = certificates.certificates_of(rt.unit_of_work(), ctx.actor.organisation_id)
    return render_template("account/certificates.html", certificates=rows)


@bp.get("/components/<code>")
@for_roles()
def component(code: str):
    rt = runtime()
    if code not in COMPONENTS:
        raise NotFound(N_("no component %(code)s"), code=code)
    items = probes.component_availability(rt.unit_of_work(), rt.clock, code)
    charts = [
        bar_chart(
            f"{item.probe.name} — {_('last 24 hours, hour by hour')}",
            [
                Bar(f"-{23 - h} h", (v or 0) * 100, "—" if v is None else f"{v:.0%}")
                for h, v in enumerate(item.hours)
            ],
            bar_height=10,
        )
        for item in items
    ]
    safe = [Markup(chart) for chart in charts]  # noqa: S704 (built from escaped parts)
    return render_template(
        "account/component.html", component=COMPONENTS[code], items=items, charts=safe
    )
