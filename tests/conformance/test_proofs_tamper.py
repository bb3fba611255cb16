"""Tampering with any field of a signed vector makes verification fail.

Vectors README section 1: "Tampering with any field must make verification fail." Each signed
file is mutated once per path (value changed, member or item removed, member or item added),
inside the proof too, and every mutation must leave at least one proof unverified.

One mutation is undetectable by design: removing a whole proof that no other proof chains to
(VC Data Integrity 1.0, section 2.1.1: the proofs of a set do not protect each other).
"""

from __future__ import annotations

import pytest

from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.resolver import KeyResolver
from tests.conftest import read_vector_json
from tests.unit.proofs.mutations import all_mutations

# Removals of whole proofs that nothing chains to, per signed file.
UNPROTECTED = {"w3c-vc-di-eddsa/proof-set-chain/signedProofChain2.json": [("remove", ("proof", 3))]}

SIGNED = [
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "w3c-vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
    "w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
    "w3c-vc-di-eddsa/proof-set-chain/signedProofChain2.json",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
    "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json",
    "1edtech-ob3/ldp-vector/linked-data-proof-ob__03__Signed-credential.json",
    "1edtech-validator-ob30/simple.json",
    "1edtech-validator-ob30/simple_v1.json",
]


@pytest.mark.parametrize("name", SIGNED)
def test_every_single_mutation_fails(name: str) -> None:
    document = read_vector_json(name)
    resolver = KeyResolver()
    assert all(check.verified for check in verify_proofs(document, resolver))
    survivors = [
        (kind, path)
        for kind, path, mutated in all_mutations(document)
        if all(check.verified for check in verify_proofs(mutated, resolver))
    ]
    assert survivors == UNPROTECTED.get(name, [])
