"""The migrations build exactly the models' schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from credstack.store import bulk, credentials, webhooks  # noqa: F401  # tables join Base.metadata
from credstack.store.migrate import current_revision, head_revision, upgrade
from credstack.store.models import Base


def _ours(name: str | None, kind: str, _parent: object) -> bool:
    # procrastinate's tables (PostgreSQL) are its own schema, installed by 0008_bulk.
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _ours}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_head_and_upgrade_again_is_a_no_op(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
