"""Learner wallet: imported credentials (their report and what pathways read) and share links.

Revision ID: 0015_wallet_sharing
Revises: 0014_webhooks
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_wallet_sharing"
down_revision: str | None = "0014_webhooks"
branch_labels: str | None = None
depends_on: str | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("held_credentials") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=16), server_default="ob_api", nullable=False)
        )
        batch.add_column(sa.Column("report", JSON, nullable=True))
        batch.add_column(_at("verified_at", nullable=True))
        batch.add_column(sa.Column("achievement", sa.String(length=2048), nullable=True))
        batch.add_column(_at("valid_until", nullable=True))
        batch.add_column(sa.Column("subject_email", sa.String(length=320), nullable=True))
        batch.create_index(op.f("ix_held_credentials_subject_email"), ["subject_email"])
        batch.create_check_constraint(
            op.f("ck_held_credentials_source"), "source IN ('ob_api', 'import')"
        )
    op.create_table(
        "wallet_shares",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        _at("created_at"),
        _at("expires_at", nullable=True),
        _at("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wallet_shares_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_shares")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_wallet_shares_token_hash")),
    )
    op.create_index(
        op.f("ix_wallet_shares_user_id_created_at"), "wallet_shares", ["user_id", "created_at"]
    )
    op.create_table(
        "wallet_share_items",
        sa.Column("share_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("held_id", sa.Uuid(), nullable=True),
        sa.Column("issued_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "(held_id IS NULL) <> (issued_id IS NULL)",
            name=op.f("ck_wallet_share_items_one_source"),
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["wallet_shares.id"],
            name=op.f("fk_wallet_share_items_share_id_wallet_shares"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["held_id"],
            ["held_credentials.id"],
            name=op.f("fk_wallet_share_items_held_id_held_credentials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_id"],
            ["issued_credentials.id"],
            name=op.f("fk_wallet_share_items_issued_id_issued_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", "position", name=op.f("pk_wallet_share_items")),
    )
    op.create_index(op.f("ix_wallet_share_items_held_id"), "wallet_share_items", ["held_id"])
    op.create_index(op.f("ix_wallet_share_items_issued_id"), "wallet_share_items", ["issued_id"])


def downgrade() -> None:
    op.drop_table("wallet_share_items")
    op.drop_table("wallet_shares")
    with op.batch_alter_table("held_credentials") as batch:
        batch.drop_constraint(op.f("ck_held_credentials_source"), type_="check")
        batch.drop_index(op.f("ix_held_credentials_subject_email"))
        for column in (
            "subject_email",
            "valid_until",
            "achievement",
            "verified_at",
            "report",
            "source",
        ):
            batch.drop_column(column)
