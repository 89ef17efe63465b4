"""What every page knows: who is signed in, the language, and the outages for everyone."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from bcp.domain.actors import Role
from bcp.domain.catalogue import Scope
from bcp.domain.lifecycle import State
from bcp.services.incidents import list_incidents
from bcp.services.notices import notices_in_force
from bcp.store.incidents import IncidentFilter
from bcp.web.runtime import context_for, runtime

_ONGOING = (State.DECLARED, State.ACKNOWLEDGED, State.FALLBACK_ACTIVE)
_EVERYONE = tuple(s for s in Scope if s.concerns_everyone)


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
    rt = runtime()
    return {
        "banner": _banner(),
        "notice_banner": notices_in_force(rt.unit_of_work(), rt.clock),
        "banner_now": rt.clock.now(),
    }


def _banner():
    """Outages the desk declared for everyone, shown on every page until they are recovered."""
    views = list_incidents(
        context_for(current_user.actor), IncidentFilter(states=_ONGOING, scopes=_EVERYONE, limit=50)
    )
    return [v for v in views if v.incident.concerns_everyone]
