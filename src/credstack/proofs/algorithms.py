"""The Create Proof and Verify Proof algorithms every Data Integrity suite shares.

vc-di-eddsa (sections 3.2.1-3.2.2 and 3.3.1-3.3.2) and vc-di-ecdsa (3.2.1-3.2.2, 3.3.1-3.3.2)
define them once per suite, identically apart from the suite's own steps: transformation,
proof configuration, hashing, proof serialization and proof verification. ``SuiteAlgorithms``
runs the shared outline; ``RdfcSuite`` and ``JcsSuite`` hold the steps of the two
canonicalization families, and each suite module adds its hashing, named as in its spec.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

import rfc8785

from credstack.errors import (
    InvalidInput,
    InvalidJsonLd,
    MalformedCredential,
    UnsupportedCryptosuite,
)
from credstack.jsonld import canonicalize
from credstack.model import jcs as json_canonicalization
from credstack.proofs.keys import KeyKind, PrivateKey, PublicKey
from credstack.proofs.multibase import base58btc_decode, encode_multibase

# XML Schema 1.1 dateTime (https://www.w3.org/TR/xmlschema11-2/#dateTime), which "created" and
# "expires" must be (VC Data Integrity 1.0, section 2.1).
_XSD_DATETIME = re.compile(
    r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


def malformed_proof(message: str) -> MalformedCredential:
    return MalformedCredential(message, code="malformed_proof")


def parse_datetime(value: object, name: str) -> datetime:
    """A proof's ``created``/``expires``; values without a zone are read as UTC."""
    if not isinstance(value, str):
        raise malformed_proof(f"The proof's {name!r} is not an XML Schema dateTime: {value!r}.")
    return _parse_datetime_text(value, name)


# Each proof's created time is read several times per signature and verification.
@lru_cache(maxsize=1024)
def _parse_datetime_text(value: str, name: str) -> datetime:
    if not _XSD_DATETIME.match(value):
        raise malformed_proof(f"The proof's {name!r} is not an XML Schema dateTime: {value!r}.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise malformed_proof(f"The proof's {name!r} is not a real date and time.") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def rdfc(document: Mapping[str, Any], hash_algorithm: str = "sha256") -> bytes:
    """RDFC-1.0 canonical N-Quads (UTF-8) in safe mode; JSON-LD errors propagate.

    ``hash_algorithm`` is RDFC-1.0's own hash, which labels blank nodes (RDFC-1.0 section 4.4).
    """
    try:
        return canonicalize(document, hash_algorithm=hash_algorithm).encode("utf-8")
    except ValueError as exc:
        # pyld raises a bare ValueError for some invalid input (a relative context URL such
        # as "x" has no base to resolve against); it is the document's fault, not a bug here.
        raise InvalidJsonLd(f"The document is not valid JSON-LD: {exc}.") from exc


def jcs(document: Mapping[str, Any], *, values_checked: bool = False) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme (``values_checked``: see ``canonicalize``)."""
    try:
        data = json_canonicalization.canonicalize(document, values_checked=values_checked)
    except rfc8785.CanonicalizationError as exc:
        raise MalformedCredential(
            f"The document cannot be canonicalized with JCS (RFC 8785): {exc}",
            code="invalid_json",
        ) from exc
    return data


_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def sha(name: str, data: bytes) -> bytes:
    return _HASHES[name](data).digest()


def decode_proof_value(value: object) -> bytes:
    """``proofValue`` is base58btc multibase for every suite here (vc-di-eddsa 3.2.1 step 6)."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise malformed_proof(
            "The proof's proofValue must be a base58btc multibase string starting with 'z'."
        )
    try:
        return base58btc_decode(value[1:])
    except InvalidInput as exc:
        raise malformed_proof("The proof's proofValue is not valid base58btc.") from exc


class SuiteAlgorithms(ABC):
    """The shared outline; subclasses define the five suite steps and the class attributes."""

    name: str
    proof_type: ClassVar[str] = "DataIntegrityProof"
    key_kinds: frozenset[KeyKind]
    obsolete: bool = False
    signs: bool = True
    # eddsa-jcs-2022 3.3.1 step 3: JCS suites copy the document's @context into the proof.
    embeds_context: ClassVar[bool] = False

    # The five steps each suite's specification defines.
    # ``key_kind`` is the signing key's type, for suites whose canonicalization depends on it.
    # ``values_checked``: the signer has found ``plain_json.has_plain_values`` true of the
    # document while copying it (``plain_json.checked_copy``), so JCS need not walk it again.
    @abstractmethod
    def transformation(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
        values_checked: bool = False,
    ) -> bytes: ...

    @abstractmethod
    def proof_configuration(
        self,
        options: Mapping[str, Any],
        unsecured_document: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
    ) -> bytes: ...

    @abstractmethod
    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes: ...

    def proof_serialization(self, hash_data: bytes, key: PrivateKey) -> bytes:
        return key.sign(hash_data)

    def proof_verification(
        self, hash_data: bytes, proof_bytes: bytes, public_key: PublicKey
    ) -> bool:
        return public_key.verify(proof_bytes, hash_data)

    # Checks the suites' steps share.
    def check_options(self, options: Mapping[str, Any]) -> None:
        """Steps that raise PROOF_TRANSFORMATION/GENERATION_ERROR for another suite's options."""
        if options.get("type") != self.proof_type or (
            self.proof_type == "DataIntegrityProof" and options.get("cryptosuite") != self.name
        ):
            raise UnsupportedCryptosuite(
                f"The proof options are for {options.get('type')!r}/"
                f"{options.get('cryptosuite')!r}, not {self.name}."
            )
        for name in ("created", "expires"):
            if name in options:
                parse_datetime(options[name], name)

    def prepare_unsecured(
        self, unsecured_document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Suite-specific handling of the document before verifying (JCS overrides this)."""
        return unsecured_document

    # The two algorithms.
    def create_proof(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        key: PrivateKey,
        *,
        values_checked: bool = False,
    ) -> dict[str, Any]:
        """Create Proof: the proof (``options`` plus ``proofValue``) over the document."""
        proof = dict(options)
        if self.embeds_context and "@context" in unsecured_document:
            proof["@context"] = unsecured_document["@context"]
        proof_config = self.proof_configuration(proof, unsecured_document, key_kind=key.kind)
        transformed = self.transformation(
            unsecured_document, proof, key_kind=key.kind, values_checked=values_checked
        )
        hash_data = self.hashing(transformed, proof_config, key_kind=key.kind)
        proof["proofValue"] = encode_multibase(self.proof_serialization(hash_data, key))
        return proof

    def verify_proof(
        self,
        unsecured_document: Mapping[str, Any],
        proof: Mapping[str, Any],
        public_key: PublicKey,
    ) -> bool:
        """Verify Proof for ``proof`` over ``unsecured_document``.

        The document holds no proof, or, for a proof chain, only the proofs that ``proof``
        names in ``previousProof`` (VC Data Integrity 1.0, section 4.5).
        """
        proof_options = {k: v for k, v in proof.items() if k != "proofValue"}
        proof_bytes = decode_proof_value(proof.get("proofValue"))
        document = self.prepare_unsecured(unsecured_document, proof_options)
        kind = public_key.kind
        transformed = self.transformation(document, proof_options, key_kind=kind)
        proof_config = self.proof_configuration(proof_options, document, key_kind=kind)
        hash_data = self.hashing(transformed, proof_config, key_kind=public_key.kind)
        return self.proof_verification(hash_data, proof_bytes, public_key)


class RdfcSuite(SuiteAlgorithms):
    """Transformation and proof configuration through RDFC-1.0 (the ``-rdfc-`` suites)."""

    def rdfc_hash(self, key_kind: KeyKind | None) -> str:
        """The hash RDFC-1.0 runs with; SHA-256, its default, unless a suite says otherwise."""
        return "sha256"

    def transformation(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
        values_checked: bool = False,
    ) -> bytes:
        """Transformation (e.g. vc-di-eddsa 3.2.3): RDFC-1.0 of the document as N-Quads."""
        self.check_options(options)
        return rdfc(unsecured_document, self.rdfc_hash(key_kind))

    def proof_configuration(
        self,
        options: Mapping[str, Any],
        unsecured_document: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
    ) -> bytes:
        """Proof Configuration (e.g. vc-di-eddsa 3.2.5): the options, in the document's
        @context (step 4), canonicalized with RDFC-1.0."""
        self.check_options(options)
        proof_config = {k: v for k, v in options.items() if k != "@context"}
        if "@context" in unsecured_document:
            proof_config = {"@context": unsecured_document["@context"], **proof_config}
        return rdfc(proof_config, self.rdfc_hash(key_kind))


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


class JcsSuite(SuiteAlgorithms):
    """Transformation and proof configuration through JCS (the ``-jcs-`` suites).

    No JSON-LD processing: the bytes signed are the RFC 8785 form of the document and of the
    proof options, and the proof carries the document's ``@context`` (e.g. vc-di-eddsa 3.3.1
    step 3), which verification checks against the document (3.3.2 step 4, more strictly than
    the spec: see ``prepare_unsecured``).
    """

    embeds_context = True

    def transformation(
        self,
        unsecured_document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
        values_checked: bool = False,
    ) -> bytes:
        """Transformation (e.g. vc-di-eddsa 3.3.3): the JCS serialization of the document."""
        self.check_options(options)
        return jcs(unsecured_document, values_checked=values_checked)

    def proof_configuration(
        self,
        options: Mapping[str, Any],
        unsecured_document: Mapping[str, Any],
        *,
        key_kind: KeyKind | None = None,
    ) -> bytes:
        """Proof Configuration (e.g. vc-di-eddsa 3.3.5): the options as they are, in JCS."""
        self.check_options(options)
        return jcs(options)

    def prepare_unsecured(
        self, unsecured_document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Verify Proof (e.g. vc-di-eddsa 3.3.2) step 4: the document's @context against the
        proof's.

        The spec lets the document's @context *start with* the proof's and verifies the
        document under the proof's @context. We require them to be equal: a context appended
        after signing changes what the signed JSON means to every later JSON-LD reader, yet
        would go unnoticed, because the caller goes on with the document it holds.
        """
        if "@context" not in proof_options:
            return unsecured_document
        proof_context = _as_list(proof_options["@context"])
        document_context = _as_list(unsecured_document.get("@context"))
        if document_context[: len(proof_context)] != proof_context:
            raise InvalidInput(
                "The proof's @context is not the start of the document's @context, so the "
                "document is not the one that was signed.",
                code="context_mismatch",
            )
        if len(document_context) != len(proof_context):
            raise InvalidInput(
                "The document's @context has entries the proof did not sign "
                f"({', '.join(map(str, document_context[len(proof_context) :]))}); they were "
                "added after signing and could change what the credential means.",
                code="context_mismatch",
            )
        return {**unsecured_document, "@context": proof_options["@context"]}
