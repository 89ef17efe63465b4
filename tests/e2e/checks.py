"""What every page must be, checked in the browser: no accessibility violation found by
axe-core, no horizontal scrolling of the page at the viewport's width, on a French page nothing
in English and no internal code, and no error found by the W3C Nu HTML checker in its markup."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po

from bcp.store.reflex_files import load_all

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


def _english_messages() -> list[str]:
    """The parts of the catalogue's messages whose French differs, long enough (three words or
    more) not to be mistaken for a word French shares with English."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    parts = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%%|[:;()\[\]]", english):
                part = part.strip(" .,·—-")
                if len(part.split()) >= 3 and not any(part in french for french in strings):
                    parts.add(part)
    return sorted(parts, key=len, reverse=True)


def _internal_codes() -> re.Pattern:
    """The closed vocabularies' values and the rules table's step and procedure ids: a person
    reads their label, never the code. Codes that are also French words are left out."""
    from bcp.domain import actors, catalogue, lifecycle, notices, referrals, timeline
    from bcp.domain.consignments import model as consignments
    from bcp.domain.reflexes import model as reflexes

    enums = [
        lifecycle.State,
        lifecycle.Action,
        timeline.EventKind,
        actors.Role,
        actors.OrganisationKind,
        catalogue.Mode,
        catalogue.EnsOperation,
        catalogue.Side,
        catalogue.Scope,
        reflexes.StepRole,
        reflexes.Phase,
        notices.NoticeKind,
        notices.Reason,
        notices.UpdateKind,
        referrals.ReferralKind,
        referrals.Outcome,
        consignments.ConsignmentState,
    ]
    codes = {member.value for enum in enums for member in enum}
    for table in load_all().values():
        codes |= set(table.procedures)
        codes |= {step.id for procedure in table.procedures.values() for step in procedure.steps}
    codes -= FRENCH_WORDS
    words = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({words})(?![\w-])")


# Codes that are French words as well: the modes postal, express, maritime and rail, "desk" (the
# desk des douanes), "administration", "organisation", "national", "close" (la fenêtre est close).
FRENCH_WORDS = {
    "close",
    "postal",
    "express",
    "maritime",
    "rail",
    "desk",
    "national",
    "administration",
    "organisation",
}

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


@cache
def _vocabulary() -> tuple[list[str], re.Pattern]:
    return _english_messages(), _internal_codes()


def untranslated(page) -> list[str]:
    """What a French page shows in English or as an internal code, outside code and samples and
    outside what is marked as written in another language (`lang`)."""
    english, codes = _vocabulary()
    text = page.evaluate(_TEXTS)
    found = [f"in English: {part!r}" for part in english if part in text]
    found += [f"internal code: {code!r}" for code in sorted(set(codes.findall(text)))]
    return found


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
