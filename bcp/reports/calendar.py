"""The iCalendar feed of scheduled unavailabilities (RFC 5545), for operators' calendars.

Each notice published as scheduled maintenance is one event, identified by the notice so that a
calendar that polls the feed again updates it in place: its SEQUENCE counts the notice's updates,
a moved expected end moves DTEND, and an overrun or a closure says so in its status and text."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from bcp.domain.notices import Notice


def maintenance_calendar(notices: list[Notice], now: datetime, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//bcp//ICS2 continuity desk//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ICS2 – maintenance programmée / scheduled maintenance")
    for notice in notices:
        calendar.add_component(_event(notice, now, host))
    return calendar.to_ical()


def _event(notice: Notice, now: datetime, host: str) -> Event:
    event = Event()
    components = ", ".join(notice.components)
    overran = not notice.scheduled
    event.add("uid", f"notice-{notice.id}@{host}")
    event.add("dtstamp", now)
    event.add("created", notice.published_at)
    event.add("last-modified", notice.updates[-1].at if notice.updates else notice.published_at)
    event.add("sequence", len(notice.updates))
    event.add("dtstart", notice.starts_at)
    end = notice.closed_at or notice.expected_end
    if end is not None and end > notice.starts_at:
        event.add("dtend", end)
    event.add("summary", f"ICS2 {components} – {notice.title}")
    lines = [
        f"Composants / components: {components}",
        "Maintenance programmée / scheduled maintenance",
    ]
    if overran:
        lines.append("Dépassement : indisponibilité non programmée / overran: now unscheduled")
    if notice.window_open or notice.windows:
        lines.append("Procédure de secours autorisée / fallback allowed")
    if notice.messages:
        lines.append(f"Messages : {notice.messages}")
    if notice.updates:
        lines.append(notice.updates[-1].text)
    event.add("description", "\n".join(lines))
    event.add("categories", ["ICS2", *notice.components])
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event
