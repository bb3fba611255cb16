"""``credstack achievement create|list|show`` in a subprocess on a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EU_FIXTURE = Path(__file__).parents[1] / "unit" / "model" / "eu_achievement.json"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CREDSTACK_")}
    environment["CREDSTACK_KEY_FILE"] = str(tmp_path / "master.key")
    environment["CREDSTACK_BASE_URL"] = "https://badges.example.edu"
    environment["CREDSTACK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'credstack.db'}"
    return environment


def credstack(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_create_list_and_show_an_eu_achievement(env: dict[str, str], tmp_path: Path) -> None:
    assert credstack(env, "org", "create", "--slug", "uniz", "--name", "UniZ").returncode == 0
    refused = credstack(
        env, "achievement", "create", "--org", "uniz", "--file", str(EU_FIXTURE),
        "--profile", "eu-2022", "--publish",
    )  # fmt: skip
    assert refused.returncode == 1
    assert "[quality_profile_unmet]" in refused.stderr
    assert "(country)" in refused.stderr
    assert credstack(env, "achievement", "list", "--org", "uniz").stdout == ""

    assert credstack(env, "org", "create", "--slug", "uni-ie", "--name", "UniIE", "--country",
                     "IE").returncode == 0  # fmt: skip
    created = credstack(
        env, "achievement", "create", "--org", "uni-ie", "--file", str(EU_FIXTURE),
        "--profile", "eu-2022", "--publish",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    public_id = created.stdout.strip()
    assert public_id.startswith("https://badges.example.edu/orgs/uni-ie/achievements/")

    listed = credstack(env, "achievement", "list", "--org", "uni-ie", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert rows == [
        {
            "id": public_id,
            "status": "published",
            "version": 1,
            "profile": "eu-2022",
            "name": "Data Analytics with Python",
        }
    ]
    plain = credstack(env, "achievement", "list", "--org", "uni-ie").stdout
    assert plain.startswith(f"{public_id}\tpublished\t1\teu-2022\t")

    shown = credstack(env, "achievement", "show", public_id)
    assert shown.returncode == 0, shown.stderr
    assert f'"id": "{public_id}"' in shown.stdout
    assert "# quality profile eu-2022: met" in shown.stdout
    assert "[ok  ] Learning outcomes (mandatory)" in shown.stdout


def test_a_plain_badge_and_errors(env: dict[str, str], tmp_path: Path) -> None:
    assert credstack(env, "org", "create", "--slug", "acme", "--name", "Acme").returncode == 0
    badge = tmp_path / "badge.json"
    badge.write_text(
        json.dumps(
            {
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Peer nominated."},
            }
        ),
        encoding="utf-8",
    )
    created = credstack(env, "achievement", "create", "--org", "acme", "--file", str(badge))
    assert created.returncode == 0, created.stderr
    shown = credstack(env, "achievement", "show", created.stdout.strip())
    assert shown.stdout.startswith("# draft, version 1")
    assert "quality profile" not in shown.stdout
    missing = credstack(env, "achievement", "create", "--org", "acme", "--file", "nope.json")
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
    unknown = credstack(env, "achievement", "show", "not-an-id")
    assert unknown.returncode == 1
    assert "[achievement_not_found]" in unknown.stderr
