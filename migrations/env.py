"""Alembic environment: the URL comes from the caller (bcp.migrate) or from bcp's settings."""

from __future__ import annotations

from alembic import context

from bcp.settings import load_settings
from bcp.store.db import make_engine
from bcp.store.models import Base

config = context.config
target_metadata = Base.metadata
FOREIGN_TABLES = {"apscheduler_jobs"}
"""Tables created by our migrations for a library, in its own layout: no model describes them."""


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def database_url() -> str:
    return config.attributes.get("database_url") or load_settings().database_url


def run_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch migrations rebuild tables; SQLite must not check foreign keys meanwhile.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
