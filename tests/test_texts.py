"""Texts bcp writes into a record, in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

from bcp.domain import notices
from bcp.domain.actors import SCHEDULER
from bcp.domain.lifecycle import State
from bcp.domain.timeline import EventKind, TimelineEvent
from bcp.jobs.letters import LetterEvent
from bcp.texts import actor_label, event_note, event_what, notice_text, one_line, paris_time

FRENCH = {
    "Service restored.": "Service rétabli.",
    "bcp (scheduler)": "bcp (planificateur)",
    "step done": "étape faite",
    "referral outcome": "suite d'un signalement",
    "cargo not loaded": "fret non chargé",
    "notice": "avis",
    "due at %(when)s": "échéance le %(when)s",
    "not acknowledged after %(minutes)s min (target %(target)s min)": (
        "non pris en compte après %(minutes)s min (objectif %(target)s min)"
    ),
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


def event(what: EventKind, note: str = "", **changes) -> TimelineEvent:
    at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    return TimelineEvent(1, at, what, None, "x", None, None, State.DECLARED, changes, note)


TITLES = {"operator-contact-sau": {"fr": "Appeler le SAU", "en": "Call the SAU"}.get}


def test_an_event_says_what_it_did_with_the_step_it_names_in_the_readers_language():
    done = event(EventKind.STEP_DONE, step="operator-contact-sau", reference="mail 12")
    assert event_what(done, TITLES, "fr", french) == "étape faite · Appeler le SAU · mail 12"
    gone = event(EventKind.STEP_DONE, step="a-step-the-table-no-longer-has")
    assert event_what(gone, TITLES, "en", french) == "étape faite · a-step-the-table-no-longer-has"


def test_a_referral_s_outcome_and_a_desk_notice_are_named():
    outcome = event(
        EventKind.REFERRAL_OUTCOME, referral=2, kind="dnl", outcome="cargo_not_loaded", notice=7
    )
    assert event_what(outcome, {}, "fr", french) == (
        "suite d'un signalement · R2 DNL · fret non chargé · avis 7"
    )


def test_the_scheduler_s_alerts_say_their_figures_and_a_typed_note_stays_as_typed():
    reminder = event(EventKind.STEP_REMINDER, due_at="2026-12-03T10:00:00+00:00")
    assert event_note(reminder, french) == "échéance le 03/12/2026 11:00 CET"
    late = event(EventKind.ESCALATED, waited_minutes=45, target_minutes=30)
    assert event_note(late, french) == "non pris en compte après 45 min (objectif 30 min)"
    assert event_note(event(EventKind.STEP_DONE, "SAU called at 10:02"), french) == (
        "SAU called at 10:02"
    )
    assert event_note(event(EventKind.STEP_DONE, notices.RESTORED), french) == "Service rétabli."


def test_an_e_mail_s_event_reads_the_same_as_the_timeline_s():
    letter = LetterEvent("escalated", {"waited_minutes": 45, "target_minutes": 30}, "")
    assert event_note(letter, french) == event_note(
        event(EventKind.ESCALATED, waited_minutes=45, target_minutes=30), french
    )


def test_times_are_shown_in_paris_with_the_zone_in_force_then():
    assert paris_time(datetime(2026, 7, 3, 8, 5, tzinfo=UTC)) == "03/07/2026 10:05 CEST"
    assert paris_time(datetime(2026, 12, 3, 8, 5, tzinfo=UTC)) == "03/12/2026 09:05 CET"
    # the night the clocks go back: 02:30 comes twice, each with its zone
    assert paris_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "25/10/2026 02:30 CEST"
    assert paris_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "25/10/2026 02:30 CET"
    assert paris_time("2026-01-02T23:59:00+00:00") == "03/01/2026 00:59 CET"
    assert paris_time(None) == ""


def test_a_note_typed_on_several_lines_is_put_on_one_line_and_stays_escaped():
    assert one_line("Dépôts :\r\n  ENS en\tsecours\n") == "Dépôts : ENS en secours"
    kept = one_line(Markup("<strong>R2</strong>\n&lt;b&gt;"))
    assert isinstance(kept, Markup)
    assert kept == Markup("<strong>R2</strong> &lt;b&gt;")
