"""What every page must be, checked in the browser: no accessibility violation found by
axe-core, and no horizontal scrolling of the page at the viewport's width."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def assert_page_ok(page, label: str) -> None:
    results = _AXE.run(page)
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}) {v['nodes'][0]['target']}"
        for v in results.response["violations"]
    ]
    assert violations == [], f"{label}: axe-core finds\n" + "\n".join(violations)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{label}: {scroll} px wide in a {inner} px window"
