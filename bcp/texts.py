"""Texts bcp writes itself into a record, and times, in the reader's language: the same for a
page (bcp.web), a PDF (bcp.reports) and an e-mail (bcp.jobs.letters). Each function takes the
reader's `gettext`, Flask-Babel's for a request, the catalogue's for an e-mail.

A notice's update that the desk left blank gets a default text in French and English, because
operators of every member state read the board and its feeds (bcp.domain.notices). A reader
sees their half only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bcp.domain import notices
from bcp.domain.actors import SCHEDULER
from bcp.domain.clock import in_paris
from bcp.domain.messages import N_

Gettext = Callable[[str], str]

LANGUAGES = ("fr", "en")
"""The languages bcp speaks: its pages, PDFs and e-mails (French first, the desk's)."""

_NOTICE_ACTOR = re.compile(r"desk notice (\d+)")


def paris_time(moment: datetime | str | None) -> str:
    """Times are stored in UTC and shown in Europe/Paris with the zone in force then (CET in
    winter, CEST in summer): operators of every member state read them. A timeline's recorded
    change holds them as ISO 8601 text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return "" if moment is None else in_paris(moment).strftime("%d/%m/%Y %H:%M %Z")


_NOTICE_DEFAULTS = {
    notices.FALLBACK_ALLOWED: N_("The use of the fallback procedure is allowed."),
    notices.FALLBACK_ENDED: N_(
        "The fallback window has closed: the fallback procedure is no longer allowed."
    ),
    notices.RESTORED: N_("Service restored."),
    notices.OVERRAN: N_(
        "The maintenance has overrun its planned end: the outage is no longer planned."
    ),
}


def notice_text(text: str, gettext: Gettext) -> str:
    """The default texts of bcp.domain.notices in the reader's language; any other as typed
    (every note of a timeline passes here: it is looked up, not translated)."""
    default = _NOTICE_DEFAULTS.get(text)
    return text if default is None else gettext(default)


def actor_label(label: str, gettext: Gettext) -> str:
    """Who did it, as recorded: a person's name as typed; bcp's own actors (the scheduler, a
    desk notice that moved the incident on) in the reader's language."""
    if label == SCHEDULER.label:
        return gettext("bcp (scheduler)")
    notice = _NOTICE_ACTOR.fullmatch(label)
    if notice:
        return gettext("desk notice %(id)s") % {"id": notice.group(1)}
    return label
