"""Signing keys encrypted at rest under the master key.

A private key is stored sealed: AES-256-GCM under a key derived from the master secret with
HKDF-SHA256, a random 96-bit nonce per seal, and the signing key's id as associated data, so a
sealed blob copied to another key's row does not open. The master secret comes from
``CREDSTACK_SECRET_KEY`` or from a key file created on first run with mode 0600.

>>> from credstack.proofs.keys import generate_key
>>> store = KeyStore(b"a master secret of at least 32 bytes!!")
>>> key = generate_key("ed25519")
>>> sealed = store.seal(key, key_id="k1")
>>> store.unseal(sealed, key_id="k1").public_key == key.public_key
True
>>> store
KeyStore(<master key hidden>)
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from credstack.errors import KeyManagementError
from credstack.proofs.keys import PrivateKey, private_key_from_multikey

_VERSION: Final = b"\x01"
_NONCE_SIZE: Final = 12
_INFO: Final = b"credstack signing keys at rest v1"
_MIN_SECRET: Final = 32


class KeyStore:
    """Seals and unseals private keys; holds only the derived key, and never shows it."""

    __slots__ = ("_aead",)

    def __init__(self, master_secret: bytes) -> None:
        if len(master_secret) < _MIN_SECRET:
            raise KeyManagementError(
                f"The master key must have at least {_MIN_SECRET} bytes.", code="weak_master_key"
            )
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            master_secret
        )
        self._aead = AESGCM(derived)

    def seal(self, key: PrivateKey, *, key_id: str) -> bytes:
        """The encrypted private key: version byte, nonce, ciphertext and tag."""
        nonce = os.urandom(_NONCE_SIZE)
        plaintext = key.secret_multikey.encode("ascii")
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, key_id.encode("utf-8"))

    def unseal(self, sealed: bytes, *, key_id: str) -> PrivateKey:
        """The private key; ``KeyManagementError`` for a wrong master key, id or a damaged blob."""
        if len(sealed) <= 1 + _NONCE_SIZE or sealed[:1] != _VERSION:
            raise KeyManagementError(
                "The stored private key is not in a format this version can read.",
                code="key_decryption_failed",
            )
        nonce, ciphertext = sealed[1 : 1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE :]
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, key_id.encode("utf-8"))
        except InvalidTag as exc:
            raise KeyManagementError(
                "The stored private key cannot be decrypted: the master key differs from the "
                "one it was stored with, or the record was altered.",
                code="key_decryption_failed",
            ) from exc
        return private_key_from_multikey(plaintext.decode("ascii"))

    def seal_secret(self, secret: bytes, *, purpose: str) -> bytes:
        """Another secret (a webhook's signing secret), sealed as keys are; ``purpose`` names
        its use and row, so a blob copied elsewhere does not open."""
        nonce = os.urandom(_NONCE_SIZE)
        return _VERSION + nonce + self._aead.encrypt(nonce, secret, purpose.encode("utf-8"))

    def unseal_secret(self, sealed: bytes, *, purpose: str) -> bytes:
        if len(sealed) <= 1 + _NONCE_SIZE or sealed[:1] != _VERSION:
            raise KeyManagementError(
                "The stored secret is not in a format this version can read.",
                code="key_decryption_failed",
            )
        nonce, ciphertext = sealed[1 : 1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE :]
        try:
            return self._aead.decrypt(nonce, ciphertext, purpose.encode("utf-8"))
        except InvalidTag as exc:
            raise KeyManagementError(
                "The stored secret cannot be decrypted: the master key differs from the one "
                "it was stored with, or the record was altered.",
                code="key_decryption_failed",
            ) from exc

    def __repr__(self) -> str:
        return "KeyStore(<master key hidden>)"


def load_master_secret(secret_key: str | None, key_file: Path) -> bytes:
    """The master secret: ``secret_key`` when given, else the key file, created if missing.

    A new key file is created with ``O_EXCL`` and mode 0600, so two processes starting at once
    agree on one key. An existing file that the group or others may read is refused.
    """
    if secret_key is not None:
        return secret_key.encode("utf-8")
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(key_file)
    except OSError as exc:
        raise KeyManagementError(
            f"Cannot create the master key file {key_file}: {exc.strerror}.",
            code="key_file_unusable",
        ) from exc
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=")
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret + b"\n")
    return secret


def _read_key_file(key_file: Path) -> bytes:
    try:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise KeyManagementError(
                f"The master key file {key_file} may be read by others (mode {mode:04o}); "
                f"make it private with: chmod 600 {key_file}",
                code="key_file_permissions",
            )
        secret = key_file.read_bytes().strip()
    except OSError as exc:
        raise KeyManagementError(
            f"Cannot read the master key file {key_file}: {exc.strerror}.",
            code="key_file_unusable",
        ) from exc
    if len(secret) < _MIN_SECRET:
        raise KeyManagementError(
            f"The master key file {key_file} holds fewer than {_MIN_SECRET} bytes.",
            code="weak_master_key",
        )
    return secret
