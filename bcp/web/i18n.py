"""French and English: chosen from the browser, switchable, remembered in the session."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from weakref import WeakKeyDictionary

from babel import Locale
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, get_translations, gettext
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from bcp.domain.errors import DomainError, FieldError
from bcp.domain.reflexes.model import Text
from bcp.texts import LANGUAGES
from bcp.vocabulary import word_of

babel = Babel()


_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}
"""Made once: given a text, Flask-Babel would parse it into a Locale on every request (`get_locale`
was a tenth of a conditional request's time, answered 304; docs/performance.md)."""


def select_locale() -> Locale:
    """A page: the language chosen, else the browser's, else French. The API: the request's
    Accept-Language, else English (what a program calling it most likely reads)."""
    if request.path.startswith("/api/"):
        return _LOCALES[request.accept_languages.best_match(LANGUAGES) or "en"]
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return _LOCALES[chosen]
    return _LOCALES[request.accept_languages.best_match(LANGUAGES) or "fr"]


def translated(said: DomainError | FieldError) -> str:
    """A refusal's message in the person's language (the domain marks its messages with N_;
    bcp.domain.messages), with its values put in once it is translated."""
    lang = str(get_locale())
    values = {k: v(lang) if isinstance(v, Text) else v for k, v in said.values.items()}
    return gettext(said.message, **values)


def init(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent.parent / "translations")
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Paris")
    app.jinja_env.install_gettext_callables(
        lambda text: _translations().ugettext(text),
        lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        newstyle=True,
        # where one English word takes two French ones: pgettext("page numbering", "of")
        pgettext=lambda context, text: _translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: _translations().unpgettext(
            context, singular, plural, n
        ),
    )
    # The two a page calls most, without Jinja's two layers of calls around them (`_` calls
    # `gettext`, which calls the function above; the same result: tests/web/test_translations.py).
    app.jinja_env.globals.update(_=_page_gettext, gettext=_page_gettext, ngettext=_page_ngettext)
    app.jinja_env.globals["name_in"] = name_in


def name_in(table: Mapping[str, str]):
    """A page's way of naming the codes of one of bcp.vocabulary's tables: `mode_name(m)` is
    `_(vocabulary.MODE[m])` (templates/_macros.html sets the names). A function rather than a
    macro: Jinja calls a macro through two more layers and builds its output anew, three times
    the cost, and the incident page names some twenty codes (docs/performance.md, issue 18's
    fifteenth round)."""

    @pass_eval_context
    def name(context: EvalContext, code: object) -> str:
        return _page_gettext(context, word_of(table, code))

    return name


def page_gettext(text: str) -> str:
    """The request's translation of `text`, for bcp.texts' functions that templates call."""
    return _translations().ugettext(text)


@pass_eval_context
def _page_gettext(context: EvalContext, string: str, **variables: object) -> str:
    """Jinja's new-style gettext. It asks for the evaluation context only: a function given the
    whole context gets a copy of it at each call in a loop."""
    translations = _translations()
    if variables:
        return _formatted(context, translations.ugettext(string), variables)
    # Most of a page's texts have no values: each is made once per catalogue (a language) and
    # way of escaping, then reused by every page, instead of being looked up, wrapped and
    # formatted some hundred times a page.
    made = _made.get(translations)
    if made is None:
        made = _made.setdefault(translations, ({}, {}))
    said = made[context.autoescape]
    text = said.get(string)
    if text is None:
        text = said[string] = _formatted(context, translations.ugettext(string), {})
    return text


_made: WeakKeyDictionary[object, tuple[dict[str, str], dict[str, str]]] = WeakKeyDictionary()
"""By catalogue (Flask-Babel's, one per language, kept as long as the app), the texts without
values as `_` gives them to a page: [0] not escaped, [1] escaped (Markup)."""


@pass_eval_context
def _page_ngettext(
    context: EvalContext, singular: str, plural: str, num: int, **variables: object
) -> str:
    variables.setdefault("num", num)
    return _formatted(context, _translations().ungettext(singular, plural, num), variables)


def _formatted(context: EvalContext, said: str, variables: dict[str, object]) -> str:
    """As Jinja's i18n extension does it: the translation escaped as the template is, then
    formatted, always (so that "%%" means the same with or without values)."""
    if context.autoescape:
        said = Markup(said)  # noqa: S704 (the catalogue's text, as Jinja's own gettext trusts it)
    return said % variables


def _translations():
    """Flask-Babel's catalogue for the request's locale, looked up once per locale and request.

    A page calls gettext some hundreds of times; Flask-Babel's own lookup walks its context each
    time (a third of an incident page's time, measured by `make bench`). The memo is keyed by
    the locale object, which `force_locale` replaces, so a PDF in another language stays right.
    """
    held = vars(g._get_current_object())  # one look-up of the context, not one per attribute
    memo = held.get("_bcp_translations")
    locale = getattr(held.get("_flask_babel"), "babel_locale", None)
    if memo is not None and locale is not None and memo[0] is locale:
        return memo[1]
    translations = get_translations()
    g._bcp_translations = (g._flask_babel.babel_locale, translations)
    return translations
