"""Hardening: browser sessions that end, API tokens that expire and are revoked, Standard
Webhooks secrets with rotation, and idempotency keys of API requests.

Existing webhook secrets are kept in the Standard Webhooks form ("whsec_" + base64 of the old
secret, so a receiver that knew the old secret derives the new one); a webhook without a secret
gets one (an admin rotates it to see it). Existing tokens get no expiry.

Revision ID: a9c4e7d215b8
Revises: f3b8d2a61c47
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import base64
import secrets

import sqlalchemy as sa
from alembic import op

revision = "a9c4e7d215b8"
down_revision = "f3b8d2a61c47"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column(
            "secret", type_=sa.String(length=400), existing_type=sa.String(length=200)
        )
        batch.add_column(sa.Column("previous_secret", sa.String(length=400)))
        batch.add_column(sa.Column("previous_secret_until", sa.DateTime(timezone=True)))
    connection = op.get_bind()
    for hook_id, secret in connection.execute(sa.text("SELECT id, secret FROM webhooks")).all():
        if secret and secret.startswith("whsec_"):
            continue
        raw = secret.encode() if secret else secrets.token_bytes(32)
        connection.execute(
            sa.text("UPDATE webhooks SET secret = :s WHERE id = :id"),
            {"s": "whsec_" + base64.b64encode(raw).decode(), "id": hook_id},
        )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("previous_secret_until")
        batch.drop_column("previous_secret")
        batch.alter_column(
            "secret", type_=sa.String(length=200), existing_type=sa.String(length=400)
        )
    # SQLite (3.35 and later) and PostgreSQL drop a column in place.
    op.drop_column("api_tokens", "last_used_at")
    op.drop_column("api_tokens", "expires_at")
    op.drop_column("users", "session_epoch")
