"""The learner wallet: learners' email addresses, one-time links, sessions; the mail outbox.

Revision ID: 0011_wallet
Revises: 0010_credential_lookups
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011_wallet"
down_revision: str | None = "0010_credential_lookups"
branch_labels: str | None = None
depends_on: str | None = None


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user(table: str, *, nullable: bool = False) -> list[Any]:
    return [
        sa.Column("user_id", sa.Uuid(), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "learner_emails",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_user("learner_emails"),
        sa.Column("email", sa.String(length=320), nullable=False),
        _at("created_at"),
        _at("confirmed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_emails")),
        sa.UniqueConstraint("user_id", "email", name=op.f("uq_learner_emails_user_id_email")),
    )
    op.create_index(
        "uq_learner_emails_confirmed_email",
        "learner_emails",
        ["email"],
        unique=True,
        sqlite_where=sa.text("confirmed_at IS NOT NULL"),
        postgresql_where=sa.text("confirmed_at IS NOT NULL"),
    )
    op.create_table(
        "learner_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        *_user("learner_links", nullable=True),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.CheckConstraint(
            "purpose IN ('sign_in', 'confirm_email')", name=op.f("ck_learner_links_purpose")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_learner_links_token_hash")),
    )
    op.create_index(
        op.f("ix_learner_links_email_created_at"), "learner_links", ["email", "created_at"]
    )
    op.create_table(
        "learner_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_user("learner_sessions"),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_learner_sessions_token_hash")),
    )
    op.create_index(op.f("ix_learner_sessions_user_id"), "learner_sessions", ["user_id"])
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("transport", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _at("created_at"),
        _at("finished_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed')", name=op.f("ck_mail_messages_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    op.create_index(op.f("ix_mail_messages_created_at_id"), "mail_messages", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_messages_created_at_id"), table_name="mail_messages")
    op.drop_table("mail_messages")
    op.drop_index(op.f("ix_learner_sessions_user_id"), table_name="learner_sessions")
    op.drop_table("learner_sessions")
    op.drop_index(op.f("ix_learner_links_email_created_at"), table_name="learner_links")
    op.drop_table("learner_links")
    op.drop_index("uq_learner_emails_confirmed_email", table_name="learner_emails")
    op.drop_table("learner_emails")
