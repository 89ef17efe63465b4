"""The journey of an STI outage in a real browser, in English and in French: the operator
declares it, the desk sees it appear without reloading and acknowledges it, the operator ticks
the steps and reports recovery, the desk closes it, the manager finds it on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from bcp.domain.clock import SystemClock, in_paris
from tests.e2e.checks import assert_fits
from tests.e2e.conftest import PASSWORD

WORDS = {
    "en": {
        "procedure": "The procedure that will apply",
        "queue": "Waiting for acknowledgement",
        "closed": "closed",
        "dashboard": "Open incidents by component",
    },
    "fr": {
        "procedure": "La procédure qui s'appliquera",
        "queue": "En attente de prise en compte",
        "closed": "clos",
        "dashboard": "Incidents ouverts par composant",
    },
}


def fill_sti_declaration(page: Page, base: str, summary: str, ens_waiting: int = 0) -> None:
    """The declaration form of an STI outage that began 10 minutes ago, air, lodging."""
    page.goto(f"{base}/operator/declare")
    started = in_paris(SystemClock().now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#component", "STI")
    page.fill("#started_at", started)
    page.check("input[name=modes][value=air]")
    page.check("input[name=ens_operations][value=lodge]")
    page.fill("#ens_waiting", str(ens_waiting))
    page.fill("#summary", summary)


def sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("fr", 390)])
def test_an_sti_outage_from_declaration_to_the_dashboard(
    live_server, chromium, screenshots, lang, width
):
    """In English at a desktop's width, in French on a phone: every page of the story fits the
    window, and its main action is on screen without scrolling sideways."""
    words = WORDS[lang]
    locale = "fr-FR" if lang == "fr" else "en-GB"
    height = 844 if width < 600 else 900
    contexts = {
        who: chromium.new_context(locale=locale, viewport={"width": width, "height": height})
        for who in ("operator", "desk", "manager")
    }
    operator, desk, manager = (contexts[w].new_page() for w in ("operator", "desk", "manager"))
    try:
        sign_in(desk, live_server, "desk")
        expect(desk.locator("h2").first).to_contain_text(words["queue"])
        desk.screenshot(path=screenshots / f"{lang}-desk-queue-empty.png", full_page=True)

        sign_in(operator, live_server, "carrier")
        fill_sti_declaration(operator, live_server, "STI refuse nos ENS", ens_waiting=12)
        operator.click("button[name=confirm][value=no]")
        expect(operator.locator(".decision h2")).to_contain_text(words["procedure"])
        operator.screenshot(path=screenshots / f"{lang}-operator-declare.png", full_page=True)
        operator.click("button[name=confirm][value=yes]")
        expect(operator.locator("h1")).to_contain_text("STI refuse nos ENS")
        incident_id = operator.url.rsplit("/", 1)[1]

        row = desk.locator(f"tr[data-incident='{incident_id}']")
        expect(row).to_be_visible(timeout=10_000)  # appears without reloading
        assert desk.evaluate("performance.getEntriesByType('navigation').length") == 1
        desk.screenshot(path=screenshots / f"{lang}-desk-queue.png", full_page=True)
        acknowledge = row.locator("button")
        box = acknowledge.bounding_box()
        assert box and box["x"] + box["width"] <= width  # on screen, not off to the right
        assert_fits(desk, f"{lang} {width} px desk queue")
        acknowledge.click()
        expect(desk.locator(".flash.success")).to_be_visible()

        operator.reload()
        assert_fits(operator, f"{lang} {width} px incident page")
        operator.click("button[data-step=operator-keep-sending]")
        expect(operator.locator("#step-operator-keep-sending")).to_have_class("step-done")
        operator.click("button[data-action=recover]")
        operator.click("button[data-step=operator-relodge]")
        expect(operator.locator("#step-operator-relodge")).to_have_class("step-done")
        operator.screenshot(path=screenshots / f"{lang}-operator-incident.png", full_page=True)

        desk.goto(f"{live_server}/incidents/{incident_id}")
        desk.click("button[data-action=close]")
        expect(desk.locator(".state").first).to_have_text(words["closed"])
        desk.screenshot(path=screenshots / f"{lang}-desk-incident.png", full_page=True)

        sign_in(manager, live_server, "manager")
        expect(manager.locator("svg").first).to_be_visible()
        expect(manager.locator("body")).to_contain_text(words["dashboard"])
        expect(manager.locator("#by-component")).to_contain_text("STI")
        assert_fits(manager, f"{lang} {width} px dashboard")
        manager.screenshot(path=screenshots / f"{lang}-manager-dashboard.png", full_page=True)
        manager.goto(f"{live_server}/manager/incidents?component=STI")
        expect(manager.locator(f"a[href='/incidents/{incident_id}']").first).to_be_visible()
    finally:
        for context in contexts.values():
            context.close()
