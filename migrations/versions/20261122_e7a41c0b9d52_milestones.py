"""Milestones of an incident kept beside it (acknowledged_at, recovered_at), filled from the
timeline.

The timeline stays the truth: these columns are written in the same transaction as the events
they repeat, so that the dashboard reads one narrow row per incident instead of its timeline.

Revision ID: e7a41c0b9d52
Revises: c12f0d9588cf
Create Date: 2026-11-22 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e7a41c0b9d52"
down_revision = "c12f0d9588cf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("recovered_at", sa.DateTime(timezone=True), nullable=True))
    for column, kind in (("acknowledged_at", "acknowledged"), ("recovered_at", "recovered")):
        first = "SELECT min(e.at) FROM timeline_events e WHERE e.incident_id = incidents.id"
        op.execute(f"UPDATE incidents SET {column} = ({first} AND e.kind = '{kind}')")  # noqa: S608


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("recovered_at")
        batch.drop_column("acknowledged_at")
