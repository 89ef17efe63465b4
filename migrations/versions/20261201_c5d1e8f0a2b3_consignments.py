"""Consignments: the goods at stake in an incident, from the outage to their ENS back in ICS2.

Revision ID: c5d1e8f0a2b3
Revises: a9c4e7d215b8
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c5d1e8f0a2b3"
down_revision = "a9c4e7d215b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    instant = sa.DateTime(timezone=True)
    op.create_table(
        "consignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("document_kind", sa.String(length=30), nullable=False),
        sa.Column("document_number", sa.String(length=35), nullable=False),
        sa.Column("case", sa.String(length=40), nullable=False),
        sa.Column("means_of_transport", sa.String(length=70), nullable=False),
        sa.Column("office_of_first_entry", sa.String(length=8), nullable=False),
        sa.Column("loading_at", instant, nullable=True),
        sa.Column("departure_at", instant, nullable=True),
        sa.Column("arrival_at", instant, nullable=True),
        sa.Column("lrn", sa.String(length=22), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("deadline_at", instant, nullable=True),
        sa.Column("deadline_missing", sa.String(length=20), nullable=True),
        sa.Column("recorded_at", instant, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("fallback_reference", sa.String(length=60), nullable=True),
        sa.Column("sent_at", instant, nullable=True),
        sa.Column("sent_by", sa.String(length=200), nullable=True),
        sa.Column("mrn", sa.String(length=18), nullable=True),
        sa.Column("lodged_at", instant, nullable=True),
        sa.Column("lodged_by", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("settled_at", instant, nullable=True),
        sa.Column("settled_by", sa.String(length=200), nullable=True),
        sa.Column("referral", sa.Integer(), nullable=True),
        sa.Column("reminded_at", instant, nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_consignments_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignments")),
        sa.UniqueConstraint(
            "incident_id", "document_kind", "document_number", name="uq_consignments_document"
        ),
    )
    op.create_index("ix_consignments_incident_id_state", "consignments", ["incident_id", "state"])
    op.create_index("ix_consignments_state_deadline_at", "consignments", ["state", "deadline_at"])


def downgrade() -> None:
    op.drop_index("ix_consignments_state_deadline_at", table_name="consignments")
    op.drop_index("ix_consignments_incident_id_state", table_name="consignments")
    op.drop_table("consignments")
