"""Outage notices of the desk, their append-only updates, and the link from an incident to the
notice whose outage it is part of.

Revision ID: f3b8d2a61c47
Revises: e7a41c0b9d52
Create Date: 2026-11-23 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f3b8d2a61c47"
down_revision = "e7a41c0b9d52"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = [
    """CREATE TRIGGER notice_updates_no_update BEFORE UPDATE ON notice_updates
    BEGIN SELECT RAISE(ABORT, 'notice updates are append-only'); END""",
    """CREATE TRIGGER notice_updates_no_delete BEFORE DELETE ON notice_updates
    BEGIN SELECT RAISE(ABORT, 'notice updates are append-only'); END""",
]
APPEND_ONLY_POSTGRESQL = [
    """CREATE FUNCTION notice_updates_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'notice updates are append-only'; END $$""",
    """CREATE TRIGGER notice_updates_append_only BEFORE UPDATE OR DELETE ON notice_updates
    FOR EACH ROW EXECUTE FUNCTION notice_updates_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("messages", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_notices_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_closed_at_starts_at", "notices", ["closed_at", "starts_at"])
    op.create_table(
        "notice_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_notice_updates_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_updates_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_updates")),
        sa.UniqueConstraint("notice_id", "seq", name="uq_notice_updates_seq"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.add_column("incidents", sa.Column("notice_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_incidents_notice_id_notices"), "incidents", "notices", ["notice_id"], ["id"]
        )
    else:
        # SQLite adds a column with its reference in place; a batch copy of the table would have
        # to drop the incidents that the timeline refers to.
        op.execute(
            "ALTER TABLE incidents ADD COLUMN notice_id INTEGER "
            "CONSTRAINT fk_incidents_notice_id_notices REFERENCES notices (id)"
        )
    op.create_index(op.f("ix_incidents_notice_id"), "incidents", ["notice_id"])
    for statement in APPEND_ONLY_POSTGRESQL if postgresql else APPEND_ONLY_SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notice_updates_append_only ON notice_updates")
        op.execute("DROP FUNCTION IF EXISTS notice_updates_append_only()")
    op.drop_index(op.f("ix_incidents_notice_id"), table_name="incidents")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_incidents_notice_id_notices"), "incidents", type_="foreignkey")
        op.drop_column("incidents", "notice_id")
    else:
        # The copy of the table drops and re-inserts the incidents the timeline refers to: the
        # check of those references waits for the end of the transaction.
        op.execute("PRAGMA defer_foreign_keys = ON")
        with op.batch_alter_table("incidents", recreate="always") as batch:
            batch.drop_column("notice_id")
    op.drop_table("notice_updates")
    op.drop_index("ix_notices_closed_at_starts_at", table_name="notices")
    op.drop_table("notices")
