"""The cryptosuite port and the registry of the suites Credstack implements.

A suite is the spec's five steps (``transformation``, ``proof_configuration``, ``hashing``,
``proof_serialization``, ``proof_verification``) plus the Create Proof and Verify Proof
algorithms built from them. ``get_suite`` finds one by cryptosuite name (or, for the legacy
suite, by proof type); ``suite_for_proof`` by a proof's ``type`` and ``cryptosuite``.

>>> get_suite("eddsa-rdfc-2022").key_kinds
frozenset({'ed25519'})
>>> get_suite("bbs-2023")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
credstack.errors.UnsupportedCryptosuite: The cryptosuite 'bbs-2023' is not supported; ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from credstack.errors import UnsupportedCryptosuite
from credstack.proofs import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from credstack.proofs.keys import KeyKind, PrivateKey, PublicKey


class Cryptosuite(Protocol):
    """One Data Integrity cryptosuite, its steps named as in its specification."""

    @property
    def name(self) -> str:
        """The ``cryptosuite`` value, or the proof type for a legacy suite."""

    @property
    def proof_type(self) -> str:
        """``DataIntegrityProof``, or the legacy proof type."""

    @property
    def key_kinds(self) -> frozenset[KeyKind]:
        """The key types the suite signs with."""

    @property
    def obsolete(self) -> bool:
        """True for a pre-standard name a verifier should warn about."""

    @property
    def signs(self) -> bool:
        """False for suites Credstack only verifies."""

    def transformation(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
        values_checked: bool = False,
    ) -> bytes: ...

    def proof_configuration(
        self,
        options: Mapping[str, Any],
        unsecured_document: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
    ) -> bytes: ...

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes: ...

    def proof_serialization(self, hash_data: bytes, key: PrivateKey) -> bytes: ...

    def proof_verification(
        self, hash_data: bytes, proof_bytes: bytes, public_key: PublicKey
    ) -> bool: ...

    def create_proof(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        key: PrivateKey,
        *,
        values_checked: bool = False,
    ) -> dict[str, Any]: ...

    def verify_proof(
        self,
        unsecured_document: Mapping[str, Any],
        proof: Mapping[str, Any],
        public_key: PublicKey,
    ) -> bool: ...


_SUITES: dict[str, Cryptosuite] = {
    suite.name: suite
    for suite in (
        eddsa_rdfc_2022.SUITE,
        eddsa_rdfc_2022.OBSOLETE_EDDSA_2022,
        eddsa_jcs_2022.SUITE,
        ecdsa_rdfc_2019.SUITE,
        ecdsa_jcs_2019.SUITE,
        ed25519_signature_2020.SUITE,
    )
}


def suite_names() -> frozenset[str]:
    """Every name ``get_suite`` accepts."""
    return frozenset(_SUITES)


def get_suite(name: str) -> Cryptosuite:
    """The suite called ``name``; ``UnsupportedCryptosuite`` if there is none."""
    suite = _SUITES.get(name)
    if suite is None:
        raise UnsupportedCryptosuite(
            f"The cryptosuite {name!r} is not supported; Credstack implements "
            f"{', '.join(sorted(n for n, s in _SUITES.items() if not s.obsolete))}."
        )
    return suite


def suite_for_proof(proof: Mapping[str, Any]) -> Cryptosuite:
    """The suite for a proof: ``DataIntegrityProof`` by its ``cryptosuite``, else by ``type``."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        cryptosuite = proof.get("cryptosuite")
        suite = _SUITES.get(cryptosuite) if isinstance(cryptosuite, str) else None
        if suite is not None and suite.proof_type == proof_type:
            return suite
        raise UnsupportedCryptosuite(
            f"The DataIntegrityProof uses the cryptosuite {cryptosuite!r}, which Credstack does "
            "not implement; it cannot be checked."
        )
    suite = _SUITES.get(proof_type) if isinstance(proof_type, str) else None
    if suite is not None and suite.proof_type == proof_type:
        return suite
    raise UnsupportedCryptosuite(
        f"The proof type {proof_type!r} is not supported, so this proof cannot be checked; "
        "Credstack verifies DataIntegrityProof and Ed25519Signature2020."
    )
