"""``credstack user create --email E`` without ``--org``: a learner, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.store.models import Membership
from tests.integration.test_cli_admin import credstack, environment

__all__ = ["environment"]  # the fixture, parametrised over both databases


def test_user_create_without_org_makes_a_learner(environment: dict[str, str]) -> None:
    made = credstack(environment, "user", "create", "--email", "Lea@Example.org")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0] == "lea@example.org is a learner"
    password = lines[1].removeprefix("password: ")
    assert len(password) >= 12

    platform = build(
        Settings(
            database_url=environment["CREDSTACK_DATABASE_URL"],
            key_file=Path(environment["CREDSTACK_KEY_FILE"]),
        )
    )
    try:
        with platform.unit_of_work() as services:
            user = services.users.authenticate("lea@example.org", password)
        with platform.sessions() as session:
            roles = session.scalars(select(Membership).where(Membership.user_id == user.id))
            assert list(roles) == []
    finally:
        platform.close()

    again = credstack(environment, "user", "create", "--email", "lea@example.org")
    assert again.returncode == 1
    assert "already has an account" in again.stderr
    half = credstack(environment, "user", "create", "--email", "x@example.org", "--org", "acme")
    assert half.returncode == 2
    assert "--org and --role together" in half.stderr
    given = credstack(
        environment,
        "user",
        "create",
        "--email",
        "sam@example.org",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert given.returncode == 0
    assert "password:" not in given.stdout
