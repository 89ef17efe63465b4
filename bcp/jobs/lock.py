"""Only one scheduler acts at a time. PostgreSQL: a session advisory lock, released by the
server when the holder's connection dies. SQLite: a row holding the holder's name and heartbeat,
taken over when the heartbeat is older than `stale`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.pool import NullPool

from bcp.domain.clock import Clock
from bcp.store.db import make_session_factory
from bcp.store.models import SchedulerLockRow

ADVISORY_KEY = 0x6263705F7363  # "bcp_sc"


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
            if self._connection is None:
                # A connection of its own, outside the pool: when it closes, the lock goes.
                self._connection = create_engine(self.engine.url, poolclass=NullPool).connect()
            got = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
            ).scalar()
            self._connection.commit()
            return bool(got)
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
        """Still the holder? On SQLite this is also the heartbeat."""
        if self.postgres:
            return self._connection is not None and not self._connection.closed
        now = self.clock.now()
        with self._sessions() as session, session.begin():
            row = session.get(SchedulerLockRow, "scheduler")
            if row is None or row.holder != self.holder:
                return False
            row.heartbeat_at = now
            return True

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
