"""ecdsa-jcs-2019: ECDSA over the JSON Canonicalization Scheme (vc-di-ecdsa, section 3.3).

The JCS steps are those of every ``-jcs-`` suite (``credstack.proofs.algorithms.JcsSuite``);
as in ecdsa-rdfc-2019, P-256 hashes with SHA-256 and P-384 with SHA-384 (3.3.4), and
signatures are IEEE P1363 ``r || s``.
"""

from __future__ import annotations

from credstack.proofs.algorithms import JcsSuite
from credstack.proofs.ecdsa_rdfc_2019 import curve_hashing
from credstack.proofs.keys import KeyKind


class EcdsaJcs2019(JcsSuite):
    """The ecdsa-jcs-2019 steps."""

    name = "ecdsa-jcs-2019"
    key_kinds = frozenset({"p256", "p384"})

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.3.4): the curve's hash of the proof configuration, then of the document."""
        return curve_hashing(transformed_document, canonical_proof_config, key_kind)


SUITE = EcdsaJcs2019()
