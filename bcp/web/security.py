"""Browser sessions (Flask-Login), CSRF on every form (Flask-WTF), cookies and security headers."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from bcp.domain.actors import Actor, Role
from bcp.domain.errors import invalid
from bcp.domain.messages import N_
from bcp.services.accounts import actor_for_session
from bcp.web.freshness import actor_reuse
from bcp.web.runtime import context_for, runtime

HSTS = "max-age=31536000; includeSubDomains"
"""In production, browsers come back over HTTPS only, for a year (behind the TLS proxy)."""

csrf = CSRFProtect()
login_manager = LoginManager()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class SessionUser(UserMixin):
    """The session holds "user id:epoch": raising the user's epoch (sign-out, password set,
    role or organisation changed, deactivated) ends every session opened before, including a
    copied cookie."""

    actor: Actor
    epoch: int

    def get_id(self) -> str:
        return f"{self.actor.user_id}:{self.epoch}"


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
    app.before_request(_refuse_nul)

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
def _load_user(session_id: str) -> SessionUser | None:
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and epoch.isascii() and epoch.isdigit()):
        return None
    if int(user_id) > 2**31 - 1 or int(epoch) > 2**31 - 1:
        return None
    reuse = actor_reuse()
    actor = actor_for_session(runtime().unit_of_work(), int(user_id), int(epoch), reuse)
    return SessionUser(actor, int(epoch)) if actor else None


def _refuse_nul():
    """No text we keep may hold the NUL character (PostgreSQL refuses it in text columns): a
    request that carries one in its path, query or form is refused whole, before any work."""
    fields = [("path", request.path), *((k, k + v) for k, v in request.args.items(multi=True))]
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields += [(k, k + v) for k, v in request.form.items(multi=True)]
        fields += [(k, f.filename or "") for k, f in request.files.items(multi=True)]
    field = next((name for name, value in fields if "\x00" in value), None)
    if field is None:
        return
    if request.path.startswith("/api/"):
        raise invalid(field, N_("the NUL character (\\u0000) is not accepted"))
    abort(400, _("The request holds a NUL character (\\0), which is never accepted."))


_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def _headers(response):
    """The security headers, and `Cache-Control: no-store` on what the app makes, unless the
    view set its own. What it set is read in one pass: werkzeug's `setdefault` asks for each
    header by raising and catching an exception when it is missing, as it mostly is."""
    headers = response.headers
    present = {name.lower() for name, _value in headers}
    wanted = [*_SECURITY_HEADERS]
    if runtime().settings.is_production:
        wanted.append(("Strict-Transport-Security", HSTS))
    if request.endpoint and not request.path.startswith("/static/"):
        wanted.append(("Cache-Control", "no-store"))
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
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


def for_roles(*roles: Role) -> Callable:
    """The roles a page is for (none named: anyone signed in). The others are sent to sign in,
    or refused with a page naming the roles, before the view runs; a view that names `ctx`
    receives the request's use-case context (bcp.services.context)."""

    def decorate(view: Callable) -> Callable:
        wants_context = "ctx" in inspect.signature(view).parameters

        @wraps(view)
        def guarded(**kwargs: Any):
            actor = require(*roles)
            if wants_context:
                kwargs["ctx"] = context_for(actor)
            return view(**kwargs)

        guarded.roles = roles  # type: ignore[attr-defined]
        return guarded

    return decorate
