"""Issued credentials: the VC-API credentialId, and the index that pages them.

Revision ID: 0010_credential_lookups
Revises: 0009_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_credential_lookups"
down_revision: str | None = "0009_ledger"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_credentials") as batch:
        batch.add_column(sa.Column("client_credential_id", sa.String(length=2048), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_issued_credentials_organization_id_client_credential_id"),
            ["organization_id", "client_credential_id"],
        )
    # The id joins the paging index, so that a page is found from the index alone.
    op.drop_index(
        op.f("ix_issued_credentials_organization_id_issued_at"), table_name="issued_credentials"
    )
    op.create_index(
        op.f("ix_issued_credentials_organization_id_issued_at_id"),
        "issued_credentials",
        ["organization_id", "issued_at", "id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_issued_credentials_organization_id_issued_at_id"),
        table_name="issued_credentials",
    )
    op.create_index(
        op.f("ix_issued_credentials_organization_id_issued_at"),
        "issued_credentials",
        ["organization_id", "issued_at"],
    )
    with op.batch_alter_table("issued_credentials") as batch:
        batch.drop_constraint(
            op.f("uq_issued_credentials_organization_id_client_credential_id"), type_="unique"
        )
        batch.drop_column("client_credential_id")
