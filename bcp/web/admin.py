"""The admin's pages: users, organisations, contacts, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bcp.domain.actors import USER_ROLES, OrganisationKind, Role
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.errors import DomainError, NotFound
from bcp.domain.notifications import TOPICS
from bcp.services import accounts, certificates, notifications, probes
from bcp.services.contacts import effective_contacts, update_contact
from bcp.services.context import Context
from bcp.services.reflexes import activate, active_table
from bcp.web import forms, refusals
from bcp.web.forms import messages
from bcp.web.posts import attempt
from bcp.web.runtime import runtime
from bcp.web.security import for_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@for_roles(Role.ADMIN)
def users():
    rt = runtime()
    return render_template(
        "admin/users.html",
        users=accounts.list_users(rt.unit_of_work()),
        organisations=accounts.list_organisations(rt.unit_of_work()),
        roles=[r.value for r in USER_ROLES],
    )


@bp.post("/users")
@for_roles(Role.ADMIN)
def add_user(ctx: Context):
    rt = runtime()

    def add():
        body = forms.new_user(request.form)
        accounts.add_user(
            rt.unit_of_work(),
            rt.clock,
            admin=ctx.actor,
            login=body.login,
            role=body.role,
            org_eori=body.org.upper() if body.org else None,
            display_name=body.display_name,
            email=body.email,
            password=body.password,
        )

    return _do("admin.users", add, _("User added."), "user-form")


@bp.post("/users/<int:user_id>")
@for_roles(Role.ADMIN)
def edit_user(ctx: Context, user_id: int):
    rt = runtime()

    def save():
        body = forms.user_update(request.form)
        accounts.update_user(
            rt.unit_of_work(),
            rt.clock,
            ctx.actor,
            user_id,
            role=body.role,
            org_eori=body.org.upper() if body.org else None,
            display_name=body.display_name,
            email=body.email,
        )

    return _do("admin.users", save, _("User saved."), f"user-{user_id}")


@bp.post("/users/<int:user_id>/active")
@for_roles(Role.ADMIN)
def set_active(ctx: Context, user_id: int):
    rt = runtime()
    active = request.form.get("active") == "1"
    return _do(
        "admin.users",
        lambda: accounts.set_user_active(rt.unit_of_work(), rt.clock, ctx.actor, user_id, active),
        _("User activated.") if active else _("User deactivated."),
    )


@bp.post("/users/<int:user_id>/password")
@for_roles(Role.ADMIN)
def set_password(ctx: Context, user_id: int):
    rt = runtime()
    password = request.form.get("password", "")
    return _do(
        "admin.users",
        lambda: accounts.set_password(rt.unit_of_work(), rt.clock, ctx.actor, user_id, password),
        _("Password set."),
        f"password-{user_id}",
    )


@bp.get("/organisations")
@for_roles(Role.ADMIN)
def organisations():
    rt = runtime()
    return render_template(
        "admin/organisations.html",
        organisations=accounts.list_organisations(rt.unit_of_work()),
        kinds=[k.value for k in OrganisationKind],
    )


@bp.post("/organisations")
@for_roles(Role.ADMIN)
def add_organisation(ctx: Context):
    rt = runtime()

    def add():
        body = forms.new_organisation(request.form)
        accounts.add_organisation(
            rt.unit_of_work(),
            rt.clock,
            admin=ctx.actor,
            name=body.name,
            kind=body.kind.value,
            eori=body.eori.upper(),
            siret=body.siret,
            provider_eori=body.provider.upper() if body.provider else None,
            stp_access=body.stp_access,
        )

    return _do("admin.organisations", add, _("Organisation added."), "organisation-form")


@bp.post("/organisations/<int:organisation_id>")
@for_roles(Role.ADMIN)
def edit_organisation(ctx: Context, organisation_id: int):
    rt = runtime()

    def save():
        body = forms.organisation_update(request.form)
        accounts.update_organisation(
            rt.unit_of_work(),
            rt.clock,
            ctx.actor,
            organisation_id,
            name=body.name,
            siret=body.siret,
            provider_eori=body.provider.upper() if body.provider else None,
            stp_access=body.stp_access,
        )

    return _do(
        "admin.organisations", save, _("Organisation saved."), f"organisation-{organisation_id}"
    )


@bp.get("/contacts")
@for_roles(Role.ADMIN)
def contacts():
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)
    return render_template(
        "admin/contacts.html", contacts=effective_contacts(rt.unit_of_work(), table), table=table
    )


@bp.post("/contacts/<key>")
@for_roles(Role.ADMIN)
def edit_contact(ctx: Context, key: str):
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)

    def save():
        body = forms.contact(request.form)
        update_contact(rt.unit_of_work(), rt.clock, table, ctx.actor, key, **body.details())

    return _do("admin.contacts", save, _("Contact saved."), f"contact-{key}")


@bp.get("/tokens")
@for_roles(Role.ADMIN)
def token_list():
    rt = runtime()
    return render_template(
        "account/tokens.html",
        tokens=accounts.list_tokens(rt.unit_of_work()),
        issued=None,
        everyone=True,
        revoke_endpoint="admin.revoke_token",
        now=rt.clock.now(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@for_roles(Role.ADMIN)
def revoke_token(ctx: Context, token_id: int):
    rt = runtime()
    return _do(
        "admin.token_list",
        lambda: accounts.revoke_token(rt.unit_of_work(), rt.clock, ctx.actor, token_id),
        _("Token revoked: it is refused from now on."),
    )


@bp.get("/audit")
@for_roles(Role.ADMIN)
def audit():
    rt = runtime()
    return render_template("admin/audit.html", events=accounts.audit_trail(rt.unit_of_work()))


@bp.route("/probes", methods=["GET", "POST"])
@for_roles(Role.ADMIN)
def probe_list(ctx: Context):
    rt = runtime()
    if request.method == "POST":

        def add():
            body = forms.probe(request.form)
            probes.add_probe(
                rt.unit_of_work(),
                rt.clock,
                ctx.actor,
                **body.model_dump(),
                destinations=rt.settings.destinations,
            )

        return _do("admin.probe_list", add, _("Probe added."), "probe-form")
    return render_template(
        "admin/probes.html",
        probes=probes.list_probes(rt.unit_of_work()),
        organisations=accounts.list_organisations(rt.unit_of_work()),
        components=list(COMPONENTS),
    )


@bp.route("/webhooks", methods=["GET", "POST"])
@for_roles(Role.ADMIN)
def webhook_list(ctx: Context):
    """Webhooks and failing deliveries. A new webhook's secret is shown on the answer to its
    creation (or rotation) and never again: the page is rendered, not redirected to."""
    rt = runtime()
    if request.method == "POST":
        try:
            body = forms.webhook(request.form)
            created = notifications.add_webhook(
                rt.unit_of_work(),
                rt.clock,
                ctx.actor,
                body.url,
                list(body.topics),
                body.organisation_id,
                destinations=rt.settings.destinations,
            )
        except DomainError as error:
            for message in messages(error):
                flash(message, "error")
            page = url_for("admin.webhook_list")
            refusals.keep("webhook-form", page, error, request.form)
            return redirect(f"{page}#webhook-form", 303)
        flash(_("Webhook added."), "success")
        return _webhooks_page(rt, created), 201
    return _webhooks_page(rt)


@bp.post("/webhooks/<int:webhook_id>/rotate")
@for_roles(Role.ADMIN)
def rotate_webhook(ctx: Context, webhook_id: int):
    rt = runtime()
    grace = timedelta(hours=rt.settings.webhook_secret_grace_hours)
    rotated = notifications.rotate_webhook_secret(
        rt.unit_of_work(), rt.clock, ctx.actor, webhook_id, grace
    )
    flash(
        _(
            "New secret issued; the old one still signs for %(hours)d hours.",
            hours=grace // timedelta(hours=1),
        ),
        "success",
    )
    return _webhooks_page(rt, rotated)


def _webhooks_page(rt, new_secret=None):
    return render_template(
        "admin/webhooks.html",
        webhooks=notifications.list_webhooks(rt.unit_of_work()),
        failed=notifications.failed_deliveries(rt.unit_of_work()),
        failed_outbox=notifications.failed_outbox_rows(rt.unit_of_work()),
        organisations=accounts.list_organisations(rt.unit_of_work()),
        topics=TOPICS,
        new_secret=new_secret,
    )


@bp.post("/deliveries/<int:delivery_id>/retry")
@for_roles(Role.ADMIN)
def retry_delivery(ctx: Context, delivery_id: int):
    rt = runtime()
    return _do(
        "admin.webhook_list",
        lambda: notifications.retry(rt.unit_of_work(), rt.clock, ctx.actor, delivery_id),
        _("The delivery will be tried again."),
    )


@bp.route("/certificates", methods=["GET", "POST"])
@for_roles(Role.ADMIN)
def certificate_list(ctx: Context):
    rt = runtime()
    if request.method == "POST":

        def record():
            body = forms.certificate(request.form)
            certificates.record_certificate(
                rt.unit_of_work(), rt.clock, ctx.actor, body.organisation_id, **body.details()
            )

        return _do("admin.certificate_list", record, _("Certificate recorded."), "certificate-form")
    organisations = accounts.list_organisations(rt.unit_of_work())
    return render_template(
        "admin/certificates.html",
        certificates=certificates.certificates_of(rt.unit_of_work()),
        organisations=organisations,
        names={o.id: o.name for o in organisations},
    )


@bp.route("/reflexes", methods=["GET", "POST"])
@for_roles(Role.ADMIN)
def reflex_versions(ctx: Context):
    rt = runtime()
    if request.method == "POST":
        return _do(
            "admin.reflex_versions",
            lambda: activate(ctx, request.form.get("version", ""), request.form.get("note", "")),
            _("Rules table activated: new incidents are decided with it."),
        )
    return render_template(
        "admin/reflexes.html",
        tables=[rt.library.tables[v] for v in sorted(rt.library.tables)],
        active=active_table(rt.unit_of_work(), rt.library).version,
    )


def _do(endpoint: str, work, success: str, form: str | None = None):
    """On the admin's page `endpoint`; a refused `form` comes back to it, errors beside its
    fields. A row gone meanwhile (a delivery retried by another admin) is said on the page, as
    any other refusal: the admin may see every row."""
    page = url_for(endpoint)
    try:
        return attempt(page + (f"#{form}" if form else ""), work, success, form=form)
    except NotFound as error:
        for message in messages(error):
            flash(message, "error")
        return redirect(page, 303)
