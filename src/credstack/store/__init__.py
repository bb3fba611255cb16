"""Tables, repositories and Alembic migrations (SQLite and PostgreSQL)."""
