"""A value read at most once a second per process, for everyone who asks meanwhile."""

from __future__ import annotations

import pytest

from bcp.services.recent import Recent


class Ticking:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counting():
    reads = []

    def read():
        reads.append(len(reads) + 1)
        return f"board {len(reads)}"

    return read, reads


def test_a_value_is_read_once_for_everyone_who_asks_within_the_second():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(1.0, clock)
    assert recent.get(read) == "board 1"
    clock.now += 0.9
    assert recent.get(read) == "board 1"
    assert reads == [1]


def test_it_is_read_again_once_a_second_has_passed():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(1.0, clock)
    recent.get(read)
    clock.now += 1.0
    assert recent.get(read) == "board 2"
    assert reads == [1, 2]


def test_a_change_written_by_the_process_makes_it_read_again_at_once():
    clock, (read, _) = Ticking(), counting()
    recent = Recent(60.0, clock)
    recent.get(read)
    recent.forget()
    assert recent.get(read) == "board 2"


def test_with_no_reuse_every_request_reads():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(0.0, clock)
    recent.get(read)
    recent.get(read)
    assert reads == [1, 2]


def test_a_failed_read_keeps_nothing():
    clock = Ticking()
    recent = Recent(1.0, clock)

    def broken():
        raise ConnectionError("database unreachable")

    with pytest.raises(ConnectionError):
        recent.get(broken)
    assert recent.get(lambda: "board") == "board"
