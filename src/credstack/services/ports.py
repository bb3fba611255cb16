"""What the services need from the outside, as protocols that bootstrap fills in."""

from __future__ import annotations

from typing import Protocol

from credstack.proofs.keys import PrivateKey


class KeyVault(Protocol):
    """Seals private keys for storage and opens them again (``adapters.keystore.KeyStore``)."""

    def seal(self, key: PrivateKey, *, key_id: str) -> bytes: ...

    def unseal(self, sealed: bytes, *, key_id: str) -> PrivateKey: ...
