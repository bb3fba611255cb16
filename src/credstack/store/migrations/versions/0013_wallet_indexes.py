"""Indexes for a learner's wallet: the credentials issued to their addresses (matched
case-insensitively), and their own submissions.

Revision ID: 0013_wallet_indexes
Revises: 0012_staff_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013_wallet_indexes"
down_revision: str | None = "0012_staff_sessions"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_issued_credentials_recipient_email_lower",
        "issued_credentials",
        [sa.text("lower(recipient_email)")],
    )
    op.create_index(
        op.f("ix_submissions_learner_created_at"), "submissions", ["learner", "created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_submissions_learner_created_at"), table_name="submissions")
    op.drop_index("ix_issued_credentials_recipient_email_lower", table_name="issued_credentials")
