"""A bulk job counts its issued, failed and invalid rows itself: a job's progress (the CLI's
bar asks twice a second, the API and console on every look) counted the job's rows by status,
a read of every row that took 60 ms at 100,000 rows and competed with the workers. Each batch
adds its counts in its own transaction, after its ledger leaves (whose lock it already holds to
the commit), so workers sharing a job do not wait on each other for it.

Revision ID: 0020_bulk_job_counts
Revises: 0019_bulk_row_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0020_bulk_job_counts"
down_revision: str | None = "0019_bulk_row_order"
branch_labels: str | None = None
depends_on: str | None = None

COUNTS = ("issued", "failed", "invalid")


def upgrade() -> None:
    with op.batch_alter_table("bulk_jobs") as batch:
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    # The jobs there are: their counts from their rows.
    for name in COUNTS:
        op.execute(
            f"UPDATE bulk_jobs SET {name} = (SELECT count(*) FROM bulk_job_rows AS r "  # noqa: S608 - names from COUNTS
            f"WHERE r.job_id = bulk_jobs.id AND r.status = '{name}')"
        )


def downgrade() -> None:
    with op.batch_alter_table("bulk_jobs") as batch:
        for name in reversed(COUNTS):
            batch.drop_column(name)
