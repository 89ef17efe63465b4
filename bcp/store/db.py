"""Engine and sessions. SQLite runs in WAL mode with foreign keys enforced."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker


def read_columns(
    session: Session,
    statement: Executable,
    parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> CursorResult[Any]:
    """A statement of plain columns, on the unit of work's connection, after what the session
    holds unwritten (as `Session.execute` flushes it first).

    Why not `Session.execute`: for a statement that names a mapped class's columns it sets up
    the ORM's loading of the rows, about 60 µs a statement in one process on SQLite (a
    declaration reads two such, the active rules table's version and the notices in force:
    docs/performance.md, issue 18's fifteenth round). A statement on the tables returns the
    same rows either way."""
    session.flush()
    return session.connection().execute(statement, parameters)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return _pinged_when_idle(create_engine(url, echo=echo))


def make_reading_engine(url: str, *, echo: bool = False) -> Engine | None:
    """PostgreSQL: an engine for the use cases that only read (UnitOfWork.reading), whose
    connections run each statement on its own, outside a transaction block, and may not write.

    Why: under PostgreSQL's READ COMMITTED, each statement of a transaction already reads what
    was committed when that statement began, so a reading transaction's BEGIN and ROLLBACK
    bought nothing but two round trips to the server; on an incident page, two of six. The
    server itself refuses a write on these connections (`default_transaction_read_only`), as
    the rolled-back transaction made a stray write harmless before.

    SQLite: None, its reading transactions stay (they cost no round trip, and give the page one
    snapshot in WAL mode).
    """
    if url.startswith("sqlite"):
        return None
    given = make_url(url).query.get("options")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = " ".join(filter(None, [given, "-c default_transaction_read_only=on"]))
    return _pinged_when_idle(
        create_engine(
            url, echo=echo, isolation_level="AUTOCOMMIT", connect_args={"options": options}
        )
    )


def _pinged_when_idle(engine: Engine) -> Engine:
    """A PostgreSQL engine whose pooled connections are pinged before use after sitting idle."""
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle(engine))
    return engine


IDLE_BEFORE_PING_SECONDS = 10.0
"""A pooled PostgreSQL connection unused this long is pinged before it is handed out."""


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["bcp_checked_in"] = time.monotonic()


def _ping_if_idle(engine: Engine):
    """Pessimistic disconnect handling, for idle connections only.

    A connection that sat in the pool may have been cut (the database restarted, a failover, a
    firewall's idle timeout): it is pinged before use, and a dead one is replaced at once, so
    that the first request after a restart does not fail. A connection returned a moment ago
    is not: pinging every checkout (`pool_pre_ping`) cost each request one more round trip to
    the server, about a twentieth of an incident page. A connection that dies while in use is
    caught by SQLAlchemy's disconnect detection, which empties the pool (503 for that request,
    bcp.web.errors)."""

    def ping(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get("bcp_checked_in")
        if returned is not None and time.monotonic() - returned < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError() from exc
        if not alive:
            raise DisconnectionError()

    return ping


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling is switched off so that _sqlite_begin_immediate
    # decides how each transaction begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY = "bcp_read_only"
"""Execution option of a connection whose transaction only reads (see UnitOfWork.reading)."""


@contextmanager
def reading_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for statements that only read: on SQLite its transaction begins without the
    write lock (_sqlite_begin_immediate), so it never queues behind the writers of a burst of
    declarations. Without it, /healthz and each process's first check of the schema waited for
    the lock up to the busy timeout (15 s), then failed: a load balancer's readiness probe
    would have taken the service out on the very day it is needed."""
    with engine.connect() as connection:
        yield connection.execution_options(**{READ_ONLY: True})


def _sqlite_begin_immediate(connection) -> None:
    """Take SQLite's write lock when the transaction begins, not at its first write.

    A deferred transaction that has read and then writes cannot wait for the lock: if another
    writer committed meanwhile, SQLite refuses at once ("database is locked"), and a declaration
    would fail during a burst. Taken at BEGIN, the lock is waited for (busy_timeout) and writers
    queue up.

    A transaction opened for reading (READ_ONLY, see UnitOfWork.reading) begins deferred: in WAL
    mode it reads its snapshot without waiting for the writers, nor they for it. Before this,
    every page waited in the writers' queue behind the declarations of a burst.
    """
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_unreachable(error: DBAPIError) -> bool:
    """True when the database could not be reached or answered it is unavailable, as opposed to
    a statement it refused."""
    if error.connection_invalidated:
        return True
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()
    signs = (
        "connection refused",
        "could not connect",
        "connection failed",
        "server closed the connection",
        "terminating connection",
        "the database system is",
        "connection is closed",
        "consuming input failed",
        "unable to open database file",
        "database is locked",
        "disk i/o error",
    )
    return any(sign in text for sign in signs)
