"""A bulk job's Idempotency-Key: an upload sent again (a client's retry after a lost answer,
a double click on the console's "Start") returns the job it made, instead of a second job
that would issue every learner a second credential.

Jobs made before have neither key nor digest; the unique index allows any number of those.

Revision ID: 0022_bulk_job_idempotency
Revises: 0021_bulk_write_cost
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0022_bulk_job_idempotency"
down_revision: str | None = "0021_bulk_write_cost"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("bulk_jobs", sa.Column("idempotency_key", sa.String(255), nullable=True))
    op.add_column("bulk_jobs", sa.Column("request_digest", sa.String(64), nullable=True))
    op.create_index(
        op.f("ix_bulk_jobs_organization_id_idempotency_key"),
        "bulk_jobs",
        ["organization_id", "idempotency_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bulk_jobs_organization_id_idempotency_key"), table_name="bulk_jobs")
    with op.batch_alter_table("bulk_jobs") as batch:
        batch.drop_column("request_digest")
        batch.drop_column("idempotency_key")
