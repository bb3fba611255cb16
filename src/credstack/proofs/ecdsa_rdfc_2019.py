"""ecdsa-rdfc-2019: ECDSA over RDFC-1.0 canonical N-Quads (vc-di-ecdsa, section 3.2).

P-256 signs with SHA-256 and P-384 with SHA-384, both for the hashes of the canonical forms
(3.2.4) and inside ECDSA itself; signatures are IEEE P1363 ``r || s`` (3.2.6). ECDSA
signatures are randomized, so test vectors are checked by verifying them.
"""

from __future__ import annotations

from credstack.proofs.algorithms import RdfcSuite, sha
from credstack.proofs.keys import KeyKind

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

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.2.4): the curve's hash of the proof configuration, then of the document."""
        return curve_hashing(transformed_document, canonical_proof_config, key_kind)

    # Proof Serialization (3.2.6) and Proof Verification (3.2.7): ECDSA with the curve's hash
    # over hashData, in P1363 form, as PrivateKey.sign and PublicKey.verify do.


SUITE = EcdsaRdfc2019()
