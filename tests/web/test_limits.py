"""The rate limits' own mechanics: what they count, what they leave alone, how their counters
expire, and what happens when their store is out of reach. What a refused person or program is
told is in tests/web/test_security.py."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

from limits.storage import MemoryStorage

from bcp.web.app import create_app
from bcp.web.limits import ProcessCounters, counters


class CountingStorage(ProcessCounters):
    """Counters that also say how often they were hit."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.hits.append(key)
        return super().incr(key, expiry, amount)


class UnreachableStorage(ProcessCounters):
    """A shared store (redis://, say) that does not answer."""

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        raise ConnectionError("Connection refused: 127.0.0.1:6379")


def with_storage(app, storage):
    app.extensions["bcp_limits"].storage = storage
    app.extensions["bcp_limits"]._window.storage = storage
    return storage


def test_only_the_api_and_the_sign_in_form_are_counted(browser_app, people):
    storage = with_storage(browser_app, CountingStorage())
    client = browser_app.test_client()
    for path in ("/ping", "/sign-in", "/status/", "/healthz"):
        client.get(path)
    assert storage.hits == []
    client.get("/api/v1/status", headers=people.carrier.auth)
    client.post("/sign-in", data={"login": "nobody", "password": "wrong"})
    assert [key.split("/")[1] for key in storage.hits] == ["api", "sign-in"]
    assert storage.hits[0].split("/")[2].startswith("token:")  # a digest, never the token
    assert people.carrier.auth["Authorization"].split()[1] not in storage.hits[0]


def test_the_memory_counters_start_no_thread_when_hit(monkeypatch):
    """limits' MemoryStorage started a thread to expire its counters on nearly every hit, and
    the request waited for it to start."""
    started = []
    original = threading.Thread.start

    def counting_start(thread):
        started.append(thread)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    upstream = MemoryStorage()
    ours = counters("memory://")
    assert isinstance(ours, ProcessCounters)
    for storage in (upstream, ours):
        started.clear()
        for _ in range(3):
            storage.incr("key", 60)
            time.sleep(0.015)  # longer than the upstream timer's 10 ms
        if storage is upstream:
            assert started, "the upstream storage no longer starts threads: drop ProcessCounters"
        else:
            assert started == []
    upstream.timer.cancel()


def test_an_expired_window_counts_again_from_zero_and_is_swept():
    storage = ProcessCounters(sweep_seconds=0)
    assert [storage.incr("a", 0.05) for _ in range(3)] == [1, 2, 3]
    storage.incr("b", 0.05)
    time.sleep(0.06)
    assert storage.incr("a", 60) == 1  # its window ended: a new one
    assert "b" not in storage.expirations and "b" not in storage.storage  # swept


def test_a_store_out_of_reach_lets_the_api_through_and_says_so(browser_app, people, caplog):
    with_storage(browser_app, UnreachableStorage())
    client = browser_app.test_client()
    with caplog.at_level(logging.WARNING, logger="bcp.web.limits"):
        answer = client.get("/api/v1/status", headers=people.carrier.auth)
    assert answer.status_code == 200
    assert "rate limit store unavailable, api not limited" in caplog.text
    assert "Connection refused" in caplog.text


def test_retry_after_is_what_is_left_of_the_window(settings, clock, people):
    app = create_app(settings=replace(settings, api_requests_per_token="1 per hour"), clock=clock)
    client = app.test_client()
    assert client.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    refused = client.get("/api/v1/status", headers=people.carrier.auth)
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    app.extensions["bcp"].dispose()
