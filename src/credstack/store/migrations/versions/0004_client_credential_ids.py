"""The VC-API credentialId of issued credentials.

Revision ID: 0004_client_credential_ids
Revises: 0003_credentials
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_client_credential_ids"
down_revision: str | None = "0003_credentials"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_credentials") as batch:
        batch.add_column(sa.Column("client_credential_id", sa.String(length=2048), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_issued_credentials_organization_id_client_credential_id"),
            ["organization_id", "client_credential_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credentials") as batch:
        batch.drop_constraint(
            op.f("uq_issued_credentials_organization_id_client_credential_id"), type_="unique"
        )
        batch.drop_column("client_credential_id")
