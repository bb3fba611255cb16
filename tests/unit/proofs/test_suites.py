"""The per-suite steps: hashing sizes, signing abilities, and each suite's Create/Verify Proof."""

from __future__ import annotations

from typing import Any

import pytest

from credstack.errors import InvalidInput
from credstack.proofs import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from credstack.proofs.keys import KeyKind, generate_key

DOCUMENT: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "alumniOf": "Example University"},
}


def _options(suite: Any, vm: str = "did:example:issuer#key-1") -> dict[str, Any]:
    options = {
        "type": suite.proof_type,
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    }
    if suite.proof_type == "DataIntegrityProof":
        options["cryptosuite"] = suite.name
    return options


@pytest.mark.parametrize(
    ("suite", "kind", "size"),
    [
        (eddsa_rdfc_2022.SUITE, "ed25519", 64),
        (eddsa_jcs_2022.SUITE, "ed25519", 64),
        (ed25519_signature_2020.SUITE, "ed25519", 64),
        (ecdsa_rdfc_2019.SUITE, "p256", 64),
        (ecdsa_rdfc_2019.SUITE, "p384", 96),
        (ecdsa_jcs_2019.SUITE, "p256", 64),
        (ecdsa_jcs_2019.SUITE, "p384", 96),
    ],
)
def test_create_then_verify(suite: Any, kind: KeyKind, size: int) -> None:
    key = generate_key(kind)
    assert len(suite.hashing(b"doc", b"proof", key_kind=kind)) == size
    proof = suite.create_proof(DOCUMENT, _options(suite), key)
    assert proof["proofValue"].startswith("z")
    assert suite.verify_proof(DOCUMENT, proof, key.public_key)
    assert not suite.verify_proof(DOCUMENT, proof, generate_key(kind).public_key)
    changed = {**DOCUMENT, "issuer": "did:example:other"}
    assert not suite.verify_proof(changed, proof, key.public_key)


@pytest.mark.parametrize("suite", [ecdsa_rdfc_2019.SUITE, ecdsa_jcs_2019.SUITE])
def test_ecdsa_has_no_hash_for_ed25519(suite: Any) -> None:
    with pytest.raises(ValueError, match="no hash"):
        suite.hashing(b"", b"", key_kind="ed25519")


@pytest.mark.parametrize(
    ("suite", "kind"), [(eddsa_jcs_2022.SUITE, "ed25519"), (ecdsa_jcs_2019.SUITE, "p256")]
)
def test_jcs_proof_carries_the_document_context(suite: Any, kind: KeyKind) -> None:
    key = generate_key(kind)
    proof = suite.create_proof(DOCUMENT, _options(suite), key)
    assert proof["@context"] == DOCUMENT["@context"]
    without_context = {k: v for k, v in DOCUMENT.items() if k != "@context"}
    bare = suite.create_proof(without_context, _options(suite), key)
    assert "@context" not in bare
    assert suite.verify_proof(without_context, bare, key.public_key)


@pytest.mark.parametrize(
    "context",
    [
        ["https://www.w3.org/ns/credentials/v2"],  # the proof's context no longer a prefix
        [*DOCUMENT["@context"], "https://w3id.org/security/data-integrity/v2"],  # appended
        list(reversed(DOCUMENT["@context"])),
    ],
)
def test_jcs_refuses_a_changed_document_context(context: list[str]) -> None:
    suite = eddsa_jcs_2022.SUITE
    key = generate_key("ed25519")
    proof = suite.create_proof(DOCUMENT, _options(suite), key)
    with pytest.raises(InvalidInput) as info:
        suite.verify_proof({**DOCUMENT, "@context": context}, proof, key.public_key)
    assert info.value.code == "context_mismatch"


def test_rdfc_proof_config_takes_the_document_context() -> None:
    suite = eddsa_rdfc_2022.SUITE
    options = _options(suite)
    with_context = suite.proof_configuration({**options, "@context": ["ignored"]}, DOCUMENT)
    assert with_context == suite.proof_configuration(options, DOCUMENT)


def test_obsolete_name_is_the_rdfc_algorithm_under_another_name() -> None:
    suite = eddsa_rdfc_2022.OBSOLETE_EDDSA_2022
    assert (suite.name, suite.obsolete, suite.signs) == ("eddsa-2022", True, False)
    key = generate_key("ed25519")
    proof = suite.create_proof(DOCUMENT, _options(suite), key)
    assert suite.verify_proof(DOCUMENT, proof, key.public_key)


def test_p384_proofs_with_sha256_blank_node_labels_verify_too() -> None:
    from credstack.proofs.ecdsa_rdfc_2019 import EcdsaRdfc2019
    from tests.conftest import read_vector_json

    document = read_vector_json("w3c-vc-di-ecdsa/employmentAuth.json")  # several blank nodes
    suite = ecdsa_rdfc_2019.SUITE
    options = _options(suite)
    assert suite.transformation(document, options, key_kind="p384") != suite.transformation(
        document, options, key_kind="p256"
    )
    key = generate_key("p384")
    sha256_labels = EcdsaRdfc2019(p384_rdfc_hash="sha256")
    proof = sha256_labels.create_proof(document, options, key)
    assert suite.verify_proof(document, proof, key.public_key)
    assert not suite.verify_proof(document, proof, generate_key("p384").public_key)
