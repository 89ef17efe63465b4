"""Two workers of the same app, each reusing the status board (the admins' corrections of the
contacts, the rows of the desk's queue) it read a second ago: others see a change a moment
later; whoever made the change sees it at once, on either worker."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bcp.services.recent import Recent, RecentByKey
from bcp.web.app import create_app
from bcp.web.freshness import SESSION_KEY
from bcp.web.runtime import QUEUE_KEYS
from tests.web.conftest import Browser, Ticking
from tests.web.test_pages import declare
from tests.web.test_status import publish


@pytest.fixture
def workers(browser_app, settings, clock):
    """Worker A (the app of the other fixtures) and worker B, on the same database, each with a
    board kept ten seconds by its own clock."""
    other = create_app(settings=replace(settings), clock=clock)
    other.config["WTF_CSRF_ENABLED"] = False
    ticks = {}
    for name, app in (("a", browser_app), ("b", other)):
        ticks[name] = Ticking()
        app.extensions["bcp"].board_cache = Recent(10.0, ticks[name])
        app.extensions["bcp"].contacts_cache = Recent(10.0, ticks[name])
        app.extensions["bcp"].queue_cache = RecentByKey(10.0, ticks[name], size=QUEUE_KEYS)
    yield browser_app, other, ticks
    other.extensions["bcp"].dispose()


def session_of(app, browser: Browser) -> dict:
    cookie = browser.client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def on(app, browser: Browser) -> Browser:
    """The same person, with the same session cookie, answered by another worker."""
    moved = Browser(app, lang=browser.lang)
    cookie = browser.client.get_cookie("session")
    moved.client.set_cookie("session", cookie.value)
    return moved


def test_another_operator_sees_a_new_notice_once_the_workers_board_is_a_moment_old(workers, people):
    a, b, ticks = workers
    operator_on_b = Browser(b, people.other_carrier)
    assert "STI indisponible" not in operator_on_b.page("/status/")
    assert publish(Browser(a, people.desk)).status_code == 303
    assert "STI indisponible" not in operator_on_b.page("/status/")  # B's board, read before
    ticks["b"].now += 10.0
    assert "STI indisponible" in operator_on_b.page("/status/")


def test_whoever_published_sees_the_notice_at_once_on_every_worker(workers, people):
    a, b, _ = workers
    desk_on_a = Browser(a, people.desk)
    desk_on_b = on(b, desk_on_a)
    assert "STI indisponible" not in desk_on_b.page("/status/")  # B has read its board
    assert publish(desk_on_a).status_code == 303
    assert "STI indisponible" in desk_on_a.page("/status/")  # A forgot its board
    assert SESSION_KEY in session_of(a, desk_on_a)
    desk_on_b = on(b, desk_on_a)  # the browser's one cookie, as A set it
    assert "STI indisponible" in desk_on_b.page("/status/")  # the session says it changed
    assert "STI indisponible" in desk_on_b.page("/desk/")  # and every page's banner


def test_a_refused_change_changes_nothing_and_the_board_stays_reused(workers, people):
    a, b, _ = workers
    desk_on_a = Browser(a, people.desk)
    desk_on_b = on(b, desk_on_a)
    desk_on_b.page("/status/")
    assert publish(desk_on_a, title="").status_code == 422
    assert SESSION_KEY not in session_of(a, desk_on_a)
    assert "STI indisponible" not in desk_on_b.page("/status/")


def test_the_desks_programs_read_the_board_fresh_and_the_operators_a_moment_old(workers, people):
    a, b, _ = workers
    b_client = b.test_client()
    before = b_client.get("/api/v1/status", headers=people.carrier.auth).get_json()
    b_client.get("/api/v1/status", headers=people.desk.auth)
    assert publish(Browser(a, people.desk)).status_code == 303
    for_desk = b_client.get("/api/v1/status", headers=people.desk.auth).get_json()
    for_operator = b_client.get("/api/v1/status", headers=people.carrier.auth).get_json()
    assert len(for_desk["notices"]) == len(before["notices"]) + 1
    assert for_operator == before


def test_a_corrected_contact_shows_on_the_other_workers_incident_pages_a_moment_later(
    workers, people
):
    a, b, ticks = workers
    incident = f"/incidents/{declare(Browser(a, people.carrier), component='EO_SYSTEM')}"
    admin_on_a = Browser(a, people.admin)
    desk_on_b = Browser(b, people.desk)
    assert "sau-new@douane.example" not in desk_on_b.page(incident)  # B has read the contacts
    corrected = admin_on_a.post(
        "/admin/contacts/cid-sau",
        {"name_fr": "SAU", "name_en": "SAU", "email": "sau-new@douane.example", "phone": ""},
    )
    assert corrected.status_code == 303
    assert "sau-new@douane.example" in admin_on_a.page(incident)  # A forgot its contacts
    assert "sau-new@douane.example" in on(b, admin_on_a).page(incident)  # the session says so
    assert "sau-new@douane.example" not in desk_on_b.page(incident)  # B's, read before
    ticks["b"].now += 10.0
    assert "sau-new@douane.example" in desk_on_b.page(incident)


def test_a_new_declaration_shows_in_the_other_workers_queue_a_moment_later(workers, people):
    a, b, ticks = workers
    desk_on_b = Browser(b, people.desk)
    assert "data-incident=" not in desk_on_b.page("/desk/queue/rows")
    incident_id = declare(Browser(a, people.carrier))
    assert f'data-incident="{incident_id}"' in Browser(a, people.desk).page("/desk/")  # A forgot
    assert f'data-incident="{incident_id}"' not in desk_on_b.page("/desk/queue/rows")  # B's
    ticks["b"].now += 10.0
    assert f'data-incident="{incident_id}"' in desk_on_b.page("/desk/queue/rows")


def test_the_agent_who_acknowledged_sees_it_gone_from_the_queue_at_once_on_every_worker(
    workers, people
):
    a, b, _ = workers
    incident_id = declare(Browser(a, people.carrier))
    row = f'data-incident="{incident_id}"'
    agent_on_a, colleague_on_b = Browser(a, people.desk), Browser(b, people.desk)
    assert row in on(b, agent_on_a).page("/desk/queue/rows")  # B has read its rows
    assert row in colleague_on_b.page("/desk/")
    acknowledged = agent_on_a.post(
        f"/incidents/{incident_id}/transition", {"action": "acknowledge"}
    )
    assert acknowledged.status_code == 303
    assert row not in on(b, agent_on_a).page("/desk/queue/rows")  # the session says it changed
    assert row in colleague_on_b.page("/desk/queue/rows")  # B's rows, read a moment ago
