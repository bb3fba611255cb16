"""A bulk job may email each learner it issues a credential (``credstack bulk issue --notify``,
``notify=true`` on the admin API, the console's check box). Jobs made before did not.

Revision ID: 0023_bulk_job_notify
Revises: 0022_bulk_job_idempotency
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0023_bulk_job_notify"
down_revision: str | None = "0022_bulk_job_idempotency"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column(
        "bulk_jobs",
        sa.Column("notify", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("bulk_jobs") as batch:
        batch.drop_column("notify")
