"""The desk's queue on an outage's day, in a real browser: more incidents waiting and in progress
than one page lists, in French on a phone and in English at a desktop. The page says how many are
shown and offers them all, passes axe-core, fits the width, leaves nothing in English, and an
agent acknowledges one row of it with its own button.

The page's length is made small (ON_PAGE, two rows) rather than the incidents many: the lines
and links checked are the same for 3 incidents over 2 as for 500 over 50."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from tests.domain.conftest import facts
from tests.e2e.checks import assert_accessible, assert_fits, untranslated
from tests.e2e.test_journey import sign_in
from tests.typed import as_declaration
from tests.web.test_desk_queue import OUTAGE_DAY_IN_PROGRESS, OUTAGE_DAY_WAITING

WORDS = {
    "fr": {
        "oldest": "Les 2 plus anciens sont affichés.",
        "every waiting": "Afficher tous les incidents en attente",
        "latest": "Les 2 plus récents sont affichés.",
        "every in progress": "Afficher tous les incidents en cours",
        "acknowledge": "Prendre en compte",
    },
    "en": {
        "oldest": "The 2 oldest are shown.",
        "every waiting": "Show every incident waiting",
        "latest": "The 2 latest are shown.",
        "every in progress": "Show every incident in progress",
        "acknowledge": "Acknowledge",
    },
}


@pytest.fixture
def outage_day(uow, clock, library, people, monkeypatch):
    """Three incidents in progress and three waiting for the desk, two of each on a page (as in
    tests/web/test_desk_queue.py)."""
    monkeypatch.setattr("bcp.web.desk.ON_PAGE", 2)

    def declared(person, component: str) -> int:
        ctx = Context(uow, clock, library, person.actor)
        return declare_incident(ctx, as_declaration(facts(component=component))).incident.id

    for component in OUTAGE_DAY_IN_PROGRESS:
        incident_id = declared(people.carrier, component)
        apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    waiting = []
    for who, component in OUTAGE_DAY_WAITING:
        clock.advance(minutes=1)
        waiting.append(declared(getattr(people, who), component))
    return waiting


@pytest.mark.parametrize(("lang", "width"), [("fr", 390), ("en", 1280)])
def test_the_queue_of_an_outage_day_says_what_it_shows_and_offers_the_rest(
    outage_day, live_server, chromium, screenshots, lang, width
):
    context = chromium.new_context(
        locale="fr-FR" if lang == "fr" else "en-GB",
        viewport={"width": width, "height": 844 if width < 600 else 900},
    )
    page = context.new_page()
    words = WORDS[lang]
    try:
        sign_in(page, live_server, "desk")
        page.goto(f"{live_server}/desk/")
        expect(page.get_by_text(words["oldest"])).to_be_visible()
        expect(page.get_by_text(words["latest"])).to_be_visible()
        expect(page.locator("#waiting tr[data-incident]")).to_have_count(2)
        expect(page.locator("#in-progress tbody tr")).to_have_count(2)
        label = f"{lang} {width} px desk queue of an outage's day"
        assert_accessible(page, label)
        assert_fits(page, label)
        if lang == "fr":
            assert untranslated(page) == []
        page.screenshot(path=screenshots / f"{lang}-{width}-desk-queue-outage.png", full_page=True)

        page.get_by_role("link", name=words["every waiting"]).click()
        expect(page.locator("#waiting tr[data-incident]")).to_have_count(3)
        expect(page.get_by_text(words["oldest"])).to_have_count(0)
        page.get_by_role("link", name=words["every in progress"]).click()
        expect(page.locator("#in-progress tbody tr")).to_have_count(3)
        expect(page.locator("#waiting tr[data-incident]")).to_have_count(3)  # the list kept
        assert_fits(page, f"{label}, every incident")

        oldest = page.locator(f"#waiting tr[data-incident='{outage_day[0]}']")
        oldest.get_by_role("button", name=words["acknowledge"]).click()
        expect(page.locator(".flash.success")).to_be_visible()
        page.goto(f"{live_server}/desk/?waiting=all")
        expect(page.locator("#waiting tr[data-incident]")).to_have_count(2)
        expect(page.locator(f"#waiting tr[data-incident='{outage_day[0]}']")).to_have_count(0)
    finally:
        context.close()
