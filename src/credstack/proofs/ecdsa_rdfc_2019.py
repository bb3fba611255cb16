"""ecdsa-rdfc-2019: ECDSA over RDFC-1.0 canonical N-Quads (vc-di-ecdsa, section 3.2).

P-256 signs with SHA-256 and P-384 with SHA-384, both for the hashes of the canonical forms
(3.2.4) and inside ECDSA itself; signatures are IEEE P1363 ``r || s`` (3.2.6). ECDSA
signatures are randomized, so test vectors are checked by verifying them.

With P-384, RDFC-1.0 itself runs on SHA-384, as the W3C test vectors do (the blank node labels
of ``ecdsa-rdfc-2019-p384/employ`` come out only that way). Proofs whose blank nodes were
labelled with RDFC-1.0's default SHA-256 are accepted too: both label the same dataset, so
the signed content is the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.proofs.algorithms import RdfcSuite, sha
from credstack.proofs.keys import KeyKind, PublicKey

_HASHES = {"p256": "sha256", "p384": "sha384"}


def curve_hashing(
    transformed_document: bytes, canonical_proof_config: bytes, key_kind: KeyKind
) -> bytes:
    """The curve's hash of the proof configuration, then of the document."""
    name = _HASHES.get(key_kind)
    if name is None:
        raise ValueError(f"ECDSA suites have no hash for a {key_kind} key")
    return sha(name, canonical_proof_config) + sha(name, transformed_document)


class EcdsaRdfc2019(RdfcSuite):
    """The ecdsa-rdfc-2019 steps; transformation and proof configuration are RDFC-1.0."""

    name = "ecdsa-rdfc-2019"
    key_kinds = frozenset({"p256", "p384"})

    def __init__(self, *, p384_rdfc_hash: str = "sha384") -> None:
        self._p384_rdfc_hash = p384_rdfc_hash

    def rdfc_hash(self, key_kind: KeyKind | None) -> str:
        return self._p384_rdfc_hash if key_kind == "p384" else "sha256"

    def verify_proof(
        self,
        unsecured_document: Mapping[str, Any],
        proof: Mapping[str, Any],
        public_key: PublicKey,
    ) -> bool:
        if super().verify_proof(unsecured_document, proof, public_key):
            return True
        if public_key.kind != "p384" or self._p384_rdfc_hash == "sha256":
            return False
        return _SHA256_LABELS.verify_proof(unsecured_document, proof, public_key)

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.2.4): the curve's hash of the proof configuration, then of the document."""
        return curve_hashing(transformed_document, canonical_proof_config, key_kind)

    # Proof Serialization (3.2.6) and Proof Verification (3.2.7): ECDSA with the curve's hash
    # over hashData, in P1363 form, as PrivateKey.sign and PublicKey.verify do.


SUITE = EcdsaRdfc2019()
_SHA256_LABELS = EcdsaRdfc2019(p384_rdfc_hash="sha256")
