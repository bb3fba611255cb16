"""The wallet pages on SQLite and PostgreSQL: a learner asks for a link, opens it from the
outbox, confirms with the button, sees the credentials issued to them, and signs out."""

from __future__ import annotations

import json
import re
import uuid

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.proofs.keys import generate_key
from tests.functional.conftest import token_for
from tests.functional.console import browser
from tests.functional.test_api_assessment import achievement
from tests.functional.test_api_wallet_flow import issue_to
from tests.functional.test_api_wallet_sharing import credential
from tests.functional.wallet import bearer, fresh_email, last_token, mailbox, sign_in

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(page: str) -> str:
    found = _CSRF.search(page)
    assert found is not None, page
    return found.group(1)


def _sign_in(client: TestClient, platform: Platform, address: str) -> None:
    form = client.get("/wallet")
    assert form.status_code == 200
    assert 'action="/wallet/link"' in form.text
    sent = client.post("/wallet/link", data={"email": address, "csrf_token": _csrf(form.text)})
    assert sent.status_code == 200, sent.text
    assert "Check your email" in sent.text
    token = last_token(platform, address)
    # The mailed link opens a page with a button: following the link alone signs nobody in.
    opened = client.get(f"/wallet/sign-in/complete?token={token}")
    assert opened.status_code == 200
    assert f'value="{token}"' in opened.text
    assert "credstack_wallet=" not in opened.headers.get("set-cookie", "")
    done = client.post(
        "/wallet/session",
        data={"token": token, "csrf_token": _csrf(opened.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/wallet"
    cookie = done.headers["set-cookie"]
    assert "credstack_wallet=csw_" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()


def test_a_learner_signs_in_by_link_and_sees_their_credentials(
    client: TestClient, api_platform: Platform, make_org: object
) -> None:
    org = make_org()  # type: ignore[operator]
    address = fresh_email()
    secret = token_for(api_platform, org.slug)
    issued = issue_to(client, org.slug, secret, achievement(client, org.slug, secret), address)
    record_id = issued.rstrip("/").rsplit("/", 1)[-1]
    with browser(api_platform) as page:
        _walk_through(page, api_platform, address, record_id)


def _walk_through(client: TestClient, api_platform: Platform, address: str, record_id: str) -> None:
    _sign_in(client, api_platform, address)
    wallet = client.get("/wallet")
    assert wallet.status_code == 200
    assert f"Signed in as {address}" in wallet.text
    assert "Credentials (1)" in wallet.text
    assert f'href="/credentials/{record_id}"' in wallet.text
    assert wallet.headers["cache-control"] == "no-store"

    # The link was single use.
    token = last_token(api_platform, address)
    again = client.get(f"/wallet/sign-in/complete?token={token}")
    reused = client.post("/wallet/session", data={"token": token, "csrf_token": _csrf(again.text)})
    assert reused.status_code in (400, 401, 410), reused.text
    assert "Error code" in reused.text

    left = client.post(
        "/wallet/leave", data={"csrf_token": _csrf(wallet.text)}, follow_redirects=False
    )
    assert left.status_code == 303
    assert "credstack_wallet=" in left.headers["set-cookie"]
    client.cookies.delete("credstack_wallet")
    assert 'action="/wallet/link"' in client.get("/wallet").text


def test_forms_without_the_token_change_nothing(api_platform: Platform) -> None:
    address = fresh_email()
    with browser(api_platform) as client:
        client.get("/wallet")
        refused = client.post("/wallet/link", data={"email": address, "csrf_token": "forged"})
    assert refused.status_code == 403
    assert "csrf_failed" in refused.text
    assert mailbox(api_platform, address) == []


def test_a_bad_address_is_shown_in_the_form(api_platform: Platform) -> None:
    with browser(api_platform) as client:
        form = client.get("/wallet")
        refused = client.post(
            "/wallet/link", data={"email": "not-an-address", "csrf_token": _csrf(form.text)}
        )
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text
    assert 'value="not-an-address"' in refused.text


def test_a_stale_cookie_shows_the_sign_in_form(api_platform: Platform) -> None:
    with browser(api_platform) as client:
        client.cookies.set("credstack_wallet", "csw_" + "x" * 43)
        page = client.get("/wallet")
    assert page.status_code == 200
    assert 'action="/wallet/link"' in page.text


def test_a_second_address_is_confirmed_from_its_mailed_link(
    client: TestClient, api_platform: Platform
) -> None:
    first, second = fresh_email("first"), fresh_email("second")
    session = sign_in(client, api_platform, first)
    added = client.post("/wallet/emails", json={"email": second}, headers=bearer(session))
    assert added.status_code == 202, added.text
    token = last_token(api_platform, second)
    with browser(api_platform) as page:
        opened = page.get(f"/wallet/emails/confirm?token={token}")
        assert opened.status_code == 200
        assert 'action="/wallet/address"' in opened.text
        done = page.post("/wallet/address", data={"token": token, "csrf_token": _csrf(opened.text)})
    assert done.status_code == 200, done.text
    assert f"{second}</strong> is confirmed" in done.text
    listed = client.get("/wallet/emails", headers=bearer(session)).json()
    assert {(e["email"], e["confirmed"]) for e in listed} == {(first, True), (second, True)}


def test_share_download_and_verify_a_shared_link(
    client: TestClient, api_platform: Platform, make_org: object
) -> None:
    org = make_org()  # type: ignore[operator]
    address = fresh_email()
    secret = token_for(api_platform, org.slug)
    issue_to(client, org.slug, secret, achievement(client, org.slug, secret), address)
    with browser(api_platform) as page:
        _sign_in(page, api_platform, address)
        wallet = page.get("/wallet")
        found = re.search(r'name="credential" value="([^"]+)"', wallet.text)
        assert found is not None, wallet.text
        entry = found.group(1)

        downloaded = page.get(f"/wallet/download/{entry}")
        assert downloaded.status_code == 200
        assert downloaded.headers["content-disposition"].startswith("attachment;")
        as_issued = downloaded.text

        shared = page.post(
            "/wallet/share",
            data={"credential": entry, "days": "7", "csrf_token": _csrf(wallet.text)},
        )
        assert shared.status_code == 200, shared.text
        link = re.search(r'id="share-link" type="url" readonly value="([^"]+)"', shared.text)
        assert link is not None, shared.text
        assert "https://www.linkedin.com/profile/add?" in shared.text
        assert 'src="data:image/svg+xml;base64,' in shared.text

        refused = page.post(
            "/wallet/share",
            data={"credential": str(uuid.uuid4()), "csrf_token": _csrf(wallet.text)},
        )
        assert refused.status_code == 404
    # Without the learner's session, the download is not theirs to take.
    with browser(api_platform) as stranger:
        away = stranger.get(f"/wallet/download/{entry}", follow_redirects=False)
        assert away.status_code == 303

    url = link.group(1)
    assert client.get(url.replace("https://badges.example.edu", "") + "/credentials/0").text == (
        as_issued
    )
    verified = client.get("/verify", params={"url": f"{url}/credentials/0"})
    assert verified.status_code == 200
    assert "Valid:" in verified.text
    share_page = client.get(
        url.replace("https://badges.example.edu", ""), headers={"Accept": "text/html"}
    )
    assert "verify it here" in share_page.text
    missing = client.get("/verify", params={"url": f"{url}/credentials/5"})
    assert missing.status_code == 404


def test_import_by_paste_and_file_and_a_refusal(api_platform: Platform) -> None:
    address = fresh_email()
    text = credential(generate_key("ed25519"), address)
    tampered = json.loads(text)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    with browser(api_platform) as page:
        _sign_in(page, api_platform, address)
        token = _csrf(page.get("/wallet").text)

        refused = page.post(
            "/wallet/import", data={"credential": json.dumps(tampered), "csrf_token": token}
        )
        assert refused.status_code == 400, refused.text
        assert 'role="alert"' in refused.text
        assert "verification_failed" in refused.text
        assert "Credentials (0)" in refused.text

        empty = page.post("/wallet/import", data={"csrf_token": token})
        assert empty.status_code == 400
        assert "nothing_to_import" in empty.text

        pasted = page.post("/wallet/import", data={"credential": text, "csrf_token": token})
        assert pasted.status_code == 200, pasted.text
        assert "Imported and verified." in pasted.text
        assert "Credentials (1)" in pasted.text
        assert "Imported into this wallet." in pasted.text

        again = page.post(
            "/wallet/import",
            data={"csrf_token": token},
            files={"file": ("badge.json", text.encode(), "application/json")},
        )
        assert again.status_code == 200, again.text
        assert "That credential is already here." in again.text
        assert "Credentials (1)" in again.text
