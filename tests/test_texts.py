"""Texts bcp writes into a record, in the reader's language."""

from __future__ import annotations

from bcp.domain import notices
from bcp.domain.actors import SCHEDULER
from bcp.texts import actor_label, notice_text

FRENCH = {
    "Service restored.": "Service rétabli.",
    "bcp (scheduler)": "bcp (planificateur)",
}


asked: list[str] = []


def french(text: str) -> str:
    asked.append(text)
    return FRENCH.get(text, text)


def test_a_default_notice_text_is_in_the_readers_language():
    assert notice_text(notices.RESTORED, french) == "Service rétabli."


def test_a_note_as_typed_is_shown_as_typed_and_never_looked_up_in_the_catalogue():
    asked.clear()
    assert notice_text("Dépôts de secours en cours.", french) == "Dépôts de secours en cours."
    assert asked == []


def test_the_scheduler_is_named_in_the_readers_language_and_a_person_as_recorded():
    assert actor_label(SCHEDULER.label, french) == "bcp (planificateur)"
    assert actor_label("Camille Martin", french) == "Camille Martin"
