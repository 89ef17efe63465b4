"""The pages polled all day while ICS2 is down (the status board, a notice's page, the
dashboard) are rendered once per session and what they show, and served again as they are."""

from __future__ import annotations

import re

import pytest
from flask import template_rendered

from tests.web.test_status import publish


@pytest.fixture
def renders(browser_app):
    seen: list[str] = []

    def note(_app, template, context):
        seen.append(template.name)

    template_rendered.connect(note, browser_app)
    yield seen
    template_rendered.disconnect(note, browser_app)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_board_reloaded_without_its_etag_is_served_again_without_a_render(
    as_person, people, clock, renders
):
    operator = as_person(people.carrier)
    first = operator.page("/status/")
    again = operator.page("/status/")
    assert again == first and renders.count("status/board.html") == 1
    # what shows something else is rendered: the board changed, the minute, the language
    publish(as_person(people.desk), fallback_allowed="on")
    changed = operator.page("/status/")
    assert "STI indisponible" in changed and renders.count("status/board.html") == 2
    clock.advance(minutes=1)
    operator.page("/status/")
    assert renders.count("status/board.html") == 3
    operator.lang = "fr"
    assert 'lang="fr"' in operator.page("/status/")
    assert renders.count("status/board.html") == 4


def test_a_page_is_never_served_to_another_session_than_its_own(
    browser_app, as_person, people, renders
):
    """Its forms carry the session's CSRF secret: another session, even of the same person,
    gets a page of its own, whose forms it may send."""
    first, second = as_person(people.carrier), as_person(people.carrier)
    mine, theirs = first.page("/status/"), second.page("/status/")
    assert renders.count("status/board.html") == 2 and csrf_of(mine) != csrf_of(theirs)
    browser_app.config["WTF_CSRF_ENABLED"] = True
    try:
        again = second.page("/status/")
        assert renders.count("status/board.html") == 2  # the second session's own, kept
        sent = second.post("/language", {"lang": "fr", "next": "/status/", **token(again)})
        assert sent.status_code == 302 and 'lang="fr"' in second.page("/status/")
        foreign = first.post("/language", {"lang": "fr", "next": "/status/", **token(theirs)})
        refused = first.page("/status/")
        assert foreign.status_code == 303 and "nothing was saved" in refused
        assert 'lang="en"' in refused
    finally:
        browser_app.config["WTF_CSRF_ENABLED"] = False


def token(page: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(page)}


def test_a_message_waiting_to_be_shown_is_rendered_and_not_kept(as_person, people, renders):
    desk = as_person(people.desk)
    notice_page = publish(desk).headers["Location"]  # "Notice published." waits to be shown
    shown = desk.page(notice_page)
    assert "flash success" in shown
    after = desk.page(notice_page)
    assert "flash success" not in after and renders.count("status/notice.html") == 2
    assert desk.page(notice_page) == after and renders.count("status/notice.html") == 2


def test_the_dashboard_is_rendered_once_per_computation_and_banner(as_person, people, renders):
    manager = as_person(people.manager)
    first = manager.page("/manager/")
    assert manager.page("/manager/") == first
    assert renders.count("manager/dashboard.html") == 1
    publish(as_person(people.desk), fallback_allowed="on")  # a banner on every page
    assert "STI indisponible" in manager.page("/manager/")
    assert renders.count("manager/dashboard.html") == 2
