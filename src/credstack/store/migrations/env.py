"""Alembic environment: runs on the connection that ``credstack.store.migrate`` passes in.

There is no alembic.ini and no URL here; ``upgrade`` puts an open connection in
``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

# Each table module registers its tables on Base.metadata when imported.
from credstack.store import (  # noqa: F401
    achievements,
    assessment,
    bulk,
    credentials,
    learners,
    ledger,
    mail,
    oauth,
    pathways,
    staff_sessions,
    wallet,
    webhooks,
)
from credstack.store.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through credstack.store.migrate.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters tables by copying them; batch mode does that for later revisions.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
