"""Post-mortems of closed incidents, frozen with their digests once finalised.

Revision ID: 5ed5037d70b1
Revises: d29aa5290904
Create Date: 2026-11-22 19:28:52.468269
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5ed5037d70b1"
down_revision = "d29aa5290904"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("ens_delayed", sa.Integer(), nullable=False),
        sa.Column("consignments_delayed", sa.Integer(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("to_change", sa.Text(), nullable=False),
        sa.Column("action_items", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalised_by", sa.String(length=200), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("timeline_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_postmortems_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_postmortems")),
    )


def downgrade() -> None:
    op.drop_table("postmortems")
