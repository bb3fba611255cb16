"""The wallet's share links page and the files of a credential card, on SQLite and PostgreSQL:
the learner lists their links, revokes one (the link stops working, the other keeps working),
another learner cannot revoke it, a forged form changes nothing; the baked PNG and SVG linked
from the card carry the credential exactly as issued."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.formats.baked import extract_credential
from tests.functional.conftest import BASE_URL, token_for
from tests.functional.console import browser
from tests.functional.test_api_assessment import achievement
from tests.functional.test_api_wallet_flow import issue_to
from tests.functional.wallet import fresh_email, page_token, sign_in_page

_REVOKE = re.compile(r'action="/wallet/links/([0-9a-f-]+)/revoke"')


def _share(page: TestClient, entry: str, days: int) -> str:
    wallet = page.get("/wallet")
    shared = page.post(
        "/wallet/share",
        data={"credential": entry, "days": str(days), "csrf_token": page_token(wallet.text)},
    )
    assert shared.status_code == 200, shared.text
    found = re.search(r'id="share-link" type="url" readonly value="([^"]+)"', shared.text)
    assert found is not None, shared.text
    return found.group(1).removeprefix(BASE_URL)


def test_list_and_revoke_share_links(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    alice, bob = fresh_email("alice"), fresh_email("bob")
    secret = token_for(api_platform, org.slug)
    issue_to(client, org.slug, secret, achievement(client, org.slug, secret), alice)
    with browser(api_platform) as page, browser(api_platform) as other:
        sign_in_page(page, api_platform, alice)
        empty = page.get("/wallet/links")
        assert empty.status_code == 200
        assert "No share links yet." in empty.text
        found = re.search(r'name="credential" value="([^"]+)"', page.get("/wallet").text)
        assert found is not None
        lasting = _share(page, found.group(1), 0)
        weekly = _share(page, found.group(1), 7)

        listed = page.get("/wallet/links")
        assert listed.status_code == 200
        assert listed.headers["cache-control"] == "no-store"
        assert listed.text.count("Shows: Teamwork") == 2
        assert "works until you revoke it" in listed.text
        assert "works until" in listed.text.replace("works until you revoke it", "")
        ids = _REVOKE.findall(listed.text)
        assert len(ids) == 2
        newest, oldest = ids  # newest first: the weekly link, then the lasting one

        # Another learner cannot revoke Alice's link, nor can a forged form.
        sign_in_page(other, api_platform, bob)
        refused = other.post(
            f"/wallet/links/{oldest}/revoke",
            data={"csrf_token": page_token(other.get("/wallet").text)},
        )
        assert refused.status_code == 404
        assert "share_not_found" in refused.text
        forged = page.post(f"/wallet/links/{oldest}/revoke", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        assert client.get(lasting).status_code == 200

        revoked = page.post(
            f"/wallet/links/{oldest}/revoke", data={"csrf_token": page_token(listed.text)}
        )
        assert revoked.status_code == 200, revoked.text
        assert "The link is revoked" in revoked.text
        assert "Revoked" in revoked.text
        assert _REVOKE.findall(revoked.text) == [newest]
        gone = client.get(lasting, headers={"Accept": "application/json"})
        assert (gone.status_code, gone.json()["code"]) == (410, "share_revoked")
        assert client.get(weekly).status_code == 200

        bad = page.post(
            "/wallet/links/not-a-uuid/revoke", data={"csrf_token": page_token(listed.text)}
        )
        assert bad.status_code == 404
        assert 'role="alert"' in bad.text

    with browser(api_platform) as stranger:
        away = stranger.get("/wallet/links", follow_redirects=False)
        assert away.status_code == 303


def test_card_downloads_carry_the_credential(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    address = fresh_email()
    secret = token_for(api_platform, org.slug)
    issue_to(client, org.slug, secret, achievement(client, org.slug, secret), address)
    with browser(api_platform) as page:
        sign_in_page(page, api_platform, address)
        wallet = page.get("/wallet").text
        entry = re.search(r'name="credential" value="([^"]+)"', wallet)
        assert entry is not None
        as_issued = page.get(f"/wallet/download/{entry.group(1)}").text
        for kind, media_type in (("png", "image/png"), ("svg", "image/svg+xml")):
            link = f"/credentials/{entry.group(1)}/badge.{kind}"
            assert f'href="{link}" download' in wallet
            image = page.get(link)
            assert image.status_code == 200, image.text
            assert image.headers["content-type"].startswith(media_type)
            assert extract_credential(image.content) == as_issued
        assert f'href="/credentials/{entry.group(1)}/certificate.pdf"' in wallet
        assert page.get(f"/credentials/{entry.group(1)}/certificate.pdf").content.startswith(
            b"%PDF"
        )
