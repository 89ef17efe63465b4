"""SQLite's transactions: writers queue at BEGIN for the write lock, readers never wait for it."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text

from bcp.services.unit_of_work import UnitOfWork
from bcp.store.db import make_engine, make_session_factory


@pytest.fixture
def sqlite_url(backend, database_url):
    if backend != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL readers never take a lock")
    return database_url


@pytest.fixture
def writer_holding_the_lock(sqlite_url):
    """Another process's writer, in the middle of its transaction."""
    path = sqlite_url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO job_marks (job, key, done_at) VALUES ('held', 'x', '2026-11-22')")
    yield
    other.rollback()
    other.close()


def test_a_reading_unit_of_work_does_not_wait_for_a_writer(sqlite_url, writer_holding_the_lock):
    engine = make_engine(sqlite_url)
    try:
        started = time.monotonic()
        with UnitOfWork(make_session_factory(engine)).reading() as uow:
            count = uow.session.execute(text("SELECT count(*) FROM job_marks")).scalar_one()
        assert time.monotonic() - started < 1.0
        assert count == 0  # its snapshot: the other writer has not committed
    finally:
        engine.dispose()


def test_a_writing_unit_of_work_waits_for_the_lock_at_begin(sqlite_url, writer_holding_the_lock):
    engine = make_engine(sqlite_url)
    try:
        # The pool's one connection, told to wait 0.2 s instead of 15 (no BEGIN of its own).
        raw = engine.raw_connection()
        raw.driver_connection.execute("PRAGMA busy_timeout=200")
        raw.close()
        uow = UnitOfWork(make_session_factory(engine))
        with pytest.raises(Exception, match="database is locked"), uow:
            uow.session.execute(text("SELECT 1"))
    finally:
        engine.dispose()
