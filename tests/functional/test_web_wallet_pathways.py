"""Pathway progress in the wallet, on SQLite and PostgreSQL: GET /wallet/pathways and the
progress bars of the wallet page, for a learner halfway, one who completed, and a stranger who
sees neither."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from tests.functional.conftest import token_for
from tests.functional.console import browser
from tests.functional.test_api_pathways import achievement, bearer
from tests.functional.test_api_wallet_emails import add_and_confirm
from tests.functional.wallet import fresh_email, sign_in, sign_in_page


def _issue(client: TestClient, slug: str, secret: str, achievement_id: str, to: str) -> str:
    issued = client.post(
        f"/orgs/{slug}/credentials",
        json={"achievementId": achievement_id, "recipient": to},
        headers=bearer(secret),
    )
    assert issued.status_code == 201, issued.text
    return str(issued.headers["location"]).rsplit("/", 1)[-1]


def _pathway(client: TestClient, slug: str, secret: str) -> tuple[str, str, str, str]:
    a = achievement(client, slug, secret, "Unit A")
    b = achievement(client, slug, secret, "Unit B")
    cert = achievement(client, slug, secret, "Certificate")
    body: dict[str, Any] = {
        "name": "Certificate pathway",
        "achievementId": cert,
        "requirements": {
            "type": "allOf",
            "requirements": [
                {"type": "achievement", "achievement": a},
                {"type": "achievement", "achievement": b},
            ],
        },
    }
    created = client.post(f"/orgs/{slug}/pathways", json=body, headers=bearer(secret))
    assert created.status_code == 201, created.text
    return str(created.json()["id"]), a, b, cert


def _bar(page: str) -> int:
    found = re.search(r'<progress id="pathway-bar-1" max="100" value="(\d+)">', page)
    assert found is not None, page
    return int(found.group(1))


def test_progress_json_and_bars_halfway_then_complete(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    pathway, a, b, cert = _pathway(client, org.slug, secret)
    learner, done, stranger = fresh_email("half"), fresh_email("done"), fresh_email("none")
    _issue(client, org.slug, secret, a, learner)
    _issue(client, org.slug, secret, a, done)
    _issue(client, org.slug, secret, b, done)

    assert client.get("/wallet/pathways").status_code == 401
    mine = client.get("/wallet/pathways", headers=bearer(sign_in(client, api_platform, learner)))
    assert mine.status_code == 200, mine.text
    [half] = mine.json()
    assert (half["id"], half["name"], half["organization"]) == (
        pathway,
        "Certificate pathway",
        f"Org {org.slug}",
    )
    assert (half["achievement"], half["achievementName"]) == (cert, "Certificate")
    assert (half["learner"], half["met"], half["percent"], half["award"]) == (
        learner,
        False,
        50,
        None,
    )
    assert half["steps"] == [
        {"name": "Unit A", "done": True, "achievement": a},
        {"name": "Unit B", "done": False, "achievement": b},
    ]
    assert half["remaining"] == [f"a credential of {b}"]

    # Another learner's award is theirs alone; a learner with no credential follows nothing.
    theirs = client.get("/wallet/pathways", headers=bearer(sign_in(client, api_platform, done)))
    [full] = theirs.json()
    assert (full["learner"], full["met"], full["percent"]) == (done, True, 100)
    assert full["award"]["status"] == "awarded"
    none = client.get("/wallet/pathways", headers=bearer(sign_in(client, api_platform, stranger)))
    assert none.json() == []

    with browser(api_platform) as page:
        sign_in_page(page, api_platform, learner)
        wallet = page.get("/wallet")
        assert _bar(wallet.text) == 50
        assert "50% complete" in wallet.text
        assert re.search(r'<ul class="steps left"><li>Unit B', wallet.text), wallet.text
        assert "Completed" not in wallet.text

        stacked = _issue(client, org.slug, secret, b, learner)
        wallet = page.get("/wallet")
        assert _bar(wallet.text) == 100
        assert "Completed" in wallet.text
        award = page.get("/wallet/pathways")  # the page's cookie is not a bearer token
        assert award.status_code == 401
    listed = client.get("/wallet/pathways", headers=bearer(sign_in(client, api_platform, learner)))
    [complete] = listed.json()
    assert complete["award"]["status"] == "awarded"
    assert complete["award"]["credential"] != stacked
    assert f'href="/credentials/{complete["award"]["credential"]}"' in wallet.text

    # An archived pathway leaves the wallet.
    archived = client.post(f"/orgs/{org.slug}/pathways/{pathway}/archive", headers=bearer(secret))
    assert archived.status_code == 200, archived.text
    listed = client.get("/wallet/pathways", headers=bearer(sign_in(client, api_platform, learner)))
    assert listed.json() == []


def test_addresses_and_other_organisations_pathways(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org, partner, unrelated = make_org(), make_org(), make_org()
    secret = token_for(api_platform, org.slug)
    partner_secret = token_for(api_platform, partner.slug)
    pathway, a, b, _ = _pathway(client, org.slug, secret)
    _pathway(client, unrelated.slug, token_for(api_platform, unrelated.slug))
    # The partner's pathway counts the first organisation's unit A (a trusted issuer).
    capstone = achievement(client, partner.slug, partner_secret, "Capstone")
    joint = achievement(client, partner.slug, partner_secret, "Joint diploma")
    body = {
        "name": "Joint pathway",
        "achievementId": joint,
        "trustedIssuers": [org.issuer_did],
        "requirements": {
            "type": "allOf",
            "requirements": [
                {"type": "achievement", "achievement": a, "issuer": org.issuer_did},
                {"type": "achievement", "achievement": capstone},
            ],
        },
    }
    created = client.post(
        f"/orgs/{partner.slug}/pathways", json=body, headers=bearer(partner_secret)
    )
    assert created.status_code == 201, created.text

    home, work = fresh_email("home"), fresh_email("work")
    _issue(client, org.slug, secret, a, home)
    _issue(client, org.slug, secret, a, work)
    _issue(client, org.slug, secret, b, work)
    session = sign_in(client, api_platform, home)
    listed = client.get("/wallet/pathways", headers=bearer(session)).json()
    assert [(p["id"], p["learner"], p["percent"]) for p in listed] == [
        (pathway, home, 50),
        (created.json()["id"], home, 50),
    ]
    assert listed[1]["organization"] == f"Org {partner.slug}"
    assert listed[1]["steps"] == [
        {"name": "Unit A", "done": True, "achievement": a},
        {"name": "Capstone", "done": False, "achievement": capstone},
    ]

    # Once the work address is confirmed, the pathway shows for the address furthest along.
    add_and_confirm(client, api_platform, session, work)
    listed = client.get("/wallet/pathways", headers=bearer(session)).json()
    assert [(p["learner"], p["percent"], p["award"] is not None) for p in listed] == [
        (work, 100, True),
        (home, 50, False),
    ]
