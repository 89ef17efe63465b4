"""An answer's ETag is made of what it shows: the same content, the same ETag; another, another.
The board a worker reuses for a second is digested once for all the pollers meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from bcp.web.conditional import _Digests, fingerprint

NOW = datetime(2026, 12, 6, 9, 30, 12, tzinfo=UTC)


class Shown:
    """A value that counts how often its content is read (its repr)."""

    def __init__(self, content: str) -> None:
        self.content, self.read = content, 0

    def __repr__(self) -> str:
        self.read += 1
        return f"Shown({self.content!r})"


def test_the_same_content_makes_the_same_etag_and_another_content_another(app):
    with app.test_request_context():
        board = Shown("STI down")
        first = fingerprint(NOW, "operator", board)
        assert fingerprint(NOW.replace(second=59), "operator", board) == first  # to the minute
        assert fingerprint(NOW, "operator", Shown("STI down")) == first  # equal content
        assert fingerprint(NOW, "operator", Shown("STI up")) != first
        assert fingerprint(NOW, "desk", board) != first  # who reads it
        assert fingerprint(NOW.replace(minute=31), "operator", board) != first


def test_a_value_reused_between_requests_is_digested_once_and_held_meanwhile():
    digests = _Digests(size=2)
    board = Shown("STI down")
    assert digests.of(board) == digests.of(board) and board.read == 1
    others = [Shown("a"), Shown("b")]
    for other in others:
        digests.of(other)
    digests.of(board)  # forgotten, the two others being more recent: read again
    assert board.read == 2
