"""Transactions: a writer waits for the one writing before it, a reader never waits for a
writer (SQLite takes its write lock at BEGIN, except for a reading; PostgreSQL's readers take no
lock a writer holds)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bcp.services.unit_of_work import UnitOfWork
from bcp.store.db import make_engine, make_reading_engine, make_session_factory
from bcp.store.schema import check_reachable, head_revision, schema_problem


@pytest.fixture
def writer_holding_the_lock(backend, database_url):
    """Another process's writer, in the middle of its transaction, with a row not committed."""
    engine = make_engine(database_url)
    connection = engine.connect()
    if backend == "sqlite":
        connection.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: SQLite's write lock
    else:  # what another writer would wait for; readers never do
        connection.execute(text("LOCK TABLE job_marks IN EXCLUSIVE MODE"))
    connection.execute(
        text("INSERT INTO job_marks (job, key, done_at) VALUES ('held', 'x', '2026-11-22')")
    )
    yield
    connection.rollback()
    connection.close()
    engine.dispose()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_a_reading_unit_of_work_does_not_wait_for_a_writer(
    database_url, engine, writer_holding_the_lock
):
    reading_engine = make_reading_engine(database_url)
    reading = make_session_factory(reading_engine) if reading_engine else None
    started = time.monotonic()
    with UnitOfWork(make_session_factory(engine), reading).reading() as uow:
        count = uow.session.execute(text("SELECT count(*) FROM job_marks")).scalar_one()
    assert time.monotonic() - started < 1.0
    assert count == 0  # what is committed: the other writer has not
    if reading_engine:
        reading_engine.dispose()


def test_a_lookup_does_not_wait_for_a_writer_and_writes_nothing(
    database_url, engine, writer_holding_the_lock
):
    """UnitOfWork.lookup, the one-statement read of every API request (its token): on a
    connection of the readings', without a Session."""
    reading_engine = make_reading_engine(database_url)
    reading = make_session_factory(reading_engine) if reading_engine else None
    uow = UnitOfWork(make_session_factory(engine), reading)
    started = time.monotonic()
    with uow.lookup() as connection:
        count = connection.execute(text("SELECT count(*) FROM job_marks")).scalar_one()
    assert time.monotonic() - started < 1.0
    assert count == 0
    if reading_engine:
        reading_engine.dispose()


def test_readiness_does_not_wait_for_a_writer(backend, engine, writer_holding_the_lock):
    """/healthz and each process's first check of the schema (bcp.web.guard) only read: on
    SQLite they once began with the write lock, so during a burst of declarations a readiness
    probe waited behind the writers for the busy timeout, then failed. Told to wait 0.2 s, a
    regression fails here at once instead of 15 s later."""
    if backend == "sqlite":
        raw = engine.raw_connection()  # the pool's one connection, as in the test below
        raw.driver_connection.execute("PRAGMA busy_timeout=200")
        raw.close()
    started = time.monotonic()
    assert schema_problem(engine, head_revision()) is None
    check_reachable(engine)
    assert time.monotonic() - started < 1.0


def test_nothing_a_lookup_does_is_committed(database_url, engine):
    """On SQLite its transaction is rolled back; PostgreSQL refuses the write outright
    (tests/store/test_reading_connections.py)."""
    reading_engine = make_reading_engine(database_url)
    reading = make_session_factory(reading_engine) if reading_engine else None
    uow = UnitOfWork(make_session_factory(engine), reading)
    stray = text("INSERT INTO job_marks (job, key, done_at) VALUES ('stray', 'z', '2026-11-22')")
    try:
        with uow.lookup() as connection:
            connection.execute(stray)
    except DBAPIError as refused:
        assert "read-only transaction" in str(refused)
    with uow.reading():
        assert uow.session.execute(text("SELECT count(*) FROM job_marks")).scalar_one() == 0
    if reading_engine:
        reading_engine.dispose()


def test_a_writing_unit_of_work_waits_for_the_writer_before_it(
    backend, engine, writer_holding_the_lock
):
    """Told to wait 0.2 s instead of 15 s, it gives up: it was waiting, not failing at once."""
    if backend == "sqlite":
        raw = engine.raw_connection()  # the pool's one connection, without a BEGIN of its own
        raw.driver_connection.execute("PRAGMA busy_timeout=200")
        raw.close()
    uow = UnitOfWork(make_session_factory(engine))
    started = time.monotonic()
    with pytest.raises(Exception, match=r"locked|lock timeout"), uow:
        if backend != "sqlite":
            uow.session.execute(text("SET LOCAL lock_timeout = '200ms'"))
        uow.session.execute(
            text("INSERT INTO job_marks (job, key, done_at) VALUES ('mine', 'y', '2026-11-22')")
        )
    assert time.monotonic() - started >= 0.15
