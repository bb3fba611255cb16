"""The parts of a credential that issuing for the platform adds: status, result, evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from credstack.errors import InvalidInput
from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.services.issuing import IssueRequest
from credstack.status import status_list_entry

ACHIEVEMENT = {
    "id": "https://example.edu/achievements/1",
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works well in a team.",
    "criteria": {"narrative": "Peer nominated."},
}
LIST = "https://example.edu/orgs/acme/status/1"


def test_status_result_evidence_and_awarded_date_are_signed_in() -> None:
    issued = issue(
        ACHIEVEMENT,
        generate_key("ed25519"),
        recipient="did:example:learner",
        credential_status=status_list_entry(LIST, 7, purpose="suspension"),
        result=[{"type": ["Result"], "value": "A"}],
        evidence=[{"type": ["Evidence"], "id": "https://example.edu/evidence/1"}],
        awarded_date=datetime(2026, 1, 2, tzinfo=UTC),
    )
    credential = json.loads(issued.text)
    assert credential["credentialStatus"]["statusListIndex"] == "7"
    assert credential["credentialSubject"]["result"] == [{"type": ["Result"], "value": "A"}]
    assert credential["evidence"][0]["id"] == "https://example.edu/evidence/1"
    assert credential["awardedDate"] == "2026-01-02T00:00:00Z"


def test_a_malformed_result_is_refused_before_signing() -> None:
    with pytest.raises(InvalidInput):
        issue(
            ACHIEVEMENT,
            generate_key("ed25519"),
            recipient="did:example:learner",
            result=[{"value": "A"}],
        )


def test_the_request_digest_tells_a_retry_from_another_request() -> None:
    request = IssueRequest(recipient="a@example.com", achievement_id="x")
    assert request.digest() == IssueRequest(recipient="a@example.com", achievement_id="x").digest()
    assert request.digest() != IssueRequest(recipient="b@example.com", achievement_id="x").digest()
