"""The words of a notification, in its reader's language: an e-mail's subject and body, and the
human text a webhook carries in French and in English beside its data.

They are written from templates/email/ with the pages' own macros (states, events, notices'
kinds) and the French catalogue, so that an e-mail says what the page says. The scheduler that
sends them runs no Flask: this is a Jinja environment of its own, one per language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError

from bcp import texts, vocabulary
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.notices import NoticeKind, Reason, UpdateKind
from bcp.settings import ROOT
from bcp.texts import LANGUAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def write(payload: dict[str, Any], language: str | None, public_url: str) -> Letter:
    """The notification of `payload` (an outbox row's) in `language` (French when unknown)."""
    language = language if language in LANGUAGES else "fr"
    environment = _environment(language)
    name = "email/notice.txt" if "notice_id" in payload else "email/incident.txt"
    try:
        written = environment.get_template(name).render(_values(payload, language, public_url))
    except (KeyError, ValueError, TypeError, UndefinedError):
        # a row an older version wrote, or a test's: its data still goes, as recorded
        log.warning("notification %s written as recorded", name, exc_info=True)
        return _as_recorded(payload)
    subject, _, body = written.lstrip().partition("\n")
    return Letter(" ".join(subject.split()), _tidy(body))


def _as_recorded(payload: dict[str, Any]) -> Letter:
    """The fields of a payload the templates cannot read, as they were recorded."""
    about = payload.get("incident_id") or payload.get("notice_id") or ""
    subject = " ".join(f"[bcp] {about} {payload.get('event', '')}".split())
    lines = [f"{key}: {value}" for key, value in payload.items() if isinstance(value, str | int)]
    return Letter(subject, "\n".join(lines) + "\n")


def in_both_languages(payload: dict[str, Any], public_url: str) -> dict[str, dict[str, str]]:
    """A webhook's human text: each language's subject and body, for a receiver that posts it
    to a chat room or a ticket as it is."""
    return {
        language: {"subject": letter.subject, "body": letter.body}
        for language in LANGUAGES
        for letter in [write(payload, language, public_url)]
    }


def _values(payload: dict[str, Any], language: str, public_url: str) -> dict[str, Any]:
    def component_name(code: str | None) -> str:
        spec = COMPONENTS.get(code or "")
        return spec.name(language) if spec else code or ""

    values: dict[str, Any] = {
        "p": payload,
        "lang": language,
        "public_url": public_url.rstrip("/"),
        "component_name": component_name,
        "titles": payload.get("titles") or {},
    }
    if "notice_id" in payload:
        values["notice"] = {
            "kind": NoticeKind(payload["kind"]),
            "reason": Reason(payload["reason"]),
        }
        values["update_kind"] = UpdateKind(payload["event"])
    else:
        values["event"] = LetterEvent(
            payload.get("event", ""), payload.get("changes") or {}, payload.get("note") or ""
        )
    return values


@dataclass(frozen=True)
class LetterEvent:
    """What a message of the outbox carries of a timeline's event (bcp.texts.Recorded)."""

    kind: str
    changes: dict[str, Any]
    note: str


def _tidy(body: str) -> str:
    """Lines as the template leaves them, without trailing blanks or runs of empty lines."""
    lines, blank = [], False
    for line in (line.rstrip() for line in body.strip().splitlines()):
        if not line and blank:
            continue
        lines.append(line)
        blank = not line
    return "\n".join(lines) + "\n"


@cache
def _environment(language: str) -> Environment:
    translations = (
        Translations.load(str(ROOT / "bcp" / "translations"), [language], "messages")
        if language != "en"
        else NullTranslations()
    )
    environment = Environment(
        loader=FileSystemLoader(str(ROOT / "templates")),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # noqa: S701 plain text e-mails, never HTML: sent as typed
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(translations, newstyle=True)
    gettext = translations.ugettext
    environment.filters["paris"] = texts.paris_time
    environment.filters["notice_text"] = lambda text: texts.notice_text(text, gettext)
    environment.filters["actor"] = lambda label: texts.actor_label(label, gettext)
    environment.filters["event_note"] = lambda event: texts.event_note(event, gettext)
    environment.globals["vocabulary"] = vocabulary
    # templates/_macros.html names the codes of bcp.vocabulary's tables with these (the pages'
    # own: bcp.web.i18n.name_in)
    environment.globals["name_in"] = lambda table: (
        lambda code: gettext(vocabulary.word_of(table, code))
    )
    return environment
