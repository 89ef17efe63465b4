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


def test_an_open_outage_for_everyone_becomes_its_notice_and_operators_join_it(empty_database):
    """The desk's STI outage for everyone, its fallback authorised, and a carrier's incident on
    STI declared alongside: after the migration the outage is one notice, BCP activated, the
    carrier's incident linked to it, and the old incident kept with its whole timeline."""
    migrate.upgrade(empty_database, "c5d1e8f0a2b3")
    engine = make_engine(empty_database)
    declared, authorised = "2026-11-22 07:30:00", "2026-11-22 07:40:00"
    incident = (
        "INSERT INTO incidents (id, component, scope, side, planned, modes, channel, "
        "ens_operations, ens_waiting, summary, description, started_at, declared_at, state, "
        "updated_at, version) VALUES (:id, 'STI', :scope, 'administration', false, '[\"air\"]', "
        "'EDI', '[\"lodge\"]', 0, :summary, '', :d, :d, :state, :d, 1)"
    )
    event = (
        "INSERT INTO timeline_events (incident_id, seq, at, kind, actor_label, state_after, "
        "changes, note) VALUES (:i, :seq, :at, :kind, 'Agent Douane', :state, '{}', :note)"
    )
    with engine.begin() as connection:
        connection.execute(
            text(incident),
            {
                "id": 1,
                "scope": "eu",
                "summary": "STI down",
                "d": declared,
                "state": "fallback_active",
            },
        )
        connection.execute(
            text(incident),
            {
                "id": 2,
                "scope": "organisation",
                "summary": "no receipts",
                "d": declared,
                "state": "declared",
            },
        )
        for seq, kind, at, state in [
            (1, "declared", declared, "declared"),
            (2, "acknowledged", declared, "acknowledged"),
            (3, "fallback_activated", authorised, "fallback_active"),
        ]:
            connection.execute(
                text(event),
                {"i": 1, "seq": seq, "at": at, "kind": kind, "state": state, "note": "ok"},
            )
        connection.execute(
            text(event),
            {"i": 2, "seq": 1, "at": declared, "kind": "declared", "state": "declared", "note": ""},
        )
    migrate.upgrade(empty_database)
    with engine.connect() as connection:
        notice = connection.execute(
            text("SELECT id, kind, reason, title, closed_at FROM notices")
        ).one()
        kinds = connection.execute(
            text("SELECT kind, actor_label FROM notice_updates ORDER BY seq")
        ).all()
        old = connection.execute(text("SELECT state, notice_id FROM incidents WHERE id = 1")).one()
        old_events = (
            connection.execute(
                text("SELECT kind FROM timeline_events WHERE incident_id = 1 ORDER BY seq")
            )
            .scalars()
            .all()
        )
        carrier = connection.execute(
            text("SELECT notice_id FROM incidents WHERE id = 2")
        ).scalar_one()
        joined = (
            connection.execute(
                text("SELECT kind FROM timeline_events WHERE incident_id = 2 ORDER BY seq")
            )
            .scalars()
            .all()
        )
        stp = connection.execute(text("SELECT COUNT(*) FROM organisations")).scalar_one()
    engine.dispose()
    assert notice[1:4] == ("unscheduled", "undetermined", "STI down") and notice[4] is None
    assert kinds == [("published", "Agent Douane"), ("fallback_opened", "Agent Douane")]
    assert old == ("cancelled", notice[0])
    assert old_events == ["declared", "acknowledged", "fallback_activated", "replaced_by_notice"]
    assert carrier == notice[0] and joined == ["declared", "notice_linked"]
    assert stp == 0
