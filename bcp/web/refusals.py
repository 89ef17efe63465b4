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

SESSION_KEY = "refused_form"
_BUDGET = 2500
"""Characters of typed text the refusal keeps: the session is a cookie, which a browser drops
past 4 KB (and the person with it). A text too long for it is not kept (a form with long texts,
the post-mortem's, is shown again at once instead: bcp.web.manager)."""
_NOT_KEPT = frozenset({"csrf_token", "password"})
"""Never written back into a page, nor into the session's cookie (signed, not encrypted)."""


@dataclass(frozen=True)
class Refused:
    """The errors by field name ("" for the form as a whole) and the values typed (a list for
    each field: boxes ticked under one name send several)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values[name][0] if self.values.get(name) else default

    def chosen(self, name: str, default=()) -> list[str]:
        """The values sent under `name` (boxes ticked), or `default` when the form was not
        refused."""
        return self.values.get(name, []) if self.values else list(default)


NOTHING = Refused()


def keep(form_id: str, page: str, error: DomainError, form: MultiDict) -> None:
    """For the next visit of `page` (a URL of this site; its path is compared)."""
    session[SESSION_KEY] = {
        "form": form_id,
        "path": urlsplit(page).path,
        "by_field": field_errors(error),
        "values": _within_budget(form),
    }


def _within_budget(form: MultiDict) -> dict[str, list[str]]:
    kept: dict[str, list[str]] = {}
    left = _BUDGET
    for name in form:
        values = form.getlist(name)
        size = sum(len(v) for v in values)
        if name not in _NOT_KEPT and size <= left:
            kept[name], left = values, left - size
    return kept


def refused(form_id: str) -> Refused:
    """The refusal of this form, if the last post was it; taken from the session once."""
    if "refused_form" not in g:
        g.refused_form = session.pop(SESSION_KEY, None)
    kept = g.refused_form
    if not kept or kept.get("form") != form_id or kept.get("path") != request.path:
        return NOTHING
    return Refused(kept.get("by_field") or {}, kept.get("values") or {})


def init(app: Flask) -> None:
    app.jinja_env.globals["refused"] = refused
