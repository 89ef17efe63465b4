"""Signing in and out, and choosing the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from bcp.domain.actors import Role
from bcp.services import preferences
from bcp.services.accounts import sign_out_everywhere
from bcp.services.demo import DEMO_PASSWORDS
from bcp.services.sign_in import TooManyAttempts, authenticate
from bcp.texts import LANGUAGES
from bcp.web.runtime import runtime
from bcp.web.security import SessionUser

bp = Blueprint("auth", __name__)

HOMES = {
    Role.OPERATOR: "operator.home",
    Role.DESK: "desk.queue",
    Role.MANAGER: "manager.dashboard",
    Role.ADMIN: "admin.users",
}


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render_template("auth/sign_in.html", login="")
    login = request.form.get("login", "")
    password = request.form.get("password", "")
    rt = runtime()
    try:
        signed_in = authenticate(
            rt.unit_of_work(),
            rt.clock,
            login,
            password,
            request.remote_addr,
            max_failures=rt.settings.sign_in_failures_per_login_and_address,
            refused_passwords=DEMO_PASSWORDS if rt.settings.is_production else frozenset(),
        )
    except TooManyAttempts:
        flash(
            _(
                "Too many failed sign-ins for this login from this address: wait 15 minutes, "
                "or ask an admin."
            ),
            "error",
        )
        response = make_response(render_template("auth/sign_in.html", login=login), 429)
        response.headers["Retry-After"] = str(15 * 60)
        return response
    if signed_in is None:
        flash(_("Wrong login or password."), "error")
        return render_template("auth/sign_in.html", login=login), 401
    chosen = signed_in.language or session.get("lang")
    session.clear()
    if chosen in LANGUAGES:
        session["lang"] = chosen
    login_user(SessionUser(signed_in.actor, signed_in.session_epoch))
    home = url_for(HOMES[signed_in.actor.role])
    return redirect(_safe_next(request.args.get("next")) or home)


@bp.post("/sign-out")
def sign_out():
    """Signing out ends the person's sessions everywhere, copied cookies included."""
    if current_user.is_authenticated:
        rt = runtime()
        sign_out_everywhere(rt.unit_of_work(), rt.clock, current_user.actor)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.sign_in"))


@bp.post("/language")
def language():
    """The language of the pages, kept for the person too (their e-mails follow it)."""
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            rt = runtime()
            preferences.choose_language(rt.unit_of_work(), current_user.actor, lang)
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
