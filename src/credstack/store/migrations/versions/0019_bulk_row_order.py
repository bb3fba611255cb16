"""A job's queued rows in line order from the index: claiming a batch (and reading one ahead)
took the job's queued rows and sorted them, every batch, which grew with the job (a 100,000-row
job issued at a third of the rate of a 10,000-row one on PostgreSQL). The index on
(job_id, status) becomes (job_id, status, line), which serves its queries too.

Revision ID: 0019_bulk_row_order
Revises: 0018_sign_in_requests
"""

from __future__ import annotations

from alembic import op

revision: str = "0019_bulk_row_order"
down_revision: str | None = "0018_sign_in_requests"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_bulk_job_rows_job_id_status_line"), "bulk_job_rows", ["job_id", "status", "line"]
    )
    op.drop_index(op.f("ix_bulk_job_rows_job_id_status"), table_name="bulk_job_rows")


def downgrade() -> None:
    op.create_index(op.f("ix_bulk_job_rows_job_id_status"), "bulk_job_rows", ["job_id", "status"])
    op.drop_index(op.f("ix_bulk_job_rows_job_id_status_line"), table_name="bulk_job_rows")
