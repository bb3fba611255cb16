"""Helpers of the wallet tests: read the outbox as a mailbox, sign a learner in through it."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.services.actors import Actor

OPERATOR = Actor.operator("test")
_LINK = re.compile(r"https?://\S+[?&]token=([A-Za-z0-9_-]+)")
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fresh_email(name: str = "learner") -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.org"


def mailbox(platform: Platform, address: str) -> list[tuple[str, str, str]]:
    """The messages to ``address`` in the outbox, oldest first: (subject, body, status)."""
    with platform.unit_of_work() as services:
        messages = services.mail.outbox(OPERATOR, recipient=address, limit=100)
        return [(m.subject, m.body or "", m.status) for m in reversed(messages)]


def last_token(platform: Platform, address: str) -> str:
    """The token of the newest link mailed to ``address``."""
    messages = mailbox(platform, address)
    assert messages, f"no message to {address}"
    found = _LINK.search(messages[-1][1])
    assert found is not None, messages[-1][1]
    return found.group(1)


def sign_in(client: TestClient, platform: Platform, address: str) -> str:
    """Sign ``address`` in through its mailed link; the session's bearer token."""
    asked = client.post("/wallet/sign-in", json={"email": address})
    assert asked.status_code == 202, asked.text
    done = client.post("/wallet/sign-in/complete", json={"token": last_token(platform, address)})
    assert done.status_code == 200, done.text
    token: str = done.json()["accessToken"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def page_token(text: str) -> str:
    """The CSRF token of the first form of a wallet page."""
    found = _FORM_TOKEN.search(text)
    assert found is not None, text
    return found.group(1)


def sign_in_page(client: TestClient, platform: Platform, address: str) -> None:
    """Sign ``address`` in through the wallet pages (the form, the mailed link, the button);
    the session cookie stays in ``client``."""
    form = client.get("/wallet")
    sent = client.post("/wallet/link", data={"email": address, "csrf_token": page_token(form.text)})
    assert sent.status_code == 200, sent.text
    token = last_token(platform, address)
    opened = client.get(f"/wallet/sign-in/complete?token={token}")
    done = client.post(
        "/wallet/session",
        data={"token": token, "csrf_token": page_token(opened.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
