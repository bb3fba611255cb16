"""The proofs of the 1EdTech validator fixtures (vectors README sections 3.1 and 3.2).

Only the proof outcome is checked here; data-model, validity and status rules belong to the
verifier pipeline. Fixtures keyed ``https://...#z6Mk...`` use the key-in-fragment convention,
so their checks verify and say the key's control is not confirmed.
"""

from __future__ import annotations

import pytest

from credstack.proofs.data_integrity import ProofCheck, verify_proofs
from credstack.proofs.keys import public_key_from_multikey
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from tests.conftest import read_vector_json

OB30 = "1edtech-validator-ob30"
CLR20 = "1edtech-validator-clr20"


def _checks(name: str, resolver: KeyResolver | None = None) -> list[ProofCheck]:
    return verify_proofs(read_vector_json(name), resolver or KeyResolver())


@pytest.mark.parametrize(
    ("name", "from_fragment"),
    [
        (f"{OB30}/simple.json", True),
        (f"{OB30}/simple-context-alias.json", True),
        (f"{OB30}/simple-context-version.json", True),
        (f"{OB30}/simple-did-key-method.json", False),
        (f"{OB30}/simple-did-web-method.json", True),
        (f"{OB30}/simple_v1.json", True),
        (f"{OB30}/complete.json", True),
        (f"{OB30}/endorsement-valid.json", True),
        # Only the data model, the validity window or the status is wrong in these:
        (f"{OB30}/simple-err-issuer.json", True),
        (f"{OB30}/simple-err-expired.json", True),
        (f"{OB30}/simple-err-issued.json", True),
        (f"{CLR20}/simple.json", True),
        (f"{CLR20}/simple_v1.json", True),
        (f"{CLR20}/complex.json", False),
    ],
)
def test_valid_fixture_proofs_verify(name: str, from_fragment: bool) -> None:
    checks = _checks(name)
    # Ed25519Signature2020 is the legacy suite: it verifies, flagged so the verifier warns.
    legacy = checks[0].type == "Ed25519Signature2020"
    assert [(c.code, c.verified, c.from_fragment, c.obsolete) for c in checks] == [
        ("ok", True, from_fragment, legacy)
    ]
    if from_fragment:
        assert "not confirmed" in checks[0].message


def test_simple_v1_uses_the_legacy_suite() -> None:
    (check,) = _checks(f"{OB30}/simple_v1.json")
    assert (check.type, check.cryptosuite) == ("Ed25519Signature2020", "")


def test_obsolete_eddsa_2022_verifies_flagged() -> None:
    (check,) = _checks(f"{OB30}/simple-eddsa-2022.json")
    assert (check.verified, check.obsolete, check.cryptosuite) == (True, True, "eddsa-2022")
    assert "legacy suite 'eddsa-2022'" in check.message


def test_multiple_proofs_report_the_unknown_one() -> None:
    unknown, known = _checks(f"{OB30}/simple-multiple-proofs.json")
    assert (unknown.index, unknown.verified, unknown.code) == (0, False, "unsupported_cryptosuite")
    assert unknown.type == "SomeProofType"
    assert (known.index, known.verified, known.code) == (1, True, "ok")


def test_did_web_fixture_resolves_through_its_did_document() -> None:
    # credential-status-revoked.json: VC 1.1 + Ed25519Signature2020 with a did:web method. The
    # DID document is served from memory, so this runs offline.
    document = read_vector_json(f"{OB30}/credential-status-revoked.json")
    vm = document["proof"]["verificationMethod"]
    did = vm.split("#")[0]
    url = (
        "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/"
        "da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json"
    )
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Ed25519VerificationKey2020",
                "controller": did,
                "publicKeyMultibase": vm.split("#")[1],
            }
        ],
        "assertionMethod": [vm],
    }
    fetcher = StaticFetcher({url: did_document})
    (check,) = verify_proofs(document, KeyResolver(fetcher))
    assert (check.code, check.from_fragment, check.controller) == ("ok", False, did)
    assert public_key_from_multikey(vm.split("#")[1])  # the fragment is the key, as expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (f"{OB30}/simple-err-proof-value.json", "invalid_signature"),
        (f"{OB30}/simple-err-proof-method.json", "unresolvable_key"),
        (f"{OB30}/simple-err-proof-method-no-scheme.json", "invalid_verification_method"),
        (f"{OB30}/simple-err-proof-method-unknown-scheme.json", "unsupported_verification_method"),
        (f"{OB30}/simple-err-proof-method-unknown-did-method.json", "unsupported_did_method"),
    ],
)
def test_proof_errors_fail_with_their_own_code(name: str, code: str) -> None:
    (check,) = _checks(name)
    assert (check.verified, check.code) == (False, code)
    assert check.message.endswith(".")


@pytest.mark.parametrize(
    "name",
    [
        # Edited after signing (README 3.1: "offline signature check: fails").
        "simple-err-context.json",
        "simple-err-type.json",
        "simple-err-credential-subject-type.json",
        "simple-err-credential-subject-identifier-type.json",
        "simple-err-credential-subject-result-type.json",
        "simple-err-credential-subject-achievement-result-description-type.json",
        "simple-err-credential-subject-profile-type.json",
        "simple-err-evidence-type.json",
        "simple-err-issuer-type.json",
        "simple-err-issuer-parentorg-type.json",
        "simple-err-issuer-otheridentifier-type.json",
        "endorsement-err-schema-status-refresh.json",
    ],
)
def test_fixtures_edited_after_signing_fail(name: str) -> None:
    checks = _checks(f"{OB30}/{name}")
    assert checks
    assert not any(c.verified for c in checks)
    # Either the edit broke the signature, or it introduced a term no context defines.
    assert {c.code for c in checks} <= {"invalid_signature", "undefined_term"}


def test_fixtures_without_proof_or_key() -> None:
    assert [c.code for c in _checks(f"{OB30}/simple-noproof.json")] == ["no_proof"]
    # complete_v1.json: the key lives only in the (unavailable) online issuer profile.
    assert [c.code for c in _checks(f"{OB30}/complete_v1.json")] == ["unresolvable_key"]
    # simple_old_safesigned.json: the draft CLR context is not available offline.
    assert [c.code for c in _checks(f"{CLR20}/simple_old_safesigned.json")] == ["unknown_context"]
