"""reflex sheet

Revision ID: 607aa21aa231
Revises: b2a89a212c9d
Create Date: 2026-11-22 19:03:21.079290
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "607aa21aa231"
down_revision = "b2a89a212c9d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reflex_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflex_activations")),
    )
    op.create_table(
        "fallback_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_fallback_references_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_fallback_references_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_fallback_references_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fallback_references")),
        sa.UniqueConstraint(
            "organisation_id", "year", "sequence", name="uq_fallback_references_seq"
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_fallback_references_reference")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reflex_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("rule_id", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("procedure_id", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("procedure_id")
        batch_op.drop_column("rule_id")
        batch_op.drop_column("reflex_version")

    op.drop_table("fallback_references")
    op.drop_table("reflex_activations")
