"""Migrations go up from empty, down to base and up again, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bcp import migrate
from bcp.store.db import make_engine
from bcp.store.models import Base


@pytest.fixture
def empty_database(backend, tmp_path, _migrated):
    """A database of its own, so that going down to base disturbs no other test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    server = make_url(_migrated)
    name = f"{server.database}_migrations"
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


FOREIGN = {"apscheduler_jobs"}  # APScheduler's job store, created by a migration


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"} - FOREIGN
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database):
    expected = set(Base.metadata.tables)
    migrate.upgrade(empty_database)
    assert tables(empty_database) == expected
    migrate.downgrade(empty_database, "base")
    assert tables(empty_database) == set()
    migrate.upgrade(empty_database)
    assert tables(empty_database) == expected


def test_models_and_migrations_agree(empty_database):
    migrate.upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": lambda o, n, t, r, c: n not in FOREIGN},
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
