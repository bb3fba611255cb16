"""``credstack serve`` as an operator runs it: a real uvicorn process on 127.0.0.1.

Settings come from the environment only (a temporary SQLite file and key file); the server
migrates on start, and a credential of one of its organisations verifies over real HTTP.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credstack.bootstrap import build
from credstack.config import Settings
from credstack.services.actors import Actor
from tests.functional.conftest import issue_for
from tests.functional.servers import running_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_server(tmp_path) as started:
        yield started


def test_serve_migrates_and_verifies_its_own_credentials(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base_url, env = server
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    # The same settings the server read from the environment, used in-process to set up.
    settings = Settings(
        database_url=env["CREDSTACK_DATABASE_URL"],
        key_file=Path(env["CREDSTACK_KEY_FILE"]),
        base_url=base_url,
    )
    platform = build(settings)
    try:
        with platform.unit_of_work() as services:
            services.organizations.create(Actor.operator("test"), slug="acme", name="Acme")
        text = issue_for(platform, "acme")
    finally:
        platform.close()

    response = httpx.post(f"{base_url}/verify", content=text, timeout=30)
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True, report
    assert report["issuer"] == f"did:web:localhost%3A{base_url.rsplit(':', 1)[1]}:orgs:acme"
    document = httpx.get(f"{base_url}/orgs/acme/did.json", timeout=5).json()
    assert document["id"] == report["issuer"]


@pytest.mark.parametrize("flag", ["--access-log", "--no-access-log"])
def test_the_access_log_can_be_turned_off(tmp_path: Path, flag: str) -> None:
    printed: list[str] = []
    with running_server(tmp_path, flag, output=printed) as (base_url, _env):
        assert httpx.get(f"{base_url}/health?probe=access-log", timeout=5).status_code == 200
    logged = "GET /health?probe=access-log" in printed[0]
    assert logged == (flag == "--access-log"), printed[0]


def test_tls_needs_both_the_certificate_and_the_key(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not used")
    result = subprocess.run(
        [sys.executable, "-m", "credstack", "serve", "--tls-cert", str(cert)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert b"--tls-cert and --tls-key go together" in result.stderr
