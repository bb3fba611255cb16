"""Bulk issuance jobs, stored signed status lists, and the task queue's tables (PostgreSQL).

Revision ID: 0008_bulk
Revises: 0007_ob_api

On PostgreSQL this also installs procrastinate's schema (its tables, functions and triggers),
at the version pinned in pyproject.toml. A later procrastinate release that changes its schema
comes with a migration file of its own, applied by a new revision here.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision: str = "0008_bulk"
down_revision: str | None = "0007_ob_api"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("status_lists") as batch:
        # The indexes handed out, raw bits; NULL: rebuilt from the list's credentials when needed.
        batch.add_column(sa.Column("allocated", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("published", sa.Text(), nullable=True))
        batch.add_column(sa.Column("published_revision", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "bulk_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("achievement_id", sa.Uuid(), nullable=False),
        sa.Column("suite", sa.String(length=32), nullable=False),
        sa.Column("status_purpose", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('running', 'finished')", name=op.f("ck_bulk_jobs_status")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_bulk_jobs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_bulk_jobs_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_jobs")),
    )
    op.create_index(
        op.f("ix_bulk_jobs_organization_id_created_at"),
        "bulk_jobs",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "bulk_job_rows",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'issued', 'failed', 'invalid')",
            name=op.f("ck_bulk_job_rows_status"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["bulk_jobs.id"],
            name=op.f("fk_bulk_job_rows_job_id_bulk_jobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["issued_credentials.id"],
            name=op.f("fk_bulk_job_rows_credential_id_issued_credentials"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("job_id", "line", name=op.f("pk_bulk_job_rows")),
    )
    op.create_index(
        op.f("ix_bulk_job_rows_job_id_status"), "bulk_job_rows", ["job_id", "status"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        _install_procrastinate()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _remove_procrastinate()
    op.drop_index(op.f("ix_bulk_job_rows_job_id_status"), table_name="bulk_job_rows")
    op.drop_table("bulk_job_rows")
    op.drop_index(op.f("ix_bulk_jobs_organization_id_created_at"), table_name="bulk_jobs")
    op.drop_table("bulk_jobs")
    with op.batch_alter_table("status_lists") as batch:
        for column in (
            "published_until",
            "published_at",
            "published_revision",
            "published",
            "revision",
            "allocated",
        ):
            batch.drop_column(column)


def _install_procrastinate() -> None:
    from procrastinate.schema import SchemaManager

    # The driver's own cursor: the script has many statements, % signs and :: casts, which
    # SQLAlchemy's text() would read as bind parameters.
    connection = op.get_bind().connection.dbapi_connection
    assert connection is not None
    cursor = connection.cursor()
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()


def _remove_procrastinate() -> None:
    from procrastinate.schema import SchemaManager

    schema = SchemaManager.get_schema()
    for table in (
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_jobs",
        "procrastinate_workers",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    for name in sorted(set(re.findall(r"CREATE FUNCTION (procrastinate_\w+)", schema))):
        op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
    for name in sorted(set(re.findall(r"CREATE TYPE (procrastinate_\w+)", schema))):
        op.execute(f"DROP TYPE IF EXISTS {name} CASCADE")
