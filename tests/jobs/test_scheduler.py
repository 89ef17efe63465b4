"""The scheduler process: one acts at a time, and a SIGKILL in the middle of sending loses and
applies no notification twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text, update

from bcp.domain.clock import FrozenClock
from bcp.jobs.lock import ADVISORY_KEY, SchedulerLock
from bcp.services.context import Context
from bcp.services.incidents import declare_incident
from bcp.store.db import make_engine
from bcp.store.models import DeliveryRow, UserRow
from tests.conftest import T0
from tests.domain.conftest import facts
from tests.typed import as_declaration

ROOT = Path(__file__).parent.parent.parent


def test_one_scheduler_at_a_time_and_a_takeover_when_it_dies(database_url, backend):
    engine = make_engine(database_url)
    clock = FrozenClock(T0)
    first = SchedulerLock(engine, clock, "first", timedelta(seconds=30))
    second = SchedulerLock(engine, clock, "second", timedelta(seconds=30))
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.refresh()
        if backend == "postgresql":
            first.release()  # the connection closes, as when the process dies
        else:
            clock.advance(seconds=31)  # the first stopped refreshing its heartbeat
        assert second.acquire()
        if backend != "postgresql":
            assert not first.refresh()  # the first, were it alive, learns it lost the lock
    finally:
        second.release()
        first.release()
        engine.dispose()


def test_a_leader_whose_session_the_server_ended_knows_it_at_once(database_url, backend):
    """A server restart ends the leader's session while its connection object still looks
    open: the check asks the server, so the leader stops and another takes over at once. On
    SQLite the same is a heartbeat another scheduler took over."""
    engine = make_engine(database_url)
    clock = FrozenClock(T0)
    leader = SchedulerLock(engine, clock, "leader", timedelta(seconds=30))
    standby = SchedulerLock(engine, clock, "standby", timedelta(seconds=30))
    try:
        assert leader.acquire() and leader.refresh()
        assert not standby.acquire()
        if backend == "postgresql":
            with engine.connect() as admin:
                admin.execute(
                    text(
                        # The timeout makes the call wait until the backend is gone and
                        # its locks released (termination is otherwise asynchronous); the
                        # database filter spares other test workers' schedulers.
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE "
                        "locktype = 'advisory' AND granted AND objid = :low AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    ),
                    {"low": ADVISORY_KEY & 0xFFFFFFFF},
                )
                admin.commit()
            assert leader._connection is not None and not leader._connection.closed
        else:
            clock.advance(seconds=31)
        assert standby.acquire()
        assert not leader.refresh()  # asked of the server: the lock is not its any more
        assert standby.refresh()
        assert not leader.acquire()  # and it does not get it back while the other holds it
    finally:
        standby.release()
        leader.release()
        engine.dispose()


def start_scheduler(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "bcp", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_sigkill_while_sending_loses_nothing_and_applies_nothing_twice(
    database_url, uow, clock, library, people, smtp, tmp_path
):
    with uow:
        uow.session.execute(
            update(UserRow).where(UserRow.login == "desk").values(email="desk@douane.example")
        )
        uow.commit()
    for n in range(10):
        declare_incident(
            Context(uow, clock, library, people.carrier.actor),
            as_declaration(facts(summary=f"incident {n}")),
        )
    smtp.delay = 0.3  # a slow server widens the window for the kill
    config = tmp_path / "scheduler.toml"
    config.write_text(
        "[scheduler]\ntick_seconds = 1\nlock_stale_seconds = 3\nlease_seconds = 3\n"
        f"[smtp]\nport = {smtp.port}\n"
    )
    env = {
        **os.environ,
        "BCP_DATABASE_URL": database_url,
        "BCP_CONFIG": str(config),
        "BCP_SECRET_KEY": "k" * 40,
    }
    env.pop("DATABASE_URL", None)
    first = start_scheduler(env)
    try:
        assert wait_for(lambda: len(smtp.messages) >= 3, 60), first.stdout.read1().decode()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        received_before = len(smtp.messages)
        second = start_scheduler(env)
        try:
            engine = make_engine(database_url)

            def all_sent() -> bool:
                with engine.connect() as connection:
                    statuses = connection.execute(select(DeliveryRow.status)).scalars().all()
                return bool(statuses) and all(s == "sent" for s in statuses)

            assert wait_for(all_sent, 90), second.stdout.read1().decode()
            with engine.connect() as connection:
                keys = set(connection.execute(select(DeliveryRow.idempotency_key)).scalars())
            engine.dispose()
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    received = smtp.keys()
    assert set(received) == keys, "every notification arrived"
    duplicates = len(received) - len(set(received))
    # A message the server accepted just before the kill, not yet marked sent, is sent again
    # with the same idempotency key: the receiver applies it once. Nothing else repeats.
    assert duplicates <= 1, f"{duplicates} duplicates"
    assert received_before < len(keys), "the kill happened in the middle of sending"
