"""``credstack bake`` and ``credstack verify`` of a baked image, run in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credstack.formats.baked import extract_credential, tiny_png
from tests.conftest import vector_path
from tests.functional.test_cli import ACHIEVEMENT, credstack

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
)


@pytest.fixture(scope="module")
def credential(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bake")
    key = folder / "issuer.key"
    assert credstack("keys", "new", "--out", str(key)).returncode == 0
    issued = credstack(
        "issue",
        "--key",
        str(key),
        "--achievement",
        str(ACHIEVEMENT),
        "--recipient",
        "did:example:learner",
    )
    assert issued.returncode == 0, issued.stderr
    path = folder / "credential.json"
    path.write_bytes(issued.stdout)
    return path


@pytest.mark.parametrize(("suffix", "image"), [("png", tiny_png()), ("svg", SVG)])
def test_bake_then_verify_the_image(
    credential: Path, tmp_path: Path, suffix: str, image: bytes
) -> None:
    source = tmp_path / f"badge.{suffix}"
    source.write_bytes(image)
    out = tmp_path / f"baked.{suffix}"
    baked = credstack(
        "bake", "--credential", str(credential), "--image", str(source), "--out", str(out)
    )
    assert baked.returncode == 0, baked.stderr
    assert extract_credential(out.read_bytes()) == credential.read_text().strip()
    verified = credstack("verify", "--offline", str(out))
    assert verified.returncode == 0, verified.stdout
    assert (
        f"image     baked_{suffix}: The credential was read from a baked"
        in verified.stdout.decode()
    )
    as_json = json.loads(credstack("verify", "--offline", "--json", str(out)).stdout)
    assert as_json["valid"] is True
    assert as_json["checks"][0]["code"] == f"baked_{suffix}"


def test_verify_reads_an_official_baked_image_from_stdin() -> None:
    image = vector_path("1edtech-validator-ob30/simple-json.svg").read_bytes()
    result = credstack("verify", "--offline", "--at", "2026-01-01", "-", stdin=image)
    assert result.returncode == 0, result.stdout
    assert b"baked_svg" in result.stdout


def test_an_image_without_a_credential_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    path.write_bytes(tiny_png())
    result = credstack("verify", "--offline", str(path))
    assert result.returncode == 1
    assert b"not_baked: The PNG image has no baked credential" in result.stdout


def test_bake_refuses_what_it_cannot_bake(credential: Path, tmp_path: Path) -> None:
    gif = tmp_path / "badge.gif"
    gif.write_bytes(b"GIF89a....")
    out = tmp_path / "out.gif"
    result = credstack(
        "bake", "--credential", str(credential), "--image", str(gif), "--out", str(out)
    )
    assert result.returncode == 1
    assert b"neither a PNG nor an SVG image" in result.stderr
    assert b"[unsupported_image]" in result.stderr
    assert not out.exists()
    text = tmp_path / "note.txt"
    text.write_bytes(b"\xff\xfe not utf-8")
    png = tmp_path / "badge.png"
    png.write_bytes(tiny_png())
    result = credstack("bake", "--credential", str(text), "--image", str(png), "--out", str(out))
    assert result.returncode == 1
    assert b"not UTF-8" in result.stderr
    missing = credstack(
        "bake", "--credential", str(tmp_path / "none.json"), "--image", str(png), "--out", str(out)
    )
    assert missing.returncode == 2
    assert b"cannot read the credential file" in missing.stderr
    unwritable = credstack(
        "bake",
        "--credential",
        str(credential),
        "--image",
        str(png),
        "--out",
        str(tmp_path / "no" / "such" / "dir.png"),
    )
    assert unwritable.returncode == 2
    assert b"cannot write" in unwritable.stderr
