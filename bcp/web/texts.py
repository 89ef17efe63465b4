"""Texts bcp writes itself into a record, shown in the reader's language.

A notice's update that the desk left blank gets a default text in French and English, because
operators of every member state read the board and its feeds (bcp.domain.notices). A page shows
the reader's half only."""

from __future__ import annotations

import re

from flask_babel import gettext

from bcp.domain import notices
from bcp.domain.actors import SCHEDULER

_NOTICE_ACTOR = re.compile(r"desk notice (\d+)")


def notice_text(text: str) -> str:
    """The default texts of bcp.domain.notices in the page's language; any other text as typed."""
    defaults = {
        notices.FALLBACK_ALLOWED: gettext("The use of the fallback procedure is allowed."),
        notices.FALLBACK_ENDED: gettext(
            "The fallback window has closed: the fallback procedure is no longer allowed."
        ),
        notices.RESTORED: gettext("Service restored."),
        notices.OVERRAN: gettext(
            "The maintenance has overrun its planned end: the outage is no longer planned."
        ),
    }
    return defaults.get(text, text)


def actor_label(label: str) -> str:
    """Who did it, as recorded: a person's name as typed; bcp's own actors (the scheduler, a
    desk notice that moved the incident on) in the page's language."""
    if label == SCHEDULER.label:
        return gettext("bcp (scheduler)")
    notice = _NOTICE_ACTOR.fullmatch(label)
    if notice:
        return gettext("desk notice %(id)s", id=notice.group(1))
    return label
