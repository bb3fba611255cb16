"""The assessment settings page over HTTP, on SQLite and PostgreSQL: an issuer sets the task,
a rubric of criteria and levels, the pass mark, the evidence accepted and the reviews needed,
and the API reads back what was saved; bad rubrics and policies come back on the form with
their codes and nothing stored; assessors read but may not save."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.errors import NotFound
from credstack.services.assessments import SettingsInput
from tests.functional.conftest import OPERATOR, token_for
from tests.functional.console import browser, csrf, make_member, published, sign_in

FORM = {
    "prompt": "Analyse the data set and write a report.",
    "c0_name": "Clarity",
    "c0_l0_name": "Unclear",
    "c0_l0_points": "0",
    "c0_l1_name": "Clear",
    "c0_l1_points": "2",
    "c0_l1_description": "A reader follows every step.",
    "c1_name": "Depth of analysis",
    "c1_id": "depth",
    "c1_description": "How far the analysis goes.",
    "c1_l0_name": "Shallow",
    "c1_l0_points": "1",
    "c1_l1_name": "Deep",
    "c1_l1_points": "3.5",
    # An empty row, as the page offers them: left out.
    "c2_name": "",
    "c2_l0_name": "",
    "c2_l0_points": "",
    "pass_threshold": "3",
    "reviews_required": "2",
    "evidence_url": "on",
    "file_types": "application/pdf, text/csv",
    "max_file_kb": "500",
    "max_items": "3",
}


def _settings(platform: Platform, slug: str, achievement: str) -> Any:
    with platform.unit_of_work() as services:
        try:
            row = services.assessments.settings(OPERATOR, slug, achievement)
        except NotFound:
            return None
        return (row.prompt, row.rubric, row.evidence_policy, row.reviews_required)


def test_an_issuer_sets_the_assessment_and_the_api_reads_it(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    path = f"/console/achievements/{achievement}/assessment"
    with browser(api_platform) as console:
        sign_in(console, member)
        assert f'href="{path}"' in console.get(f"/console/achievements/{achievement}").text
        empty = console.get(path)
        assert empty.status_code == 200
        assert 'id="not-assessed"' in empty.text
        saved = console.post(
            path, data={**FORM, "action": "save", "csrf_token": csrf(empty)}, follow_redirects=False
        )
        assert saved.status_code == 303, saved.text
        shown = console.get(saved.headers["location"])
        assert "The assessment settings were saved" in shown.text
        assert 'id="not-assessed"' not in shown.text
        assert 'name="c1_id" value="depth"' in shown.text
        assert 'name="c0_l1_id" value="clear"' in shown.text
        assert 'name="max_file_kb" value="500"' in shown.text
        assert "of 5.5 at most" in shown.text
    api = client.get(
        f"/orgs/{org.slug}/achievements/{achievement}/assessment",
        headers={"Authorization": f"Bearer {token_for(api_platform, org.slug, 'assessor')}"},
    ).json()
    assert api["reviewsRequired"] == 2
    assert api["rubric"]["passThreshold"] == "3"
    assert [c["id"] for c in api["rubric"]["criteria"]] == ["clarity", "depth"]
    assert api["rubric"]["criteria"][0]["levels"][1] == {
        "id": "clear",
        "name": "Clear",
        "points": "2",
        "description": "A reader follows every step.",
    }
    assert api["evidence"] == {
        "text": False,
        "url": True,
        "fileTypes": ["application/pdf", "text/csv"],
        "maxFileBytes": 500 * 1024,
        "maxItems": 3,
    }


def test_editing_keeps_the_stored_ids_and_more_rows_saves_nothing(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    rubric = {
        "passThreshold": 1,
        "criteria": [
            {"id": "c-1", "name": "Care", "levels": [{"id": "ok", "name": "OK", "points": 1}]}
        ],
    }
    with api_platform.unit_of_work() as services:
        services.assessments.configure(
            OPERATOR, org.slug, achievement, SettingsInput("Do it.", rubric, {})
        )
    before = _settings(api_platform, org.slug, achievement)
    member = make_member(api_platform, org.slug, "admin")
    path = f"/console/achievements/{achievement}/assessment"
    with browser(api_platform) as console:
        sign_in(console, member)
        page = console.get(path)
        token = csrf(page)
        fields = {
            "prompt": "Do it well.",
            "c0_id": "c-1",
            "c0_name": "Care and attention",
            "c0_l0_id": "ok",
            "c0_l0_name": "Fine",
            "c0_l0_points": "1",
            "pass_threshold": "1",
            "evidence_text": "on",
            "max_items": "5",
        }
        more = console.post(path, data={**fields, "action": "more", "csrf_token": token})
        assert more.status_code == 200
        assert 'name="c0_l2_name"' in more.text  # two empty levels to fill in
        assert 'value="Care and attention"' in more.text
        assert _settings(api_platform, org.slug, achievement) == before
        saved = console.post(
            path, data={**fields, "action": "save", "csrf_token": token}, follow_redirects=False
        )
        assert saved.status_code == 303
    prompt, stored, _, _ = _settings(api_platform, org.slug, achievement)
    assert prompt == "Do it well."
    assert stored["criteria"] == [
        {
            "id": "c-1",
            "name": "Care and attention",
            "levels": [{"id": "ok", "name": "Fine", "points": "1"}],
        }
    ]


def test_bad_settings_come_back_on_the_form_with_their_codes(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    path = f"/console/achievements/{achievement}/assessment"
    with browser(api_platform) as console:
        sign_in(console, member)
        token = csrf(console.get(path))
        for change, code, sentence in [
            ({"pass_threshold": "9"}, "invalid_rubric", "The pass mark 9 is above the 5.5"),
            ({"c1_l1_points": "lots"}, "invalid_rubric", "Criterion 2, level 2&#39;s points"),
            ({"c1_id": "no spaces"}, "invalid_rubric", "Criterion 2&#39;s id"),
            ({"c1_id": "clarity"}, "invalid_rubric", "Criterion ids must differ."),
            ({"prompt": "  "}, "invalid_prompt", "The assignment prompt"),
            ({"reviews_required": "3"}, "invalid_reviews", "reviewsRequired is 1, or 2"),
            ({"evidence_url": "", "file_types": ""}, "invalid_evidence_policy", "must accept"),
            ({"max_file_kb": ""}, "invalid_evidence_policy", "maxFileBytes above 0"),
            ({"max_items": "many"}, "invalid_field", "must be a whole number"),
            ({"file_types": "pdf"}, "invalid_evidence_policy", "fileTypes is a list"),
        ]:
            answer = console.post(
                path, data={**FORM, **change, "action": "save", "csrf_token": token}
            )
            assert answer.status_code == 400, (change, answer.text)
            assert f"<code>{code}</code>" in answer.text, change
            assert sentence in answer.text, (change, answer.text.split('role="alert"')[1][:300])
            assert 'value="Depth of analysis"' in answer.text  # what was typed comes back
        nothing = console.post(
            path,
            data={"prompt": "Do.", "pass_threshold": "1", "action": "save", "csrf_token": token},
        )
        assert nothing.status_code == 400
        assert "invalid_rubric" in nothing.text
    assert _settings(api_platform, org.slug, achievement) is None


def test_an_assessor_reads_but_may_not_save(api_platform: Platform, make_org: Any) -> None:
    org, other = make_org(), make_org()
    achievement = published(api_platform, org.slug)
    theirs = published(api_platform, other.slug)
    member = make_member(api_platform, org.slug, "assessor")
    path = f"/console/achievements/{achievement}/assessment"
    with browser(api_platform) as console:
        sign_in(console, member)
        page = console.get(path)
        assert page.status_code == 200
        assert "Save the assessment" not in page.text
        refused = console.post(path, data={**FORM, "action": "save", "csrf_token": csrf(page)})
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
        assert console.get(f"/console/achievements/{theirs}/assessment").status_code == 404
        forged = console.post(path, data={**FORM, "action": "save"})
        assert forged.status_code == 403
        assert "csrf_failed" in forged.text
    assert _settings(api_platform, org.slug, achievement) is None
