"""The verifier on CLRs: the CLR 2.0 data model check, and nested credentials in a CLR JWT."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from credstack.issue import issue
from credstack.proofs.did_key import did_key_for, verification_method_id
from credstack.proofs.jose import sign_jwt
from credstack.proofs.keys import generate_key
from credstack.verify import check
from tests.conftest import PINNED_NOW, read_vector_json

NOW = datetime(2026, 1, 1, tzinfo=UTC)
BADGE = {
    "id": "urn:uuid:a",
    "type": ["Achievement"],
    "name": "A",
    "description": "A.",
    "criteria": {"narrative": "N."},
}


def test_a_clr_that_lacks_a_required_property_fails_the_schema_check() -> None:
    document = read_vector_json("1edtech-validator-clr20/simple.json")
    document["credentialSubject"]["association"] = [{"type": "Association"}]
    report = check(json.dumps(document), now=PINNED_NOW)
    [schema] = report.check("schema")
    assert (schema.outcome, schema.code) == ("failed", "clr_invalid")
    assert "(2 more)" in schema.message


def test_a_vc11_clr_only_warns_about_the_model() -> None:
    report = check(
        json.dumps(read_vector_json("1edtech-validator-clr20/simple_v1.json")), now=PINNED_NOW
    )
    assert [(c.outcome, c.code) for c in report.check("schema")] == [("warning", "outdated_schema")]


def test_a_clr_signed_as_a_jwt_has_each_inner_credential_checked() -> None:
    key = generate_key("ed25519")
    inner = issue(BADGE, key, recipient="did:example:ada").credential
    broken = {**inner, "name": "Changed after signing"}
    clr = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:clr",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did_key_for(key.public_key), "type": ["Profile"]},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Record",
        "credentialSubject": {
            "id": "did:example:ada",
            "type": ["ClrSubject"],
            "verifiableCredential": [inner, broken],
        },
    }
    token = sign_jwt(clr, key, kid=verification_method_id(key.public_key))
    report = check(token)
    assert report.format == "jwt"
    assert [(c.outcome, c.code) for c in report.check("schema")] == [("passed", "ok")]
    assert [child.valid for child in report.children] == [True, False]
    assert not report.valid
