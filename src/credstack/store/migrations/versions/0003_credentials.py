"""Issued credentials and their status lists.

Revision ID: 0003_credentials
Revises: 0002_achievements
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_credentials"
down_revision: str | None = "0002_achievements"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "status_lists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('revocation', 'suspension')", name=op.f("ck_status_lists_purpose")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_status_lists_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
        sa.UniqueConstraint("url", name=op.f("uq_status_lists_url")),
    )
    op.create_index(
        op.f("ix_status_lists_organization_id_purpose_created_at"),
        "status_lists",
        ["organization_id", "purpose", "created_at"],
        unique=False,
    )
    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("achievement_id", sa.Uuid(), nullable=True),
        sa.Column("achievement_version", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("recipient_email", sa.String(length=320), nullable=True),
        sa.Column("recipient_did", sa.String(length=2048), nullable=True),
        sa.Column("credential_id", sa.String(length=2048), nullable=False),
        sa.Column("suite", sa.String(length=32), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_purpose", sa.String(length=16), nullable=False),
        sa.Column("status_list_id", sa.Uuid(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'revoked', 'suspended')",
            name=op.f("ck_issued_credentials_status"),
        ),
        sa.CheckConstraint(
            "(recipient_email IS NULL) <> (recipient_did IS NULL)",
            name=op.f("ck_issued_credentials_one_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_issued_credentials_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_issued_credentials_achievement_id_achievements"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "status_purpose IN ('revocation', 'suspension')",
            name=op.f("ck_issued_credentials_status_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_lists.id"],
            name=op.f("fk_issued_credentials_status_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_issued_credentials_credential_id")),
        sa.UniqueConstraint(
            "organization_id",
            "idempotency_key",
            name=op.f("uq_issued_credentials_organization_id_idempotency_key"),
        ),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_issued_credentials_status_list_id_status_index"),
        ),
    )
    op.create_index(
        op.f("ix_issued_credentials_organization_id_issued_at"),
        "issued_credentials",
        ["organization_id", "issued_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_issued_credentials_organization_id_issued_at"), table_name="issued_credentials"
    )
    op.drop_table("issued_credentials")
    op.drop_index(
        op.f("ix_status_lists_organization_id_purpose_created_at"), table_name="status_lists"
    )
    op.drop_table("status_lists")
