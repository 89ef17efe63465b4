"""An EU-wide STI outage in a real browser, in French: the desk declares it for everyone, which
publishes its notice; two operators declare it too and join the notice (an air carrier and a
maritime one); France activates the continuity plan for air, and only the air carrier's incident
is in fallback; the desk records the notification to the Commission; the air carrier lists two
consignments and sends them by the fallback route; the desk passes a DNL by telephone on one of
them, from the notice; the carrier confirms it; the desk closes the notice, which reports the
recovery; the carrier enters the MRNs; the desk closes the carrier's incident."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from bcp.domain.clock import SystemClock, in_paris
from bcp.domain.consignments.csv_import import COLUMNS
from tests.conftest import CARRIER_EORI
from tests.e2e.checks import assert_page_ok
from tests.e2e.test_goods_story import mrn
from tests.e2e.test_journey import sign_in

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def declare_sti(page, base: str, mode: str, summary: str) -> None:
    page.goto(f"{base}/operator/declare")
    started = in_paris(SystemClock().now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#component", "STI")
    page.fill("#started_at", started)
    page.check(f"input[name=modes][value={mode}]")
    page.check("input[name=ens_operations][value=lodge]")
    page.fill("#summary", summary)
    page.click("button[name=confirm][value=no]")  # the procedure first: it joins the notice
    expect(page.locator("#covered-by-notice")).to_be_visible()
    page.click("button[name=confirm][value=yes]")
    expect(page.locator("#notice-link")).to_be_visible()


def two_consignments() -> str:
    now = SystemClock().now()
    departure = in_paris(now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    rows = [",".join(COLUMNS)]
    for i, flight in enumerate(("AF0331", "AF0671")):
        arrival = in_paris(now + timedelta(hours=5, minutes=30 * i)).strftime("%Y-%m-%dT%H:%M")
        rows.append(
            f"awb_house,STI-H{i + 1},air-long-haul,{flight},FR004100,,{departure},{arrival},,"
        )
    return "\n".join(rows)


def test_an_eu_wide_sti_outage_from_the_desk_to_closure(live_server, chromium, screenshots):
    contexts = [chromium.new_context(locale="fr-FR", viewport=DESKTOP) for _ in range(3)]
    desk, carrier, shipper = (c.new_page() for c in contexts)
    try:
        sign_in(desk, live_server, "desk")
        desk.goto(f"{live_server}/operator/declare")
        started = in_paris(SystemClock().now() - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
        desk.select_option("#component", "STI")
        desk.select_option("#scope", "eu")
        desk.fill("#started_at", started)
        desk.check("input[name=modes][value=air]")
        desk.check("input[name=modes][value=maritime]")
        desk.check("input[name=ens_operations][value=lodge]")
        desk.fill("#summary", "STI indisponible pour tous")
        desk.click("button[name=confirm][value=no]")
        desk.click("button[name=confirm][value=yes]")
        expect(desk.locator("h1")).to_contain_text("STI indisponible pour tous")
        expect(desk.locator("#notice-status")).to_contain_text("ouvert")
        notice_url = desk.url
        notice_id = notice_url.rsplit("/", 1)[1]

        sign_in(carrier, live_server, "carrier")
        declare_sti(carrier, live_server, "air", "STI refuse nos ENS")
        carrier_url = carrier.url
        sign_in(shipper, live_server, "other")
        declare_sti(shipper, live_server, "maritime", "STI ne répond plus")
        shipper_url = shipper.url

        desk.goto(notice_url)
        expect(desk.locator("#notice-status")).to_contain_text("ouvert")
        actions = desk.locator("#notice-actions")
        actions.locator("input[name=decided_by]").fill(
            "DGDDI, bureau de la politique du dédouanement"
        )
        actions.locator("input[name=bcp_modes][value=air]").check()
        actions.locator("button[data-window=open]").click()
        fallback = desk.locator("#notice-fallback")
        expect(fallback).to_contain_text("autorisée")
        expect(fallback).to_contain_text("DGDDI, bureau de la politique du dédouanement")
        expect(fallback).to_contain_text("aérien")
        desk.fill("#notified-to", "Service desk ICS2 de la DG TAXUD ; États membres")
        desk.click("#notification-form button[type=submit]")
        expect(desk.locator("#notice-notifications")).to_contain_text("DG TAXUD")
        assert_page_ok(desk, "fr notice page with the BCP activated")
        desk.set_viewport_size(PHONE)
        assert_page_ok(desk, "fr notice page with the BCP activated, at 390 px")
        desk.set_viewport_size(DESKTOP)
        desk.screenshot(path=screenshots / "fr-desk-notice-bcp.png", full_page=True)

        carrier.goto(carrier_url)
        expect(carrier.locator(".state").first).to_have_text("secours en cours")
        expect(carrier.locator("#bcp-activation")).to_contain_text("aérien")
        shipper.goto(shipper_url)
        expect(shipper.locator(".state").first).to_have_text("pris en compte")

        carrier.goto(f"{carrier_url}/goods")
        carrier.fill("#goods-rows", two_consignments())
        carrier.click("#add-goods button[type=submit]")
        expect(carrier.locator("ul.counts")).to_contain_text("2 à risque")
        carrier.check("#pick-all")
        carrier.click("#sent-form button[type=submit]")
        expect(carrier.locator("ul.counts")).to_contain_text("2 transmis par la voie de secours")

        desk.goto(notice_url)
        form = desk.locator("#notice-referral-form")
        form.locator("input[name=carrier]").fill(CARRIER_EORI)
        form.locator("select[name=kind]").select_option("dnl")
        form.locator("input[name=house_consignment]").fill("STI-H1")
        form.locator("select[name=route]").select_option("telephone")
        form.locator("input[name=sent_to]").fill("Chef d'escale, +33 1 23 45 67 89")
        form.locator("textarea[name=request]").fill("Ne pas charger : retenir l'envoi")
        form.locator("button[type=submit]").click()
        assert desk.url.split("#")[0] == carrier_url  # on the carrier's own incident
        expect(desk.locator("#referral-1")).to_contain_text("en attente de confirmation")

        carrier.goto(carrier_url)
        carrier.click("button[data-referral-confirm='1']")
        expect(carrier.locator("#referral-1")).to_contain_text("confirmée")

        desk.goto(notice_url)
        desk.click(f"button[data-close-notice='{notice_id}']")
        expect(desk.locator("#notice-status")).to_contain_text("clos")
        carrier.goto(carrier_url)
        expect(carrier.locator(".state").first).to_have_text("rétabli")

        carrier.goto(f"{carrier_url}/goods")
        names = carrier.locator("input[form=lodging-form][name^=mrn-]").evaluate_all(
            "inputs => inputs.map(i => i.name)"
        )
        assert len(names) == 2
        for n, name in enumerate(names):
            carrier.fill(f"input[name='{name}']", mrn(100 + n))
        carrier.click("button[form=lodging-form]")
        expect(carrier.locator("ul.counts")).to_contain_text("2 revenus dans ICS2")

        desk.goto(carrier_url)
        desk.click("button[data-action=close]")
        expect(desk.locator(".state").first).to_have_text("clos")
        desk.screenshot(path=screenshots / "fr-desk-carrier-incident-closed.png", full_page=True)
    finally:
        for context in contexts:
            context.close()
