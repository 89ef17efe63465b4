"""The dashboard kept per process: computed once, served while current, refreshed in the
background once out of date, without a refresh ever waiting for the computation."""

from __future__ import annotations

import threading

from bcp.services.dashboard import DashboardCache


class Computations:
    def __init__(self) -> None:
        self.count = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self):
        self.release.wait(10)
        self.count += 1
        return f"board {self.count}"


def test_the_first_request_computes_then_the_board_is_served_while_nothing_changes():
    cache, compute = DashboardCache(), Computations()
    assert cache.serve(41, compute) == "board 1"
    assert cache.serve(41, compute) == "board 1"
    assert compute.count == 1


def test_a_change_is_served_after_one_background_refresh_and_never_waits_for_it():
    cache, compute = DashboardCache(every_seconds=0), Computations()
    cache.serve(41, compute)
    compute.release.clear()  # the next computation takes its time
    assert cache.serve(42, compute) == "board 1", "the previous board, at once"
    assert cache.serve(43, compute) == "board 1", "one refresh at a time"
    compute.release.set()
    for _ in range(100):
        if compute.count == 2:
            break
        threading.Event().wait(0.02)
    assert cache.serve(42, compute) == "board 2"
    assert compute.count == 2


def test_a_board_older_than_its_bound_is_refreshed_even_if_nothing_seems_changed():
    cache, compute = DashboardCache(fresh_seconds=0, every_seconds=0), Computations()
    cache.serve(7, compute)
    cache.serve(7, compute)
    for _ in range(100):
        if compute.count == 2:
            break
        threading.Event().wait(0.02)
    assert compute.count == 2


def test_changes_are_picked_up_at_most_once_per_interval():
    cache, compute = DashboardCache(every_seconds=3600), Computations()
    cache.serve(1, compute)
    assert cache.serve(2, compute) == "board 1"
    assert cache.serve(3, compute) == "board 1"
    assert compute.count == 1
