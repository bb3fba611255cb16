"""The limit per client address on wallet sign-in links, over HTTP on SQLite and PostgreSQL:
20 links per address per 15 minutes through the API and the wallet page together, then 429
with a stable code and Retry-After, the same answer whether the email has an account or not;
another address is not limited by it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from credstack.app import create_app
from credstack.bootstrap import Platform, build
from tests.functional.wallet import fresh_email, page_token, sign_in

LIMIT = 20


@pytest.fixture
def limited(api_platform: Platform) -> Iterator[Platform]:
    """The session's database behind the default limit per address."""
    platform = build(api_platform.settings.model_copy(update={"sign_in_client_limit": LIMIT}))
    yield platform
    platform.close()


def client_at(platform: Platform, address: str) -> TestClient:
    return TestClient(
        create_app(platform=platform),
        base_url="https://testserver",
        raise_server_exceptions=False,
        client=(address, 50000),
    )


def test_links_per_client_address_are_limited(limited: Platform, client: TestClient) -> None:
    known = fresh_email("known")
    sign_in(client, limited, known)  # an account exists for this one
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    with client_at(limited, address) as office, client_at(limited, "203.0.113.9") as other:
        answers = [
            office.post("/wallet/sign-in", json={"email": known if n % 5 == 0 else fresh_email()})
            for n in range(LIMIT - 1)
        ]
        assert {a.status_code for a in answers} == {202}
        assert len({a.text for a in answers}) == 1  # the same answer, known address or not
        form = office.get("/wallet")
        page = office.post(
            "/wallet/link", data={"email": fresh_email(), "csrf_token": page_token(form.text)}
        )
        assert page.status_code == 200, page.text  # the page counts too: the 20th

        refused = [
            office.post("/wallet/sign-in", json={"email": email})
            for email in (known, fresh_email("unknown"))
        ]
        for answer in refused:
            assert answer.status_code == 429, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["code"] == "too_many_links_from_address"
            assert 1 <= int(answer.headers["Retry-After"]) <= 15 * 60 + 1
        assert refused[0].json()["detail"] == refused[1].json()["detail"]
        form = office.get("/wallet")
        page = office.post(
            "/wallet/link", data={"email": known, "csrf_token": page_token(form.text)}
        )
        assert page.status_code == 429
        assert 1 <= int(page.headers["Retry-After"]) <= 15 * 60 + 1
        assert "too_many_links_from_address" in page.text
        # Another address is not limited by this one's requests.
        assert other.post("/wallet/sign-in", json={"email": fresh_email()}).status_code == 202
        # Bad input is refused before it is counted, as before.
        bad = office.post("/wallet/sign-in", json={"email": "not an address"})
        assert bad.status_code in (400, 422)
