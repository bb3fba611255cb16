"""did:key: a DID that is its own public key, resolved offline.

Per the did:key method (https://w3c-ccg.github.io/did-key-spec/), ``did:key:<multikey>``
resolves to a DID document with one Multikey verification method whose fragment is the
multikey again, usable for every verification relationship.

>>> from credstack.proofs.keys import public_key_from_multikey
>>> key = public_key_from_multikey("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
>>> verification_method_id(key)[:32]
'did:key:z6MkrJVnaZkeFzdQyMZu1cgj'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from credstack.errors import KeyManagementError, ResolutionError
from credstack.proofs.keys import PublicKey, public_key_from_multikey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_for(public_key: PublicKey) -> str:
    """``did:key:z6Mk...`` for an Ed25519 key, ``did:key:zDn...`` for P-256."""
    return f"did:key:{public_key.multikey}"


def verification_method_id(public_key: PublicKey) -> str:
    """``did:key:<multikey>#<multikey>``, the verification method a proof names."""
    return f"{did_key_for(public_key)}#{public_key.multikey}"


# A did:key is its key, so decoding it (base58 and the curve point) can be remembered; the
# bound keeps a stream of one-off DIDs from growing the cache.
@lru_cache(maxsize=4096)
def public_key_of_did_key(did: str) -> PublicKey:
    """The key a did:key (without fragment) stands for; ``ResolutionError`` when malformed."""
    if not did.startswith("did:key:"):
        raise ResolutionError(f"{did!r} is not a did:key.", code="invalid_did")
    multikey = did[len("did:key:") :]
    try:
        return public_key_from_multikey(multikey)
    except KeyManagementError as exc:
        raise ResolutionError(
            f"The did:key {did!r} does not hold a usable public key: {exc.message}",
            code="unresolvable_key",
        ) from exc


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of a did:key (fragment ignored), built offline."""
    did = did.split("#", 1)[0]
    public_key = public_key_of_did_key(did)
    vm_id = verification_method_id(public_key)
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key.multikey,
            }
        ],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [vm_id]
    return document


def check_did_key_method(verification_method: str, public_key: PublicKey) -> None:
    """Before signing: a did:key method must name the signing key (``key_mismatch``).

    Other methods cannot be checked offline; a verifier resolves them.
    """
    if not verification_method.startswith("did:key:"):
        return
    multikey = public_key.multikey
    if verification_method == f"did:key:{multikey}#{multikey}":
        return  # the usual form (verification_method_id): the set below is for the others
    did, _, fragment = verification_method.partition("#")
    names = {did[len("did:key:") :], fragment} - {""}
    if names != {public_key.multikey}:
        raise KeyManagementError(
            f"The verification method {verification_method} is not the signing key "
            f"({public_key.multikey}); a verifier would reject the signature.",
            code="key_mismatch",
        )
