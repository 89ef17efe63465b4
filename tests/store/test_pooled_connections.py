"""PostgreSQL's pooled connections: one that sat idle is pinged before use and replaced if the
server cut it, so the first request after a restart does not fail; one returned a moment ago
is used as it is, without a round trip more (bcp.store.db). On a cluster of the module's own,
so that its connections may be cut."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bcp.store import db


def cut_every_other_connection(cluster) -> None:
    """What a restart or a failover does to the pool's connections."""
    admin = db.make_engine(cluster.url)
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.commit()
    admin.dispose()


@pytest.fixture
def engine(own_cluster):
    engine = db.make_engine(own_cluster.url)
    with engine.connect() as connection:  # one connection, now idle in the pool
        connection.execute(text("SELECT 1"))
    yield engine
    engine.dispose()


def test_an_idle_connection_the_server_cut_is_replaced_before_use(engine, own_cluster, monkeypatch):
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_SECONDS", 0.0)
    cut_every_other_connection(own_cluster)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar() == 2


def test_a_connection_just_returned_is_not_pinged(engine, own_cluster, monkeypatch):
    """Cut between two requests, it fails once; the pool is emptied and the next one works."""
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_SECONDS", 3600.0)
    cut_every_other_connection(own_cluster)
    with pytest.raises(OperationalError) as cut, engine.connect() as connection:
        connection.execute(text("SELECT 2"))
    assert cut.value.connection_invalidated
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 3")).scalar() == 3
