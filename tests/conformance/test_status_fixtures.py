"""The 1EdTech validator's status fixtures through the whole verifier (vectors README 3.1).

The fixtures' status list URL points at the validator's repository; per the README (section
6, "No network") it is mapped to ``bit-string-list/testlist``, a BitstringStatusListCredential
in which only index 23 is set. The legacy 1EdTechRevocationList fixture's list is online only,
so a stub that lists the credential stands in for it.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from credstack.status.bitstring import Bitstring
from credstack.verify import check
from credstack.verify.report import VerificationReport
from tests.conformance.legacy_did import legacy_did_documents
from tests.conftest import PINNED_NOW, read_vector_json, vector_path

OB30 = "1edtech-validator-ob30/"
TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
REVOKED = [
    "bit-string-list/credential-status-revoked.json",
    "bit-string-list/credential-status-revoked-blank-nodes.json",
]


def the_test_list() -> dict[str, Any]:
    document: dict[str, Any] = read_vector_json(OB30 + "bit-string-list/testlist")
    return document


def run(relative: str, served: dict[str, Any] | None = None) -> VerificationReport:
    documents = {TESTLIST_URL: the_test_list()} if served is None else dict(served)
    fetcher = StaticFetcher({**legacy_did_documents(), **documents})
    return check(
        vector_path(OB30 + relative).read_bytes(),
        now=PINNED_NOW,
        resolver=KeyResolver(fetcher),
        status_fetcher=fetcher,
    )


def status(report: VerificationReport) -> list[tuple[str, str]]:
    return [(c.outcome, c.code) for c in report.check("status")]


def test_the_test_list_verifies() -> None:
    # README 3.1: "must verify (validator: valid)".
    assert [r.code for r in verify_proofs(the_test_list(), KeyResolver())] == ["ok"]
    report = check(the_test_list(), now=PINNED_NOW, require_open_badge=False)
    assert report.valid, [c.to_dict() for c in report.failures]


@pytest.mark.parametrize("name", REVOKED)
def test_bit_string_list_fixtures_are_rejected_as_revoked(name: str) -> None:
    report = run(name)
    assert not report.valid
    # The index is a JSON number in these fixtures; it is read, with a warning.
    assert status(report) == [("failed", "revoked"), ("warning", "status_index_not_string")]
    # Revocation is the only reason: the signature and everything else hold.
    assert [c.code for c in report.failures] == ["revoked"]
    assert report.check("status")[0].message.startswith("The issuer revoked this credential")


@pytest.mark.parametrize("name", REVOKED)
def test_offline_the_status_is_not_checked(name: str) -> None:
    report = check(vector_path(OB30 + name).read_bytes(), now=PINNED_NOW)
    assert ("skipped", "status_not_checked") in status(report)
    assert report.valid


def test_a_tampered_list_fails_the_status_check() -> None:
    tampered = the_test_list()
    tampered["credentialSubject"]["encodedList"] = Bitstring().encode()  # index 23 cleared
    report = run(REVOKED[0], {TESTLIST_URL: tampered})
    assert status(report)[0] == ("failed", "status_list_unverified")
    assert not report.valid


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"].update(statusPurpose="suspension"),
        lambda d: d.update(validFrom="2027-01-01T00:00:00Z"),
        lambda d: d.update(issuer="https://example.org/not-the-issuer"),
        lambda d: d.pop("proof"),
    ],
)
def test_any_change_to_the_list_is_caught(change: Any) -> None:
    changed = copy.deepcopy(the_test_list())
    change(changed)
    assert status(run(REVOKED[0], {TESTLIST_URL: changed}))[0] == (
        "failed",
        "status_list_unverified",
    )


def test_an_unreachable_list_fails_closed() -> None:
    report = run(REVOKED[0], {})
    assert status(report) == [("failed", "status_list_unreachable")]


def test_the_legacy_1edtech_revocation_list_revokes() -> None:
    name = "credential-status-revoked.json"
    credential = read_vector_json(OB30 + name)
    url = credential["credentialStatus"]["id"]
    stub = {"id": url, "revokedCredential": [{"id": credential["id"], "revoked": True}]}
    report = run(name, {url: stub})
    assert status(report) == [("failed", "revoked")]
    cleared = run(name, {url: {"id": url, "revokedCredential": []}})
    assert status(cleared) == [("passed", "ok")]
