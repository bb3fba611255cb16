"""eddsa-jcs-2022: Ed25519 over the JSON Canonicalization Scheme (vc-di-eddsa, section 3.3).

No JSON-LD processing: the bytes signed are the RFC 8785 form of the document and of the proof
options, and the proof carries the document's ``@context`` (3.3.1 step 3), which verification
checks against the document (3.3.2 step 4, more strictly than the spec: see
``prepare_unsecured``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.errors import InvalidInput
from credstack.proofs.algorithms import SuiteAlgorithms, jcs, sha
from credstack.proofs.keys import KeyKind


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


class EddsaJcs2022(SuiteAlgorithms):
    """The eddsa-jcs-2022 steps."""

    name = "eddsa-jcs-2022"
    key_kinds = frozenset({"ed25519"})
    embeds_context = True

    def transformation(
        self, unsecured_document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> bytes:
        """Transformation (3.3.3): the JCS serialization of the document."""
        self.check_options(options)
        return jcs(unsecured_document)

    def proof_configuration(
        self, options: Mapping[str, Any], unsecured_document: Mapping[str, Any]
    ) -> bytes:
        """Proof Configuration (3.3.5): the options as they are, JCS-serialized."""
        self.check_options(options)
        return jcs(options)

    def hashing(
        self, transformed_document: bytes, canonical_proof_config: bytes, *, key_kind: KeyKind
    ) -> bytes:
        """Hashing (3.3.4): SHA-256 of the proof configuration, then of the document."""
        return sha("sha256", canonical_proof_config) + sha("sha256", transformed_document)

    def prepare_unsecured(
        self, unsecured_document: Mapping[str, Any], proof_options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Verify Proof (3.3.2) step 4: the document's @context against the proof's.

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


SUITE = EddsaJcs2022()
