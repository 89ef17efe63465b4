"""Texts bcp writes itself into a record, shown in the reader's language.

A notice's update that the desk left blank gets a default text in French and English, because
operators of every member state read the board and its feeds (bcp.domain.notices). A page shows
the reader's half only."""

from __future__ import annotations

from flask_babel import gettext

from bcp.domain import notices


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
