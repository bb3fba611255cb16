"""Evidence from the wallet page, on SQLite and PostgreSQL: the wallet links an assessed step of
a pathway to its evidence form; the learner submits text and a file, is failed with a score and
a comment, submits again, is passed, and the pathway completes. Bad evidence and forged forms
store nothing; another learner sees none of it."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import BASE_URL, token_for
from tests.functional.console import browser
from tests.functional.test_api_assessment import PDF, achievement, bearer
from tests.functional.test_api_wallet_flow import assessed, issue_to
from tests.functional.wallet import fresh_email, page_token, sign_in_page

_SUBMISSION = re.compile(r'id="submission-([0-9a-f-]+)"')


def _public_id(client: TestClient, slug: str, secret: str, uid: str) -> str:
    found = client.get(f"/orgs/{slug}/admin/achievements/{uid}", headers=bearer(secret))
    assert found.status_code == 200, found.text
    public_id = str(found.json()["achievement"]["id"])
    assert public_id == f"{BASE_URL}/orgs/{slug}/achievements/{uid}"
    return public_id


def test_submit_fail_resubmit_pass_and_the_pathway_completes(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issuer = token_for(api_platform, org.slug)
    assessor = token_for(api_platform, org.slug, "assessor")
    unit = achievement(client, org.slug, issuer, name="Unit A")
    essay = assessed(client, org.slug, issuer)
    cert = achievement(client, org.slug, issuer, name="Certificate")
    essay_id = _public_id(client, org.slug, issuer, essay)
    pathway = {
        "name": "Writing pathway",
        "achievementId": cert,
        "requirements": {
            "type": "allOf",
            "requirements": [
                {"type": "achievement", "achievement": _public_id(client, org.slug, issuer, unit)},
                {"type": "achievement", "achievement": essay_id},
            ],
        },
    }
    created = client.post(f"/orgs/{org.slug}/pathways", json=pathway, headers=bearer(issuer))
    assert created.status_code == 201, created.text
    learner = fresh_email("writer")
    issue_to(client, org.slug, issuer, unit, learner)

    with browser(api_platform) as page:
        sign_in_page(page, api_platform, learner)
        wallet = page.get("/wallet")
        link = re.search(
            r'<a href="(/wallet/evidence\?achievement=[^"]+)">Submit evidence</a>', wallet.text
        )
        assert link is not None, wallet.text
        form = page.get(html.unescape(link.group(1)))
        assert form.status_code == 200, form.text
        assert "Write an essay." in form.text
        assert "Submit your evidence" in form.text
        assert 'accept="application/pdf"' in form.text
        token = page_token(form.text)

        def submit(**files: Any) -> Any:
            return page.post(
                "/wallet/evidence",
                data={"achievement": essay_id, "narrative": "My essay.", "csrf_token": token},
                files=files or {"file": ("essay.pdf", PDF, "application/pdf")},
            )

        wrong = submit(file=("essay.txt", b"plain text", "text/plain"))
        assert wrong.status_code == 400, wrong.text
        assert 'role="alert"' in wrong.text
        assert "Your submissions (0)" in wrong.text
        nothing = page.post(
            "/wallet/evidence",
            data={"achievement": essay_id, "narrative": " ", "csrf_token": token},
        )
        assert nothing.status_code == 400, nothing.text
        assert "no_evidence" in nothing.text
        forged = page.post(
            "/wallet/evidence",
            data={"achievement": essay_id, "narrative": "x", "csrf_token": "forged"},
        )
        assert forged.status_code == 403
        assert "Your submissions (0)" in page.get("/wallet/evidence").text

        first = submit()
        assert first.status_code == 200, first.text
        assert "Submitted. An assessor will review it" in first.text
        assert "Your attempt 1 is being assessed." in first.text
        assert 'action="/wallet/evidence"' not in first.text
        assert "File: essay.pdf" in first.text
        [submission] = _SUBMISSION.findall(first.text)
        again = submit()
        assert again.status_code == 409
        assert "submission_pending" in again.text

        failed = client.post(
            f"/orgs/{org.slug}/submissions/{submission}/reviews",
            json={"levels": {"argument": "weak"}, "comment": "Argue more."},
            headers=bearer(assessor),
        )
        assert failed.status_code == 200, failed.text
        after = page.get(f"/wallet/evidence?achievement={essay_id}")
        assert "Failed" in after.text
        assert "<blockquote>Argue more.</blockquote>" in after.text
        assert "0 points" in after.text
        assert "Submit again (attempt 2)" in after.text

        second = page.post(
            "/wallet/evidence",
            data={
                "achievement": essay_id,
                "url": "https://example.org/my-essay",
                "csrf_token": token,
            },
            files={"file": ("essay-2.pdf", PDF, "application/pdf")},
        )
        assert "Link: https://example.org/my-essay" in second.text
        assert second.status_code == 200, second.text
        newest = _SUBMISSION.findall(second.text)[0]
        passed = client.post(
            f"/orgs/{org.slug}/submissions/{newest}/reviews",
            json={"levels": {"argument": "strong"}, "comment": "Well argued."},
            headers=bearer(assessor),
        )
        assert passed.status_code == 200, passed.text
        done = page.get(f"/wallet/evidence?achievement={essay_id}")
        assert "Passed" in done.text
        assert "Well argued." in done.text
        assert 'action="/wallet/evidence"' not in done.text

        wallet = page.get("/wallet")
        assert 'max="100" value="100"' in wallet.text
        assert "Completed" in wallet.text
        assert "Credentials (3)" in wallet.text

    with browser(api_platform) as other:
        sign_in_page(other, api_platform, fresh_email("other"))
        theirs = other.get(f"/wallet/evidence?achievement={essay_id}")
        assert "Your submissions (0)" in theirs.text
        assert "Argue more." not in theirs.text
        unknown = other.get("/wallet/evidence?achievement=https://nowhere.example/a")
        assert unknown.status_code == 404
        assert 'role="alert"' in unknown.text
