"""One session, one transaction per use case; nothing is written unless `commit` is reached."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bcp.domain.errors import Conflict
from bcp.store.consignments import ConsignmentRepository
from bcp.store.db import READ_ONLY, reading_connection
from bcp.store.incidents import CONCURRENT_CHANGE, IncidentRepository
from bcp.store.notices import NoticeRepository


class UnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        reading_factory: sessionmaker[Session] | None = None,
    ) -> None:
        """`reading_factory`: the sessions of a reading (bcp.store.db.make_reading_engine on
        PostgreSQL); by default, the same as the others."""
        self._factory = session_factory
        self._reading_factory = reading_factory or session_factory
        self._reading = False
        self._asked_reading = False
        self._depth = 0

    def reading(self) -> UnitOfWork:
        """For a use case that only reads: `with uow.reading():`. On SQLite its transaction
        begins without the write lock (readers then never wait for writers, nor writers for
        them); it may not commit. On PostgreSQL it reads outside a transaction block, on a
        connection that may not write (bcp.store.db.make_reading_engine).

        A reading opened while this one reads joins it: a page made of several reading use
        cases (the desk's queue) reads them all with one connection, instead of opening one
        each: on SQLite in one transaction, one snapshot; on PostgreSQL each statement reads
        what was committed when it began, as it did inside a READ COMMITTED transaction."""
        self._asked_reading = True
        return self

    @contextmanager
    def lookup(self) -> Iterator[Connection]:
        """For one statement that only reads, asked on nearly every request (who its API token
        or its browser session stands for):
        `with uow.lookup() as connection:`, a connection of the reading sessions', without a
        Session. Creating a Session, and the ORM's work on the statement and its row, cost twice
        the statement itself (in one process, on SQLite: 470 µs a token, 165 µs this way). It
        reads as `reading()` does: on SQLite without the write lock, on PostgreSQL outside a
        transaction block; nothing it does is committed."""
        with reading_connection(self._reading_factory.kw["bind"]) as connection:
            yield connection

    def __enter__(self) -> UnitOfWork:
        reading, self._asked_reading = self._asked_reading, False
        if self._depth:
            if not (reading and self._reading):
                raise RuntimeError("this unit of work is open: only a reading joins a reading")
            self._depth += 1
            return self
        self._depth, self._reading = 1, reading
        self.session = (self._reading_factory if reading else self._factory)()
        if self._reading:
            self.session.connection(execution_options={READ_ONLY: True})
        self.incidents = IncidentRepository(self.session, reading=self._reading)
        self.notices = NoticeRepository(self.session)
        self.consignments = ConsignmentRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth:
            return  # a reading that joined another: the outer one ends the transaction
        try:
            # Rows read here stay readable after the unit of work, as they were loaded; what was
            # not committed is discarded.
            self.session.expunge_all()
            self.session.rollback()
        finally:
            self.session.close()
            self._reading = False

    def commit(self) -> None:
        if self._reading:
            raise RuntimeError("a unit of work opened for reading does not commit")
        try:
            self.session.commit()
        except (StaleDataError, IntegrityError) as exc:
            self.session.rollback()
            raise Conflict(CONCURRENT_CHANGE) from exc
