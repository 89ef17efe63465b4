"""The desk's notice and a referral, in a real browser: the desk opens a notice for STI with the
fallback allowed; the operator's home shows it on the status board; the operator's own STI
declaration is linked to it (and in fallback at once); the desk records a DNL; the operator
confirms it and records that the cargo was not loaded; the desk closes the window, then the
notice, and the board turns back to operational."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_journey import fill_sti_declaration, sign_in


def test_a_desk_notice_a_linked_declaration_and_a_dnl(live_server, chromium, screenshots):
    contexts = [
        chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        for _ in range(2)
    ]
    desk, operator = (c.new_page() for c in contexts)
    try:
        sign_in(desk, live_server, "desk")
        desk.goto(f"{live_server}/desk/notices/new")
        desk.check("input[name=components][value=STI]")
        desk.select_option("select[name=kind]", "unscheduled")
        desk.select_option("select[name=reason]", "hardware_failure")
        desk.fill("input[name=title]", "STI unavailable")
        desk.fill("textarea[name=messages]", "Messages sent meanwhile are rejected: resend them")
        desk.check("input[name=fallback_allowed]")
        desk.screenshot(path=screenshots / "en-desk-notice-form.png", full_page=True)
        desk.click("#notice-form button[type=submit]")
        expect(desk.locator("h1")).to_contain_text("STI unavailable")
        expect(desk.locator("#notice-fallback")).to_contain_text("allowed")
        notice_url = desk.url

        sign_in(operator, live_server, "carrier")
        board = operator.locator("#status-board")
        expect(board.locator("#status-STI")).to_have_attribute("data-health", "down")
        expect(board.locator("#status-STI")).to_contain_text("allowed")
        expect(board.locator("#status-CR")).to_have_attribute("data-health", "operational")
        expect(board).to_contain_text("STI unavailable")
        operator.screenshot(path=screenshots / "en-operator-status-board.png", full_page=True)

        fill_sti_declaration(operator, live_server, "Our ENS are refused by STI")
        operator.click("button[name=confirm][value=no]")  # the procedure is shown first
        expect(operator.locator("#covered-by-notice")).to_contain_text("announced this outage")
        operator.click("button[name=confirm][value=yes]")
        expect(operator.locator("#notice-link")).to_be_visible()
        expect(operator.locator(".state").first).to_have_text("fallback active")
        incident_url = operator.url

        desk.goto(incident_url)
        form = desk.locator("#referral-form")
        form.locator("select[name=kind]").select_option("dnl")
        form.locator("input[name=air_waybill]").fill("020-12345675")
        form.locator("select[name=route]").select_option("telephone")
        form.locator("input[name=sent_to]").fill("Duty manager, +33 1 23 45 67 89")
        form.locator("textarea[name=request]").fill("Do not load: hold the consignment")
        form.locator("button[type=submit]").click()
        expect(desk.locator("#referral-1")).to_contain_text("awaiting confirmation")

        operator.goto(f"{live_server}/operator/")
        expect(operator.locator("#referrals-waiting")).to_contain_text("DNL 020-12345675")
        operator.click("#referrals-waiting a")
        operator.click("button[data-referral-confirm='1']")
        expect(operator.locator("#referral-1")).to_contain_text("confirmed")
        operator.click("button[data-referral-outcome='1']")
        expect(operator.locator("#referral-1")).to_contain_text("cargo not loaded")
        operator.screenshot(path=screenshots / "en-operator-referral.png", full_page=True)

        desk.goto(notice_url)
        desk.click("button[data-window=close]")
        expect(desk.locator("#notice-fallback")).to_contain_text("not allowed")
        desk.click(f"button[data-close-notice='{notice_url.rsplit('/', 1)[1]}']")
        expect(desk.locator("#notice-status")).to_contain_text("closed")
        expect(desk.locator("#notice-updates")).to_contain_text("fallback no longer allowed")
        desk.screenshot(path=screenshots / "en-desk-notice.png", full_page=True)

        operator.goto(f"{live_server}/operator/")
        expect(operator.locator("#status-STI")).to_have_attribute("data-health", "operational")
        operator.goto(incident_url)
        expect(operator.locator(".state").first).to_have_text("recovered")
    finally:
        for context in contexts:
            context.close()
