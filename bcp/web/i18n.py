"""French and English: chosen from the browser, switchable, remembered in the session."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel

LANGUAGES = ("fr", "en")
babel = Babel()


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "fr"


def init(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent.parent / "translations")
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Paris")
