"""The status check against hostile lists: any change to a signed list is caught, and any
entry or served document gives report entries, never an exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credstack.proofs.data_integrity import add_proof
from credstack.proofs.did_key import verification_method_id
from credstack.proofs.keys import generate_key
from credstack.proofs.resolver import KeyResolver, StaticFetcher
from credstack.status.bitstring import MIN_LENGTH, Bitstring
from credstack.status.credential import status_list_credential, status_list_entry
from credstack.verify.report import VerificationReport
from credstack.verify.status import StatusLists, check_status
from tests.unit.proofs.mutations import all_mutations

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LIST = "https://issuer.example/status/1"
KEY = generate_key("ed25519")
METHOD = verification_method_id(KEY.public_key)
ISSUER = METHOD.split("#", 1)[0]
SIGNED_LIST = add_proof(
    status_list_credential(
        LIST,
        issuer=ISSUER,
        purpose="revocation",
        bitstring=Bitstring.generate(MIN_LENGTH, [5]),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    ),
    KEY,
    cryptosuite="eddsa-rdfc-2022",
    verification_method=METHOD,
)
# Index 6 is not revoked: a forged list would have to make the check pass, so that is what
# every mutation must fail to do.
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential"],
    "issuer": ISSUER,
    "credentialSubject": {"id": "did:example:learner"},
    "credentialStatus": status_list_entry(LIST, 6),
}


def status(document: Any, served: dict[str, Any]) -> list[tuple[str, str]]:
    report = VerificationReport()
    lists = StatusLists(StaticFetcher(served), KeyResolver(), NOW)
    check_status(document, report, lists, signers=[METHOD])
    assert all(c.code and c.message for c in report.checks)
    return [(c.outcome, c.code) for c in report.check("status")]


def test_the_unchanged_list_passes() -> None:
    assert status(CREDENTIAL, {LIST: SIGNED_LIST}) == [("passed", "ok")]


@pytest.mark.parametrize(
    ("kind", "path", "mutated"),
    [pytest.param(*m, id=f"{m[0]}:{'/'.join(map(str, m[1]))}") for m in all_mutations(SIGNED_LIST)],
)
def test_any_single_change_to_the_list_fails(kind: str, path: Any, mutated: Any) -> None:
    outcomes = status(CREDENTIAL, {LIST: mutated})
    assert outcomes[0][0] == "failed", (kind, path)
    assert outcomes[0][1] in {"status_list_unverified", "status_list_invalid"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
entry_members = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["BitstringStatusListEntry", "1EdTechRevocationList"])
        | json_values,
        "id": st.just(LIST) | json_values,
        "statusPurpose": st.sampled_from(["revocation", "suspension", "message"]) | json_values,
        "statusListIndex": st.sampled_from(["5", "6", 5, "-1", "131072"]) | json_values,
        "statusListCredential": st.just(LIST) | json_values,
        "statusSize": st.integers(min_value=-1, max_value=20) | json_values,
        "statusMessage": json_values,
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entry_members | json_values, max_size=3), json_values)
def test_any_entries_and_any_served_document_give_a_report(entries: list[Any], served: Any) -> None:
    document = json.loads(json.dumps({**CREDENTIAL, "credentialStatus": entries}))
    documents = {LIST: served} if isinstance(served, dict) else {}
    outcomes = status(document, documents)
    assert outcomes
    if ("passed", "ok") in outcomes:
        # Only a fetched, verified list or a 1EdTech list can vouch for a credential.
        assert documents
