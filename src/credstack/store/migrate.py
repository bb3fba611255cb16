"""Schema migrations, run from code: no alembic.ini is needed at run time.

>>> from credstack.store.db import make_engine
>>> engine = make_engine("sqlite://")
>>> upgrade(engine)
>>> current_revision(engine) == head_revision()
True
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from credstack.errors import StorageError
from credstack.store.db import make_engine

_SCRIPTS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: replicas starting together take turns migrating (PostgreSQL only).
_ADVISORY_LOCK = 0x63726564


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration, pointing at the bundled scripts."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StorageError("No migration scripts are bundled.", code="no_migrations")
    return head


def current_revision(target: Engine | str) -> str | None:
    engine = target if isinstance(target, Engine) else make_engine(target)
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(target: Engine | str, revision: str = "head") -> None:
    """Bring the database at ``target`` (an engine or a URL) up to ``revision``."""
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK}
                )
            command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        raise StorageError(
            f"Cannot migrate the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(exc)}",
            code="migration_failed",
        ) from exc
    finally:
        if not isinstance(target, Engine):
            engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    cause = exc.orig if hasattr(exc, "orig") and exc.orig is not None else exc
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
