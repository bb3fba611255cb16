"""The transparency ledger: leaves, perfect subtree nodes, the head, checkpoints,
cosignatures, the log's and witness's keys, and the logs this server witnesses.

Revision ID: 0009_ledger
Revises: 0008_bulk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ledger"
down_revision: str | None = "0008_bulk"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    heads = op.create_table(
        "ledger_heads",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_heads")),
    )
    # The one log of this server starts empty; appends only ever update this row.
    op.bulk_insert(heads, [{"id": 1, "size": 0}])
    op.create_table(
        "ledger_leaves",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("credential_id", sa.String(length=2048), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_ledger_leaves")),
    )
    op.create_index(
        op.f("ix_ledger_leaves_credential_id"), "ledger_leaves", ["credential_id"], unique=False
    )
    op.create_table(
        "ledger_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_ledger_nodes")),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_ledger_checkpoints")),
    )
    op.create_table(
        "ledger_cosignatures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("witness", sa.String(length=255), nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tree_size"],
            ["ledger_checkpoints.tree_size"],
            name=op.f("fk_ledger_cosignatures_tree_size_ledger_checkpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_cosignatures")),
        sa.UniqueConstraint(
            "tree_size",
            "witness",
            "key_id",
            name=op.f("uq_ledger_cosignatures_tree_size_witness_key_id"),
        ),
    )
    op.create_table(
        "ledger_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("purpose IN ('log', 'witness')", name=op.f("ck_ledger_keys_purpose")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_keys")),
        sa.UniqueConstraint("purpose", name=op.f("uq_ledger_keys_purpose")),
    )
    op.create_table(
        "witnessed_logs",
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_witnessed_logs")),
    )


def downgrade() -> None:
    for table in (
        "witnessed_logs",
        "ledger_keys",
        "ledger_cosignatures",
        "ledger_checkpoints",
        "ledger_nodes",
        "ledger_leaves",
        "ledger_heads",
    ):
        op.drop_table(table)
