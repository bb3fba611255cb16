"""``credstack clr export`` in a subprocess, on SQLite and PostgreSQL: the CLR it writes
verifies with the organisation's key, and refusals exit 1 with the reason."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from credstack.verify import check
from tests.integration.test_cli_admin import credstack, environment

__all__ = ["environment"]  # the fixture, parametrised over both databases
BADGE = {
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works in a team.",
    "criteria": {"narrative": "Peer nominated."},
}


def test_clr_export_writes_a_signed_record(environment: dict[str, str], tmp_path: Path) -> None:
    made = credstack(environment, "org", "create", "--slug", "acme", "--name", "Acme")
    assert made.returncode == 0, made.stderr
    platform = build(
        Settings(
            database_url=environment["CREDSTACK_DATABASE_URL"],
            base_url=environment["CREDSTACK_BASE_URL"],
            key_file=Path(environment["CREDSTACK_KEY_FILE"]),
        )
    )
    try:
        with platform.unit_of_work() as services:
            services.credentials.issue(
                Actor.operator(),
                "acme",
                IssueRequest(recipient="ada@example.org", achievement=BADGE),
            )
            did_document = services.organizations.did_document("acme")
    finally:
        platform.close()

    out = tmp_path / "record.json"
    done = credstack(
        environment,
        "clr",
        "export",
        "--org",
        "acme",
        "--learner",
        "Ada@Example.org",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    clr = json.loads(out.read_text(encoding="utf-8"))
    assert "ClrCredential" in clr["type"]
    did_url = "https://badges.example.edu/orgs/acme/did.json"
    resolver = KeyResolver(StaticFetcher({did_url: did_document}))
    report = check(out.read_text(encoding="utf-8"), resolver=resolver)
    assert report.valid, [c.to_dict() for c in report.failures]
    assert [child.valid for child in report.children] == [True]

    jwt = credstack(
        environment,
        "clr",
        "export",
        "--org",
        "acme",
        "--learner",
        "ada@example.org",
        "--suite",
        "jwt",
    )
    assert jwt.returncode == 0, jwt.stderr
    assert jwt.stdout.strip().count(".") == 2

    refused = credstack(
        environment, "clr", "export", "--org", "acme", "--learner", "bob@example.org"
    )
    assert refused.returncode == 1
    assert "no_credential_of_organization" in refused.stderr
    usage = credstack(environment, "clr", "export", "--org", "acme")
    assert usage.returncode == 2
