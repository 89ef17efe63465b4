"""When the scheduler should next look at each open incident, so that its tick reads only those
with something due instead of every open incident (issue 18: the tick loaded them all every
30 seconds).

NULL means "at the next tick": every existing incident gets one look, which sets its time.

Revision ID: b4e6d8f0a1c3
Revises: e3f5a7c9b1d2
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b4e6d8f0a1c3"
down_revision = "e3f5a7c9b1d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as incidents:
        incidents.add_column(sa.Column("watch_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as incidents:
        incidents.drop_column("watch_at")
