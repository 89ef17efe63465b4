"""Is the database there, and at the migrations' head? The app serves nothing else."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bcp.migrate import alembic_config
from bcp.store.db import reading_connection


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def schema_problem(engine: Engine, head: str) -> str | None:
    """Why the database cannot be served (missing file, no schema, an older or unknown
    revision), or None. Never creates an SQLite file that is not there."""
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.exists() or path.stat().st_size == 0:
            return (
                f"the database file {path} does not exist or is empty: create it with "
                "`flask --app wsgi bcp db upgrade` (or `make run`)"
            )
    try:
        with reading_connection(engine) as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as error:
        if "alembic_version" in str(error.orig or error):
            return "the database has no schema: run `flask --app wsgi bcp db upgrade`"
        raise
    if found != head:
        return (
            f"the database schema is at revision {found or 'none'}, this version needs {head}: "
            "run `flask --app wsgi bcp db upgrade`"
        )
    return None


def check_reachable(engine: Engine) -> None:
    """A statement on a connection of the engine's, now: raises the driver's error (DBAPIError)
    if the database cannot be reached. It only reads, so it never waits for SQLite's write lock
    (/healthz during a burst of declarations)."""
    with reading_connection(engine) as connection:
        connection.execute(text("SELECT 1"))
