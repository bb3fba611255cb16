"""Indexes that plans at a million credentials asked for: a learner's record seen by an
organisation finds the credentials issued to a DID (it scanned the table), and a revocation
finds the pathway awards its credential stands for (it scanned the awards).

Revision ID: 0016_scale_indexes
Revises: 0015_wallet_sharing
"""

from __future__ import annotations

from alembic import op

revision: str = "0016_scale_indexes"
down_revision: str | None = "0015_wallet_sharing"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_issued_credentials_recipient_did"), "issued_credentials", ["recipient_did"]
    )
    op.create_index(op.f("ix_pathway_awards_credential_id"), "pathway_awards", ["credential_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pathway_awards_credential_id"), table_name="pathway_awards")
    op.drop_index(op.f("ix_issued_credentials_recipient_did"), table_name="issued_credentials")
