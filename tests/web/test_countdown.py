"""How long until a deadline, as a page says it before its script takes over (bcp.web.countdown):
in the reader's language, ahead or late, in minutes, hours or days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bcp.web.countdown import Countdown

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "after", "said"),
    [
        ("fr", timedelta(minutes=80), "dans 1 h 20 min"),
        ("en", timedelta(minutes=80), "in 1 h 20 min"),
        ("fr", -timedelta(minutes=5), "en retard de 5 min"),
        ("en", -timedelta(minutes=5), "late by 5 min"),
        ("fr", timedelta(days=2, hours=3), "dans 2 j 3 h"),
        ("en", timedelta(days=2, hours=3), "in 2 d 3 h"),
    ],
)
def test_a_deadline_is_said_in_the_readers_language(app, language, after, said):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert Countdown(NOW)(NOW + after) == said


def test_no_deadline_says_nothing(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert Countdown(NOW)(None) == ""


def test_the_words_are_those_of_the_page_that_first_needs_them(app):
    """A countdown keeps the language it first spoke, as every text of its page."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = Countdown(NOW)
        assert english(NOW + timedelta(minutes=3)) == "in 3 min"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert Countdown(NOW)(NOW + timedelta(minutes=3)) == "dans 3 min"
        assert english(NOW + timedelta(minutes=3)) == "in 3 min"
