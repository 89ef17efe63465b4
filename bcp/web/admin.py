"""The admin's pages: users, organisations, contacts, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bcp.domain.actors import USER_ROLES, OrganisationKind, Role
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.errors import DomainError, invalid
from bcp.domain.notifications import TOPICS
from bcp.services import accounts, certificates, notifications, probes
from bcp.services.contacts import effective_contacts, update_contact
from bcp.services.reflexes import activate, active_table
from bcp.web.forms import form_id, form_int, messages
from bcp.web.runtime import runtime
from bcp.web.security import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def users():
    require(Role.ADMIN)
    rt = runtime()
    return render_template(
        "admin/users.html",
        users=accounts.list_users(rt.unit_of_work()),
        organisations=accounts.list_organisations(rt.unit_of_work()),
        roles=[r.value for r in USER_ROLES],
    )


@bp.post("/users")
def add_user():
    admin = require(Role.ADMIN)
    rt = runtime()
    form = request.form
    return _do(
        "admin.users",
        lambda: accounts.add_user(
            rt.unit_of_work(),
            rt.clock,
            admin=admin,
            login=form.get("login", "").strip(),
            role=form.get("role", ""),
            org_eori=form.get("org") or None,
            display_name=form.get("display_name") or None,
            email=form.get("email") or None,
            password=form.get("password") or None,
        ),
        _("User added."),
    )


@bp.post("/users/<int:user_id>")
def edit_user(user_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    form = request.form
    return _do(
        "admin.users",
        lambda: accounts.update_user(
            rt.unit_of_work(),
            rt.clock,
            admin,
            user_id,
            role=form.get("role", ""),
            org_eori=form.get("org") or None,
            display_name=form.get("display_name", ""),
            email=form.get("email") or None,
        ),
        _("User saved."),
    )


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    active = request.form.get("active") == "1"
    return _do(
        "admin.users",
        lambda: accounts.set_user_active(rt.unit_of_work(), rt.clock, admin, user_id, active),
        _("User activated.") if active else _("User deactivated."),
    )


@bp.post("/users/<int:user_id>/password")
def set_password(user_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    password = request.form.get("password", "")
    return _do(
        "admin.users",
        lambda: accounts.set_password(rt.unit_of_work(), rt.clock, admin, user_id, password),
        _("Password set."),
    )


@bp.get("/organisations")
def organisations():
    require(Role.ADMIN)
    rt = runtime()
    return render_template(
        "admin/organisations.html",
        organisations=accounts.list_organisations(rt.unit_of_work()),
        kinds=[k.value for k in OrganisationKind],
    )


@bp.post("/organisations")
def add_organisation():
    admin = require(Role.ADMIN)
    rt = runtime()
    form = request.form
    return _do(
        "admin.organisations",
        lambda: accounts.add_organisation(
            rt.unit_of_work(),
            rt.clock,
            admin=admin,
            name=form.get("name", ""),
            kind=form.get("kind", ""),
            eori=form.get("eori", ""),
            siret=form.get("siret") or None,
            provider_eori=form.get("provider") or None,
        ),
        _("Organisation added."),
    )


@bp.post("/organisations/<int:organisation_id>")
def edit_organisation(organisation_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    form = request.form
    return _do(
        "admin.organisations",
        lambda: accounts.update_organisation(
            rt.unit_of_work(),
            rt.clock,
            admin,
            organisation_id,
            name=form.get("name", ""),
            siret=form.get("siret") or None,
            provider_eori=form.get("provider") or None,
        ),
        _("Organisation saved."),
    )


@bp.get("/contacts")
def contacts():
    require(Role.ADMIN)
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)
    return render_template(
        "admin/contacts.html", contacts=effective_contacts(rt.unit_of_work(), table), table=table
    )


@bp.post("/contacts/<key>")
def edit_contact(key: str):
    admin = require(Role.ADMIN)
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)
    form = request.form
    return _do(
        "admin.contacts",
        lambda: update_contact(
            rt.unit_of_work(),
            rt.clock,
            table,
            admin,
            key,
            name_fr=form.get("name_fr", ""),
            name_en=form.get("name_en", ""),
            email=form.get("email", ""),
            phone=form.get("phone", ""),
        ),
        _("Contact saved."),
    )


@bp.get("/tokens")
def token_list():
    require(Role.ADMIN)
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
def revoke_token(token_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    return _do(
        "admin.token_list",
        lambda: accounts.revoke_token(rt.unit_of_work(), rt.clock, admin, token_id),
        _("Token revoked: it is refused from now on."),
    )


@bp.get("/audit")
def audit():
    require(Role.ADMIN)
    rt = runtime()
    return render_template("admin/audit.html", events=accounts.audit_trail(rt.unit_of_work()))


@bp.route("/probes", methods=["GET", "POST"])
def probe_list():
    admin = require(Role.ADMIN)
    rt = runtime()
    if request.method == "POST":
        form = request.form
        return _do(
            "admin.probe_list",
            lambda: probes.add_probe(
                rt.unit_of_work(),
                rt.clock,
                admin,
                name=form.get("name", ""),
                component=form.get("component", ""),
                url=form.get("url", "").strip(),
                organisation_id=form_id(form, "organisation_id"),
                method=form.get("method", "GET"),
                expected_status=form_int(form, "expected_status", default=200, high=999),
                expected_text=form.get("expected_text") or None,
                timeout_seconds=_float(form.get("timeout_seconds"), 5.0),
                interval_seconds=form_int(form, "interval_seconds", default=60),
                failures_to_down=form_int(form, "failures_to_down", default=3),
                successes_to_up=form_int(form, "successes_to_up", default=2),
                destinations=rt.settings.destinations,
            ),
            _("Probe added."),
        )
    return render_template(
        "admin/probes.html",
        probes=probes.list_probes(rt.unit_of_work()),
        organisations=accounts.list_organisations(rt.unit_of_work()),
        components=list(COMPONENTS),
    )


@bp.route("/webhooks", methods=["GET", "POST"])
def webhook_list():
    """Webhooks and failing deliveries. A new webhook's secret is shown on the answer to its
    creation (or rotation) and never again: the page is rendered, not redirected to."""
    admin = require(Role.ADMIN)
    rt = runtime()
    if request.method == "POST":
        form = request.form
        try:
            created = notifications.add_webhook(
                rt.unit_of_work(),
                rt.clock,
                admin,
                form.get("url", "").strip(),
                form.getlist("topics"),
                form_id(form, "organisation_id"),
                destinations=rt.settings.destinations,
            )
        except DomainError as error:
            for message in messages(error):
                flash(message, "error")
            return redirect(url_for("admin.webhook_list"), 303)
        flash(_("Webhook added."), "success")
        return _webhooks_page(rt, created), 201
    return _webhooks_page(rt)


@bp.post("/webhooks/<int:webhook_id>/rotate")
def rotate_webhook(webhook_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    grace = timedelta(hours=rt.settings.webhook_secret_grace_hours)
    rotated = notifications.rotate_webhook_secret(
        rt.unit_of_work(), rt.clock, admin, webhook_id, grace
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
def retry_delivery(delivery_id: int):
    admin = require(Role.ADMIN)
    rt = runtime()
    return _do(
        "admin.webhook_list",
        lambda: notifications.retry(rt.unit_of_work(), rt.clock, admin, delivery_id),
        _("The delivery will be tried again."),
    )


@bp.route("/certificates", methods=["GET", "POST"])
def certificate_list():
    admin = require(Role.ADMIN)
    rt = runtime()
    if request.method == "POST":
        form = request.form

        def record():
            certificates.record_certificate(
                rt.unit_of_work(),
                rt.clock,
                admin,
                form_id(form, "organisation_id") or 0,
                label=form.get("label", ""),
                valid_from=_date(form.get("valid_from"), "valid_from"),
                valid_until=_date(form.get("valid_until"), "valid_until"),
                process=form_int(form, "process", default=0),
                status=form.get("status", "active"),
            )

        return _do("admin.certificate_list", record, _("Certificate recorded."))
    organisations = accounts.list_organisations(rt.unit_of_work())
    return render_template(
        "admin/certificates.html",
        certificates=certificates.certificates_of(rt.unit_of_work()),
        organisations=organisations,
        names={o.id: o.name for o in organisations},
    )


@bp.route("/reflexes", methods=["GET", "POST"])
def reflex_versions():
    admin = require(Role.ADMIN)
    rt = runtime()
    if request.method == "POST":
        return _do(
            "admin.reflex_versions",
            lambda: activate(
                rt.unit_of_work(),
                rt.clock,
                rt.library,
                admin,
                request.form.get("version", ""),
                request.form.get("note", ""),
            ),
            _("Rules table activated: new incidents are decided with it."),
        )
    return render_template(
        "admin/reflexes.html",
        tables=[rt.library.tables[v] for v in sorted(rt.library.tables)],
        active=active_table(rt.unit_of_work(), rt.library).version,
    )


def _float(value: str | None, default: float) -> float:
    try:
        number = float(value) if value else default
    except ValueError:
        return -1.0  # refused by the service with its message
    return number if number == number else -1.0  # NaN is no duration


def _date(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise invalid(name, "a date, e.g. 2027-03-31") from None


def _do(endpoint: str, work, success: str):
    try:
        work()
    except DomainError as error:
        for message in messages(error):
            flash(message, "error")
    else:
        flash(success, "success")
    return redirect(url_for(endpoint), 303)
