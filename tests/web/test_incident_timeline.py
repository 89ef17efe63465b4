"""The incident page shows the last events of a long timeline, newest first, and all of them on
request; the report (tests/web/test_reports.py) always lists them all."""

from __future__ import annotations

import re

from bcp.services.context import Context
from bcp.services.incidents import declare_incident, record_work
from bcp.web import incidents as incident_pages
from tests.domain.conftest import facts
from tests.typed import as_declaration


def noted(uow, clock, library, people, notes: int) -> int:
    carrier = Context(uow, clock, library, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    for n in range(1, notes + 1):
        clock.advance(minutes=1)
        record_work(carrier, incident_id, note=f"point {n:02d}")
    return incident_id


def notes_shown(page: str) -> list[str]:
    timeline = page.split('id="timeline"', 1)[1]
    return re.findall(r"point \d\d", timeline)


def test_a_long_timeline_shows_its_last_events_and_offers_them_all(
    as_person, people, uow, clock, library, monkeypatch
):
    monkeypatch.setattr(incident_pages, "TIMELINE_SHOWN", 3)
    incident_id = noted(uow, clock, library, people, 8)
    desk = as_person(people.desk, "fr")
    page = desk.page(f"/incidents/{incident_id}")
    assert notes_shown(page) == ["point 08", "point 07", "point 06"]
    total = page.count('data-label="Quand"')
    assert total == 3
    assert "Les 3 derniers des" in page and "Voir les" in page
    assert f'href="/incidents/{incident_id}?timeline=all#timeline"' in page
    everything = desk.page(f"/incidents/{incident_id}?timeline=all")
    assert notes_shown(everything) == [f"point {n:02d}" for n in range(8, 0, -1)]
    assert "Voir les" not in everything


def test_a_short_timeline_is_shown_whole_without_a_link(as_person, people, uow, clock, library):
    incident_id = noted(uow, clock, library, people, 2)
    page = as_person(people.desk).page(f"/incidents/{incident_id}")
    assert notes_shown(page) == ["point 02", "point 01"]
    assert "timeline=all" not in page
