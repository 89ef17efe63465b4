"""Liveness never waits behind the database: while the database is locked and declarations wait
for it in every worker, gunicorn's other threads still answer /ping (gunicorn.conf.py: gthread
workers). With sync workers, /ping queued behind them for the whole lock timeout."""

from __future__ import annotations

import runpy
import threading
import time
from contextlib import contextmanager

import httpx
from sqlalchemy import text

from bcp.settings import ROOT
from bcp.store.db import make_engine
from tests.web.servers import Gunicorn, recent_outage


@contextmanager
def database_locked(database_url: str, backend: str):
    """SQLite: the write lock, taken at BEGIN IMMEDIATE. PostgreSQL: the incidents table locked
    against every other statement. Released when the block ends."""
    engine = make_engine(database_url)
    connection = engine.connect()
    try:
        if backend == "sqlite":
            connection.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: the write lock
        else:
            connection.execute(text("LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE"))
        yield
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()


def test_ping_answers_while_declarations_wait_for_the_database(
    database_url, backend, tmp_path, people
):
    """Declarations stuck behind a lock, one fewer than a worker's threads: wherever the kernel
    hands them and the ping, a thread is free for it. (A gthread worker whose threads are all
    busy still accepts connections and queues them: with as many stuck on one worker as it has
    threads, a ping that lands there waits too; docs/performance.md, head-of-line blocking.)"""
    stuck = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"] - 1
    assert stuck >= 1, "a worker needs a thread beside the one waiting on the database"
    server = Gunicorn(database_url, tmp_path, workers=2)
    server.start()
    waiting: list[httpx.Response | Exception] = []

    def declare():
        try:
            waiting.append(
                httpx.post(
                    server.base + "/api/v1/incidents",
                    json=recent_outage("bloquée"),
                    headers=people.carrier.auth,
                    timeout=30,
                )
            )
        except httpx.HTTPError as error:
            waiting.append(error)

    try:
        with database_locked(database_url, backend):
            writers = [threading.Thread(target=declare) for _ in range(stuck)]
            for writer in writers:
                writer.start()
            time.sleep(1.0)  # the declarations are in the workers, waiting for the lock
            started = time.monotonic()
            ping = httpx.get(server.base + "/ping", timeout=10)
            answered_in = time.monotonic() - started
            assert ping.status_code == 200 and ping.text == "pong"
            assert not waiting, "the declarations should still be waiting for the lock"
            assert answered_in < 5, f"/ping waited {answered_in:.1f} s behind the database"
        for writer in writers:
            writer.join(timeout=30)
        assert [getattr(r, "status_code", r) for r in waiting] == [201] * stuck
    finally:
        server.stop()


def test_readiness_answers_while_declarations_wait_for_the_database(app, database_url, backend):
    """/healthz, a load balancer's readiness probe, and the process's first check of the schema
    (a new app, bcp.web.guard) only read: they answer at once while a writer holds the database.
    On SQLite they once waited for the write lock behind the writers (15 s), then said 503: the
    probe would have taken the service out during a burst of declarations. In the gunicorn test
    above, a /healthz of the server's start still queued when the lock was taken could so hold
    a worker's second thread, and the ping behind it (its one failure, in issue 18's fifteenth
    round's CI, under load)."""
    client = app.test_client()
    with database_locked(database_url, backend):
        started = time.monotonic()
        health = client.get("/healthz")
        answered_in = time.monotonic() - started
    assert health.status_code == 200 and health.json == {"status": "ok", "database": "ok"}
    assert answered_in < 5, f"/healthz waited {answered_in:.1f} s behind the database"
