"""The 1EdTech validator's OB 3.0 and CLR 2.0 fixtures through the whole verifier.

Expected outcomes come from the vectors README, section 3 (the validator's own tests).
The clock is pinned: several fixtures expire or start in the future.
"""

from __future__ import annotations

import pytest

from credstack.errors import VerificationFailed
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from credstack.verify import check, verify
from credstack.verify.report import VerificationReport
from tests.conformance.legacy_did import legacy_did_documents
from tests.conftest import PINNED_NOW, read_vector_json, vector_path

OB30 = "1edtech-validator-ob30/"
CLR20 = "1edtech-validator-clr20/"


def run(relative: str) -> VerificationReport:
    return check(vector_path(relative).read_bytes(), now=PINNED_NOW)


def outcomes(report: VerificationReport, name: str) -> set[tuple[str, str]]:
    return {(c.outcome, c.code) for c in report.check(name)}


@pytest.mark.parametrize(
    "name",
    ["simple.json", "simple-context-alias.json", "simple-did-key-method.json", "complete.json"],
)
def test_valid_fixtures_verify(name: str) -> None:
    report = run(OB30 + name)
    assert report.valid, [c.to_dict() for c in report.failures]
    assert ("passed", "ok") in outcomes(report, "proof")
    assert ("passed", "ok") in outcomes(report, "validity")


def test_endorsement_verifies() -> None:
    report = run(OB30 + "endorsement-valid.json")
    assert report.valid, [c.to_dict() for c in report.failures]
    assert "EndorsementCredential" in report.types


def test_issuers_that_cannot_hold_keys_are_flagged() -> None:
    # The issuer is a urn:uuid and the key a did:key: valid for the validator, and so here,
    # with a warning that says who signed.
    report = run(OB30 + "simple-did-key-method.json")
    assert ("warning", "issuer_not_verifiable") in outcomes(report, "issuer")
    fragment = run(OB30 + "simple.json")
    assert ("warning", "key_control_unconfirmed") in outcomes(fragment, "issuer")


@pytest.mark.parametrize(
    ("name", "check_name", "code"),
    [
        ("simple-context-version.json", "context", "outdated_context"),
        ("simple_v1.json", "context", "outdated_context"),
        ("simple-eddsa-2022.json", "proof", "obsolete_cryptosuite"),
        ("simple-did-web-method.json", "issuer", "key_control_unconfirmed"),
    ],
)
def test_fixtures_that_verify_with_a_warning(name: str, check_name: str, code: str) -> None:
    report = run(OB30 + name)
    assert report.valid, [c.to_dict() for c in report.failures]
    assert ("warning", code) in outcomes(report, check_name)


def test_a_proof_set_with_an_unknown_proof_fails_only_that_proof() -> None:
    report = run(OB30 + "simple-multiple-proofs.json")
    assert not report.valid
    proof = report.check("proof")
    assert [c.outcome for c in proof].count("failed") == 1
    assert [c.outcome for c in proof].count("passed") == 1


@pytest.mark.parametrize(
    ("name", "check_name", "code"),
    [
        ("simple-err-context.json", "context", "invalid_context"),
        ("simple-err-type.json", "structure", "not_open_badge"),
        ("simple-err-issuer.json", "structure", "missing_issuer"),
        ("simple-err-expired.json", "validity", "expired"),
        ("simple-err-issued.json", "validity", "not_yet_valid"),
        ("simple-err-proof-value.json", "proof", "invalid_signature"),
        ("simple-noproof.json", "proof", "no_proof"),
    ],
)
def test_rejected_fixtures_name_their_reason(name: str, check_name: str, code: str) -> None:
    report = run(OB30 + name)
    assert not report.valid
    assert ("failed", code) in outcomes(report, check_name), [c.to_dict() for c in report.failures]


@pytest.mark.parametrize(
    "name",
    [
        "simple-err-proof-method.json",
        "simple-err-proof-method-no-scheme.json",
        "simple-err-proof-method-unknown-scheme.json",
        "simple-err-proof-method-unknown-did-method.json",
    ],
)
def test_unusable_verification_methods_fail_the_proof(name: str) -> None:
    report = run(OB30 + name)
    assert not report.valid
    assert any(c.outcome == "failed" for c in report.check("proof"))


def test_each_bad_verification_method_has_its_own_code() -> None:
    codes = set()
    for name in (
        "simple-err-proof-method-no-scheme.json",
        "simple-err-proof-method-unknown-scheme.json",
        "simple-err-proof-method-unknown-did-method.json",
    ):
        failed = [c.code for c in run(OB30 + name).check("proof") if c.outcome == "failed"]
        codes.add(failed[0])
    assert len(codes) == 3, codes


@pytest.mark.parametrize(
    "name",
    [
        "simple-err-credential-subject-type.json",
        "simple-err-credential-subject-identifier-type.json",
        "simple-err-credential-subject-result-type.json",
        "simple-err-credential-subject-achievement-result-description-type.json",
        "simple-err-credential-subject-profile-type.json",
        "simple-err-evidence-type.json",
        "simple-err-issuer-type.json",
        "simple-err-issuer-parentorg-type.json",
        "simple-err-issuer-otheridentifier-type.json",
    ],
)
def test_wrong_types_are_rejected_by_the_data_model(name: str) -> None:
    report = run(OB30 + name)
    assert not report.valid
    model_failures = [
        c for c in report.check("structure") + report.check("schema") if c.outcome == "failed"
    ]
    assert model_failures, "a wrong class type must fail the data model, not only the proof"


# README section 6: the fixtures' status list URL maps to bit-string-list/testlist (index 23
# set); the legacy 1EdTech revocation list is online only, so a stub lists the credential.
TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
LEGACY_LIST_URL = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/"
    "da1e96e9-afcc-4eed-b9a2-2ddf7353214c"
)
LEGACY_REVOKED_ID = (
    "https://dc.1edtech.org/wellspring2022/wellspring-portal/credential/"
    "54418d3f-ec01-4652-800a-861c890a51a1"
)


@pytest.mark.parametrize(
    "name",
    [
        "credential-status-revoked.json",
        "bit-string-list/credential-status-revoked.json",
        "bit-string-list/credential-status-revoked-blank-nodes.json",
    ],
)
def test_revoked_fixtures_are_rejected_as_revoked(name: str) -> None:
    fetcher = StaticFetcher(
        {
            **legacy_did_documents(),
            TESTLIST_URL: read_vector_json(OB30 + "bit-string-list/testlist"),
            LEGACY_LIST_URL: {"revokedCredential": [{"id": LEGACY_REVOKED_ID}]},
        }
    )
    report = check(
        vector_path(OB30 + name).read_bytes(),
        now=PINNED_NOW,
        resolver=KeyResolver(fetcher),
        status_fetcher=fetcher,
    )
    assert not report.valid
    assert ("failed", "revoked") in outcomes(report, "status")
    # Offline, nothing is fetched and the status is reported as not checked.
    assert ("skipped", "status_not_checked") in outcomes(run(OB30 + name), "status")


@pytest.mark.parametrize(
    "name",
    ["endorsement-err-schema-status-refresh.json", "complete_v1.json"],
)
def test_other_rejected_ob30_fixtures(name: str) -> None:
    assert not run(OB30 + name).valid


@pytest.mark.parametrize("name", ["simple.jwt", "velocity.jwt"])
def test_jwts_that_cannot_be_checked_offline_are_rejected(name: str) -> None:
    report = run(OB30 + name)
    assert report.format == "jwt"
    assert not report.valid


def test_clr_verifies_itself_and_every_credential_inside() -> None:
    report = run(CLR20 + "simple.json")
    assert report.valid, [c.to_dict() for c in report.failures]
    assert len(report.children) == 1
    assert report.children[0].valid


@pytest.mark.parametrize(("name", "inner"), [("complex.json", 6), ("simple_v1.json", 6)])
def test_vc11_clrs_verify_with_warnings(name: str, inner: int) -> None:
    report = run(CLR20 + name)
    assert report.valid, [c.to_dict() for c in report.failures] + [
        c.to_dict() for child in report.children for c in child.failures
    ]
    assert len(report.children) == inner
    assert report.warnings


@pytest.mark.parametrize(
    ("name", "code"),
    [("simple-noproof.json", "unknown_context"), ("simple_old_safesigned.json", "unknown_context")],
)
def test_draft_clrs_are_rejected(name: str, code: str) -> None:
    report = run(CLR20 + name)
    assert not report.valid
    assert code in report.codes()


def test_verify_raises_with_the_report() -> None:
    with pytest.raises(VerificationFailed, match="expired") as caught:
        verify(vector_path(OB30 + "simple-err-expired.json").read_bytes(), now=PINNED_NOW)
    assert caught.value.code == "expired"
    assert not caught.value.report.valid
