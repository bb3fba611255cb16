"""``credstack outbox list|show``: the operator reads the mail outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from credstack.bootstrap import build
from credstack.config import Settings
from tests.integration.test_cli_admin import credstack, environment

__all__ = ["environment"]  # the fixture, parametrised over both databases


def test_outbox_list_and_show(environment: dict[str, str]) -> None:
    platform = build(
        Settings(
            database_url=environment["CREDSTACK_DATABASE_URL"],
            base_url=environment["CREDSTACK_BASE_URL"],
            key_file=Path(environment["CREDSTACK_KEY_FILE"]),
        ),
        migrate=True,
    )
    try:
        with platform.unit_of_work() as services:
            services.learners.request_sign_in("Ada@Example.org")
            services.learners.request_sign_in("grace@example.org")
    finally:
        platform.close()

    listed = credstack(environment, "outbox", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["to"], r["status"], r["attempts"]) for r in rows] == [
        ("grace@example.org", "sent", 1),
        ("ada@example.org", "sent", 1),
    ]
    only = credstack(environment, "outbox", "list", "--to", "ada@example.org")
    assert only.returncode == 0
    [line] = only.stdout.splitlines()
    assert line.split("\t")[1:5:3] == ["sent", "ada@example.org"]
    assert credstack(environment, "outbox", "list", "--status", "failed").stdout == ""

    shown = credstack(environment, "outbox", "show", rows[1]["id"])
    assert shown.returncode == 0, shown.stderr
    assert "To: ada@example.org" in shown.stdout
    assert "Status: sent (1 tries, via outbox)" in shown.stdout
    assert "https://badges.example.edu/wallet/sign-in/complete?token=" in shown.stdout

    missing = credstack(environment, "outbox", "show", "not-an-id")
    assert missing.returncode == 1
    assert "[message_not_found]" in missing.stderr
    bad = credstack(environment, "outbox", "list", "--status", "lost")
    assert bad.returncode == 2
