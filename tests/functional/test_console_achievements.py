"""The console's achievement pages over HTTP, on SQLite and PostgreSQL: the form, the EU quality
checklist, the skill picker, image upload, roles and CSRF, and nothing stored on an error."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from sqlalchemy import func, select

from credstack.bootstrap import Platform
from credstack.store.achievements import AchievementRecord
from tests.functional.conftest import OPERATOR
from tests.functional.console import browser, csrf, make_member, sign_in

COMPLETE = {
    "name": "Data Analytics with Python",
    "description": "Analyse data with pandas.",
    "achievement_type": "MicroCredential",
    "criteria": "Pass the final project.",
    "language": "en",
    "learning_outcomes": "Clean a data set.\nExplain a model's limits.",
    "ects": "5",
    "hours": "125",
    "eqf_level": "6",
    "assessment": "Final project",
    "learning_mode": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
    "quality_assurance": "Internal quality assurance under the ESG 2015.",
    "quality_assurance_url": "https://uni.example/quality",
}
ESCO_COMPUTERS = "http://data.europa.eu/esco/skill/S5"
ONET_PROGRAMMING = "https://www.onetonline.org/find/descriptor/result/2.B.3.e"


def png() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _count(platform: Platform, org_slug: str) -> int:
    with platform.unit_of_work() as services:
        org = services.organizations.get(org_slug)
    with platform.sessions() as session:
        query = select(func.count()).select_from(AchievementRecord)
        return int(session.scalar(query.where(AchievementRecord.organization_id == org.id)) or 0)


def _fields(data: dict[str, str], skills: list[str] | None = None) -> dict[str, Any]:
    return {**data, "skills": skills or []}


def test_issuer_creates_an_eu_achievement_with_skills_and_an_image(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    with api_platform.unit_of_work() as services:
        services.organizations.update(OPERATOR, org.slug, {"country": "IE"})
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/achievements/new")
        assert form.status_code == 200
        assert "EU quality checklist" in form.text
        assert "O*NET 2.B.3.e: Programming" in form.text
        token = csrf(form)
        answer = client.post(
            "/console/achievements/new",
            data=_fields(
                {**COMPLETE, "eu_profile": "on", "action": "publish", "csrf_token": token},
                [ESCO_COMPUTERS, ONET_PROGRAMMING, "https://evil.example/not-listed"],
            ),
            files={"image_file": ("badge.png", png(), "image/png")},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        page = client.get(answer.headers["location"])
        assert "The achievement was published" in page.text
        assert 'id="achievement-status">published<' in page.text
        assert "Every mandatory element is there." in page.text
    with api_platform.unit_of_work() as services:
        record = services.achievements.list(org.slug)[0]
        document = services.achievements.get(record.id).document
    assert record.quality_profile == "eu-2022"
    assert [a["targetUrl"] for a in document["alignment"]] == [ESCO_COMPUTERS, ONET_PROGRAMMING]
    assert document["alignment"][0]["targetFramework"] == "ESCO"
    assert document["creditPoint"][0]["point"] == "5"
    assert document["volumeOfLearning"] == "PT125H"
    assert document["eqfLevel"] == "http://data.europa.eu/snb/eqf/6"
    assert document["image"]["id"].startswith("data:image/png;base64,")
    assert document["learningOutcome"][1]["title"] == "Explain a model's limits."


def test_checklist_shows_what_is_missing_and_publishing_without_it_stores_nothing(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "issuer")
    partial = {
        "name": "Teamwork",
        "description": "Works in a team.",
        "criteria": "Peers.",
        "eu_profile": "on",
    }
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/achievements/new"))
        checked = client.post(
            "/console/achievements/new",
            data={**partial, "action": "check", "csrf_token": token},
        )
        assert checked.status_code == 200
        assert "(checked now)" in checked.text
        assert 'class="missing" data-element="learning_outcomes"' in checked.text
        assert 'class="met" data-element="title"' in checked.text
        assert _count(api_platform, org.slug) == 0
        refused = client.post(
            "/console/achievements/new",
            data={**partial, "action": "publish", "csrf_token": token},
        )
        assert refused.status_code == 400
        assert "quality_profile_unmet" in refused.text
        assert 'value="Teamwork"' in refused.text
        bad_number = client.post(
            "/console/achievements/new",
            data={**partial, "ects": "five", "action": "save", "csrf_token": token},
        )
        assert bad_number.status_code == 400
        assert "ECTS credits must be a number" in bad_number.text
        assert "invalid_field" in bad_number.text
        assert 'value="five"' in bad_number.text
        not_an_image = client.post(
            "/console/achievements/new",
            data={**partial, "action": "save", "csrf_token": token},
            files={"image_file": ("badge.svg", b"<svg onload='x()'/>", "image/svg+xml")},
        )
        assert not_an_image.status_code == 400
        assert "unsupported_image" in not_an_image.text
        assert _count(api_platform, org.slug) == 0


def test_editing_keeps_what_the_form_does_not_show(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "issuer")
    with api_platform.unit_of_work() as services:
        view = services.achievements.create(
            OPERATOR,
            organization=org.slug,
            achievement={
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works in a team.",
                "criteria": {"narrative": "Peers."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Own framework",
                        "targetUrl": "https://frameworks.example/teamwork",
                    }
                ],
                "creditsAvailable": 2,
            },
        )
    path = f"/console/achievements/{view.record.id}"
    with browser(api_platform) as client:
        sign_in(client, member)
        page = client.get(path)
        assert "Also aligned (kept): Own framework" in page.text
        answer = client.post(
            path,
            data={
                "name": "Teamwork in practice",
                "description": "Works in a team.",
                "criteria": "Peers.",
                "skills": [ESCO_COMPUTERS],
                "action": "save",
                "csrf_token": csrf(page),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "The achievement was saved." in client.get(answer.headers["location"]).text
    with api_platform.unit_of_work() as services:
        document = services.achievements.get(view.record.id).document
    assert document["name"] == "Teamwork in practice"
    assert document["creditsAvailable"] == 2
    assert [a["targetUrl"] for a in document["alignment"]] == [
        "https://frameworks.example/teamwork",
        ESCO_COMPUTERS,
    ]


def test_an_assessor_sees_no_actions_and_may_not_post(
    api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    member = make_member(api_platform, org.slug, "assessor")
    with api_platform.unit_of_work() as services:
        theirs = services.achievements.create(
            OPERATOR,
            organization=other.slug,
            achievement={
                "type": ["Achievement"],
                "name": "Theirs",
                "description": "Theirs.",
                "criteria": {"narrative": "x"},
            },
        )
    with browser(api_platform) as client:
        sign_in(client, member)
        listing = client.get("/console/achievements")
        assert listing.status_code == 200
        assert "New achievement" not in listing.text
        form = client.get("/console/achievements/new")
        assert "Create draft" not in form.text
        refused = client.post(
            "/console/achievements/new",
            data={"name": "Sneaky", "criteria": "x", "action": "save", "csrf_token": csrf(form)},
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
        assert client.get(f"/console/achievements/{theirs.record.id}").status_code == 404
        without_token = client.post(
            "/console/achievements/new", data={"name": "Sneaky", "criteria": "x"}
        )
        assert without_token.status_code == 403
        assert "csrf_failed" in without_token.text
    assert _count(api_platform, org.slug) == 0


def test_live_checklist_answers_json_as_the_form_changes(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "issuer")
    partial = {"name": "Teamwork", "description": "Works in a team.", "criteria": "Peers."}
    with api_platform.unit_of_work() as services:
        view = services.achievements.create(
            OPERATOR,
            organization=org.slug,
            achievement={
                "type": ["Achievement"],
                **{k: v for k, v in partial.items() if k != "criteria"},
                "criteria": {"narrative": "Peers."},
            },
        )
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/achievements/new")
        assert 'data-checklist="/console/achievements/new/checklist"' in form.text
        token = csrf(form)

        def met(path: str, data: dict[str, str]) -> dict[str, bool]:
            answer = client.post(path, data={**data, "csrf_token": token})
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/json"
            return {e["id"]: e["met"] for e in answer.json()["elements"]}

        before = met("/console/achievements/new/checklist", partial)
        assert before["title"] is True
        assert before["learning_outcomes"] is False
        after = met("/console/achievements/new/checklist", COMPLETE)
        assert after["learning_outcomes"] is True
        assert after["workload"] is True
        whole = client.post(
            "/console/achievements/new/checklist", data={**COMPLETE, "csrf_token": token}
        ).json()
        # The same sentence as the page's, from the same function.
        page = client.post(
            "/console/achievements/new", data={**COMPLETE, "action": "check", "csrf_token": token}
        )
        assert f'id="checklist-summary" aria-live="polite">{whole["summary"]}' in page.text

        edited = met(f"/console/achievements/{view.record.id}/checklist", COMPLETE)
        assert edited == after

        bad = client.post(
            "/console/achievements/new/checklist",
            data={**partial, "ects": "five", "csrf_token": token},
        )
        assert bad.status_code == 400
        assert bad.json()["code"] == "invalid_field"
        assert "ECTS credits must be a number" in bad.json()["message"]
        forged = client.post("/console/achievements/new/checklist", data=partial)
        assert forged.status_code == 403
        assert "csrf_failed" in forged.text
    assert _count(api_platform, org.slug) == 1
