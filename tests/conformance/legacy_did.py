"""The did:web document behind the legacy 1EdTech fixture credential-status-revoked.json.

Its issuer's DID document is online only; this rebuilds it from the verification method (the key
is the method's fragment), so the fixture's proof verifies offline.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import read_vector_json

LEGACY_FIXTURE = "1edtech-validator-ob30/credential-status-revoked.json"
DID_DOCUMENT_URL = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json"
)


def legacy_did_documents() -> dict[str, Any]:
    """The fixture's DID document, keyed by the URL did:web resolves it from."""
    method = read_vector_json(LEGACY_FIXTURE)["proof"]["verificationMethod"]
    did = method.split("#")[0]
    return {
        DID_DOCUMENT_URL: {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": did,
            "verificationMethod": [
                {
                    "id": method,
                    "type": "Ed25519VerificationKey2020",
                    "controller": did,
                    "publicKeyMultibase": method.split("#")[1],
                }
            ],
            "assertionMethod": [method],
        }
    }
