"""``credstack org|user|token`` in a subprocess, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.databases import DATABASES, postgres_schema


@pytest.fixture(params=DATABASES)
def environment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    env["CREDSTACK_KEY_FILE"] = str(tmp_path / "master.key")
    env["CREDSTACK_BASE_URL"] = "https://badges.example.edu"
    if request.param == "sqlite":
        env["CREDSTACK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'credstack.db'}"
        yield env
    else:
        with postgres_schema() as url:
            env["CREDSTACK_DATABASE_URL"] = url
            yield env


def credstack(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_first_run_administration(environment: dict[str, str]) -> None:
    made = credstack(
        environment, "org", "create", "--slug", "acme", "--name", "Acme", "--country", "NL"
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "did:web:badges.example.edu:orgs:acme"
    key_file = Path(environment["CREDSTACK_KEY_FILE"])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    user = credstack(
        environment,
        "user",
        "create",
        "--email",
        "Ada@Example.org",
        "--org",
        "acme",
        "--role",
        "owner",
    )
    assert user.returncode == 0, user.stderr
    assert "ada@example.org is owner of acme" in user.stdout
    assert "password: " in user.stdout

    given = credstack(
        environment,
        "user", "create", "--email", "bob@example.org", "--org", "acme", "--role", "issuer",
        "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert "password:" not in given.stdout

    token = credstack(
        environment, "token", "create", "--org", "acme", "--role", "issuer", "--name", "LMS"
    )
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    assert secret.startswith("cst_")

    listed = credstack(environment, "token", "list", "--org", "acme")
    assert listed.returncode == 0, listed.stderr
    [row] = listed.stdout.strip().splitlines()
    token_id, prefix, role, name, state = row.split("\t")
    assert (role, name, state) == ("issuer", "LMS", "active")
    assert secret.startswith(prefix.removesuffix("..."))
    assert secret not in listed.stdout

    revoked = credstack(environment, "token", "revoke", token_id, "--org", "acme")
    assert revoked.returncode == 0, revoked.stderr
    listed = credstack(environment, "token", "list", "--org", "acme")
    assert "\trevoked " in listed.stdout


def test_refusals_exit_1_with_a_message_and_no_traceback(environment: dict[str, str]) -> None:
    assert (
        credstack(environment, "org", "create", "--slug", "acme", "--name", "Acme").returncode == 0
    )
    for args, code in [
        (("org", "create", "--slug", "acme", "--name", "Again"), "slug_taken"),
        (("org", "create", "--slug", "Bad Slug", "--name", "X"), "invalid_slug"),
        (
            ("user", "create", "--email", "x@example.org", "--org", "nobody", "--role", "admin"),
            "organization_not_found",
        ),
        (("token", "list", "--org", "nobody"), "organization_not_found"),
    ]:
        result = credstack(environment, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert f"[{code}]" in result.stderr
        assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(environment: dict[str, str]) -> None:
    result = credstack(environment, "token", "create", "--org", "acme", "--role", "superuser")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    env["CREDSTACK_DATABASE_URL"] = (
        "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    )
    env["CREDSTACK_KEY_FILE"] = str(tmp_path / "master.key")
    result = credstack(env, "token", "list", "--org", "acme")
    assert result.returncode == 1
    assert "[migration_failed]" in result.stderr
    assert "Traceback" not in result.stderr


def test_org_create_with_a_profile_then_update(environment: dict[str, str]) -> None:
    made = credstack(
        environment,
        "org", "create", "--slug", "acme", "--name", "Acme", "--country", "be",
        "--url", "https://acme.example", "--email", "info@acme.example",
        "--image", "https://acme.example/logo.png", "--description", "Short courses.",
        "--street-address", "Rue 1", "--locality", "Brussels", "--region", "BRU",
        "--postal-code", "1000", "--accreditation", "Accredited by NVAO",
        "--accreditation-url", "https://nvao.example/acme",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    updated = credstack(
        environment,
        "org", "update", "--slug", "acme", "--name", "Acme Academy", "--country", "NL",
        "--street-address", "",
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    profile = json.loads(updated.stdout)
    assert profile["name"] == "Acme Academy"
    assert profile["url"] == "https://acme.example"
    assert profile["image"] == {"id": "https://acme.example/logo.png", "type": "Image"}
    assert profile["address"] == {
        "type": ["Address"],
        "addressCountry": "Netherlands",
        "addressCountryCode": "NL",
        "addressRegion": "BRU",
        "addressLocality": "Brussels",
        "postalCode": "1000",
    }
    assert profile["qualityAssurance"][0]["title"] == "Accredited by NVAO"

    for args, code in [
        (("org", "update", "--slug", "acme", "--country", "XX"), "invalid_country"),
        (("org", "update", "--slug", "acme", "--email", "nope"), "invalid_email"),
        (
            ("org", "update", "--slug", "nobody", "--url", "https://x.example"),
            "organization_not_found",
        ),
        (("org", "create", "--slug", "b", "--name", "B", "--url", "ftp://b"), "invalid_url"),
    ]:
        refused = credstack(environment, *args)
        assert refused.returncode == 1, (args, refused.stderr)
        assert f"[{code}]" in refused.stderr
    assert credstack(environment, "org", "update", "--slug", "acme").returncode == 2
