"""A count of the changes to the accounts (organisations, users, API tokens), kept by triggers
whatever writes them: each process keeps who a token or a session stands for while it stays the
same, and reads it once a second instead of reading every request's token (issue 18: a thousand
pollers, each with its own token, cost a statement each).

A token's record of use (`last_used_at`) is not a change: it is written every ten minutes of
use, and would drop every process's accounts as often. `tests/store/test_account_changes.py`
checks that every other column of the three tables is counted, so a column added later must be
added to TOKEN_COLUMNS below, in a migration of its own; and on SQLite, a migration that copies
one of these tables (`batch_alter_table`) drops its triggers, which it must create again (the
same test finds out).

Revision ID: c8f1a3e5d7b9
Revises: b4e6d8f0a1c3
Create Date: 2026-12-07 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c8f1a3e5d7b9"
down_revision = "b4e6d8f0a1c3"
branch_labels = None
depends_on = None

TOKEN_COLUMNS = "user_id, token_sha256, label, created_at, revoked_at, expires_at"  # noqa: S105
"""Every column of api_tokens but its id and `last_used_at`."""

COUNT = "UPDATE account_changes SET changes = changes + 1"

SQLITE_TRIGGERS = {
    f"{table}_{event}_counted": (
        f"CREATE TRIGGER {table}_{event}_counted AFTER {what} ON {table} BEGIN {COUNT}; END"
    )
    for table, events in (
        ("organisations", ("INSERT", "UPDATE", "DELETE")),
        ("users", ("INSERT", "UPDATE", "DELETE")),
        ("api_tokens", ("INSERT", f"UPDATE OF {TOKEN_COLUMNS}", "DELETE")),
    )
    for what in events
    for event in (what.split()[0].lower(),)
}

POSTGRESQL_FUNCTION = f"""CREATE FUNCTION account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {COUNT}; RETURN NULL; END $$"""
POSTGRESQL_TRIGGERS = {
    f"{table}_counted": (
        f"CREATE TRIGGER {table}_counted AFTER {events} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION account_changed()"
    )
    for table, events in (
        ("organisations", "INSERT OR UPDATE OR DELETE"),
        ("users", "INSERT OR UPDATE OR DELETE"),
        ("api_tokens", f"INSERT OR DELETE OR UPDATE OF {TOKEN_COLUMNS}"),
    )
}


def upgrade() -> None:
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_changes")),
    )
    op.execute("INSERT INTO account_changes (id, changes) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for statement in POSTGRESQL_TRIGGERS.values():
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in ((name, name.removesuffix("_counted")) for name in POSTGRESQL_TRIGGERS):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS account_changed()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("account_changes")
