"""The pathways editor over HTTP, on SQLite and PostgreSQL: build a tree from components, see
its picture, save it; JSON errors, cycles and roles are refused with nothing stored."""

from __future__ import annotations

import json
from typing import Any

from credstack.bootstrap import Platform
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
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


def _flagged_world(platform: Platform, slug: str) -> tuple[str, list[str]]:
    """A review-policy pathway with two learners' awards, both flagged: their component
    credentials are revoked. Returns the pathway's id and the stacked credentials' ids."""
    unit = published(platform, slug, "Unit")
    certificate = published(platform, slug, "Certificate")
    with platform.unit_of_work() as services:
        record = services.pathways.create(
            OPERATOR,
            slug,
            PathwayInput(
                name="Reviewed path",
                achievement_id=certificate,
                requirements={"type": "achievement", "achievement": _public_id(platform, unit)},
                revocation_policy="review",
            ),
        )
        components = [
            services.credentials.issue(
                OPERATOR, slug, IssueRequest(recipient=learner, achievement_id=unit)
            )
            for learner in ("ada@example.org", "bob@example.org")
        ]
        stacked = [
            str(a.credential_id) for a in services.pathways.awards(OPERATOR, slug, record.id)
        ]
        for component in components:
            services.credentials.revoke(OPERATOR, slug, component.id, "issued in error")
    return str(record.id), stacked


def _awards(platform: Platform, slug: str, pathway: str) -> dict[str, tuple[str, str | None]]:
    with platform.unit_of_work() as services:
        return {
            a.learner: (a.status, a.note) for a in services.pathways.awards(OPERATOR, slug, pathway)
        }


def test_awards_are_listed_and_flagged_ones_kept_or_revoked(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    pathway, stacked = _flagged_world(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    path = f"/console/pathways/{pathway}"
    with browser(api_platform) as client:
        sign_in(client, member)
        page = client.get(path)
        assert page.status_code == 200
        awards = page.text.split('id="award-list"')[1].split("</table>")[0]
        assert "ada@example.org" in awards
        assert "bob@example.org" in awards
        assert f'href="/console/credentials/{stacked[0]}"' in awards
        flagged = page.text.split('id="flagged-awards"')[1].split("</table>")[0]
        assert flagged.count('name="decision" value="keep"') == 2
        with api_platform.unit_of_work() as services:
            ada, bob = sorted(
                services.pathways.awards(OPERATOR, org.slug, pathway), key=lambda a: a.learner
            )
        token = csrf(page)
        wrong = client.post(
            f"{path}/awards/{ada.id}", data={"decision": "maybe", "csrf_token": token}
        )
        assert wrong.status_code == 400
        assert "invalid_decision" in wrong.text
        kept = client.post(
            f"{path}/awards/{ada.id}",
            data={
                "decision": "keep",
                "note": "Replaced by an equivalent unit.",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert kept.status_code == 303
        assert "The award was kept" in client.get(kept.headers["location"]).text
        revoked = client.post(
            f"{path}/awards/{bob.id}",
            data={"decision": "revoke", "note": "Component withdrawn.", "csrf_token": token},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        again = client.post(
            f"{path}/awards/{ada.id}", data={"decision": "revoke", "csrf_token": token}
        )
        assert again.status_code == 409
        assert "award_not_in_review" in again.text
        only_revoked = client.get(f"{path}?awards=revoked")
        listed = only_revoked.text.split('id="award-list"')[1].split("</table>")[0]
        assert "bob@example.org" in listed
        assert "ada@example.org" not in listed
        assert "No award is waiting for review." in only_revoked.text
    after = _awards(api_platform, org.slug, pathway)
    assert after["ada@example.org"] == ("awarded", "Replaced by an equivalent unit.")
    assert after["bob@example.org"][0] == "revoked"
    with api_platform.unit_of_work() as services:
        assert services.credentials.get(stacked[0]).status == "active"
        revoked_credential = services.credentials.get(stacked[1])
        assert (revoked_credential.status, revoked_credential.reason) == (
            "revoked",
            "Component withdrawn.",
        )


def test_an_assessor_sees_awards_but_may_not_resolve(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    pathway, _ = _flagged_world(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "assessor")
    before = _awards(api_platform, org.slug, pathway)
    with api_platform.unit_of_work() as services:
        award = services.pathways.awards(OPERATOR, org.slug, pathway)[0]
    with browser(api_platform) as client:
        sign_in(client, member)
        page = client.get(f"/console/pathways/{pathway}")
        assert "ada@example.org" in page.text
        assert 'value="keep"' not in page.text
        refused = client.post(
            f"/console/pathways/{pathway}/awards/{award.id}",
            data={"decision": "keep", "csrf_token": csrf(page)},
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
    assert _awards(api_platform, org.slug, pathway) == before
