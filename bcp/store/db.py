"""Engine and sessions. SQLite runs in WAL mode with foreign keys enforced."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


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
