"""Browser sessions (Flask-Login), CSRF on every form (Flask-WTF), cookies and security headers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from bcp.domain.actors import Actor, Role
from bcp.services.accounts import actor_for_user_id
from bcp.web.runtime import runtime

csrf = CSRFProtect()
login_manager = LoginManager()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class SessionUser(UserMixin):
    actor: Actor

    def get_id(self) -> str:
        return str(self.actor.user_id)


def init(app: Flask) -> None:
    production = runtime_settings(app).is_production
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=production,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=11 * 1024 * 1024,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    app.after_request(_headers)

    @app.errorhandler(CSRFError)
    def on_csrf_error(error):
        flash(
            _("The form had expired or was sent from elsewhere: nothing was saved. Try again."),
            "error",
        )
        return redirect(request.referrer or url_for("home.index")), 303


def runtime_settings(app: Flask):
    return app.extensions["bcp"].settings


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    if not user_id.isdigit():
        return None
    actor = actor_for_user_id(runtime().unit_of_work(), int(user_id))
    return SessionUser(actor) if actor else None


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint and not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def actor() -> Actor:
    """The signed-in person; views call it only behind `require`."""
    return current_user.actor


def require(*roles: Role):
    """Refuse (with a clear page) anyone not signed in, or without one of `roles`."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.sign_in", next=request.full_path)))
    if roles and current_user.actor.role not in roles:
        abort(403, _("This page is for: %(roles)s.", roles=", ".join(r.value for r in roles)))
    return current_user.actor
