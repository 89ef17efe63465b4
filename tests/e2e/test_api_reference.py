"""The API reference in a real browser: it fits a phone, and its console sends an operation
with the token typed on the page and shows the answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_console_sends_an_operation_with_the_token_typed(
    live_server, chromium, people, screenshots, lang
):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale=lang)
    page = context.new_page()
    page.goto(f"{live_server}/developers/api")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#token", people.carrier.token)
    status = page.locator("#get_status form.api-try")
    status.locator("button[type=submit]").click()
    expect(status.locator("output")).to_contain_text("200")
    expect(status.locator("output")).to_contain_text('"components"')
    declare = page.locator("#post_incident form.api-try")
    declare.locator("textarea").fill('{"component": "STI"}')
    declare.locator("button[type=submit]").click()
    expect(declare.locator("output")).to_contain_text("422")
    expect(declare.locator("output")).to_contain_text('"field": "modes"')
    page.screenshot(path=str(screenshots / f"api-reference-390-{lang}.png"), full_page=False)
    context.close()
