"""The goods of an outage in a real browser: an operator's AS4 access point is down, 40
consignments come from a CSV file; the nearest ENS deadline is flagged; once the desk authorises
the fallback the operator marks them sent with the carrier sheet attached; after recovery the
operator enters their MRNs (one refused, corrected); the desk closes; the post-mortem lists the
40. Each page of the goods passes axe-core and fits a phone's width, in French and English."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bcp.domain.clock import SystemClock, in_paris
from bcp.domain.consignments.csv_import import COLUMNS
from bcp.domain.consignments.mrn import check_character
from tests.e2e.checks import assert_page_ok
from tests.e2e.test_journey import sign_in

PHONE = {"width": 390, "height": 844}
WORDS = {
    "en": {
        "at_risk": "40 at risk",
        "sent": "40 sent by the fallback route",
        "back": "40 back in ICS2",
        "nothing": "Nothing was saved",
        "closed": "closed",
    },
    "fr": {
        "at_risk": "40 à risque",
        "sent": "40 transmis par la voie de secours",
        "back": "40 revenus dans ICS2",
        "nothing": "Rien n'a été enregistré",
        "closed": "clos",
    },
}


def forty_consignments() -> bytes:
    """A semicolon-separated export in Windows-1252, Paris times: flights landing from 4 h 20
    on, so that the first ENS is due in 20 minutes."""
    now = SystemClock().now()
    lines = [";".join(COLUMNS)]
    for i in range(40):
        departure = in_paris(now - timedelta(hours=3)).strftime("%d/%m/%Y %H:%M")
        arrival = in_paris(now + timedelta(hours=4, minutes=20 + 15 * i)).strftime("%d/%m/%Y %H:%M")
        lines.append(
            f"awb_house;H{i:04d};air-long-haul;AF0{i:03d};FR004100;;{departure};{arrival};;"
            "Arrivée à Roissy"
        )
    return "\r\n".join(lines).encode("cp1252")


def mrn(serial: int) -> str:
    body = f"26FR{serial:013d}"
    return body + check_character(body)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_forty_consignments_through_the_fallback_and_back(live_server, chromium, screenshots, lang):
    words = WORDS[lang]
    locale = "fr-FR" if lang == "fr" else "en-GB"
    operator_context = chromium.new_context(locale=locale, viewport=PHONE)
    desk_context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    manager_context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    contexts = (operator_context, desk_context, manager_context)
    operator, desk, manager = (c.new_page() for c in contexts)
    try:
        sign_in(operator, live_server, "carrier")
        operator.goto(f"{live_server}/operator/declare")
        started = in_paris(SystemClock().now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
        operator.select_option("#component", "EO_SYSTEM")
        operator.fill("#started_at", started)
        operator.check("input[name=modes][value=air]")
        operator.check("input[name=ens_operations][value=lodge]")
        operator.fill("#summary", "Notre point d'accès AS4 est en panne")
        operator.click("button[name=confirm][value=no]")  # the procedure first, then confirm
        operator.click("button[name=confirm][value=yes]")
        expect(operator.locator("h1")).to_contain_text("AS4")
        incident_id = operator.url.rsplit("/", 1)[1]

        operator.click("#goods a.button")
        operator.set_input_files(
            "#goods-file",
            files=[{"name": "envois.csv", "mimeType": "text/csv", "buffer": forty_consignments()}],
        )
        operator.click("#add-goods button[type=submit]")
        expect(operator.locator("ul.counts")).to_contain_text(words["at_risk"])
        first = operator.locator("li.consignment").first
        expect(first).to_contain_text("H0000")
        soon = re.compile(r"^(dans|in) (19|20) min$")
        expect(first.locator("[data-deadline]")).to_have_text(soon)
        assert_page_ok(operator, f"{lang} goods page at 390 px")
        operator.screenshot(path=screenshots / f"{lang}-goods-phone.png")
        first.screenshot(path=screenshots / f"{lang}-goods-consignment-phone.png")
        operator.goto(f"{live_server}/incidents/{incident_id}")
        expect(operator.locator("#goods")).to_contain_text("H0000")  # the nearest deadline

        sign_in(desk, live_server, "desk")
        expect(desk.locator("#goods-at-risk")).to_contain_text("H0000")
        desk.goto(f"{live_server}/incidents/{incident_id}")
        desk.click("button[data-action=acknowledge]")
        operator.reload()
        operator.click("button[data-step=operator-contact-sau]")
        desk.reload()
        desk.click("button[data-action=activate_fallback]")
        expect(desk.locator(".state").first).to_contain_text(
            "secours" if lang == "fr" else "fallback"
        )

        operator.goto(f"{live_server}/incidents/{incident_id}/goods")
        operator.check("#pick-all")
        operator.click("#sent-form button[type=submit]")
        expect(operator.locator("ul.counts")).to_contain_text(words["sent"])
        assert_page_ok(operator, f"{lang} goods page in fallback at 390 px")
        operator.goto(f"{live_server}/incidents/{incident_id}")
        expect(operator.locator("#step-operator-fallback-filing")).to_have_class("step-done")
        expect(operator.locator("body")).to_contain_text(f"carrier-sheet-{incident_id}-PS-")
        operator.click("button[data-action=recover]")

        operator.goto(f"{live_server}/incidents/{incident_id}/goods")
        ids = operator.locator("input[form=lodging-form][name^=mrn-]").evaluate_all(
            "inputs => inputs.map(i => i.name)"
        )
        assert len(ids) == 40
        for n, name in enumerate(ids):
            operator.fill(f"input[name='{name}']", mrn(n) if n != 17 else mrn(n)[:-1] + "X")
        operator.click("button[form=lodging-form]")
        expect(operator.locator("#goods-errors")).to_contain_text(words["nothing"])
        expect(operator.locator("#goods-errors")).to_contain_text("MRN")
        assert operator.input_value(f"input[name='{ids[3]}']") == mrn(3)  # what was typed stays
        assert_page_ok(operator, f"{lang} goods page with a refused MRN at 390 px")
        operator.fill(f"input[name='{ids[17]}']", mrn(17))
        operator.click("button[form=lodging-form]")
        expect(operator.locator("ul.counts")).to_contain_text(words["back"])

        desk.goto(f"{live_server}/incidents/{incident_id}")
        desk.click("button[data-action=close]")
        expect(desk.locator(".state").first).to_have_text(words["closed"])
        desk.goto(f"{live_server}/incidents/{incident_id}/goods")
        assert_page_ok(desk, f"{lang} goods page of a closed incident at a desktop")

        sign_in(manager, live_server, "manager")
        expect(manager.locator("#goods-figures")).to_contain_text(f"#{incident_id}")
        assert_page_ok(manager, f"{lang} dashboard at a desktop")
        manager.goto(f"{live_server}/manager/incidents/{incident_id}/postmortem")
        manager.fill("#summary", "Panne du point d'accès AS4")
        manager.click("button[name=finalise][value=no]")
        pdf = manager.request.get(
            f"{live_server}/incidents/{incident_id}/report.pdf?postmortem=1&lang={lang}"
        )
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
        assert all(f"H{i:04d}" in text for i in range(40))
        assert all(mrn(i) in text.replace("\n", "") for i in (0, 17, 39))
    finally:
        for context in contexts:
            context.close()
