"""Rate limits (Flask-Limiter): sign-in attempts per client address, API requests per token.

Failed sign-ins are also counted per login *and* address in the audit trail (services/sign_in):
someone guessing a password from one place is stopped there, and the rightful user signing in
from elsewhere is not locked out. The counters live in `[limits] storage_uri` (memory:// keeps
them per process; a shared store such as redis:// makes them exact across workers).
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from bcp.settings import Settings


def token_or_address() -> str:
    """The API token (its digest: the counters never hold a token), else the client address."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + (get_remote_address() or "")


def init(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.limits_storage_uri,
        headers_enabled=False,  # Retry-After is set on the 429 alone (bcp.web.errors)
        key_prefix="bcp",
    )
    sign_in = app.view_functions["auth.sign_in"]
    app.view_functions["auth.sign_in"] = limiter.limit(
        settings.sign_in_attempts_per_address,
        methods=["POST"],
        error_message=lambda: _("Too many sign-in attempts from your address: wait a minute."),
    )(sign_in)
    limiter.limit(
        settings.api_requests_per_token,
        key_func=token_or_address,
        error_message=lambda: _("Too many requests with this token: slow down and try again."),
    )(app.blueprints["api"])
    return limiter


def retry_after(error) -> int | None:
    """Seconds until a refused request may come again (a RateLimitExceeded's window)."""
    limit = getattr(error, "limit", None)
    item = getattr(limit, "limit", None)
    return int(item.get_expiry()) if item is not None else None
