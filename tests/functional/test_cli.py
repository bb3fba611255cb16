"""The ``credstack`` command, run as a person runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, vector_path

ACHIEVEMENT = REPO / "examples" / "achievement.json"


def credstack(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "credstack", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for kind in ("ed25519", "p256"):
        path = folder / f"{kind}.key"
        result = credstack("keys", "new", "--type", kind, "--out", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().startswith("did:key:z")
        made[kind] = path
    return made


def test_keys_are_private_files(keys: dict[str, Path]) -> None:
    for path in keys.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        document = json.loads(path.read_text())
        assert document["secretKeyMultibase"].startswith("z")


def test_keys_new_never_overwrites(keys: dict[str, Path]) -> None:
    before = keys["ed25519"].read_bytes()
    result = credstack("keys", "new", "--out", str(keys["ed25519"]))
    assert result.returncode == 2
    assert b"refusing to overwrite" in result.stderr
    assert keys["ed25519"].read_bytes() == before


@pytest.mark.parametrize(
    ("suite", "kind"),
    [
        ("eddsa-rdfc-2022", "ed25519"),
        ("eddsa-jcs-2022", "ed25519"),
        ("ecdsa-rdfc-2019", "p256"),
        ("jwt", "ed25519"),
        ("jwt", "p256"),
    ],
)
def test_issue_then_verify(keys: dict[str, Path], tmp_path: Path, suite: str, kind: str) -> None:
    issued = credstack(
        "issue",
        "--key",
        str(keys[kind]),
        "--achievement",
        str(ACHIEVEMENT),
        "--recipient",
        "learner@example.com",
        "--suite",
        suite,
        "--issuer-name",
        "Example Academy",
        "--valid-until",
        "2099-12-31",
    )
    assert issued.returncode == 0, issued.stderr
    path = tmp_path / "badge"
    path.write_bytes(issued.stdout)
    verified = credstack("verify", str(path))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.startswith(b"VALID")
    from_stdin = credstack("verify", "--json", "-", stdin=issued.stdout)
    assert from_stdin.returncode == 0
    report = json.loads(from_stdin.stdout)
    assert report["valid"] is True
    assert {c["name"] for c in report["checks"]} >= {"parse", "proof", "validity", "issuer"}


def test_a_tampered_credential_exits_1(keys: dict[str, Path], tmp_path: Path) -> None:
    issued = credstack(
        "issue",
        "--key",
        str(keys["ed25519"]),
        "--achievement",
        str(ACHIEVEMENT),
        "--recipient",
        "did:example:learner",
    )
    document = json.loads(issued.stdout)
    document["credentialSubject"]["achievement"]["name"] = "Something grander"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    result = credstack("verify", str(path))
    assert result.returncode == 1
    assert b"INVALID" in result.stdout
    assert b"invalid_signature" in result.stdout


def test_verify_a_vector_at_a_pinned_time() -> None:
    fixture = str(vector_path("1edtech-validator-ob30/simple-err-expired.json"))
    result = credstack("verify", "--offline", "--at", "2026-01-01", fixture)
    assert result.returncode == 1
    assert b"expired" in result.stdout
    ok = credstack(
        "verify",
        "--offline",
        "--at",
        "2026-01-01T00:00:00Z",
        str(vector_path("1edtech-validator-ob30/simple.json")),
    )
    assert ok.returncode == 0, ok.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("verify", "/nonexistent/credential.json"),
        ("verify", "--at", "someday", "-"),
        ("issue", "--achievement", "x.json", "--recipient", "a@b.org"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert credstack(*args, stdin=b"").returncode == 2


def test_issue_refuses_a_bad_recipient_with_a_reason(keys: dict[str, Path]) -> None:
    result = credstack(
        "issue",
        "--key",
        str(keys["ed25519"]),
        "--achievement",
        str(ACHIEVEMENT),
        "--recipient",
        "nobody",
    )
    assert result.returncode == 1
    assert b"invalid_recipient" in result.stderr


def test_issue_refuses_a_mismatched_suite(keys: dict[str, Path]) -> None:
    result = credstack(
        "issue",
        "--key",
        str(keys["p256"]),
        "--achievement",
        str(ACHIEVEMENT),
        "--recipient",
        "did:example:l",
        "--suite",
        "eddsa-rdfc-2022",
    )
    assert result.returncode == 1
    assert b"key_suite_mismatch" in result.stderr


def test_garbage_input_is_invalid_not_a_crash() -> None:
    result = credstack("verify", "-", stdin=b"\x00\x01 not a credential")
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr


def test_help_runs_without_environment() -> None:
    env = {"PATH": os.environ.get("PATH", "")}
    result = subprocess.run(
        [sys.executable, "-m", "credstack", "--help"], capture_output=True, env=env, check=False
    )
    assert result.returncode == 0
    assert b"issue" in result.stdout
