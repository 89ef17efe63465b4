"""The names templates give the codes of bcp's closed vocabularies (`mode_name(m)`,
`step_state_name(s)`…, set in templates/_macros.html by bcp.web.i18n.name_in for pages and PDFs,
by bcp.jobs.letters for e-mails): for every code of every table they name, in French and in
English, what `_(vocabulary.TABLE[code])` says."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest

from bcp import vocabulary
from bcp.domain.lifecycle import State
from bcp.jobs.letters import _environment
from bcp.settings import ROOT

NAMED = dict(
    re.findall(
        r"\{% set (\w+) = name_in\(vocabulary\.(\w+)\) %\}",
        (Path(ROOT) / "templates" / "_macros.html").read_text(),
    )
)


def test_the_macros_name_the_codes_of_the_tables_a_page_shows():
    assert {"state_name", "mode_name", "role_name", "step_state_name", "event_kind"} <= set(NAMED)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("name", "table"), sorted(NAMED.items()))
def test_a_page_names_every_code_as_its_table_says(app, language, name, table):
    words = getattr(vocabulary, table)
    page = app.jinja_env.from_string(
        '{% from "_macros.html" import ' + name + " %}"
        "{% for code in codes %}{{ " + name + "(code) }}|{{ _(words[code]) }}\n{% endfor %}"
    )
    with app.test_request_context("/", headers={"Accept-Language": language}):
        lines = page.render(codes=list(words), words=words).splitlines()
    named = [line.split("|") for line in lines]
    assert len(named) == len(words)
    assert all(ours == expected for ours, expected in named), named


def test_an_enum_member_is_named_as_its_value_and_an_unknown_code_as_it_is(app):
    page = app.jinja_env.from_string(
        '{% from "_macros.html" import state_name %}{{ state_name(a) }}|{{ state_name(b) }}'
    )
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert page.render(a=State.FALLBACK_ACTIVE, b="no_such_state") == (
            "secours en cours|no_such_state"
        )


class Kind(Enum):
    ESCALATED = "escalated"


@pytest.mark.parametrize(("language", "said"), [("fr", "escaladé"), ("en", "escalated")])
def test_an_e_mail_names_the_codes_in_its_readers_language(language, said):
    environment = _environment(language)
    body = environment.from_string(
        '{% import "_macros.html" as m %}{{ m.event_kind(kind) }}|{{ m.event_kind("x") }}'
    )
    assert body.render(kind=Kind.ESCALATED) == f"{said}|x"
