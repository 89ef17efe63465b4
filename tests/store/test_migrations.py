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


def test_milestones_are_filled_from_the_timelines_already_there(empty_database):
    """Incidents saved before the milestone columns get them from their timeline."""
    migrate.upgrade(empty_database, "c12f0d9588cf")
    engine = make_engine(empty_database)
    declared, acknowledged = "2026-11-22 07:30:00", "2026-11-22 07:36:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, component, scope, side, planned, modes, channel, "
                "ens_operations, ens_waiting, summary, description, started_at, declared_at, "
                "state, updated_at, version) VALUES (1, 'STI', 'organisation', 'eu', false, "
                "'[\"air\"]', 'EDI', '[\"lodge\"]', 0, 'STI', '', :d, :d, 'acknowledged', :a, 2)"
            ),
            {"d": declared, "a": acknowledged},
        )
        for seq, (kind, at) in enumerate(
            [("declared", declared), ("acknowledged", acknowledged)], start=1
        ):
            connection.execute(
                text(
                    "INSERT INTO timeline_events (incident_id, seq, at, kind, actor_label, "
                    "state_after, changes, note) VALUES (1, :seq, :at, :kind, 'x', 'declared', "
                    "'{}', '')"
                ),
                {"seq": seq, "at": at, "kind": kind},
            )
    migrate.upgrade(empty_database)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT acknowledged_at, recovered_at FROM incidents WHERE id = 1")
        ).one()
    engine.dispose()
    assert str(row[0]).startswith("2026-11-22 07:36:00")
    assert row[1] is None
