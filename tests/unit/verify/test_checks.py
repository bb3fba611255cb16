"""The data checks of the verifier, on plain documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from credstack.verify.checks import (
    check_context,
    check_issuer,
    check_structure,
    check_validity,
    controller_of,
    parse_datetime,
)
from credstack.verify.report import VerificationReport

VC2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2, OB],
        "id": "urn:uuid:6f1c3a0e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6MkIssuer", "type": ["Profile"], "name": "Example"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/1",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works in a team.",
                "criteria": {"narrative": "Peer nominated."},
            },
        },
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def outcome(report: VerificationReport, name: str) -> tuple[str, str]:
    checks = report.check(name)
    assert checks, f"no {name} check"
    worst = next((c for c in checks if c.outcome == "failed"), checks[0])
    return worst.outcome, worst.code


@pytest.mark.parametrize(
    ("contexts", "expected"),
    [
        ([VC2, OB], ("passed", "ok")),
        ([OB], ("failed", "invalid_context")),
        ([VC2, OB, "https://example.org/unknown"], ("failed", "unknown_context")),
        ([VC2], ("failed", "missing_ob_context")),
        (
            [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
            ("warning", "outdated_context"),
        ),
        (
            [
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            ],
            ("warning", "outdated_context"),
        ),
        ([], ("failed", "missing_context")),
    ],
)
def test_context_rules(contexts: list[str], expected: tuple[str, str]) -> None:
    report = VerificationReport()
    check_context(credential(**{"@context": contexts}), report)
    assert outcome(report, "context") == expected


def test_a_valid_credential_passes_structure() -> None:
    report = VerificationReport()
    check_structure(credential(), report, require_open_badge=True)
    assert outcome(report, "structure") == ("passed", "ok")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"type": ["OpenBadgeCredential"]}, "invalid_type"),
        ({"type": ["VerifiableCredential", "OtherCredential"]}, "not_open_badge"),
        ({"issuer": None}, "missing_issuer"),
        ({"credentialSubject": None}, "missing_subject"),
        ({"credentialSchema": [{"id": "https://example.org/schema.json"}]}, "missing_type"),
        ({"refreshService": {"id": "https://example.org/refresh"}}, "missing_type"),
        ({"credentialStatus": {"id": "https://example.org/status#1"}}, "missing_type"),
    ],
)
def test_structure_rejections(changes: dict[str, Any], code: str) -> None:
    report = VerificationReport()
    check_structure(credential(**changes), report, require_open_badge=True)
    assert outcome(report, "structure") == ("failed", code)


def test_other_credential_types_pass_when_open_badges_are_not_required() -> None:
    report = VerificationReport()
    doc = credential(type=["VerifiableCredential", "OtherCredential"])
    check_structure(doc, report, require_open_badge=False)
    assert outcome(report, "structure") == ("passed", "ok")


def test_the_model_catches_a_wrong_subject_type() -> None:
    doc = credential()
    doc["credentialSubject"]["type"] = ["InvalidAchievementSubject"]
    report = VerificationReport()
    check_structure(doc, report, require_open_badge=True)
    assert report.check("structure")[0].outcome == "failed"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ("passed", "ok")),
        ({"validUntil": "2025-12-31T23:59:59Z"}, ("failed", "expired")),
        ({"validUntil": "2026-01-01T00:00:00Z"}, ("failed", "expired")),
        ({"validFrom": "2040-01-01T00:00:00Z"}, ("failed", "not_yet_valid")),
        ({"validFrom": "2025-01-01"}, ("failed", "invalid_datetime")),
        ({"validFrom": "2025-01-01T00:00:00"}, ("failed", "invalid_datetime")),
        (
            {"validFrom": "2025-06-01T00:00:00Z", "validUntil": "2025-01-01T00:00:00Z"},
            ("failed", "invalid_validity_window"),
        ),
        ({"validUntil": "2030-01-01T00:00:00+02:00"}, ("passed", "ok")),
    ],
)
def test_validity_window(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    report = VerificationReport()
    check_validity(credential(**changes), report, NOW)
    assert outcome(report, "validity") == expected


def test_vc11_dates_are_read_from_issuance_and_expiration() -> None:
    doc = credential(
        **{
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "validFrom": None,
            "issuanceDate": "2020-01-01T00:00:00Z",
            "expirationDate": "2020-06-01T00:00:00Z",
        }
    )
    report = VerificationReport()
    check_validity(doc, report, NOW)
    assert outcome(report, "validity") == ("failed", "expired")


@pytest.mark.parametrize(
    ("signers", "from_fragment", "issuer", "expected"),
    [
        (["did:key:z6MkIssuer#z6MkIssuer"], False, "did:key:z6MkIssuer", ("passed", "ok")),
        (
            ["did:key:z6MkOther#z6MkOther"],
            False,
            "did:key:z6MkIssuer",
            ("failed", "issuer_mismatch"),
        ),
        (
            ["https://example.edu/i#z6Mk"],
            True,
            "https://example.edu/i",
            ("warning", "key_control_unconfirmed"),
        ),
        (
            ["http://example.edu/i#key-1"],
            False,
            "http://example.edu/i",
            ("warning", "issuer_not_https"),
        ),
        ([], False, "did:key:z6MkIssuer", ("skipped", "no_signer")),
        (
            ["did:key:z6MkA#z6MkA"],
            False,
            "urn:uuid:0b5c1f9e-0000-4000-8000-000000000000",
            ("warning", "issuer_not_verifiable"),
        ),
        (["did:key:z6MkA#z6MkA"], False, "https://example.edu/i", ("failed", "issuer_mismatch")),
        (["x#y"], False, "not a uri", ("failed", "invalid_issuer_id")),
    ],
)
def test_issuer_must_control_the_signing_key(
    signers: list[str], from_fragment: bool, issuer: str, expected: tuple[str, str]
) -> None:
    report = VerificationReport()
    doc = credential(issuer={"id": issuer, "type": ["Profile"]})
    check_issuer(doc, report, signers=signers, from_fragment=from_fragment)
    assert outcome(report, "issuer") == expected


def test_issuer_may_be_a_plain_string() -> None:
    report = VerificationReport()
    doc = credential(issuer="did:key:z6MkIssuer")
    check_issuer(doc, report, signers=["did:key:z6MkIssuer#k"], from_fragment=False)
    assert outcome(report, "issuer") == ("passed", "ok")


def test_helpers() -> None:
    assert controller_of("did:web:example.com#key-1") == "did:web:example.com"
    assert controller_of("did:key:z6Mk") == "did:key:z6Mk"
    assert parse_datetime("2026-01-01T00:00:00Z") == NOW
    assert parse_datetime(5) is None
    assert parse_datetime("yesterday") is None
    assert parse_datetime("2026-01-01T00:00:00Z\n") is None
    assert parse_datetime(" 2026-01-01T00:00:00Z") is None
    assert parse_datetime("\u0662026-01-01T00:00:00Z") is None
