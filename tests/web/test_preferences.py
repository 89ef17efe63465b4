"""A person's choices follow them from one browser to the next: the language of their pages
(and of their e-mails), and the desk queue's sound, off until they turn it on."""

from __future__ import annotations

from bcp.services.preferences import preferences_of
from tests.web.conftest import Browser


def test_the_language_chosen_is_kept_for_the_person_and_their_next_sign_in(
    as_person, people, browser_app, uow
):
    carrier = as_person(people.carrier, "en")
    assert preferences_of(uow, people.carrier.actor).language is None
    carrier.post("/language", {"lang": "fr", "next": "/operator/"})
    assert preferences_of(uow, people.carrier.actor).language == "fr"
    elsewhere = Browser(browser_app, people.carrier, "en")  # another browser, in English
    assert '<html lang="fr"' in elsewhere.page("/operator/")


def test_a_language_chosen_before_signing_in_survives_the_sign_in(people, browser_app):
    browser = Browser(browser_app, None, "fr")
    browser.post("/language", {"lang": "en"})
    browser.sign_in(people.carrier.login)
    assert '<html lang="en"' in browser.page("/operator/")


def sound_on(page: str) -> bool:
    """Whether the queue's sound checkbox is ticked as the page is served."""
    field = page.split('id="queue-sound"', 1)[1].split(">", 1)[0]
    return " checked" in field


def test_the_queue_sound_is_off_until_the_agent_turns_it_on_then_kept(
    as_person, people, browser_app
):
    desk = as_person(people.desk)
    assert not sound_on(desk.page("/desk/"))
    assert desk.post("/desk/queue/sound", {"on": "1"}).status_code == 204
    again = Browser(browser_app, people.desk)  # another browser
    assert sound_on(again.page("/desk/"))
    assert desk.post("/desk/queue/sound", {"on": "0"}).status_code == 204
    assert not sound_on(again.page("/desk/"))


def test_only_the_desk_keeps_a_queue_sound(as_person, people):
    assert as_person(people.carrier).post("/desk/queue/sound", {"on": "1"}).status_code == 403
