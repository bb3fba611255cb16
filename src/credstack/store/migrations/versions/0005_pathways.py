"""Pathways, their trusted issuers, awards with their components, and learner locks.

Revision ID: 0005_pathways
Revises: 0004_organization_profile
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_pathways"
down_revision: str | None = "0004_organization_profile"
branch_labels: str | None = None
depends_on: str | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "learner_locks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_learner_locks")),
    )
    op.create_table(
        "pathways",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("achievement_id", sa.Uuid(), nullable=False),
        sa.Column("awards", sa.String(length=2048), nullable=False),
        sa.Column("requirements", JSON, nullable=False),
        sa.Column("trusted_issuers", JSON, nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=True),
        sa.Column("revocation_policy", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "revocation_policy IN ('revoke', 'review')", name=op.f("ck_pathways_policy")
        ),
        sa.CheckConstraint("status IN ('active', 'archived')", name=op.f("ck_pathways_status")),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_pathways_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pathways_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
    )
    op.create_index(op.f("ix_pathways_awards"), "pathways", ["awards"], unique=False)
    op.create_index(
        op.f("ix_pathways_organization_id_created_at"),
        "pathways",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "pathway_awards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pathway_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("learner", sa.String(length=2048), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('awarded', 'revoked', 'review')", name=op.f("ck_pathway_awards_status")
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["issued_credentials.id"],
            name=op.f("fk_pathway_awards_credential_id_issued_credentials"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pathway_awards_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathways.id"],
            name=op.f("fk_pathway_awards_pathway_id_pathways"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_awards")),
        sa.UniqueConstraint(
            "pathway_id", "learner", name=op.f("uq_pathway_awards_pathway_id_learner")
        ),
    )
    op.create_index(
        op.f("ix_pathway_awards_organization_id"),
        "pathway_awards",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "pathway_issuers",
        sa.Column("pathway_id", sa.Uuid(), nullable=False),
        sa.Column("issuer_did", sa.String(length=2048), nullable=False),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathways.id"],
            name=op.f("fk_pathway_issuers_pathway_id_pathways"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pathway_id", "issuer_did", name=op.f("pk_pathway_issuers")),
    )
    op.create_index(
        op.f("ix_pathway_issuers_issuer_did"), "pathway_issuers", ["issuer_did"], unique=False
    )
    op.create_table(
        "pathway_award_components",
        sa.Column("award_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.String(length=2048), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["pathway_awards.id"],
            name=op.f("fk_pathway_award_components_award_id_pathway_awards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "award_id", "credential_id", name=op.f("pk_pathway_award_components")
        ),
    )
    op.create_index(
        op.f("ix_pathway_award_components_credential_id"),
        "pathway_award_components",
        ["credential_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_pathway_award_components_credential_id"), table_name="pathway_award_components"
    )
    op.drop_table("pathway_award_components")
    op.drop_index(op.f("ix_pathway_issuers_issuer_did"), table_name="pathway_issuers")
    op.drop_table("pathway_issuers")
    op.drop_index(op.f("ix_pathway_awards_organization_id"), table_name="pathway_awards")
    op.drop_table("pathway_awards")
    op.drop_index(op.f("ix_pathways_organization_id_created_at"), table_name="pathways")
    op.drop_index(op.f("ix_pathways_awards"), table_name="pathways")
    op.drop_table("pathways")
    op.drop_table("learner_locks")
