"""What PostgreSQL spends on each credential a bulk batch writes, cut (docs/performance.md):

- A bulk row's index holds only queued rows, (job_id, line) where status is 'queued', in place
  of (job_id, status, line): a batch that finishes a row writes one index entry for it (the
  primary key's), not two, and claiming still reads the queued rows in line order.
- The index of credentials by recipient DID holds only those that have one: most go to an email,
  and each of them wrote a NULL entry.
- On PostgreSQL, a credential's text is compressed with lz4 where the server has it, in place of
  pglz: the text of a signed OB 3.0 credential is about 2 kB, just past the size at which
  PostgreSQL compresses it, so every credential stored was compressed, at a third of the cost
  of its insert. lz4 does that in a fraction of the time and takes the same room. Texts stored
  before stay as they are (PostgreSQL reads both).

The indexes are built in the migration's transaction, which holds writes to the two tables
while it reads them (the DID index: 0.11 s for 200,000 credentials here, the table in memory).

Revision ID: 0021_bulk_write_cost
Revises: 0020_bulk_job_counts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0021_bulk_write_cost"
down_revision: str | None = "0020_bulk_job_counts"
branch_labels: str | None = None
depends_on: str | None = None

QUEUED = sa.text("status = 'queued'")
HAS_DID = sa.text("recipient_did IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_bulk_job_rows_queued",
        "bulk_job_rows",
        ["job_id", "line"],
        postgresql_where=QUEUED,
        sqlite_where=QUEUED,
    )
    op.drop_index(op.f("ix_bulk_job_rows_job_id_status_line"), table_name="bulk_job_rows")
    op.drop_index(op.f("ix_issued_credentials_recipient_did"), table_name="issued_credentials")
    op.create_index(
        "ix_issued_credentials_recipient_did",
        "issued_credentials",
        ["recipient_did"],
        postgresql_where=HAS_DID,
        sqlite_where=HAS_DID,
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and _has_lz4(bind):
        op.execute("ALTER TABLE issued_credentials ALTER COLUMN text SET COMPRESSION lz4")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE issued_credentials ALTER COLUMN text SET COMPRESSION default")
    op.drop_index("ix_issued_credentials_recipient_did", table_name="issued_credentials")
    op.create_index(
        op.f("ix_issued_credentials_recipient_did"), "issued_credentials", ["recipient_did"]
    )
    op.create_index(
        op.f("ix_bulk_job_rows_job_id_status_line"),
        "bulk_job_rows",
        ["job_id", "status", "line"],
    )
    op.drop_index("ix_bulk_job_rows_queued", table_name="bulk_job_rows")


def _has_lz4(bind: sa.Connection) -> bool:
    # A server built without lz4 (--without-lz4) refuses the method: keep pglz there.
    return bool(
        bind.execute(
            sa.text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar()
    )
