"""Each person's preferences, kept on the server: the language of their pages and e-mails, and
the desk queue's sound; each e-mail delivery remembers the language it is written in.

Revision ID: e3f5a7c9b1d2
Revises: d7e2f4a9b6c1
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e3f5a7c9b1d2"
down_revision = "d7e2f4a9b6c1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        users.add_column(
            sa.Column("queue_sound", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("deliveries") as deliveries:
        deliveries.add_column(sa.Column("language", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as deliveries:
        deliveries.drop_column("language")
    with op.batch_alter_table("users") as users:
        users.drop_column("queue_sound")
        users.drop_column("language")
