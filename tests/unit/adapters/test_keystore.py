"""The key store: sealing round trip, wrong master key, key file creation and mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from credstack.adapters.keystore import KeyStore, load_master_secret
from credstack.errors import KeyManagementError
from credstack.proofs.keys import generate_key

SECRET = b"unit-test-master-secret-0123456789abcdef"


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_seal_and_unseal_round_trip(kind: str) -> None:
    key = generate_key(kind)  # type: ignore[arg-type]
    store = KeyStore(SECRET)
    sealed = store.seal(key, key_id="k1")
    assert store.unseal(sealed, key_id="k1").secret_multikey == key.secret_multikey
    assert key.secret_multikey.encode() not in sealed
    assert store.seal(key, key_id="k1") != sealed  # a fresh nonce each time


def test_wrong_master_key_fails_with_key_management_error() -> None:
    sealed = KeyStore(SECRET).seal(generate_key("ed25519"), key_id="k1")
    with pytest.raises(KeyManagementError) as raised:
        KeyStore(b"another-master-secret-0123456789abcdef").unseal(sealed, key_id="k1")
    assert raised.value.code == "key_decryption_failed"


def test_a_blob_moved_to_another_key_id_does_not_open() -> None:
    sealed = KeyStore(SECRET).seal(generate_key("ed25519"), key_id="k1")
    with pytest.raises(KeyManagementError, match="cannot be decrypted"):
        KeyStore(SECRET).unseal(sealed, key_id="k2")


@pytest.mark.parametrize("blob", [b"", b"\x01short", b"\x02" + bytes(40)])
def test_damaged_blobs_fail_closed(blob: bytes) -> None:
    with pytest.raises(KeyManagementError):
        KeyStore(SECRET).unseal(blob, key_id="k1")


def test_short_master_secret_is_refused() -> None:
    with pytest.raises(KeyManagementError) as raised:
        KeyStore(b"short")
    assert raised.value.code == "weak_master_key"


def test_key_material_never_shows_in_repr_or_str() -> None:
    key = generate_key("ed25519")
    store = KeyStore(SECRET)
    for text in (repr(store), str(store), repr(key), str(key)):
        assert SECRET.decode() not in text
        assert key.secret_multikey not in text


def test_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    first = load_master_secret(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_master_secret(None, path) == first


def test_secret_key_setting_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    assert load_master_secret("s" * 32, path) == b"s" * 32
    assert not path.exists()


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640])
def test_a_key_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "master.key"
    load_master_secret(None, path)
    os.chmod(path, mode)
    with pytest.raises(KeyManagementError) as raised:
        load_master_secret(None, path)
    assert raised.value.code == "key_file_permissions"


def test_an_unusable_key_file_location_is_a_key_management_error(tmp_path: Path) -> None:
    with pytest.raises(KeyManagementError) as raised:
        load_master_secret(None, tmp_path / "missing-dir" / "master.key")
    assert raised.value.code == "key_file_unusable"
