from __future__ import annotations

import pytest

from credstack.errors import ResolutionError
from credstack.proofs.did_key import (
    did_key_for,
    public_key_of_did_key,
    resolve_did_key,
    verification_method_id,
)
from credstack.proofs.keys import KeyKind, generate_key

W3C_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_names_of_the_w3c_vector_key() -> None:
    key = public_key_of_did_key(f"did:key:{W3C_KEY}")
    assert did_key_for(key) == f"did:key:{W3C_KEY}"
    assert verification_method_id(key) == f"did:key:{W3C_KEY}#{W3C_KEY}"


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_did_document_has_one_multikey_method_for_every_relationship(kind: KeyKind) -> None:
    key = generate_key(kind).public_key
    did = did_key_for(key)
    document = resolve_did_key(verification_method_id(key))  # the fragment is ignored
    (method,) = document["verificationMethod"]
    assert document["id"] == did
    assert method == {
        "id": verification_method_id(key),
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.multikey,
    }
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation"):
        assert document[relationship] == [method["id"]]
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"


@pytest.mark.parametrize(
    ("did", "code"),
    [
        ("did:web:example.com", "invalid_did"),
        ("did:key:", "unresolvable_key"),
        ("did:key:zNotAKey", "unresolvable_key"),
        ("did:key:z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "unresolvable_key"),
    ],
)
def test_bad_did_keys(did: str, code: str) -> None:
    with pytest.raises(ResolutionError) as info:
        resolve_did_key(did)
    assert info.value.code == code


def test_a_did_key_method_must_name_the_signing_key() -> None:
    from credstack.errors import KeyManagementError
    from credstack.proofs.did_key import check_did_key_method

    key = generate_key("ed25519").public_key
    check_did_key_method(verification_method_id(key), key)
    check_did_key_method(did_key_for(key), key)
    check_did_key_method("https://example.com/issuers/1#key-1", key)  # not checkable offline
    other = generate_key("ed25519").public_key
    for method in (verification_method_id(other), f"{did_key_for(key)}#{other.multikey}"):
        with pytest.raises(KeyManagementError) as info:
            check_did_key_method(method, key)
        assert info.value.code == "key_mismatch"
