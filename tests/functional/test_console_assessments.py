"""The assessor's queue and the rubric scoring form in the console, over HTTP on SQLite and
PostgreSQL: a pass issues the credential, errors keep the form, roles and CSRF are checked."""

from __future__ import annotations

import uuid
from typing import Any

from credstack.assessment import EvidenceItem
from credstack.bootstrap import Platform
from credstack.services.assessments import SettingsInput
from tests.functional.conftest import OPERATOR
from tests.functional.console import browser, csrf, issued, make_member, published, sign_in

RUBRIC = {
    "passThreshold": 2,
    "criteria": [
        {
            "id": "argument",
            "name": "Argument",
            "levels": [
                {"id": "weak", "name": "Weak", "points": 0},
                {"id": "strong", "name": "Strong", "points": 2},
            ],
        }
    ],
}
PDF = b"%PDF-1.7\n" + b"essay " * 50


def _submitted(platform: Platform, slug: str, learner: str) -> uuid.UUID:
    achievement = published(platform, slug, "Essay writing")
    with platform.unit_of_work() as services:
        services.assessments.configure(
            OPERATOR,
            slug,
            achievement,
            SettingsInput(
                prompt="Write an essay.",
                rubric=RUBRIC,
                evidence={"fileTypes": ["application/pdf"], "maxFileBytes": 100_000},
            ),
        )
        view = services.assessments.submit(
            OPERATOR,
            slug,
            achievement,
            learner,
            [
                EvidenceItem(kind="text", text="My summary."),
                EvidenceItem(
                    kind="file", name="essay.pdf", media_type="application/pdf", content=PDF
                ),
            ],
        )
        return view.submission.id


def test_assessor_scores_from_the_queue_and_a_pass_issues(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    submission = _submitted(api_platform, org.slug, "learner@example.com")
    member = make_member(api_platform, org.slug, "assessor")
    with browser(api_platform) as client:
        sign_in(client, member)
        dashboard = client.get("/console")
        assert 'id="count-pending">1<' in dashboard.text
        queue = client.get("/console/assessments")
        assert "learner@example.com" in queue.text
        page = client.get(f"/console/assessments/{submission}")
        assert "Write an essay." in page.text
        assert "My summary." in page.text
        evidence = client.get(f"/console/assessments/{submission}/evidence/1")
        assert evidence.content == PDF
        assert evidence.headers["content-disposition"] == "attachment"
        token = csrf(page)
        # Passing below the threshold is refused, and nothing is recorded.
        refused = client.post(
            f"/console/assessments/{submission}",
            data={"level:argument": "weak", "decision": "pass", "csrf_token": token},
        )
        assert refused.status_code == 400, refused.text
        assert "Record the review" in refused.text
        assert issued(api_platform, org.slug) == []
        passed = client.post(
            f"/console/assessments/{submission}",
            data={"level:argument": "strong", "comment": "Clear.", "csrf_token": token},
            follow_redirects=False,
        )
        assert passed.status_code == 303
        after = client.get(passed.headers["location"])
        assert "Your review was recorded." in after.text
        assert "Nothing is waiting for your review." in after.text
        assert (
            'id="submission-status">passed<'
            in client.get(f"/console/assessments/{submission}").text
        )
    (credential,) = issued(api_platform, org.slug)
    assert credential.recipient_email == "learner@example.com"


def test_no_csrf_no_review_and_other_organisations_are_not_found(
    api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    submission = _submitted(api_platform, other.slug, "learner@example.com")
    member = make_member(api_platform, org.slug, "assessor")
    mine = _submitted(api_platform, org.slug, "someone@example.com")
    with browser(api_platform) as client:
        sign_in(client, member)
        assert client.get(f"/console/assessments/{submission}").status_code == 404
        answer = client.post(
            f"/console/assessments/{submission}",
            data={"level:argument": "strong", "csrf_token": csrf(client.get("/console"))},
        )
        assert answer.status_code == 404
        no_token = client.post(f"/console/assessments/{mine}", data={"level:argument": "strong"})
        assert no_token.status_code == 403
        assert "csrf_failed" in no_token.text
        assert 'id="submission-status">pending<' in client.get(f"/console/assessments/{mine}").text
    assert issued(api_platform, other.slug) == []
    assert issued(api_platform, org.slug) == []
