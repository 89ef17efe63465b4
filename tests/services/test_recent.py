"""A value read at most once a second per process, for everyone who asks meanwhile: the status
board, the queue's rows; and who each session or API token stands for, kept until the accounts
change."""

from __future__ import annotations

import threading

import pytest

from bcp.services.recent import KeptUntilChanged, LeastRecent, Recent, RecentByKey


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


def test_a_read_under_way_when_the_process_forgets_is_not_kept():
    recent = Recent(60.0, Ticking())

    def read_while_a_change_lands():
        recent.forget()  # the change commits while this read is under way
        return "board read before the change"

    assert recent.get(read_while_a_change_lands) == "board read before the change"
    assert recent.get(lambda: "board 2") == "board 2"


class SlowRead:
    """A read under way in another thread (a request reading the next board), until released."""

    def __init__(self, recent, value="board 2", key=None, fails=False) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.value, self.fails, self.result = value, fails, None

        def read():
            self.started.set()
            assert self.release.wait(10)
            if self.fails:
                raise ConnectionError("database unreachable")
            return self.value

        def request():
            try:
                self.result = recent.get(read) if key is None else recent.get(key, read)
            except ConnectionError as error:
                self.result = error

        self.thread = threading.Thread(target=request)

    def __enter__(self):
        self.thread.start()
        assert self.started.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(10)


def test_while_one_request_reads_the_next_value_the_others_are_served_the_last_one():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(1.0, clock, stale_while_reading=True)
    recent.get(read)
    clock.now += 1.5
    with SlowRead(recent) as under_way:
        assert recent.get(read) == "board 1"  # not read a second time beside it
    assert under_way.result == "board 2" and reads == [1]
    assert recent.get(read) == "board 2"


def test_but_never_older_than_twice_its_seconds_nor_after_the_process_forgets():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(1.0, clock, stale_while_reading=True)
    recent.get(read)
    clock.now += 2.0
    with SlowRead(recent):
        assert recent.get(read) == "board 2"  # too old to serve: read
    clock.now += 1.5
    with SlowRead(recent, "board 4"):
        recent.forget()  # this process has just changed something
        assert recent.get(read) == "board 3"
    assert reads == [1, 2, 3]


def test_a_read_that_fails_lets_the_next_request_read():
    clock, (read, reads) = Ticking(), counting()
    recent = Recent(1.0, clock, stale_while_reading=True)
    recent.get(read)
    clock.now += 1.5
    with SlowRead(recent, fails=True) as failing:
        pass
    assert isinstance(failing.result, ConnectionError)
    assert recent.get(read) == "board 2" and reads == [1, 2]


def test_one_read_at_a_time_per_key_for_the_queue_rows_not_for_the_accounts():
    clock = Ticking()
    rows = RecentByKey(1.0, clock, stale_while_reading=True)
    accounts = RecentByKey(1.0, clock)
    for recent in (rows, accounts):
        recent.get("fr", lambda: "rows 1")
        recent.get("en", lambda: "rows 1")
    clock.now += 1.5
    with SlowRead(rows, "rows 2", key="fr"):
        assert rows.get("fr", lambda: "read beside it") == "rows 1"
        assert rows.get("en", lambda: "en read") == "en read"  # another key: its own read
    assert rows.get("fr", lambda: "not read") == "rows 2"
    with SlowRead(accounts, "carrier 2", key="fr"):
        # a revoked token must be refused within the second: no account is served stale
        assert accounts.get("fr", lambda: "read beside it") == "read beside it"


def accounts():
    reads = []

    def read(key):
        def once():
            reads.append(key)
            return None if key == "revoked" else f"{key} {reads.count(key)}"

        return once

    return read, reads


def test_each_account_is_read_once_within_the_second_and_apart_from_the_others():
    clock, (read, reads) = Ticking(), accounts()
    recent = RecentByKey(1.0, clock)
    assert recent.get("carrier", read("carrier")) == "carrier 1"
    assert recent.get("desk", read("desk")) == "desk 1"
    clock.now += 0.9
    assert recent.get("carrier", read("carrier")) == "carrier 1"
    clock.now += 0.1
    assert recent.get("carrier", read("carrier")) == "carrier 2"
    assert reads == ["carrier", "desk", "carrier"]


def test_an_account_not_found_is_asked_for_again_every_time():
    clock, (read, reads) = Ticking(), accounts()
    recent = RecentByKey(1.0, clock)
    assert recent.get("revoked", read("revoked")) is None
    assert recent.get("revoked", read("revoked")) is None
    assert reads == ["revoked", "revoked"]


def test_forgetting_drops_every_account_and_a_read_under_way_is_not_kept():
    clock, (read, _) = Ticking(), accounts()
    recent = RecentByKey(60.0, clock)
    recent.get("carrier", read("carrier"))
    recent.get("desk", read("desk"))
    recent.forget()
    assert len(recent) == 0

    def read_while_a_change_lands():
        recent.forget()
        return "desk as it was"

    assert recent.get("desk", read_while_a_change_lands) == "desk as it was"
    assert recent.get("desk", read("desk")) == "desk 2"


def test_no_more_than_its_size_are_kept_the_expired_going_first():
    clock, (read, _) = Ticking(), accounts()
    recent = RecentByKey(1.0, clock, size=3)
    recent.get("old", read("old"))
    clock.now += 0.5
    recent.get("a", read("a"))
    recent.get("b", read("b"))
    clock.now += 0.6  # "old" has expired, "a" and "b" not
    recent.get("c", read("c"))
    assert len(recent) == 3
    assert recent.get("a", read("a")) == "a 1"
    recent.get("d", read("d"))  # full and nothing expired: all go
    assert len(recent) == 1


def test_with_no_reuse_nothing_is_kept():
    clock, (read, reads) = Ticking(), accounts()
    recent = RecentByKey(0.0, clock)
    recent.get("carrier", read("carrier"))
    recent.get("carrier", read("carrier"))
    assert reads == ["carrier", "carrier"] and len(recent) == 0


def test_what_is_kept_by_content_stays_within_its_weight_the_least_recently_served_going_first():
    pages = LeastRecent(10, len)
    pages.put("a", "aaaa")
    pages.put("b", "bbbb")
    assert pages.get("a") == "aaaa"  # a is now the most recently served
    pages.put("c", "cccc")
    assert pages.get("b") is None and pages.get("a") == "aaaa" and pages.get("c") == "cccc"
    pages.put("a", "aaaaaa")  # replaced, weighed once
    assert len(pages) == 2 and pages.get("c") == "cccc"
    pages.put("huge", "x" * 11)  # heavier than the whole capacity: never kept, nothing evicted
    assert pages.get("huge") is None and len(pages) == 2


def test_kept_by_count_and_capacity_zero_keeps_nothing():
    documents = LeastRecent(2)
    for key in ("one", "two", "three"):
        documents.put(key, key.encode())
    assert documents.get("one") is None and len(documents) == 2
    nothing = LeastRecent(0)
    nothing.put("one", b"pdf")
    assert nothing.get("one") is None and len(nothing) == 0


class Changes:
    """The count of the accounts' changes in the database, and how often it was read."""

    def __init__(self) -> None:
        self.count: int | None = 0
        self.reads = 0

    def __call__(self) -> int | None:
        self.reads += 1
        return self.count


def test_an_account_is_kept_while_no_account_changes_the_count_read_once_a_second():
    clock, (read, reads), changes = Ticking(), accounts(), Changes()
    kept = KeptUntilChanged(1.0, clock, keep=300.0)
    assert kept.get("carrier", read("carrier"), changes) == "carrier 1"
    assert kept.get("desk", read("desk"), changes) == "desk 1"
    for _ in range(100):  # a poller every 0.6 s for a minute
        clock.now += 0.6
        assert kept.get("carrier", read("carrier"), changes) == "carrier 1"
    assert reads == ["carrier", "desk"]
    assert 50 <= changes.reads <= 61  # once a second at most, not once a request


def test_a_change_to_any_account_drops_them_all_within_the_second():
    clock, (read, reads), changes = Ticking(), accounts(), Changes()
    kept = KeptUntilChanged(1.0, clock)
    kept.get("carrier", read("carrier"), changes)
    kept.get("desk", read("desk"), changes)
    changes.count = 1  # a token revoked, by any process
    clock.now += 0.9
    assert kept.get("carrier", read("carrier"), changes) == "carrier 1"  # not counted again yet
    clock.now += 0.1
    assert kept.get("carrier", read("carrier"), changes) == "carrier 2"
    assert kept.get("desk", read("desk"), changes) == "desk 2"
    assert reads == ["carrier", "desk", "carrier", "desk"]


def test_an_account_read_while_a_change_was_counted_is_not_kept():
    clock, (read, reads), changes = Ticking(), accounts(), Changes()
    kept = KeptUntilChanged(1.0, clock)
    kept.get("desk", read("desk"), changes)

    def read_while_another_request_counts_a_change():
        changes.count = 1
        clock.now += 1.0
        assert kept.get("desk", read("desk"), changes) == "desk 2"  # counted: all dropped
        return "carrier as it was"

    assert kept.get("carrier", read_while_another_request_counts_a_change, changes) == (
        "carrier as it was"
    )
    assert kept.get("carrier", read("carrier"), changes) == "carrier 1"  # read again
    assert reads == ["desk", "desk", "carrier"]


def test_an_account_is_read_again_after_keep_seconds_and_a_process_s_own_change_at_once():
    clock, (read, reads), changes = Ticking(), accounts(), Changes()
    kept = KeptUntilChanged(1.0, clock, keep=300.0)
    kept.get("carrier", read("carrier"), changes)
    clock.now += 300.0  # its record of use is written when it is read again
    assert kept.get("carrier", read("carrier"), changes) == "carrier 2"
    kept.forget()  # this process revoked a token, say
    assert len(kept) == 0
    assert kept.get("carrier", read("carrier"), changes) == "carrier 3"
    assert reads == ["carrier"] * 3


def test_without_a_count_or_without_reuse_every_request_reads_its_account():
    clock, (read, reads), changes = Ticking(), accounts(), Changes()
    changes.count = None  # its row is gone: nothing can tell a change
    kept = KeptUntilChanged(1.0, clock)
    kept.get("carrier", read("carrier"), changes)
    kept.get("carrier", read("carrier"), changes)
    none = KeptUntilChanged(0.0, clock)
    none.get("carrier", read("carrier"), Changes())
    assert reads == ["carrier"] * 3 and len(kept) == len(none) == 0


def test_no_more_accounts_than_its_size_are_kept():
    clock, (read, _), changes = Ticking(), accounts(), Changes()
    kept = KeptUntilChanged(1.0, clock, keep=10.0, size=2)
    kept.get("old", read("old"), changes)
    clock.now += 10.0  # "old" has expired
    kept.get("a", read("a"), changes)
    kept.get("b", read("b"), changes)
    assert len(kept) == 2
    kept.get("c", read("c"), changes)  # full and nothing expired: all go
    assert len(kept) == 1
