"""How long until a deadline, as a page says it before its script takes over (bcp/static/js/
countdown.js says the same every 30 seconds)."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from bcp.web.i18n import page_gettext as _
from bcp.web.runtime import runtime


class Countdown:
    """ "in 1 h 20 min", "late by 5 min": the words translated once per page, not per line (a
    list may hold a thousand consignments), and only by a page that shows a deadline (a closed
    incident's shows none). Flask-Babel's own `gettext` walks its context at every call: the
    five words cost a fortieth of an incident page (docs/performance.md, issue 18's fifteenth
    round)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or runtime().clock.now()

    @cached_property
    def words(self) -> dict[str, str]:
        return {
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
        words = self.words
        span = words[unit] % values
        return words["in" if seconds >= 0 else "late"] % {"span": span}
