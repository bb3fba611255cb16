"""The organisation's full issuer Profile: image, postal address, accreditation.

Revision ID: 0004_organization_profile
Revises: 0003_credentials
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_organization_profile"
down_revision: str | None = "0003_credentials"
branch_labels: str | None = None
depends_on: str | None = None

_COLUMNS = (
    ("image", sa.String(length=2048)),
    ("street_address", sa.String(length=200)),
    ("locality", sa.String(length=200)),
    ("region", sa.String(length=200)),
    ("postal_code", sa.String(length=32)),
    ("accreditation", sa.Text()),
    ("accreditation_url", sa.String(length=2048)),
)


def upgrade() -> None:
    # Batch mode: SQLite alters a table by copying it.
    with op.batch_alter_table("organizations") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
