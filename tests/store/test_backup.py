"""`bcp backup PATH` then `bcp restore PATH`: every table comes back as it was."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, select

from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, record_work
from bcp.store.db import make_engine
from tests.domain.conftest import facts
from tests.typed import as_declaration


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, the Alembic revision included, in primary-key order."""
    engine = make_engine(database_url)
    metadata = MetaData()
    metadata.reflect(engine)
    rows = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            query = select(table).order_by(*order)
            rows[table.name] = [tuple(r) for r in connection.execute(query)]
    engine.dispose()
    return rows


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["bcp", *args])


def test_a_backup_restores_every_table_as_it_was(app, uow, clock, library, people, tmp_path):
    first = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    clock.advance(minutes=5)
    apply_action(Context(uow, clock, library, people.desk.actor), first, "acknowledge", "vu")
    email = ("appel.eml", b"From: desk@douane.fr\n\nAppel")
    record_work(
        Context(uow, clock, library, people.desk.actor), first, note="appel", attachment=email
    )
    url = app.extensions["bcp"].settings.database_url
    before = snapshot(url)
    assert before["timeline_events"] and before["outbox"] and before["alembic_version"]

    path = tmp_path / "backups" / "bcp.backup"
    result = cli(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output

    clock.advance(minutes=5)
    declare_incident(
        Context(uow, clock, library, people.other_carrier.actor),
        as_declaration(facts(summary="après")),
    )
    apply_action(Context(uow, clock, library, people.desk.actor), first, "activate_fallback", "PS")
    assert snapshot(url) != before

    result = cli(app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot(url) == before


def test_restore_refuses_a_file_that_is_not_a_backup(app, people, tmp_path):
    url = app.extensions["bcp"].settings.database_url
    before = snapshot(url)
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(b"\xff\xd8\xff\xe0 not a database at all")
    result = cli(app, "restore", str(fake), "--yes")
    assert result.exit_code != 0
    assert "is not a" in result.output and "backup" in result.output
    missing = cli(app, "restore", str(tmp_path / "nowhere.backup"), "--yes")
    assert missing.exit_code != 0 and "no such file" in missing.output
    assert snapshot(url) == before


def test_restore_asks_before_replacing_everything(app, people, tmp_path):
    path = Path(tmp_path / "b.backup")
    assert cli(app, "backup", str(path)).exit_code == 0
    result = app.test_cli_runner().invoke(args=["bcp", "restore", str(path)], input="n\n")
    assert result.exit_code != 0
    assert "Replace every table" in result.output
