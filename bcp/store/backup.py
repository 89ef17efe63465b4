"""Backup and restore of the whole database: SQLite's online backup, or pg_dump/pg_restore.

A backup holds every table, the Alembic revision included, so that a restore followed by
`upgrade` brings an older backup up to this version of the code.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done, said in words for the person running it."""


def backup(database_url: str, path: Path) -> None:
    url = make_url(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_file(url), path)
    else:
        _pg("pg_dump", url, "--format=custom", "--no-owner", "--file", str(path))


def restore(database_url: str, path: Path) -> None:
    """Replace the database's contents with the backup's. Stop the web server and the scheduler
    first: SQLite's restore writes every page; PostgreSQL's runs in one transaction."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    url = make_url(database_url)
    head = path.read_bytes()[:16]
    if url.get_backend_name() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup (made by `bcp backup` on SQLite)")
        _check_sqlite_backup(path)
        _sqlite_copy(path, _sqlite_file(url))
    else:
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(
                f"{path} is not a PostgreSQL backup (made by `bcp backup` on PostgreSQL)"
            )
        _pg(
            "pg_restore",
            url,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while others read and write."""
    with sqlite3.connect(source) as src, sqlite3.connect(target, timeout=15) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from error
    if not {"alembic_version", "incidents", "timeline_events"} <= tables:
        raise BackupError(f"{path} is a SQLite database but not a bcp backup")


def pg_tool(name: str) -> str:
    """The newest installed PostgreSQL's tool (Debian keeps each version apart), else PATH's."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _pg(tool: str, url: URL, *args: str) -> None:
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    connection = [
        "--host",
        url.host or "localhost",
        "--port",
        str(url.port or 5432),
        "--username",
        url.username or "postgres",
        "--dbname",
        url.database or "",
    ]
    result = subprocess.run(  # noqa: S603 (arguments are ours, not a shell's)
        [pg_tool(tool), *connection, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-1000:]}")
