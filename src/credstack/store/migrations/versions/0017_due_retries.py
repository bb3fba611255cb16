"""Retries kept in the database: when a queued message's next try is due, and indexes for the
clock that looks for due message tries and webhook attempts (on SQLite a retry used to wait in
a timer of the server process, which a restart forgot).

Revision ID: 0017_due_retries
Revises: 0016_scale_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0017_due_retries"
down_revision: str | None = "0016_scale_indexes"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail_messages") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            op.f("ix_mail_messages_status_next_attempt_at"), ["status", "next_attempt_at"]
        )
    # Messages queued before this revision are due now.
    op.execute("UPDATE mail_messages SET next_attempt_at = created_at WHERE status = 'queued'")
    op.create_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"),
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_webhook_deliveries_status_next_attempt_at"), table_name="webhook_deliveries"
    )
    with op.batch_alter_table("mail_messages") as batch:
        batch.drop_index(op.f("ix_mail_messages_status_next_attempt_at"))
        batch.drop_column("next_attempt_at")
