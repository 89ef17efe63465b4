"""PostgreSQL's readings (UnitOfWork.reading): each statement runs on its own, outside a
transaction block, so a page pays no BEGIN and no ROLLBACK; and the server refuses a write on
these connections, as the rolled-back transaction made a stray write harmless before
(bcp.store.db.make_reading_engine). On a cluster of the module's own, so that these tests run
in both halves of CI."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bcp.services.unit_of_work import UnitOfWork
from bcp.store.db import make_engine, make_reading_engine, make_session_factory


@pytest.fixture
def engines(own_cluster):
    writing, reading = make_engine(own_cluster.url), make_reading_engine(own_cluster.url)
    yield writing, reading
    writing.dispose()
    reading.dispose()


def uow_of(engines) -> UnitOfWork:
    writing, reading = engines
    return UnitOfWork(make_session_factory(writing), make_session_factory(reading))


def transaction_status(uow: UnitOfWork) -> str:
    return uow.session.connection().connection.driver_connection.info.transaction_status.name


def test_a_reading_opens_no_transaction_block(engines):
    with uow_of(engines).reading() as uow:
        uow.session.execute(text("SELECT count(*) FROM job_marks"))
        assert transaction_status(uow) == "IDLE"  # no BEGIN was sent, no ROLLBACK will be
    with uow_of(engines) as uow:  # a use case that changes things keeps its transaction
        uow.session.execute(text("SELECT count(*) FROM job_marks"))
        assert transaction_status(uow) == "INTRANS"


def test_the_server_refuses_a_write_in_a_reading(engines):
    insert = text("INSERT INTO job_marks (job, key, done_at) VALUES ('stray', 'x', '2026-12-03')")
    with pytest.raises(DBAPIError, match="read-only transaction"), uow_of(engines).reading() as uow:
        uow.session.execute(insert)
    with uow_of(engines).reading() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM job_marks")).scalar_one() == 0


def test_a_lookup_is_a_reading_too(engines):
    """UnitOfWork.lookup (an API token's read): no transaction block, no write."""
    with uow_of(engines).lookup() as connection:
        connection.execute(text("SELECT count(*) FROM job_marks"))
        assert connection.connection.driver_connection.info.transaction_status.name == "IDLE"
    insert = text("INSERT INTO job_marks (job, key, done_at) VALUES ('stray', 'x', '2026-12-07')")
    refused = pytest.raises(DBAPIError, match="read-only transaction")
    with refused, uow_of(engines).lookup() as connection:
        connection.execute(insert)


def test_the_options_of_the_database_url_are_kept(own_cluster):
    url = make_url(own_cluster.url).update_query_dict({"options": "-c statement_timeout=4000"})
    reading = make_reading_engine(url.render_as_string(hide_password=False))
    try:
        with reading.connect() as connection:
            shown = [
                connection.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("statement_timeout", "default_transaction_read_only")
            ]
    finally:
        reading.dispose()
    assert shown == ["4s", "on"]


def test_sqlite_readings_keep_their_transaction(tmp_path):
    """SQLite's reading transaction costs no round trip and gives one snapshot: it stays."""
    assert make_reading_engine(f"sqlite:///{tmp_path / 'bcp.sqlite3'}") is None
