"""W3C vc-di-eddsa / vc-di-ecdsa and 1EdTech vectors: every intermediate, byte for byte.

Vectors README sections 1 and 5: Ed25519 is deterministic, so canonical forms, hashes,
signatures and proof values must all reproduce; ECDSA signatures are randomized, so for ECDSA
the canonical forms and hashes reproduce and the signed files verify.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import pytest

from credstack.proofs import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.keys import (
    PublicKey,
    private_key_from_hex,
    private_key_from_key_file,
    private_key_from_multikey,
    public_key_from_multikey,
)
from credstack.proofs.multibase import encode_multibase
from credstack.proofs.resolver import KeyResolver
from tests.conftest import read_vector_json, read_vector_text

EDDSA = "w3c-vc-di-eddsa"
ECDSA = "w3c-vc-di-ecdsa"


def _without(document: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in names}


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _text(path: str) -> str:
    return read_vector_text(path).strip()


# (folder, unsigned input, file suffix, suite module)
EDDSA_CASES = [
    (f"{EDDSA}/eddsa-rdfc-2022", f"{EDDSA}/unsigned.json", "DataInt", eddsa_rdfc_2022),
    (f"{EDDSA}/eddsa-rdfc-2022/employ", f"{EDDSA}/employmentAuth.json", "DataInt", eddsa_rdfc_2022),
    (f"{EDDSA}/eddsa-jcs-2022", f"{EDDSA}/unsigned.json", "JCS", eddsa_jcs_2022),
]


@pytest.mark.parametrize(("folder", "unsigned_path", "suffix", "module"), EDDSA_CASES)
def test_eddsa_vectors_reproduce_every_step(
    folder: str, unsigned_path: str, suffix: str, module: Any
) -> None:
    suite = module.SUITE
    key = private_key_from_key_file(read_vector_json(f"{EDDSA}/keyPair.json"))
    unsigned = read_vector_json(unsigned_path)
    options = read_vector_json(f"{folder}/proofConfig{suffix}.json")
    if suite.name != "eddsa-jcs-2022":
        # The RDFC vectors show the proof config with the document's @context added (3.2.5).
        options = _without(options, "@context")

    canonical_document = suite.transformation(unsigned, options)
    canonical_proof = suite.proof_configuration(options, unsigned)
    hash_data = suite.hashing(canonical_document, canonical_proof, key_kind="ed25519")
    signature = suite.proof_serialization(hash_data, key)

    assert canonical_document.decode() == read_vector_text(f"{folder}/canonDoc{suffix}.txt")
    assert canonical_proof.decode() == read_vector_text(f"{folder}/proofCanon{suffix}.txt")
    assert hashlib.sha256(canonical_document).hexdigest() == _text(f"{folder}/docHash{suffix}.txt")
    assert hashlib.sha256(canonical_proof).hexdigest() == _text(f"{folder}/proofHash{suffix}.txt")
    assert hash_data.hex() == _text(f"{folder}/combinedHash{suffix}.txt")
    assert signature.hex() == _text(f"{folder}/sigHex{suffix}.txt")
    assert encode_multibase(signature) == _text(f"{folder}/sigBTC58{suffix}.txt")


@pytest.mark.parametrize(("folder", "unsigned_path", "suffix", "module"), EDDSA_CASES)
def test_eddsa_add_proof_gives_the_signed_vector(
    folder: str, unsigned_path: str, suffix: str, module: Any
) -> None:
    key = private_key_from_key_file(read_vector_json(f"{EDDSA}/keyPair.json"))
    signed = read_vector_json(f"{folder}/signed{suffix}.json")
    proof = signed["proof"]
    result = add_proof(
        read_vector_json(unsigned_path),
        key,
        cryptosuite=module.SUITE.name,
        verification_method=proof["verificationMethod"],
        created=_parse(proof["created"]),
    )
    assert result == signed


def test_ed25519_signature_2020_vector_reproduces() -> None:
    folder = f"{EDDSA}/Ed25519Signature2020"
    suite = ed25519_signature_2020.SUITE
    key = private_key_from_key_file(read_vector_json(f"{EDDSA}/keyPair.json"))
    signed = read_vector_json(f"{folder}/signedEdSig.json")
    unsigned = _without(signed, "proof")
    options = _without(read_vector_json(f"{folder}/proofConfigEdSig.json"), "@context")

    canonical_document = suite.transformation(unsigned, options)
    canonical_proof = suite.proof_configuration(options, unsigned)
    hash_data = suite.hashing(canonical_document, canonical_proof, key_kind="ed25519")

    assert canonical_document.decode() == read_vector_text(f"{folder}/canonDocEdSig.txt")
    assert canonical_proof.decode() == read_vector_text(f"{folder}/proofCanonEdSig.txt")
    assert hashlib.sha256(canonical_document).hexdigest() == _text(f"{folder}/docHashEdSig.txt")
    assert hashlib.sha256(canonical_proof).hexdigest() == _text(f"{folder}/proofHashEdSig.txt")
    assert hash_data.hex() == _text(f"{folder}/combinedHashEdSig.txt")
    signature = suite.proof_serialization(hash_data, key)
    assert signature.hex() == _text(f"{folder}/sigHexEdSig.txt")
    assert encode_multibase(signature) == signed["proof"]["proofValue"]
    assert [c.code for c in verify_proofs(signed, KeyResolver())] == ["ok"]


ECDSA_CASES = [
    ("ecdsa-rdfc-2019-p256", "unsigned.json", "P256", "p256"),
    ("ecdsa-rdfc-2019-p256/employ", "employmentAuth.json", "P256", "p256"),
    ("ecdsa-rdfc-2019-p384", "unsigned.json", "P384", "p384"),
    ("ecdsa-rdfc-2019-p384/employ", "employmentAuth.json", "P384", "p384"),
]


@pytest.mark.parametrize(("folder", "unsigned_name", "suffix", "kind"), ECDSA_CASES)
def test_ecdsa_rdfc_vectors_reproduce_and_verify(
    folder: str, unsigned_name: str, suffix: str, kind: str
) -> None:
    folder = f"{ECDSA}/{folder}"
    suite = ecdsa_rdfc_2019.SUITE
    digest = "sha256" if kind == "p256" else "sha384"
    unsigned = read_vector_json(f"{ECDSA}/{unsigned_name}")
    options = _without(read_vector_json(f"{folder}/proofConfigECDSA{suffix}.json"), "@context")

    canonical_document = suite.transformation(unsigned, options, key_kind=kind)  # type: ignore[arg-type]
    canonical_proof = suite.proof_configuration(options, unsigned, key_kind=kind)  # type: ignore[arg-type]
    hash_data = suite.hashing(canonical_document, canonical_proof, key_kind=kind)  # type: ignore[arg-type]

    assert canonical_proof.decode() == read_vector_text(f"{folder}/proofCanonECDSA{suffix}.txt")
    assert hashlib.new(digest, canonical_proof).hexdigest() == _text(
        f"{folder}/proofHashECDSA{suffix}.txt"
    )
    assert canonical_document.decode() == read_vector_text(f"{folder}/canonDocECDSA{suffix}.txt")
    assert hashlib.new(digest, canonical_document).hexdigest() == _text(
        f"{folder}/docHashECDSA{suffix}.txt"
    )
    assert hash_data.hex() == _text(f"{folder}/combinedHashECDSA{suffix}.txt")

    signed = read_vector_json(f"{folder}/signedECDSA{suffix}.json")
    public_key = public_key_from_multikey(signed["proof"]["verificationMethod"].split("#")[1])
    vector_signature = bytes.fromhex(_text(f"{folder}/sigHexECDSA{suffix}.txt"))
    assert suite.proof_verification(hash_data, vector_signature, public_key)
    assert encode_multibase(vector_signature) == _text(f"{folder}/sigBTC58ECDSA{suffix}.txt")
    assert [c.code for c in verify_proofs(signed, KeyResolver())] == ["ok"]


@pytest.mark.parametrize("kind", ["p256", "p384"])
def test_ecdsa_jcs_vectors_reproduce_and_verify(kind: str) -> None:
    suffix = kind.upper()
    folder = f"{ECDSA}/ecdsa-jcs-2019-{kind}"
    suite = ecdsa_jcs_2019.SUITE
    digest = "sha256" if kind == "p256" else "sha384"
    unsigned = read_vector_json(f"{ECDSA}/unsigned.json")
    options = read_vector_json(f"{folder}/proofConfigJCSECDSA{suffix}.json")

    canonical_document = suite.transformation(unsigned, options)
    canonical_proof = suite.proof_configuration(options, unsigned)
    hash_data = suite.hashing(canonical_document, canonical_proof, key_kind=kind)  # type: ignore[arg-type]

    assert canonical_document.decode() == read_vector_text(f"{folder}/canonDocJCSECDSA{suffix}.txt")
    assert canonical_proof.decode() == read_vector_text(f"{folder}/proofCanonJCSECDSA{suffix}.txt")
    assert hashlib.new(digest, canonical_document).hexdigest() == _text(
        f"{folder}/docHashJCSECDSA{suffix}.txt"
    )
    assert hashlib.new(digest, canonical_proof).hexdigest() == _text(
        f"{folder}/proofHashJCSECDSA{suffix}.txt"
    )
    assert hash_data.hex() == _text(f"{folder}/combinedHashJCSECDSA{suffix}.txt")
    signed = read_vector_json(f"{folder}/signedJCSECDSA{suffix}.json")
    public_key = public_key_from_multikey(signed["proof"]["verificationMethod"].split("#")[1])
    vector_signature = bytes.fromhex(_text(f"{folder}/sigHexJCSECDSA{suffix}.txt"))
    assert suite.proof_verification(hash_data, vector_signature, public_key)
    assert [c.code for c in verify_proofs(signed, KeyResolver())] == ["ok"]


@pytest.mark.parametrize("kind", ["p256", "p384"])
def test_ecdsa_vector_keys_sign_fresh_proofs(kind: str) -> None:
    pair = read_vector_json(f"{ECDSA}/{kind}KeyPair.json")
    key = private_key_from_multikey(pair["secretKeyMultibase"])
    assert key.public_key.multikey == pair["publicKeyMultibase"]
    unsigned = read_vector_json(f"{ECDSA}/unsigned.json")
    vm = f"did:key:{pair['publicKeyMultibase']}#{pair['publicKeyMultibase']}"
    for cryptosuite in ("ecdsa-rdfc-2019", "ecdsa-jcs-2019"):
        signed = add_proof(unsigned, key, cryptosuite=cryptosuite, verification_method=vm)
        assert [c.code for c in verify_proofs(signed, KeyResolver())] == ["ok"]


# 1EdTech OB 3.0 and CLR 2.0 Linked Data proof vectors (ob-spec linked-data-proof-*.html).
LDP_CASES = [
    ("1edtech-ob3/ldp-vector", "linked-data-proof-ob__01__Credential.json",
     "linked-data-proof-ob__02__Proof.json", "linked-data-proof-ob__03__Signed-credential.json"),
    ("1edtech-ob3/ldp-vector-clr2", "linked-data-proof-clr__01__Credential.json",
     "linked-data-proof-clr__03__Proof.json", "linked-data-proof-clr__04__Signed-credential.json"),
]  # fmt: skip


@pytest.mark.parametrize(("folder", "credential", "proof", "signed"), LDP_CASES)
def test_1edtech_ldp_vectors_reproduce_every_step(
    folder: str, credential: str, proof: str, signed: str
) -> None:
    suite = eddsa_rdfc_2022.SUITE
    key = private_key_from_hex(read_vector_text(f"{folder}/privateKeyHex.txt"))
    assert key.public_key == PublicKey.from_raw(
        "ed25519", bytes.fromhex(_text(f"{folder}/publicKeyHex.txt"))
    )
    document = read_vector_json(f"{folder}/{credential}")
    expected_proof = read_vector_json(f"{folder}/{proof}")
    options = _without(expected_proof, "proofValue")

    canonical_document = suite.transformation(document, options)
    canonical_proof = suite.proof_configuration(options, document)
    hash_data = suite.hashing(canonical_document, canonical_proof, key_kind="ed25519")
    signature = suite.proof_serialization(hash_data, key)

    assert canonical_document.decode() == read_vector_text(f"{folder}/document-canon.txt")
    assert canonical_proof.decode() == read_vector_text(f"{folder}/proof-canon.txt")
    assert hashlib.sha256(canonical_document).hexdigest() == _text(f"{folder}/docHash.txt")
    assert hashlib.sha256(canonical_proof).hexdigest() == _text(f"{folder}/proofHash.txt")
    assert hash_data.hex() == _text(f"{folder}/dataToSign.txt")
    assert signature.hex() == _text(f"{folder}/signatureHex.txt")
    assert encode_multibase(signature) == _text(f"{folder}/proofValue.txt")
    assert expected_proof["proofValue"] == _text(f"{folder}/proofValue.txt")

    signed_document = read_vector_json(f"{folder}/{signed}")
    added = add_proof(
        document,
        key,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=options["verificationMethod"],
        created=_parse(options["created"]),
    )
    assert _without(added, "proof") == _without(signed_document, "proof")
    signed_proofs = signed_document["proof"]
    assert added["proof"] == (
        signed_proofs[0] if isinstance(signed_proofs, list) else signed_proofs
    )
    checks = verify_proofs(signed_document, KeyResolver())
    assert [(c.code, c.from_fragment) for c in checks] == [("ok", True)]


def test_1edtech_secret_key_multibase_from_the_spec_is_the_same_key() -> None:
    # Vectors README section 6: the spec prints the 64-byte (seed + public key) form.
    spec_secret = (
        "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUs"
        "MHFMcx"
    )
    key = private_key_from_hex(read_vector_text("1edtech-ob3/ldp-vector/privateKeyHex.txt"))
    assert private_key_from_multikey(spec_secret).public_key == key.public_key
    assert key.public_key.multikey == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_clr_nested_credential_verifies_too() -> None:
    signed = read_vector_json(
        "1edtech-ob3/ldp-vector-clr2/linked-data-proof-clr__04__Signed-credential.json"
    )
    for inner in signed["credentialSubject"]["verifiableCredential"]:
        assert [c.code for c in verify_proofs(inner, KeyResolver())] == ["ok"]
