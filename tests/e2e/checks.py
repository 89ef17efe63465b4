"""What every page must be, checked in the browser: no accessibility violation found by
axe-core, no horizontal scrolling of the page at the viewport's width, on a French page nothing
in English and no internal code, and no error found by the W3C Nu HTML checker in its markup."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from tests.vocabulary import untranslated_text

_AXE = Axe()
CATALOGUE = (
    Path(__file__).parents[2] / "bcp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
)


def assert_page_ok(page, label: str) -> None:
    assert_accessible(page, label)
    assert_fits(page, label)


def assert_accessible(page, label: str) -> None:
    results = _AXE.run(page)
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}) {v['nodes'][0]['target']}"
        for v in results.response["violations"]
    ]
    assert violations == [], f"{label}: axe-core finds\n" + "\n".join(violations)


_WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(".table-scroll"))
  .slice(-3).map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`)"""


def assert_fits(page, label: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        widest = ", ".join(page.evaluate(_WIDEST))
        raise AssertionError(f"{label}: {scroll} px wide in a {inner} px window ({widest})")


_TEXTS = """() => {
  const skip = "script, style, template, code, kbd, samp, pre, [translate=no]";
  const page = document.documentElement.lang;
  const other = (element) => element.closest(skip) || element.closest("[lang]").lang !== page;
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!other(node.parentElement) && node.data.trim()) texts.push(node.data.trim());
  }
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (other(element)) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  return texts.join("\\n");
}"""


def untranslated(page) -> list[str]:
    """What a French page shows in English or as an internal code, outside code and samples and
    outside what is marked as written in another language (`lang`)."""
    return untranslated_text(page.evaluate(_TEXTS))


VNU = Path(__file__).parents[2] / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist"


def html_errors(folder: Path) -> list[str]:
    """The W3C Nu HTML checker's errors in the pages saved in `folder` (make test installs it)."""
    jar = VNU / "vnu.jar"
    assert jar.exists(), f"{jar} is missing: make test installs it (npm, vnu-jar)"
    pages = sorted(str(p) for p in folder.glob("*.html"))
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *pages,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']} {m.get('extract', '')!r}"
        for m in messages
        if m.get("type") == "error"
    ]
