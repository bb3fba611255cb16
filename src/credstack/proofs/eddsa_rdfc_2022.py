"""eddsa-rdfc-2022: Ed25519 over RDFC-1.0 canonical N-Quads (vc-di-eddsa, section 3.2).

``OBSOLETE_EDDSA_2022`` accepts the pre-standard name ``eddsa-2022`` for the same algorithm,
for verification only (the 1EdTech fixture simple-eddsa-2022.json still uses it); results say
it is obsolete so a verifier can warn.

>>> len(SUITE.hashing(b"<doc> ...", b"_:b0 ...", key_kind="ed25519"))  # two SHA-256 digests
64
"""

from __future__ import annotations

from credstack.proofs.algorithms import RdfcSuite, sha
from credstack.proofs.keys import KeyKind


class EddsaRdfc2022(RdfcSuite):
    """The eddsa-rdfc-2022 steps; transformation and proof configuration are RDFC-1.0."""

    key_kinds = frozenset({"ed25519"})

    def __init__(
        self, name: str = "eddsa-rdfc-2022", *, obsolete: bool = False, signs: bool = True
    ) -> None:
        self.name = name
        self.obsolete = obsolete
        self.signs = signs

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.2.4): SHA-256 of the proof configuration, then of the document."""
        return sha("sha256", canonical_proof_config) + sha("sha256", transformed_document)

    # Proof Serialization (3.2.6) and Proof Verification (3.2.7) are Ed25519 sign and verify
    # over the 64 bytes of hashData, as SuiteAlgorithms does.


SUITE = EddsaRdfc2022()
OBSOLETE_EDDSA_2022 = EddsaRdfc2022("eddsa-2022", obsolete=True, signs=False)
