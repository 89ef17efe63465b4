"""How long until a deadline, as a page says it before its script takes over (bcp/static/js/
countdown.js says the same every 30 seconds)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from bcp.web.runtime import runtime


class Countdown:
    """ "in 1 h 20 min", "late by 5 min": the words translated once per page, not per line (a
    list may hold a thousand consignments)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or runtime().clock.now()
        self.words = {
            "in": _("in %(span)s"),
            "late": _("late by %(span)s"),
            "days": _("%(days)s d %(hours)s h"),
            "hours": _("%(hours)s h %(minutes)s min"),
            "minutes": _("%(minutes)s min"),
        }

    def __call__(self, deadline: datetime | None) -> str:
        if deadline is None:
            return ""
        seconds = int((deadline - self.now).total_seconds())
        days, rest = divmod(abs(seconds) // 60, 24 * 60)
        hours, minutes = divmod(rest, 60)
        values = {"days": days, "hours": hours, "minutes": minutes}
        unit = "days" if days else "hours" if hours else "minutes"
        span = self.words[unit] % values
        return self.words["in" if seconds >= 0 else "late"] % {"span": span}
