"""Two schedulers on a real PostgreSQL server that restarts: at every moment at most one sends,
and when the leader is killed the other takes over within a bounded time.

The test runs a PostgreSQL 15 cluster of its own (whatever database the rest of the suite uses),
so that it may restart it. Each delivery tells which scheduler process sent it (its
User-Agent); the order in which the receiver got them shows one sender at a time.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from datetime import UTC, datetime

import pytest

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import SystemClock
from bcp.services.notifications import add_webhook
from bcp.store.models import OutboxRow
from tests.jobs.conftest import ANYWHERE
from tests.jobs.test_scheduler import start_scheduler, wait_for

ADMIN = Actor(None, "admin", Role.ADMIN)
TAKEOVER_SECONDS = 20  # the standby polls every 5 s; the server restart and a tick add a few


@pytest.fixture
def database_url(own_cluster) -> str:
    """Overrides the suite's database: this test's rows live in its own cluster."""
    return own_cluster.url


def senders(peer) -> list[str]:
    return [headers["User-Agent"].rsplit(" ", 1)[-1].rstrip(")") for _, headers, _ in peer.received]


def runs(sequence: list[str]) -> list[str]:
    """The senders in the order they sent, each run of one sender once: A A B B A → A B A."""
    return [key for key, _ in itertools.groupby(sequence)]


def test_one_sender_at_a_time_through_a_restart_and_a_takeover(
    own_cluster, uow, http_peer, tmp_path
):
    clock = SystemClock()
    add_webhook(
        uow, clock, ADMIN, http_peer.base + "/ok", ["notice.published"], destinations=ANYWHERE
    )
    stop = threading.Event()

    def feed() -> None:
        """A notification every 0.2 s, written as services do; refused while the server is down."""
        for n in itertools.count():
            if stop.wait(0.2):
                return
            try:
                with uow:
                    now = datetime.now(UTC)
                    uow.session.add(
                        OutboxRow(
                            idempotency_key=f"leader-test:{n}",
                            topic="notice.published",
                            payload={"notice_id": n, "title": f"avis {n}", "components": []},
                            status="pending",
                            created_at=now,
                            next_attempt_at=now,
                        )
                    )
                    uow.commit()
            except Exception:  # noqa: S112 (the server is restarting: the next one will do)
                continue

    config = tmp_path / "scheduler.toml"
    config.write_text("[scheduler]\ntick_seconds = 1\nlock_stale_seconds = 3\nlease_seconds = 5\n")
    env = {**os.environ, "BCP_DATABASE_URL": own_cluster.url, "BCP_CONFIG": str(config)}
    env.pop("DATABASE_URL", None)
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    first = start_scheduler(env)
    processes = [first]
    try:
        assert wait_for(lambda: len(http_peer.received) >= 5, 60), first.stdout.read1().decode()
        second = start_scheduler(env)
        processes.append(second)
        time.sleep(3)  # the second waits for the lock
        assert set(senders(http_peer)) == {str(first.pid)}

        own_cluster.stop()
        time.sleep(1)
        own_cluster.start()
        restarted = time.monotonic()
        assert first.wait(TAKEOVER_SECONDS) == 3, "the leader saw it lost the lock and stopped"
        assert wait_for(lambda: str(second.pid) in senders(http_peer), TAKEOVER_SECONDS)
        assert time.monotonic() - restarted < TAKEOVER_SECONDS

        third = start_scheduler(env)
        processes.append(third)
        time.sleep(3)
        second.send_signal(signal.SIGKILL)
        second.wait(10)
        killed = time.monotonic()
        assert wait_for(lambda: str(third.pid) in senders(http_peer), TAKEOVER_SECONDS)
        assert time.monotonic() - killed < TAKEOVER_SECONDS
        time.sleep(2)
    finally:
        stop.set()
        feeder.join(5)
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(10)
    # One sender at a time: each process's deliveries come in one run, in the order they led.
    assert runs(senders(http_peer)) == [str(first.pid), str(second.pid), str(third.pid)]
