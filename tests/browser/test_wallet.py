"""The learner's wallet in Chromium: ask for a link, open it from the outbox, continue, see the
credential issued to that address, share it; a visitor verifies the shared link and sees it
valid, then revoked after the issuer revokes it; the learner sees it revoked and signs out."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from tests.browser.conftest import Server
from tests.browser.test_public_pages import BADGE, every_input_has_a_label

_LINK = re.compile(r"https?://\S+/wallet/sign-in/complete\?token=[A-Za-z0-9_-]+")


def mailed_link(platform: Platform, address: str) -> str:
    with platform.unit_of_work() as services:
        [message] = services.mail.outbox(Actor.operator("browser-tests"), recipient=address)
    found = _LINK.search(message.body or "")
    assert found is not None, message.body
    return found.group(0)


def test_a_learner_signs_in_by_emailed_link_and_sees_a_revocation(
    page: Page, server: Server, platform: Platform, issuer_token: str
) -> None:
    address = f"learner-{uuid.uuid4().hex[:8]}@example.org"
    issued = httpx.post(
        f"{server.base_url}/orgs/browser/credentials",
        json={"achievement": BADGE, "recipient": address},
        headers={"Authorization": f"Bearer {issuer_token}"},
        timeout=30,
    )
    assert issued.status_code == 201, issued.text
    uid = issued.headers["credstack-credential"]

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Wallet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your wallet")
    every_input_has_a_label(page)
    page.get_by_label("Email address").fill(address)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(mailed_link(platform, address))
    page.get_by_role("button", name="Continue to my wallet").click()
    expect(page.get_by_text(f"Signed in as {address}")).to_be_visible()
    card = page.locator(".card").filter(has_text=BADGE["name"])
    expect(card.locator(".status")).to_have_text("Active")
    every_input_has_a_label(page)

    # The learner shares it; a visitor opens the link and verifies it.
    card.get_by_role("button", name="Share").click()
    link = page.get_by_label("Share link").input_value()
    assert link.startswith(f"{server.base_url}/shares/")
    expect(page.get_by_role("img", name="QR code of the share link")).to_be_visible()
    linkedin = page.get_by_role("link", name="Add to your LinkedIn profile")
    assert (linkedin.get_attribute("href") or "").startswith("https://www.linkedin.com/")
    assert page.context.browser is not None
    visitor_context = page.context.browser.new_context(base_url=server.base_url)
    visitor = visitor_context.new_page()
    visitor.goto(link)
    visitor.get_by_role("link", name="verify it here").click()
    expect(visitor.get_by_role("heading", level=2).first).to_have_text(f"Valid: {BADGE['name']}")

    revoked = httpx.post(
        f"{server.base_url}/orgs/browser/credentials/{uid}/revoke",
        json={"reason": "issued in error"},
        headers={"Authorization": f"Bearer {issuer_token}"},
        timeout=30,
    )
    assert revoked.status_code == 200, revoked.text
    visitor.reload()
    expect(visitor.get_by_role("heading", level=2).first).to_have_text(
        f"Not valid: {BADGE['name']}"
    )
    expect(visitor.locator("[data-check=status]")).to_contain_text("revoked")
    visitor_context.close()
    page.goto("/wallet")
    expect(card.locator(".status")).to_have_text("Revoked")
    card.get_by_role("link", name="Open the credential page").click()
    expect(page.locator("#credential-status")).to_have_text("Revoked")

    page.go_back()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Email me a sign-in link")).to_be_visible()
