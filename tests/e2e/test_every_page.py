"""Every main page of every role, on the demo's data, in French and in English, at a desktop's
width and at a phone's (390 px): no accessibility violation found by axe-core, no horizontal
scrolling of the page, on French pages no message left in English and no internal code, and no
error in the markup as served (the W3C Nu HTML checker)."""

from __future__ import annotations

import itertools

import pytest

from bcp.domain.clock import SystemClock
from bcp.services.demo import load_demo
from bcp.web.app import create_app
from tests.e2e.checks import assert_accessible, assert_fits, html_errors, untranslated
from tests.web.servers import threaded_server

# The demo, as `make run` loads it: incident 1 is the carrier's STI outage (closed, joined to
# notice 1, the desk's EU-wide STI outage); incident 2 its AS4 access point, waiting for the
# desk, with consignments; notice 2 the common repository's maintenance.
PAGES = {
    None: ["/", "/sign-in", "/status/", "/status/notices/1", "/reflexes", "/developers/api"],
    ("operateur", "Operateur!2026"): [
        "/operator/",
        "/operator/declare",
        "/incidents/2",
        "/incidents/2/goods",
        "/incidents/1",
        "/components/STI",
        "/certificates",
        "/account/notifications",
        "/account/tokens",
    ],
    ("douane", "Douane!2026"): [
        "/desk/",
        "/incidents/2",
        "/incidents/1",
        "/desk/notices/new",
        "/status/notices/1",
        "/status/notices/2",
    ],
    ("manager", "Manager!2026"): [
        "/manager/",
        "/manager/incidents",
        "/manager/incidents/1/postmortem",
    ],
    ("admin", "Admin!2026"): [
        "/admin/",
        "/admin/organisations",
        "/admin/contacts",
        "/admin/probes",
        "/admin/webhooks",
        "/admin/certificates",
        "/admin/tokens",
        "/admin/reflexes",
        "/admin/audit",
    ],
}
VIEWS = [("fr", 390), ("en", 390), ("en", 1280)]
AXE_VIEWS = {("fr", 390), ("en", 1280)}
"""Each page in French at a phone's width (axe-core, the width, the French, the markup), in
English at a phone's width (the width: English labels are longer) and at a desktop's (axe-core,
the width). axe-core takes most of the time; French at a desktop's width shows the same texts
as at a phone's, in a layout the English desktop view already checks."""


@pytest.fixture
def demo_server(settings, uow, library):
    """The app on the demo's data, as `make run` serves it, on the real clock."""
    assert load_demo(uow, SystemClock(), library)
    with threaded_server(create_app(settings=settings, clock=SystemClock())) as base:
        yield base


def sign_in(page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_every_main_page_of_every_role_in_french_on_a_phone_and_in_english_on_both(
    demo_server, chromium, screenshots, tmp_path
):
    faults = []
    for (lang, width), (who, paths) in itertools.product(VIEWS, PAGES.items()):
        context = chromium.new_context(
            locale="fr-FR" if lang == "fr" else "en-GB",
            viewport={"width": width, "height": 844 if width < 600 else 900},
        )
        page = context.new_page()
        try:
            if who:
                sign_in(page, demo_server, *who)
            for path in paths:
                response = page.goto(f"{demo_server}{path}")
                label = f"{lang} {width} px {who[0] if who else 'anonymous'} {path}"
                if response is None or response.status != 200:
                    faults.append(f"{label}: HTTP {response and response.status}")
                    continue
                checks = [assert_fits] + ([assert_accessible] if (lang, width) in AXE_VIEWS else [])
                for check in checks:
                    try:
                        check(page, label)
                    except AssertionError as fault:
                        faults.append(str(fault))
                        name = f"fault-{lang}-{width}-{path.strip('/').replace('/', '-')}.png"
                        page.screenshot(path=screenshots / name, full_page=True)
                if lang == "fr":
                    faults.extend(f"{label}: {text}" for text in untranslated(page))
                if (lang, width) == ("fr", 390):  # the markup as served, before any script
                    name = (who[0] if who else "anonymous") + path.replace("/", "_") + ".html"
                    (tmp_path / name).write_text(page.request.get(page.url).text())
        finally:
            context.close()
    faults += html_errors(tmp_path)
    assert faults == [], "\n".join(faults)
