"""Sign-in links asked for per client address, for the limit per address (20 per 15 minutes).

Revision ID: 0018_sign_in_requests
Revises: 0017_due_retries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0018_sign_in_requests"
down_revision: str | None = "0017_due_retries"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_requests")),
    )
    op.create_index(op.f("ix_sign_in_requests_client_at"), "sign_in_requests", ["client", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_requests_client_at"), table_name="sign_in_requests")
    op.drop_table("sign_in_requests")
