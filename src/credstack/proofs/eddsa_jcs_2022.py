"""eddsa-jcs-2022: Ed25519 over the JSON Canonicalization Scheme (vc-di-eddsa, section 3.3).

Transformation, proof configuration and the @context check are the JCS steps every ``-jcs-``
suite shares (``credstack.proofs.algorithms.JcsSuite``); hashing is SHA-256.
"""

from __future__ import annotations

from credstack.proofs.algorithms import JcsSuite, sha
from credstack.proofs.keys import KeyKind


class EddsaJcs2022(JcsSuite):
    """The eddsa-jcs-2022 steps."""

    name = "eddsa-jcs-2022"
    key_kinds = frozenset({"ed25519"})

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.3.4): SHA-256 of the proof configuration, then of the document."""
        return sha("sha256", canonical_proof_config) + sha("sha256", transformed_document)


SUITE = EddsaJcs2022()
