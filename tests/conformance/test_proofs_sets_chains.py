"""W3C vc-di-eddsa proof sets and chains: rebuild each signed file, verify it, break the links.

VC Data Integrity 1.0 sections 4.3 and 4.5: a proof set adds proofs side by side; a chained
proof (``previousProof``) signs the document together with the proofs it names.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from credstack.proofs.data_integrity import add_proof, verify_proofs
from credstack.proofs.keys import PrivateKey, private_key_from_key_file
from credstack.proofs.resolver import KeyResolver
from tests.conftest import read_vector_json

FOLDER = "w3c-vc-di-eddsa/proof-set-chain"


def _key(number: int) -> PrivateKey:
    pairs = read_vector_json(f"{FOLDER}/multiKeyPairs.json")
    return private_key_from_key_file(pairs[f"keyPair{number}"])


def _add(document: dict[str, Any], config_name: str, key_number: int) -> dict[str, Any]:
    config = read_vector_json(f"{FOLDER}/{config_name}")
    return add_proof(
        document,
        _key(key_number),
        cryptosuite=config["cryptosuite"],
        verification_method=config["verificationMethod"],
        created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
        proof_purpose=config["proofPurpose"],
        previous_proof=config.get("previousProof"),
        proof_id=config.get("id"),
    )


def _codes(document: dict[str, Any]) -> list[str]:
    return [check.code for check in verify_proofs(document, KeyResolver())]


def test_proof_set_and_chain_rebuild_byte_for_byte() -> None:
    unsigned = read_vector_json(f"{FOLDER}/unsigned.json")
    set1 = _add(unsigned, "proofSetConfig1.json", 1)
    assert set1 == read_vector_json(f"{FOLDER}/signedProofSet1.json")
    set2 = _add(set1, "proofSetConfig2.json", 2)
    assert set2 == read_vector_json(f"{FOLDER}/signedProofSet2.json")
    chain1 = _add(set2, "proofChainConfig1.json", 3)
    assert chain1 == read_vector_json(f"{FOLDER}/signedProofChain1.json")
    assert chain1["proof"][2] == read_vector_json(f"{FOLDER}/proofChainConfigSigned1.json")
    chain2 = _add(chain1, "proofChainConfig2.json", 4)
    assert chain2 == read_vector_json(f"{FOLDER}/signedProofChain2.json")
    assert chain2["proof"][3] == read_vector_json(f"{FOLDER}/proofChainConfigSigned2.json")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("signedProofSet1.json", 1),
        ("signedProofSet2.json", 2),
        ("signedProofChain1.json", 3),
        ("signedProofChain2.json", 4),
    ],
)
def test_every_proof_of_every_signed_file_verifies(name: str, count: int) -> None:
    assert _codes(read_vector_json(f"{FOLDER}/{name}")) == ["ok"] * count


def test_chained_proof_signs_the_temporary_document_of_the_vector() -> None:
    # proofChainTempDoc1 is the document with the proofs proof 3 names: its signing input.
    temp = read_vector_json(f"{FOLDER}/proofChainTempDoc1.json")
    chain = read_vector_json(f"{FOLDER}/signedProofChain1.json")
    assert temp["proof"] == chain["proof"][:2]
    temp2 = read_vector_json(f"{FOLDER}/proofChainTempDoc2.json")
    assert temp2["proof"] == [chain["proof"][2]]


def test_removing_a_previous_proof_breaks_the_chain() -> None:
    chain = read_vector_json(f"{FOLDER}/signedProofChain2.json")
    without_first = copy.deepcopy(chain)
    del without_first["proof"][0]
    assert _codes(without_first) == ["ok", "missing_previous_proof", "ok"]
    without_third = copy.deepcopy(chain)
    del without_third["proof"][2]
    assert _codes(without_third) == ["ok", "ok", "missing_previous_proof"]


def test_relinking_a_chained_proof_fails() -> None:
    chain = read_vector_json(f"{FOLDER}/signedProofChain2.json")
    chain["proof"][3]["previousProof"] = chain["proof"][0]["id"]
    assert _codes(chain)[3] == "invalid_signature"


def test_changing_a_previous_proof_breaks_the_proofs_that_chain_to_it() -> None:
    chain = read_vector_json(f"{FOLDER}/signedProofChain2.json")
    chain["proof"][2]["created"] = "2023-02-26T22:06:39Z"
    assert _codes(chain) == ["ok", "ok", "invalid_signature", "invalid_signature"]


def test_a_proof_naming_itself_as_previous_is_refused() -> None:
    chain = read_vector_json(f"{FOLDER}/signedProofChain1.json")
    chain["proof"][2]["previousProof"] = chain["proof"][2]["id"]
    assert _codes(chain)[2] == "missing_previous_proof"
