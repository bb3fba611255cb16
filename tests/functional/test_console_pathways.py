"""The pathways editor over HTTP, on SQLite and PostgreSQL: build a tree from components, see
its picture, save it; JSON errors, cycles and roles are refused with nothing stored."""

from __future__ import annotations

import json
from typing import Any

from credstack.bootstrap import Platform
from tests.functional.conftest import OPERATOR
from tests.functional.console import browser, csrf, make_member, published, sign_in


def _public_id(platform: Platform, achievement: str) -> str:
    with platform.unit_of_work() as services:
        return services.achievements.get(achievement).record.public_id


def _pathways(platform: Platform, slug: str) -> list[Any]:
    with platform.unit_of_work() as services:
        return services.pathways.list(OPERATOR, slug)


def test_build_show_and_save_a_pathway(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    unit_a = published(api_platform, org.slug, "Unit A")
    unit_b = published(api_platform, org.slug, "Unit B")
    certificate = published(api_platform, org.slug, "Certificate")
    member = make_member(api_platform, org.slug, "issuer")
    fields = {
        "name": "Certificate path",
        "achievement_id": certificate,
        "components": [_public_id(api_platform, unit_a), _public_id(api_platform, unit_b)],
        "needed": "1",
        "revocation_policy": "review",
    }
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/pathways/new")
        token = csrf(form)
        shown = client.post(
            "/console/pathways/new", data={**fields, "action": "check", "csrf_token": token}
        )
        assert shown.status_code == 200
        tree = shown.text.split('id="pathway-tree">')[1].split("</aside>")[0]
        assert "1 of" in tree
        assert "A credential of</span> Unit A" in tree
        assert _pathways(api_platform, org.slug) == []
        saved = client.post(
            "/console/pathways/new",
            data={**fields, "action": "save", "csrf_token": token},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        page = client.get(saved.headers["location"])
        assert "The pathway was saved." in page.text
        assert "A credential of</span> Unit B" in page.text
    (record,) = _pathways(api_platform, org.slug)
    assert record.requirements["type"] == "nOf"
    assert record.revocation_policy == "review"


def test_bad_trees_and_cycles_are_refused_with_nothing_stored(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    certificate = published(api_platform, org.slug, "Certificate")
    member = make_member(api_platform, org.slug, "issuer")
    own = {"type": "achievement", "achievement": _public_id(api_platform, certificate)}
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/pathways/new"))
        base = {"name": "Loop", "achievement_id": certificate, "csrf_token": token}
        for requirements, code in [
            ("{not json", "invalid_json"),
            ('{"type": "sometimes"}', "invalid_requirements"),
            ("", "missing_requirements"),
            (json.dumps(own), "pathway_cycle"),
        ]:
            answer = client.post(
                "/console/pathways/new",
                data={**base, "requirements": requirements, "action": "save"},
            )
            assert answer.status_code in (400, 409), answer.text
            assert code in answer.text
            assert 'value="Loop"' in answer.text
    assert _pathways(api_platform, org.slug) == []


def test_an_assessor_reads_but_may_not_save(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    certificate = published(api_platform, org.slug, "Certificate")
    unit = published(api_platform, org.slug, "Unit")
    member = make_member(api_platform, org.slug, "assessor")
    with browser(api_platform) as client:
        sign_in(client, member)
        listing = client.get("/console/pathways")
        assert listing.status_code == 200
        assert "New pathway" not in listing.text
        refused = client.post(
            "/console/pathways/new",
            data={
                "name": "Sneaky",
                "achievement_id": certificate,
                "components": [_public_id(api_platform, unit)],
                "action": "save",
                "csrf_token": csrf(listing),
            },
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
    assert _pathways(api_platform, org.slug) == []
