"""A rules file that cannot be trusted stops the load, naming the file, the line and the fault."""

from __future__ import annotations

import pytest

from bcp.domain.reflexes.table import TableError
from bcp.store.reflex_files import REFLEXES_DIR, load_table, parse_table

SHIPPED = (REFLEXES_DIR / "fr-2025-10.yaml").read_text(encoding="utf-8")

MINIMAL = """\
version: fr-2099-01
published: "2099-01-01"
title: {fr: "Essai", en: "Test"}
sources:
  s: {document: "Doc", date: "2099"}
contacts:
  desk: {name: {fr: "Desk", en: "Desk"}}
rules:
  - id: everything
    procedure: p
    source: {ref: s}
procedures:
  p:
    title: {fr: "P", en: "P"}
    summary: {fr: "P", en: "P"}
    fallback: false
    source: {ref: s}
    steps:
      - id: close
        title: {fr: "Clore", en: "Close"}
        instruction: {fr: "Clore", en: "Close"}
        role: desk
        phase: follow_up
        due: recovered + 1h
        done_when: [closed]
        source: {ref: s}
"""


def fault(text: str) -> TableError:
    with pytest.raises(TableError) as excinfo:
        parse_table(text, "reflexes/test.yaml")
    return excinfo.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_shipped_table_loads():
    table = load_table(REFLEXES_DIR / "fr-2025-10.yaml")
    assert table.version == "fr-2025-10"
    assert table.origin == "reflexes/fr-2025-10.yaml"


def test_a_minimal_table_loads():
    assert parse_table(MINIMAL, "t").procedures["p"].steps[0].id == "close"


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        (
            "components: [TAPAS, UUMDS, STI, CR]",
            "components: [TAPAS, SMTP]",
            "components: [TAPAS, SMTP]",
            "unknown component 'SMTP'",
        ),
        ("modes", "modes", None, None),
        (
            "procedure: national-system-outage",
            "procedure: nowhere",
            "procedure: nowhere",
            "unknown procedure 'nowhere'",
        ),
        (
            "role: provider\n        due: declared + 30min\n        contact: provider-support",
            "role: pilot\n        due: declared + 30min\n        contact: provider-support",
            "role: pilot",
            "unknown role 'pilot'",
        ),
        ("contact: operator-it", "contact: nobody", "contact: nobody", "unknown contact 'nobody'"),
        ("blocks: [activate_fallback]", "blocks: [fly]", "blocks: [fly]", "unknown action 'fly'"),
        ("due: declared + 30min", "due: tomorrow", "due: tomorrow", "expected '<declared"),
        (
            "lasted_at_least: 4h",
            "lasted_at_least: 4 weeks",
            "lasted_at_least: 4 weeks",
            "does not match",
        ),
        (
            '{ref: gamma, section: "2ème cas"}',
            "{ref: nowhere}",
            "{ref: nowhere}",
            "unknown source 'nowhere'",
        ),
        (
            "    fallback: false\n",
            "    fallback: maybe\n",
            "fallback: maybe",
            "is not of type 'boolean'",
        ),
    ],
)
def test_faults_name_the_file_the_line_and_the_fault(old, new, needle, words):
    if needle is None:
        text = SHIPPED.replace(
            "      sides: [administration]\n      planned: false\n    procedure: "
            "administration-outage",
            "      sides: [administration]\n      modes: [air, boat]\n"
            "      planned: false\n    procedure: administration-outage",
            1,
        )
        needle, words = "modes: [air, boat]", "unknown mode 'boat'"
    else:
        assert old in SHIPPED, old
        text = SHIPPED.replace(old, new, 1)
    error = fault(text)
    assert error.origin == "reflexes/test.yaml"
    assert words in error.message
    assert error.line == line_of(text, needle), str(error)
    assert str(error).startswith(f"reflexes/test.yaml:{error.line}: ")


def test_two_rules_that_could_tie_are_refused():
    text = MINIMAL.replace(
        "rules:\n",
        "rules:\n  - id: twin\n    procedure: p\n    source: {ref: s}\n",
    )
    error = fault(text)
    assert "'twin'" in error.message and "'everything'" in error.message
    assert "same specificity and priority" in error.message


def test_rules_with_exclusive_conditions_or_priorities_do_not_tie():
    exclusive = MINIMAL.replace(
        "rules:\n",
        "rules:\n  - id: air\n    when: {components: [STI]}\n    procedure: p\n"
        "    source: {ref: s}\n"
        "  - id: sea\n    when: {components: [CR]}\n    procedure: p\n    source: {ref: s}\n",
    )
    assert len(parse_table(exclusive, "t").rules) == 3
    prioritised = MINIMAL.replace(
        "rules:\n",
        "rules:\n  - id: first\n    priority: 5\n    procedure: p\n    source: {ref: s}\n",
    )
    assert len(parse_table(prioritised, "t").rules) == 2


def test_mode_conditions_can_always_meet_on_an_outage_of_several_modes():
    text = MINIMAL.replace(
        "rules:\n",
        "rules:\n  - id: air\n    when: {modes: [air]}\n    procedure: p\n    source: {ref: s}\n"
        "  - id: sea\n    when: {modes: [maritime]}\n    procedure: p\n    source: {ref: s}\n",
    )
    assert "could both match" in fault(text).message


def test_a_procedure_without_follow_up_is_refused():
    error = fault(MINIMAL.replace("phase: follow_up", "phase: response"))
    assert "no follow-up step" in error.message
    assert error.line == line_of(MINIMAL, "  p:")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("version: [unclosed\n", "not valid YAML"),
        (MINIMAL.replace("version: fr-2099-01", "version: fr-2099-01\nversion: again"), "twice"),
        (MINIMAL.replace('published: "2099-01-01"', "published: 2099-01-01"), "published"),
        (MINIMAL + "extra: 1\n", "Additional properties"),
    ],
)
def test_broken_files(text, words):
    assert words in str(fault(text))


def test_the_titles_by_id_name_every_procedure_and_step_and_are_made_once():
    table = parse_table(MINIMAL, "fr-2099-01.yaml")
    titles = table.titles
    assert titles["p"].en == "P"
    assert titles["close"].fr == "Clore"
    assert table.titles is titles  # shared by every incident page of the table
    with pytest.raises(TypeError):
        titles["p"] = titles["close"]  # type: ignore[index]
