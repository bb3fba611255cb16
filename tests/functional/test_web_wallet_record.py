"""The wallet's record page, on SQLite and PostgreSQL: the skills profile and transcript of the
learner's own credentials, and the CLR export button, whose download verifies; an organisation
that issued the learner nothing signs nothing, and another learner sees none of it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import token_for
from tests.functional.console import browser
from tests.functional.test_api_learner_records import award
from tests.functional.wallet import fresh_email, page_token, sign_in_page


def test_skills_transcript_and_clr_download(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    learner, other_learner = fresh_email("ada"), fresh_email("bob")
    acme, other = make_org(), make_org()
    acme_secret = token_for(api_platform, acme.slug)
    first = award(client, acme.slug, acme_secret, learner, "Unit A")
    award(client, other.slug, token_for(api_platform, other.slug), other_learner, "Bob's badge")
    with browser(api_platform) as page:
        sign_in_page(page, api_platform, learner)
        record = page.get("/wallet/record")
        assert record.status_code == 200, record.text
        assert record.headers["cache-control"] == "no-store"
        assert "Skills (1)" in record.text
        assert 'href="http://data.europa.eu/esco/skill/teamwork"' in record.text
        assert "shown by Unit A" in record.text
        assert "<td>Unit A</td>" in record.text
        assert "Bob&#39;s badge" not in record.text
        assert f'<option value="{acme.slug}">' in record.text
        assert f'<option value="{other.slug}">' not in record.text
        token = page_token(record.text)

        exported = page.post(
            "/wallet/record/clr", data={"organization": acme.slug, "csrf_token": token}
        )
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-disposition"].startswith(
            f'attachment; filename="clr-{acme.slug}-'
        )
        inside = exported.json()["credentialSubject"]["verifiableCredential"]
        assert [c["id"] for c in inside] == [first]
        report = client.post("/verify", content=exported.text).json()
        assert report["valid"], report

        as_jwt = page.post(
            "/wallet/record/clr",
            data={"organization": acme.slug, "suite": "jwt", "csrf_token": token},
        )
        assert as_jwt.status_code == 200, as_jwt.text
        assert as_jwt.headers["content-type"].startswith("application/vc+jwt")
        verified = client.post(
            "/verify", content=as_jwt.text, headers={"Content-Type": "text/plain"}
        ).json()
        assert verified["valid"], verified

        # An organisation that issued this learner nothing signs nothing: the page says why.
        refused = page.post(
            "/wallet/record/clr", data={"organization": other.slug, "csrf_token": token}
        )
        assert refused.status_code == 409
        assert 'role="alert"' in refused.text
        assert "no_credential_of_organization" in refused.text
        unknown = page.post(
            "/wallet/record/clr", data={"organization": "no-such-org", "csrf_token": token}
        )
        assert unknown.status_code == 404
        assert 'role="alert"' in unknown.text
        forged = page.post(
            "/wallet/record/clr", data={"organization": acme.slug, "csrf_token": "forged"}
        )
        assert forged.status_code == 403

    with browser(api_platform) as stranger:
        assert stranger.get("/wallet/record", follow_redirects=False).status_code == 303
        sign_in_page(stranger, api_platform, other_learner)
        theirs = stranger.get("/wallet/record")
        assert "Unit A" not in theirs.text
        assert "Bob&#39;s badge" in theirs.text
        assert f'<option value="{other.slug}">' in theirs.text
        assert f'<option value="{acme.slug}">' not in theirs.text
    with browser(api_platform) as newcomer:
        sign_in_page(newcomer, api_platform, fresh_email("new"))
        nothing = newcomer.get("/wallet/record")
        assert "A CLR is signed by an organisation that issued you credentials" in nothing.text
        assert "Skills (0)" in nothing.text
