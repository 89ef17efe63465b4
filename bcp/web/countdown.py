"""How long until a deadline, as a page says it before its script takes over (bcp/static/js/
countdown.js says the same every 30 seconds)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from bcp.web.runtime import runtime


def countdown(deadline: datetime | None, now: datetime | None = None) -> str:
    if deadline is None:
        return ""
    now = now or runtime().clock.now()
    seconds = int((deadline - now).total_seconds())
    span = _span(abs(seconds))
    return _("in %(span)s", span=span) if seconds >= 0 else _("late by %(span)s", span=span)


def _span(seconds: int) -> str:
    minutes = seconds // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h", days=days, hours=hours)
    if hours:
        return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    return _("%(minutes)s min", minutes=minutes)
