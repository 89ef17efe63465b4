"""Every message of the interface has its French translation in the catalogue, the maintained
source of translations, and every translation keeps the placeholders of its message."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext
from jinja2 import Environment

from bcp.domain.errors import IllegalTransition, InvalidInput, invalid, said
from bcp.domain.messages import N_
from bcp.web.i18n import translated

ROOT = Path(__file__).parent.parent.parent
CATALOGUE = ROOT / "bcp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _french():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="fr")


def test_every_message_of_the_interface_has_a_french_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(
        [str(ROOT / "scripts" / "extract-messages"), str(pot)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYBABEL": pybabel},
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    translated = set()
    for message in _french():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(strings):
            translated.add(message.id if isinstance(message.id, str) else message.id[0])
    assert sorted(wanted - translated) == [], "translate them in the .po (make translations)"


def test_french_translations_keep_the_placeholders_of_their_message():
    broken = []
    for message in _french():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                broken.append((ids[0], string))
    assert broken == []


def test_the_catalogue_is_not_fuzzy():
    """pybabel compile skips fuzzy messages: a fuzzy one would show in English."""
    assert [m.id for m in _french() if m.id and m.fuzzy] == []


@pytest.mark.parametrize(
    ("error", "french"),
    [
        (
            IllegalTransition(N_("referral R%(number)s was confirmed already"), number=3),
            "R3",
        ),
        (invalid("note", N_("at most %(limit)s characters, no NUL"), limit=5000), "5000"),
    ],
)
def test_a_refusal_is_translated_then_given_its_values(app, error, french):
    said_of = error.errors[0] if isinstance(error, InvalidInput) else error
    with app.test_request_context(), force_locale("fr"):
        text = translated(said_of)
        assert text == gettext(said_of.message, **said_of.values)
        assert text != said(said_of.message, said_of.values)  # French, not the English
        assert french in text


def test_a_template_translates_escapes_then_formats_as_jinja_would(app):
    """The page's own `_` and `ngettext` (bcp.web.i18n) give what Jinja's i18n extension
    gives: the French text, the values escaped, "%%" a percent sign with or without values."""
    source = (
        '{{ _("Incident") }}|{{ _("notice") }} {{ _("%(shown)s <b>", shown="<i>") }}|'
        '{{ _("100%%") }}|{{ ngettext("%(num)d consignment", "%(num)d consignments", 3) }}'
    )
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text: gettext(text),
        lambda one, many, n: ngettext(one, many, n),
        newstyle=True,
    )
    with app.test_request_context(), force_locale("fr"):
        page = app.jinja_env.from_string(source).render()
        assert page == reference.from_string(source).render()
    assert page == "Incident|avis &lt;i&gt; <b>|100%|3 envois"


def test_a_text_without_values_is_in_the_language_of_each_page(app):
    """`_` keeps what it made of a text without values, by language: a French page, then an
    English one, then a French one again, each gets its own."""
    source = '{{ _("Incident") }}|{{ _("notice") }}|{{ _("100%%") }}'
    pages = []
    with app.test_request_context():
        for lang in ("fr", "en", "fr", "en"):
            with force_locale(lang):
                pages.append(app.jinja_env.from_string(source).render())
    assert pages == ["Incident|avis|100%", "Incident|notice|100%"] * 2
