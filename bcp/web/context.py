"""What every page knows: who is signed in, the language, and the outages announced for everyone."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from bcp.domain.actors import Role
from bcp.services.notices import notices_in_force
from bcp.web.freshness import board_reuse
from bcp.web.runtime import runtime


def register(app: Flask) -> None:
    @app.context_processor
    def page_context() -> dict:
        if not has_request_context():
            return {}  # documents rendered from the command line
        signed_in = current_user.is_authenticated
        return {
            "me": current_user.actor if signed_in else None,
            "Role": Role,
            "lang": str(get_locale() or "fr"),
            **(_banners() if signed_in and not request.path.startswith("/api/") else {}),
        }


def _banners() -> dict:
    """The administration's outages under way (their notices), on every page."""
    rt = runtime()
    return {
        "notice_banner": notices_in_force(rt.unit_of_work(), rt.clock, board_reuse()),
        "banner_now": rt.clock.now(),
    }
