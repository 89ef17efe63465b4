"""Only one scheduler acts at a time. PostgreSQL: a session advisory lock, released by the
server when the holder's connection dies. SQLite: a row holding the holder's name and heartbeat,
taken over when the heartbeat is older than `stale`."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bcp.domain.clock import Clock
from bcp.store.db import make_session_factory
from bcp.store.models import SchedulerLockRow

ADVISORY_KEY = 0x6263705F7363  # "bcp_sc"
HELD = text(
    "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND objsubid = 1 "
    "AND ((classid::bigint << 32) | objid::bigint) = :key"
)
"""Does this session hold the lock? A bigint advisory key is kept as classid (high 32 bits),
objid (low 32 bits) and objsubid 1."""


class SchedulerLock:
    def __init__(self, engine: Engine, clock: Clock, holder: str, stale: timedelta) -> None:
        self.engine, self.clock, self.holder, self.stale = engine, clock, holder, stale
        self._connection: Connection | None = None
        self._sessions = make_session_factory(engine)

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        if self.postgres:
            try:
                if self._connection is None:
                    # A connection of its own, outside the pool: when it closes, the lock goes.
                    self._connection = create_engine(self.engine.url, poolclass=NullPool).connect()
                got = self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
                ).scalar()
                self._connection.commit()
                return bool(got)
            except DBAPIError:  # the server is away: not the holder; try again later
                self._drop()
                return False
        now = self.clock.now()
        with self._sessions() as session, session.begin():
            row = session.scalars(
                select(SchedulerLockRow).where(SchedulerLockRow.name == "scheduler")
            ).first()
            if row is None:
                session.add(
                    SchedulerLockRow(name="scheduler", holder=self.holder, heartbeat_at=now)
                )
                return True
            if row.holder == self.holder or row.heartbeat_at < now - self.stale:
                row.holder, row.heartbeat_at = self.holder, now
                return True
            return False

    def refresh(self) -> bool:
        """Still the holder? Asked of the server: on PostgreSQL, whether this connection's
        session still holds the advisory lock (after a restart of the server, or a terminated
        backend, it does not, even if the client's connection object looks open). On SQLite
        this is also the heartbeat."""
        if self.postgres:
            if self._connection is None:
                return False
            try:
                held = self._connection.execute(HELD, {"key": ADVISORY_KEY}).scalar()
                self._connection.commit()
            except DBAPIError:
                self._drop()
                return False
            if not held:
                self._drop()
            return bool(held)
        now = self.clock.now()
        with self._sessions() as session, session.begin():
            row = session.get(SchedulerLockRow, "scheduler")
            if row is None or row.holder != self.holder:
                return False
            row.heartbeat_at = now
            return True

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(DBAPIError):
                self._connection.close()
            self._connection = None

    def release(self) -> None:
        if self.postgres:
            if self._connection is not None:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY}
                )
                self._connection.close()
                self._connection = None
            return
        with self._sessions() as session, session.begin():
            row = session.get(SchedulerLockRow, "scheduler")
            if row is not None and row.holder == self.holder:
                row.heartbeat_at = datetime.fromtimestamp(0, tz=row.heartbeat_at.tzinfo)
