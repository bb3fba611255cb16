"""Assessment through the real services, on SQLite and PostgreSQL: settings, submissions with
files in the evidence store, the queue, reviews, pass (a credential with Results and evidence),
fail and resubmission, a second assessor, automated awards; bad input changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credstack.assessment import EvidenceItem
from credstack.errors import Conflict, Forbidden, InvalidInput, NotFound
from credstack.services import Services
from credstack.services.actors import Actor, Role
from credstack.services.assessments import SettingsInput
from credstack.services.held import digest_of
from credstack.store.assessment import Submission
from credstack.store.credentials import IssuedCredentialRecord

OPERATOR = Actor.operator("test")
PDF = b"%PDF-1.7\n" + b"essay " * 20
RUBRIC: dict[str, Any] = {
    "passThreshold": 3,
    "criteria": [
        {
            "id": "analysis",
            "name": "Analysis",
            "levels": [
                {"id": "weak", "name": "Weak", "points": 0},
                {"id": "sound", "name": "Sound", "points": 2},
            ],
        },
        {
            "id": "writing",
            "name": "Writing",
            "levels": [
                {"id": "unclear", "name": "Unclear", "points": 0},
                {"id": "clear", "name": "Clear", "points": 1},
                {"id": "fine", "name": "Fine", "points": 2},
            ],
        },
    ],
}
POLICY = {"fileTypes": ["application/pdf"], "maxFileBytes": 10_000}
BADGE: dict[str, Any] = {
    "type": ["Achievement"],
    "name": "Essay",
    "description": "Writes an essay.",
    "criteria": {"narrative": "An assessed essay."},
}


def actor(services: Services, slug: str, role: Role, name: str = "") -> Actor:
    org = services.organizations.get(slug)
    return Actor(kind="token", id=f"{slug}-{role}{name}", organization_id=org.id, role=role)


@pytest.fixture
def acme(services: Services) -> str:
    services.organizations.create(OPERATOR, slug="acme", name="Acme Academy")
    return "acme"


@pytest.fixture
def essay(services: Services, acme: str) -> str:
    view = services.achievements.create(
        OPERATOR, organization=acme, achievement=BADGE, publish=True
    )
    return str(view.record.id)


def configure(services: Services, slug: str, achievement: str, reviews: int = 1) -> None:
    services.assessments.configure(
        actor(services, slug, "issuer"),
        slug,
        achievement,
        SettingsInput("Write 1000 words on trust.", RUBRIC, POLICY, reviews),
    )


def submit(services: Services, slug: str, achievement: str, learner: str = "l@example.com") -> Any:
    return services.assessments.submit(
        actor(services, slug, "issuer"),
        slug,
        achievement,
        learner,
        [
            EvidenceItem("text", text="My essay, summarised."),
            EvidenceItem("url", url="https://example.org/essay"),
            EvidenceItem("file", name="essay.pdf", media_type="application/pdf", content=PDF),
        ],
    ).submission


def test_submit_review_pass_issues_with_results_and_evidence(
    services: Services, acme: str, essay: str, session: Session
) -> None:
    configure(services, acme, essay)
    submission = submit(services, acme, essay)
    assessor = actor(services, acme, "assessor")
    assert [s.id for s in services.assessments.queue(assessor, acme)] == [submission.id]
    entry, content = services.assessments.evidence_file(assessor, acme, submission.id, 2)
    assert (content, entry["mediaType"], entry["size"]) == (PDF, "application/pdf", len(PDF))
    view = services.assessments.review(
        assessor, acme, submission.id, {"analysis": "sound", "writing": "clear"}, comment="Good."
    )
    assert view.submission.status == "passed"
    assert [(r.points, r.decision, r.comment) for r in view.reviews] == [("3", "pass", "Good.")]
    assert services.assessments.queue(assessor, acme) == []
    record = session.get(IssuedCredentialRecord, view.submission.credential_id)
    assert record is not None
    assert record.recipient_email == "l@example.com"
    credential = json.loads(record.text)
    public_id = credential["credentialSubject"]["achievement"]["id"]
    assert credential["credentialSubject"]["result"] == [
        {"type": ["Result"], "achievedLevel": f"{public_id}#rubric.analysis.sound", "value": "2"},
        {"type": ["Result"], "achievedLevel": f"{public_id}#rubric.writing.clear", "value": "1"},
        {"type": ["Result"], "value": "3", "status": "Completed"},
    ]
    evidence = credential["evidence"]
    assert evidence[0] == {
        "type": ["Evidence"],
        "name": "Submitted text",
        "narrative": "My essay, summarised.",
    }
    assert evidence[1]["id"] == "https://example.org/essay"
    assert evidence[2]["id"].endswith(f"/orgs/acme/submissions/{submission.id}/evidence/2")
    assert evidence[2]["digestMultibase"] == digest_of(PDF)
    assert "awardedDate" in credential
    with pytest.raises(Conflict, match="passed") as caught:
        submit(services, acme, essay)
    assert caught.value.code == "already_passed"


def test_fail_then_resubmit(services: Services, acme: str, essay: str) -> None:
    configure(services, acme, essay)
    first = submit(services, acme, essay)
    with pytest.raises(Conflict) as pending:
        submit(services, acme, essay)
    assert pending.value.code == "submission_pending"
    assessor = actor(services, acme, "assessor")
    with pytest.raises(InvalidInput, match="below the pass threshold"):
        services.assessments.review(
            assessor, acme, first.id, {"analysis": "weak", "writing": "fine"}, decision="pass"
        )
    failed = services.assessments.review(
        assessor, acme, first.id, {"analysis": "weak", "writing": "fine"}, comment="Redo it."
    )
    assert (failed.submission.status, failed.submission.credential_id) == ("failed", None)
    with pytest.raises(Conflict, match="failed"):
        services.assessments.review(
            actor(services, acme, "assessor", "2"), acme, first.id, {"analysis": "sound"}
        )
    second = submit(services, acme, essay)
    assert second.attempt == 2
    passed = services.assessments.review(
        assessor, acme, second.id, {"analysis": "sound", "writing": "fine"}
    )
    assert passed.submission.status == "passed"


def test_a_second_assessor_is_required(services: Services, acme: str, essay: str) -> None:
    configure(services, acme, essay, reviews=2)
    submission = submit(services, acme, essay)
    first, second = actor(services, acme, "assessor", "1"), actor(services, acme, "assessor", "2")
    after_one = services.assessments.review(
        first, acme, submission.id, {"analysis": "sound", "writing": "fine"}
    )
    assert after_one.submission.status == "pending"
    with pytest.raises(Conflict) as again:
        services.assessments.review(
            first, acme, submission.id, {"analysis": "sound", "writing": "fine"}
        )
    assert again.value.code == "already_reviewed"
    assert services.assessments.queue(first, acme) == []
    assert [s.id for s in services.assessments.queue(second, acme)] == [submission.id]
    done = services.assessments.review(
        second, acme, submission.id, {"analysis": "sound", "writing": "clear"}
    )
    assert done.submission.status == "passed"
    assert [r.points for r in done.reviews] == ["4", "3"]
    view = services.assessments.get(first, acme, submission.id)
    assert view.submission.credential_id is not None


def test_bad_input_stores_nothing(
    services: Services, acme: str, essay: str, session: Session
) -> None:
    issuer = actor(services, acme, "issuer")
    with pytest.raises(NotFound) as unassessed:
        submit(services, acme, essay)
    assert unassessed.value.code == "not_assessed"
    bad_settings = [
        (SettingsInput(" ", RUBRIC, POLICY), "invalid_prompt"),
        (SettingsInput("p", RUBRIC, POLICY, 3), "invalid_reviews"),
        (SettingsInput("p", {"criteria": []}, POLICY), "invalid_rubric"),
        (SettingsInput("p", RUBRIC, {"maxItems": 0}), "invalid_evidence_policy"),
    ]
    for data, code in bad_settings:
        with pytest.raises(InvalidInput) as caught:
            services.assessments.configure(issuer, acme, essay, data)
        assert caught.value.code == code
    with pytest.raises(Forbidden):
        services.assessments.configure(
            actor(services, acme, "assessor"), acme, essay, SettingsInput("p", RUBRIC, POLICY)
        )
    configure(services, acme, essay)
    configure(services, acme, essay)  # replacing is fine
    with pytest.raises(InvalidInput) as wrong_type:
        services.assessments.submit(
            issuer,
            acme,
            essay,
            "l@example.com",
            [EvidenceItem("file", name="x.pdf", media_type="application/pdf", content=b"MZ...")],
        )
    assert wrong_type.value.code == "file_content_mismatch"
    with pytest.raises(InvalidInput):
        services.assessments.submit(issuer, acme, essay, "nobody", [EvidenceItem("text", text="t")])
    with pytest.raises(Forbidden):
        services.assessments.submit(
            actor(services, acme, "assessor"),
            acme,
            essay,
            "l@example.com",
            [EvidenceItem("text", text="t")],
        )
    assert session.scalar(select(func.count()).select_from(Submission)) == 0
    submission = submit(services, acme, essay)
    with pytest.raises(Forbidden):
        services.assessments.queue(Actor("token", "x", None, "assessor"), acme)
    services.organizations.create(OPERATOR, slug="other", name="Other")
    with pytest.raises(Forbidden):
        services.assessments.get(actor(services, "other", "owner"), acme, submission.id)
    with pytest.raises(NotFound):
        services.assessments.get(actor(services, acme, "assessor"), acme, "nope")
    with pytest.raises(NotFound):
        services.assessments.evidence_file(
            actor(services, acme, "assessor"), acme, submission.id, 0
        )
    with pytest.raises(InvalidInput) as unscored:
        services.assessments.review(
            actor(services, acme, "assessor"), acme, submission.id, {"analysis": "sound"}
        )
    assert unscored.value.code == "criterion_not_scored"


LEVELS = {
    "id": "urn:rd:mastery",
    "type": ["ResultDescription"],
    "name": "Mastery",
    "resultType": "RubricCriterionLevel",
    "requiredLevel": "urn:l:competent",
    "rubricCriterionLevel": [
        {"id": "urn:l:novice", "type": ["RubricCriterionLevel"], "name": "Novice"},
        {"id": "urn:l:competent", "type": ["RubricCriterionLevel"], "name": "Competent"},
    ],
}
PERCENT = {
    "id": "urn:rd:exam",
    "type": ["ResultDescription"],
    "name": "Exam",
    "resultType": "Percent",
    "requiredValue": "60",
}


def test_automated_awards(services: Services, acme: str, session: Session) -> None:
    exam = services.achievements.create(
        OPERATOR,
        organization=acme,
        achievement={**BADGE, "name": "Exam", "resultDescription": [PERCENT, LEVELS]},
        publish=True,
    )
    uid = str(exam.record.id)
    issuer = actor(services, acme, "issuer")
    low = services.assessments.score(
        issuer, acme, uid, "l@example.com", value="40", description_id="urn:rd:exam"
    )
    assert (low.credential, low.judgement.reason) == (None, "40 is below the required value 60.")
    high = services.assessments.score(
        issuer,
        acme,
        uid,
        "l@example.com",
        value="75",
        description_id="urn:rd:exam",
        idempotency_key="lms-1",
    )
    assert high.credential is not None
    assert json.loads(high.credential.text)["credentialSubject"]["result"] == [
        {"type": ["Result"], "resultDescription": "urn:rd:exam", "value": "75"}
    ]
    again = services.assessments.score(
        issuer,
        acme,
        uid,
        "l@example.com",
        value="75",
        description_id="urn:rd:exam",
        idempotency_key="lms-1",
    )
    assert again.credential is not None
    assert again.credential.id == high.credential.id
    with pytest.raises(Conflict) as reused:
        services.assessments.score(
            issuer,
            acme,
            uid,
            "l@example.com",
            value="80",
            description_id="urn:rd:exam",
            idempotency_key="lms-1",
        )
    assert reused.value.code == "idempotency_key_reused"
    level = services.assessments.score(
        issuer, acme, uid, "did:example:l", level="urn:l:competent", description_id="urn:rd:mastery"
    )
    assert level.credential is not None
    with pytest.raises(InvalidInput) as ambiguous:
        services.assessments.score(issuer, acme, uid, "did:example:l", value="75")
    assert ambiguous.value.code == "no_required_result"
    with pytest.raises(Forbidden):
        services.assessments.score(
            actor(services, acme, "assessor"), acme, uid, "did:example:l", value="75"
        )
