"""The Open Badges API: OAuth clients, codes and grants; held credentials; learner profiles.

Revision ID: 0007_ob_api
Revises: 0006_assessment
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_ob_api"
down_revision: str | None = "0006_assessment"
branch_labels: str | None = None
depends_on: str | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("redirect_uris", JSON, nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("token_endpoint_auth_method", sa.String(length=32), nullable=False),
        sa.Column("metadata_document", JSON, nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_table(
        "oauth_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        _at("expires_at"),
        _at("used_at", nullable=True),
        _at("created_at"),
        _fk("oauth_codes", "client_id", "oauth_clients"),
        _fk("oauth_codes", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_codes_code_hash")),
    )
    op.create_index(op.f("ix_oauth_codes_client_id"), "oauth_codes", ["client_id"])
    op.create_table(
        "oauth_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_id", sa.Uuid(), nullable=True),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        _at("access_expires_at"),
        _at("refresh_expires_at"),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        _fk("oauth_grants", "client_id", "oauth_clients"),
        _fk("oauth_grants", "code_id", "oauth_codes", ondelete="SET NULL"),
        _fk("oauth_grants", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_grants")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_oauth_grants_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_oauth_grants_refresh_hash")),
    )
    for column in ("client_id", "code_id", "user_id"):
        op.create_index(op.f(f"ix_oauth_grants_{column}"), "oauth_grants", [column])
    op.create_table(
        "held_credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("credential_key", sa.String(length=2048), nullable=False),
        sa.Column("issuer_id", sa.String(length=2048), nullable=True),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("issued_at"),
        _at("created_at"),
        _at("updated_at"),
        _fk("held_credentials", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_credentials")),
        sa.UniqueConstraint(
            "user_id", "credential_key", name=op.f("uq_held_credentials_user_id_credential_key")
        ),
    )
    op.create_table(
        "learner_profiles",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        _at("updated_at"),
        _fk("learner_profiles", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_learner_profiles")),
    )


def downgrade() -> None:
    op.drop_table("learner_profiles")
    op.drop_table("held_credentials")
    for column in ("user_id", "code_id", "client_id"):
        op.drop_index(op.f(f"ix_oauth_grants_{column}"), table_name="oauth_grants")
    op.drop_table("oauth_grants")
    op.drop_index(op.f("ix_oauth_codes_client_id"), table_name="oauth_codes")
    op.drop_table("oauth_codes")
    op.drop_table("oauth_clients")
