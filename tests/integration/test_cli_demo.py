"""``credstack demo`` in a subprocess, on a SQLite file and on PostgreSQL: it seeds once, a
second run changes nothing, and what it made verifies (the revoked credential does not)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credstack.app import create_app
from credstack.bootstrap import build
from credstack.config import Settings
from credstack.store.credentials import IssuedCredentialRecord
from tests.integration.test_cli_admin import credstack, environment  # noqa: F401 - fixture


def test_demo_seeds_once_and_what_it_made_verifies(
    environment: dict[str, str],  # noqa: F811 - the imported fixture
) -> None:
    first = credstack(environment, "demo")
    assert first.returncode == 0, first.stderr
    assert "Seeded the demo organisation 'demo' (did:web:badges.example.edu:orgs:demo)" in (
        first.stdout
    )
    assert "owner@example.org" in first.stdout
    assert "demo-owner-password" in first.stdout
    assert "Staff sign in at https://badges.example.edu/login." in first.stdout
    assert re.search(r"Admin API token \(shown once\): cst_\S+", first.stdout)
    listed = re.findall(
        r"^  (active|revoked) +(.+) for (\S+): (https://badges\.example\.edu/credentials/\S+)$",
        first.stdout,
        flags=re.MULTILINE,
    )
    # Five issued by hand, and the certificate that the pathway awarded to ada for two of them.
    assert sorted((name, learner, status) for status, name, learner, _ in listed) == [
        ("Certificate in Applied Data Analysis", "ada@example.org", "active"),
        ("Machine Learning Foundations", "grace@example.org", "active"),
        ("Python for Data Analysis", "ada@example.org", "active"),
        ("Python for Data Analysis", "grace@example.org", "active"),
        ("Python for Data Analysis", "linus@example.org", "revoked"),
        ("SQL for Analysts", "ada@example.org", "active"),
    ]

    again = credstack(environment, "demo")
    assert again.returncode == 0, again.stderr
    assert "already there; unchanged" in again.stdout
    assert "Admin API token" not in again.stdout

    settings = Settings(
        database_url=environment["CREDSTACK_DATABASE_URL"],
        base_url=environment["CREDSTACK_BASE_URL"],
        key_file=Path(environment["CREDSTACK_KEY_FILE"]),
    )
    platform = build(settings)
    try:
        with platform.sessions() as session:
            statuses = dict(
                session.execute(
                    select(IssuedCredentialRecord.status, func.count()).group_by(
                        IssuedCredentialRecord.status
                    )
                ).all()
            )
        assert statuses == {"active": 5, "revoked": 1}
        with platform.unit_of_work() as services:
            assert services.users.authenticate("owner@example.org", "demo-owner-password")
            records = services.achievements.list("demo")
            assert len(records) == 4
            views = [services.achievements.get(record.id) for record in records]
            assert all(view.quality is not None and view.quality.met for view in views)
        with TestClient(create_app(platform=platform)) as client:
            for status, _, _, url in listed:
                text = client.get(url.removeprefix(settings.base_url)).text
                report = client.post("/verify", content=text).json()
                assert report["valid"] is (status == "active"), report
            python = next(url for _, name, _, url in listed if name.startswith("Python"))
            page = client.get("/verify", params={"url": python}).text
            assert "Python (computer programming)" in page
            assert "EU micro-credential elements" in page
    finally:
        platform.close()
