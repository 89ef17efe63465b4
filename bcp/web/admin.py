"""The admin's pages: users, organisations, contacts, and the audit trail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bcp.domain.actors import USER_ROLES, OrganisationKind, Role
from bcp.domain.errors import DomainError
from bcp.services import accounts
from bcp.services.contacts import effective_contacts, update_contact
from bcp.services.reflexes import active_table
from bcp.web.forms import messages
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


@bp.get("/audit")
def audit():
    require(Role.ADMIN)
    rt = runtime()
    return render_template("admin/audit.html", events=accounts.audit_trail(rt.unit_of_work()))


def _do(endpoint: str, work, success: str):
    try:
        work()
    except DomainError as error:
        for message in messages(error):
            flash(message, "error")
    else:
        flash(success, "success")
    return redirect(url_for(endpoint), 303)
