"""The verification pipeline end to end on credentials made here."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credstack.issue import issue
from credstack.jsonld.loader import context_bytes
from credstack.proofs.data_integrity import add_proof
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.verify import check

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ACHIEVEMENT = {
    "id": "https://example.edu/achievements/teamwork",
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Nominated by peers."},
}


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_key("ed25519")


def signed(key: PrivateKey, suite: Any = "eddsa-rdfc-2022", **kwargs: Any) -> str:
    return issue(
        ACHIEVEMENT, key, recipient="did:example:learner", suite=suite, valid_from=NOW, **kwargs
    ).text


def codes(report: Any) -> set[str]:
    return {c.code for c in report.failures}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_every_check_is_named(key: PrivateKey) -> None:
    report = check(signed(key), now=NOW)
    assert report.valid
    names = [c.name for c in report.checks]
    for name in (
        "parse",
        "context",
        "structure",
        "schema",
        "proof",
        "validity",
        "status",
        "issuer",
    ):
        assert name in names


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "malformed_json"),
        (b"[1, 2]", "not_a_credential"),
        (b"\xff\xfe", "malformed_json"),
        (b"[" * 100 + b"]" * 100, "too_deep"),
    ],
)
def test_unreadable_input(raw: bytes, code: str) -> None:
    report = check(raw)
    assert report.failures[0].name == "parse"
    assert report.failures[0].code == code


def test_input_over_the_size_limit(key: PrivateKey) -> None:
    text = signed(key)
    assert check(text, now=NOW, max_bytes=len(text.encode()) + 1).valid
    assert codes(check(text, now=NOW, max_bytes=100)) == {"too_large"}


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("validFrom",),
        ("issuer", "id"),
        ("credentialSubject", "id"),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("proof", 0, "created"),
    ],
)
def test_any_changed_field_fails(key: PrivateKey, path: tuple[Any, ...]) -> None:
    doc = json.loads(signed(key))
    doc["proof"] = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "2025-06-01T00:00:00Z" if "ed" in str(path[-1]) else "did:example:changed"
    report = check(json.dumps(doc), now=NOW)
    assert not report.valid
    assert "invalid_signature" in codes(report) or "issuer_mismatch" in codes(report)


def test_an_unknown_context_is_refused(key: PrivateKey) -> None:
    doc = json.loads(signed(key))
    doc["@context"].append("https://example.org/my-context.json")
    report = check(json.dumps(doc), now=NOW)
    assert "unknown_context" in codes(report)


def test_an_undefined_term_is_refused(key: PrivateKey) -> None:
    doc = json.loads(signed(key))
    doc["favouriteColour"] = "blue"
    assert "undefined_term" in codes(check(json.dumps(doc), now=NOW))


def test_a_wrong_key_fails(key: PrivateKey) -> None:
    other = generate_key("ed25519")
    doc = json.loads(signed(key))
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    proofs[0]["verificationMethod"] = verification_method_id(other.public_key)
    report = check(json.dumps(doc), now=NOW)
    assert "invalid_signature" in codes(report)


def test_an_unresolvable_key_fails(key: PrivateKey) -> None:
    doc = json.loads(signed(key))
    doc.pop("proof")
    resigned = add_proof(
        doc, key, cryptosuite="eddsa-rdfc-2022", verification_method="did:web:nowhere.invalid#key-1"
    )
    assert "unresolvable_key" in codes(check(resigned, now=NOW))


def test_an_unsupported_cryptosuite_fails(key: PrivateKey) -> None:
    doc = json.loads(signed(key))
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    proofs[0]["cryptosuite"] = "bbs-2023"
    assert "unsupported_cryptosuite" in codes(check(json.dumps(doc), now=NOW))


def test_validity_window(key: PrivateKey) -> None:
    text = signed(key, valid_until=NOW + timedelta(days=30))
    assert check(text, now=NOW + timedelta(days=1)).valid
    assert codes(check(text, now=NOW + timedelta(days=31))) == {"expired"}
    assert codes(check(text, now=NOW - timedelta(days=1))) == {"not_yet_valid"}


@pytest.mark.parametrize("prop", ["credentialSchema", "refreshService", "credentialStatus"])
def test_entries_without_a_type_are_refused(key: PrivateKey, prop: str) -> None:
    doc = json.loads(signed(key))
    doc.pop("proof")
    doc[prop] = [{"id": "https://example.org/thing"}]
    resigned = add_proof(
        doc,
        key,
        cryptosuite="eddsa-jcs-2022",
        verification_method=verification_method_id(key.public_key),
    )
    assert "missing_type" in codes(check(resigned, now=NOW))


def test_a_signed_related_resource_must_match(key: PrivateKey) -> None:
    v2 = "https://www.w3.org/ns/credentials/v2"
    digest = (
        "sha256-"
        + base64.b64encode(__import__("hashlib").sha256(context_bytes(v2)).digest()).decode()
    )
    doc = json.loads(signed(key))
    doc.pop("proof")
    method = verification_method_id(key.public_key)
    good = add_proof(
        {**doc, "relatedResource": [{"id": v2, "digestSRI": digest}]},
        key,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=method,
    )
    assert check(good, now=NOW).valid
    bad = add_proof(
        {**doc, "relatedResource": [{"id": v2, "digestSRI": "sha256-" + "A" * 43 + "="}]},
        key,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=method,
    )
    assert "related_resource_digest_mismatch" in codes(check(bad, now=NOW))


def test_jwt_with_alg_none_is_refused(key: PrivateKey) -> None:
    token = signed(key, suite="jwt")
    _, payload, _ = token.split(".")
    unsigned = b64({"alg": "none", "typ": "vc+jwt"}) + "." + payload + "."
    assert "jwt_alg_none" in codes(check(unsigned, now=NOW))


def test_jwt_with_a_switched_alg_is_refused(key: PrivateKey) -> None:
    token = signed(key, suite="jwt")
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=="))
    switched = b64({**decoded, "alg": "ES256"}) + "." + payload + "." + signature
    assert "jwt_alg_mismatch" in codes(check(switched, now=NOW))


def test_a_tampered_jwt_is_refused(key: PrivateKey) -> None:
    token = signed(key, suite="jwt")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Something else"
    assert not check(header + "." + b64(claims) + "." + signature, now=NOW).valid


def test_a_presentation_checks_every_credential(key: PrivateKey) -> None:
    jwt = signed(key, suite="jwt")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [
            json.loads(signed(key)),
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential",
                "id": "data:application/vc+jwt," + jwt,
            },
        ],
    }
    report = check(json.dumps(presentation), now=NOW)
    assert report.format == "presentation"
    assert [child.valid for child in report.children] == [True, True]
    assert report.valid
    tampered = json.loads(signed(key))
    tampered["name"] = "Changed"
    presentation["verifiableCredential"].append(tampered)  # type: ignore[attr-defined]
    report = check(json.dumps(presentation), now=NOW)
    assert [child.valid for child in report.children] == [True, True, False]
    assert not report.valid


def test_an_empty_presentation_is_invalid() -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    }
    assert "empty_presentation" in codes(check(json.dumps(presentation)))


def test_a_signed_presentation_checks_its_own_proof(key: PrivateKey) -> None:
    holder = generate_key("ed25519")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [json.loads(signed(key))],
    }
    method = verification_method_id(holder.public_key)
    proven = add_proof(
        presentation,
        holder,
        cryptosuite="eddsa-rdfc-2022",
        verification_method=method,
        proof_purpose="authentication",
    )
    report = check(json.dumps(proven), now=NOW)
    assert report.valid
    assert ("passed", "ok") in {(c.outcome, c.code) for c in report.check("proof")}
    proven["verifiableCredential"][0]["name"] = "Changed"
    assert not check(json.dumps(proven), now=NOW).valid
    wrong_purpose = add_proof(
        presentation, holder, cryptosuite="eddsa-rdfc-2022", verification_method=method
    )
    assert not check(json.dumps(wrong_purpose), now=NOW).valid


def test_verify_returns_the_report_when_valid(key: PrivateKey) -> None:
    from credstack.verify import verify

    report = verify(signed(key), now=NOW)
    assert report.valid
    assert report.to_dict()["valid"] is True
    assert all("name" in entry for entry in report.to_dict()["checks"])


def test_a_presentation_may_carry_jwts_and_refuses_non_objects(key: PrivateKey) -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [signed(key, suite="jwt"), 42],
    }
    report = check(json.dumps(presentation), now=NOW)
    assert [child.valid for child in report.children] == [True, False]
    assert report.children[1].failures[0].code == "not_a_credential"


def test_a_clr_must_name_the_clr_context(key: PrivateKey) -> None:
    clr = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"verifiableCredential": [json.loads(signed(key))]},
    }
    report = check(json.dumps(clr), now=NOW)
    assert "missing_clr_context" in codes(report)
    assert [child.valid for child in report.children] == [True]
