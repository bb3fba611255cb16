"""``credstack credentials list`` in a subprocess on a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from credstack.services.issuing import IssueRequest
from tests.functional.conftest import ACHIEVEMENT


def credstack(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_credentials_list_prints_what_was_issued(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    env["CREDSTACK_KEY_FILE"] = str(tmp_path / "master.key")
    env["CREDSTACK_BASE_URL"] = "https://badges.example.edu"
    env["CREDSTACK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'credstack.db'}"
    assert credstack(env, "org", "create", "--slug", "uniz", "--name", "UniZ").returncode == 0
    platform = build(
        Settings(
            database_url=env["CREDSTACK_DATABASE_URL"],
            base_url=env["CREDSTACK_BASE_URL"],
            key_file=Path(env["CREDSTACK_KEY_FILE"]),
        )
    )
    try:
        with platform.unit_of_work() as services:
            record = services.credentials.issue(
                Actor.operator("test"),
                "uniz",
                IssueRequest(recipient="learner@example.com", achievement=ACHIEVEMENT),
            )
            credential_id = record.credential_id
    finally:
        platform.close()
    listed = credstack(env, "credentials", "list", "--org", "uniz", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["id"], row["status"], row["recipient"]) == (
        credential_id,
        "active",
        "learner@example.com",
    )
    missing = credstack(env, "credentials", "list", "--org", "nope")
    assert missing.returncode == 1
