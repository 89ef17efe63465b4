"""A refused form, shown again after the redirect that follows every post: each error beside
its field and what the person typed, once, on the page the form is on.

The post redirects (so that a reload never sends it twice); the refusal waits in the session
for the next page, which reads it with `refused(form_id)` in its template."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, g, request, session
from werkzeug.datastructures import MultiDict

from bcp.domain.errors import DomainError
from bcp.web.forms import field_errors

_KEY = "refused_form"
_MAX_VALUE = 5000  # what is kept of a typed text: a session cookie is small


@dataclass(frozen=True)
class Refused:
    """The errors by field name ("" for the form as a whole) and the values typed."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


NOTHING = Refused()


def keep(form_id: str, page: str, error: DomainError, form: MultiDict) -> None:
    """For the next visit of `page` (a URL of this site; its path is compared)."""
    session[_KEY] = {
        "form": form_id,
        "path": urlsplit(page).path,
        "by_field": field_errors(error),
        "values": {
            name: value[:_MAX_VALUE] for name, value in form.items() if name != "csrf_token"
        },
    }


def refused(form_id: str) -> Refused:
    """The refusal of this form, if the last post was it; taken from the session once."""
    if "refused_form" not in g:
        g.refused_form = session.pop(_KEY, None)
    kept = g.refused_form
    if not kept or kept.get("form") != form_id or kept.get("path") != request.path:
        return NOTHING
    return Refused(kept.get("by_field") or {}, kept.get("values") or {})


def init(app: Flask) -> None:
    app.jinja_env.globals["refused"] = refused
