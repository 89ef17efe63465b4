"""Texts bcp writes itself into a record, and times, in the reader's language: the same for a
page (bcp.web), a PDF (bcp.reports) and an e-mail (bcp.jobs.letters). Each function takes the
reader's `gettext`, Flask-Babel's for a request, the catalogue's for an e-mail.

A notice's update that the desk left blank gets a default text in French and English, because
operators of every member state read the board and its feeds (bcp.domain.notices). A reader
sees their half only."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from bcp import vocabulary
from bcp.domain import notices
from bcp.domain.actors import SCHEDULER
from bcp.domain.clock import in_paris
from bcp.domain.messages import N_

Gettext = Callable[[str], str]
Titles = Mapping[str, Callable[[str], str]]
"""A procedure's and its steps' titles by id, each in a language (bcp.domain.reflexes.model)."""


class Recorded(Protocol):
    """An event of a timeline as these texts read it: bcp.domain.timeline.TimelineEvent, or
    what an e-mail's message carries of one (bcp.jobs.letters)."""

    @property
    def kind(self) -> Any: ...  # an EventKind, or its value
    @property
    def changes(self) -> Mapping[str, Any]: ...
    @property
    def note(self) -> str: ...


LANGUAGES = ("fr", "en")
"""The languages bcp speaks: its pages, PDFs and e-mails (French first, the desk's)."""

_NOTICE_ACTOR = re.compile(r"desk notice (\d+)")


def paris_time(moment: datetime | str | None) -> str:
    """Times are stored in UTC and shown in Europe/Paris with the zone in force then (CET in
    winter, CEST in summer): operators of every member state read them. A timeline's recorded
    change holds them as ISO 8601 text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is None:
        return ""
    # what strftime("%d/%m/%Y %H:%M %Z") writes, for three quarters of its cost (2.8 against
    # 3.6 µs): an incident page shows some forty of these
    p = in_paris(moment)
    return f"{p.day:02d}/{p.month:02d}/{p.year:04d} {p.hour:02d}:{p.minute:02d} {p.tzname()}"


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


def one_line(text: str) -> str:
    """Text on one line: its runs of white space, line breaks among them, as one space. The
    long lists of the PDFs set five items to a paragraph, one a line (`white-space: pre-line`):
    a note typed on several lines must not break its item's line."""
    return type(text)(" ".join(text.split()))


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


def event_what(event: Recorded, titles: Titles, lang: str, gettext: Gettext) -> str:
    """What an event of the timeline did, on one line: its kind, then the step, procedure,
    reference, referral or notice it names ("step done · Call the SAU", "R2 DNL · cargo not
    loaded"). A page's timeline and the PDF report's say the same."""
    changes = event.changes
    kind = getattr(event.kind, "value", event.kind)
    said = [gettext(vocabulary.EVENT_KIND.get(kind, kind))]

    def titled(id_: str) -> str:
        title = titles.get(id_)
        return title(lang) if title is not None else id_

    if changes.get("step"):
        said.append(" · " + titled(changes["step"]))
    if changes.get("procedure"):
        said.append(" → " + titled(changes["procedure"]))
    if changes.get("reference"):
        said.append(f" · {changes['reference']}")
    if changes.get("referral"):
        said.append(f" · R{changes['referral']} {str(changes.get('kind', '')).upper()}")
        if changes.get("outcome"):
            said.append(" · " + gettext(vocabulary.OUTCOME[changes["outcome"]]))
    if changes.get("notice"):
        said.append(f" · {gettext('notice')} {changes['notice']}")
    return "".join(said)


def event_note(event: Recorded, gettext: Gettext) -> str:
    """An event's note: as typed, or what bcp said of it in the reader's language (a desk
    notice's doing, the scheduler's alerts with the figures they record: bcp.domain.watch)."""
    changes = event.changes
    kind = getattr(event.kind, "value", event.kind)
    said = changes.get("said")
    if said == "notice_closed":
        return gettext("service restored: desk notice %(notice)s closed") % changes
    if said == "notice_announced":
        return gettext("the desk announced this outage in notice %(notice)s") % changes
    if said == "notice_fallback":
        return gettext("fallback allowed by desk notice %(notice)s") % changes
    if said == "activation_ended":
        return gettext("the continuity plan's activation ended (desk notice %(notice)s)") % changes
    if said == "declared_by_desk":
        return gettext("declared by the customs desk")
    if kind in ("step_reminder", "step_overdue") and changes.get("due_at"):
        return gettext("due at %(when)s") % {"when": paris_time(changes["due_at"])}
    if kind == "escalated" and changes.get("waited_minutes") is not None:
        return gettext("not acknowledged after %(minutes)s min (target %(target)s min)") % _waited(
            changes
        )
    if kind == "referral_escalated" and changes.get("waited_minutes") is not None:
        return gettext(
            "not confirmed by the carrier after %(minutes)s min (target %(target)s min)"
        ) % _waited(changes)
    if kind == "follow_up_reminder" and changes.get("count"):
        return gettext("still to do after recovery (reminder %(count)s)") % changes
    return notice_text(event.note, gettext)


def _waited(changes: Mapping[str, object]) -> dict[str, object]:
    return {"minutes": changes["waited_minutes"], "target": changes.get("target_minutes")}
