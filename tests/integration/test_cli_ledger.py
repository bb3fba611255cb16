"""``credstack ledger checkpoint|audit|keys`` in a subprocess, on a SQLite file and on
PostgreSQL, with a leaf changed in SQL between two audits."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.credentials import CredentialService
from credstack.services.issuing import IssueRequest
from tests.integration.test_cli_admin import credstack, environment  # noqa: F401 - a fixture

BADGE = {
    "type": ["Achievement"],
    "name": "Auditing",
    "description": "Audits logs.",
    "criteria": {"narrative": "Did it."},
}


def issue_three(env: dict[str, str], *, ledger: bool = True) -> None:
    """Three credentials, committed; without ``ledger`` as before the ledger existed."""
    settings = Settings(
        database_url=env["CREDSTACK_DATABASE_URL"],
        base_url=env["CREDSTACK_BASE_URL"],
        key_file=Path(env["CREDSTACK_KEY_FILE"]),
    )
    platform = build(settings)
    try:
        with platform.sessions() as session:
            services = platform.services(session)
            credentials = services.credentials
            if not ledger:
                credentials = CredentialService(
                    session,
                    settings.base_url,
                    services.audit,
                    services.organizations,
                    services.achievements,
                )
            for n in range(3):
                credentials.issue(
                    Actor.operator(),
                    "acme",
                    IssueRequest(recipient=f"l{n}@example.com", achievement=BADGE),
                )
            session.commit()
    finally:
        platform.close()


def tamper(env: dict[str, str], index: int) -> None:
    settings = Settings(database_url=env["CREDSTACK_DATABASE_URL"], secret_key="x" * 32)
    platform = build(settings)
    try:
        with platform.engine.begin() as connection:
            connection.execute(
                text("UPDATE ledger_leaves SET data = :data WHERE idx = :idx"),
                {"data": b'{"kind":"credential.issued"}', "idx": index},
            )
    finally:
        platform.close()


def test_checkpoint_audit_and_tampering(environment: dict[str, str]) -> None:  # noqa: F811
    made = credstack(environment, "org", "create", "--slug", "acme", "--name", "Acme")
    assert made.returncode == 0, made.stderr
    issue_three(environment)

    signed = credstack(environment, "ledger", "checkpoint")
    assert signed.returncode == 0, signed.stderr
    origin, size, _root, blank, signature = signed.stdout.split("\n")[:5]
    assert (origin, size, blank) == ("badges.example.edu/ledger", "3", "")
    assert signature.startswith("\u2014 badges.example.edu/ledger ")

    clean = credstack(environment, "ledger", "audit")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip().endswith("ok")

    keys = credstack(environment, "ledger", "keys")
    assert keys.returncode == 0, keys.stderr
    assert keys.stdout.startswith("log      badges.example.edu/ledger+")
    assert "witness  badges.example.edu/witness+" in keys.stdout

    tamper(environment, 1)
    found = credstack(environment, "ledger", "audit", "--json")
    assert found.returncode == 1
    report = json.loads(found.stdout)
    assert report["ok"] is False
    assert report["firstBadIndex"] == 1
    assert "leaf_changed" in {f["code"] for f in report["findings"]}
    plain = credstack(environment, "ledger", "audit")
    assert plain.returncode == 1
    assert "first bad index: 1" in plain.stdout


def test_backfill_logs_credentials_from_before_the_ledger(
    environment: dict[str, str],  # noqa: F811
) -> None:
    made = credstack(environment, "org", "create", "--slug", "acme", "--name", "Acme")
    assert made.returncode == 0, made.stderr
    issue_three(environment, ledger=False)
    issue_three(environment)  # these have their leaves: indexes 0..2

    first = credstack(environment, "ledger", "backfill")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("backfilled 3 leaves for 3 credentials from index 3;")
    again = credstack(environment, "ledger", "backfill")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("nothing to backfill")
    signed = credstack(environment, "ledger", "checkpoint")
    assert signed.stdout.split("\n")[1] == "6"
    audit = credstack(environment, "ledger", "audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
