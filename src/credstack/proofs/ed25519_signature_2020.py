"""Ed25519Signature2020, the legacy Linked Data suite, for verification only.

The W3C keeps it in vc-di-eddsa ("Legacy Suite", Ed25519Signature2020 test vectors) and
1EdTech's VC 1.1 fixtures (simple_v1.json) use it. The algorithm is eddsa-rdfc-2022's except
that the proof has type ``Ed25519Signature2020`` and no ``cryptosuite``: SHA-256 of the RDFC-1.0
proof options (in the document's @context) followed by SHA-256 of the RDFC-1.0 document, signed
with Ed25519. New proofs should use eddsa-rdfc-2022, so this suite does not sign.
"""

from __future__ import annotations

from credstack.proofs.algorithms import RdfcSuite, sha
from credstack.proofs.keys import KeyKind


class Ed25519Signature2020(RdfcSuite):
    """The Ed25519Signature2020 steps; ``name`` is the proof type, as it has no cryptosuite."""

    name = "Ed25519Signature2020"
    proof_type = "Ed25519Signature2020"
    key_kinds = frozenset({"ed25519"})
    signs = False
    obsolete = True  # a verifier warns: new proofs use eddsa-rdfc-2022

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """SHA-256 of the canonical proof options, then of the canonical document."""
        return sha("sha256", canonical_proof_config) + sha("sha256", transformed_document)


SUITE = Ed25519Signature2020()
