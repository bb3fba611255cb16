"""Alembic migrations, run programmatically by ``credstack.store.migrate``."""
