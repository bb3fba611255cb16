"""The public pages in Chromium: navigation, verifying a pasted credential (valid, then
tampered), the credential page before and after revocation, and labels for every control."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server

BADGE: dict[str, Any] = {
    "type": ["Achievement"],
    "name": "Safe Lifting",
    "description": "Lifts and carries loads safely.",
    "criteria": {"narrative": "Observed lifting three loads correctly."},
}


def issue(server: Server, token: str) -> httpx.Response:
    response = httpx.post(
        f"{server.base_url}/orgs/browser/credentials",
        json={"achievement": BADGE, "recipient": "learner@example.com"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response


def every_input_has_a_label(page: Page) -> None:
    """Each visible form control is reachable by its accessible name (a <label> for it)."""
    controls = page.locator("input:not([type=hidden]), textarea, select")
    for index in range(controls.count()):
        control = controls.nth(index)
        control_id = control.get_attribute("id")
        assert control_id, f"a control without an id: {control.evaluate('e => e.outerHTML')}"
        label = page.locator(f"label[for='{control_id}']")
        expect(label).to_have_count(1)
        expect(page.get_by_label(label.inner_text().strip(), exact=True)).to_have_count(1)


def test_home_page_navigation(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title("Micro-credentials you can check · Credstack")
    expect(page.get_by_role("heading", level=1)).to_have_text("Micro-credentials anyone can check")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Home", "Verify", "Wallet", "Console", "Sign in"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Home", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    nav.get_by_role("link", name="Verify", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/verify')[0]}/verify")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a credential")
    expect(nav.get_by_role("link", name="Verify", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


@pytest.mark.phone
def test_home_page_fits_a_phone(page: Page) -> None:
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone: {width}px wide"
    expect(page.get_by_role("link", name="Verify a credential")).to_be_visible()


def test_verify_pasted_credential_valid_then_tampered(
    page: Page, server: Server, issuer_token: str
) -> None:
    text = issue(server, issuer_token).text
    page.goto("/verify")
    every_input_has_a_label(page)
    page.get_by_label("Paste a credential").fill(text)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Valid: Safe Lifting")
    expect(page.locator("[data-check=proof]")).to_contain_text("Passed")
    expect(page.get_by_text("Browser Test Academy")).to_be_visible()

    tampered = json.loads(text)
    tampered["credentialSubject"]["achievement"]["name"] = "Heavy Lifting"
    page.get_by_role("link", name="Verify another credential").click()
    page.get_by_label("Paste a credential").fill(json.dumps(tampered))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Not valid: Heavy Lifting")
    proof = page.locator("[data-check=proof]")
    expect(proof).to_contain_text("Failed")
    expect(proof).to_contain_text("Signature")


def test_credential_page_shows_status_then_revoked(
    page: Page, server: Server, issuer_token: str
) -> None:
    issued = issue(server, issuer_token)
    uid = issued.headers["credstack-credential"]
    page.goto(f"/credentials/{uid}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe Lifting")
    expect(page.locator("#credential-status")).to_have_text("Active")
    expect(page.get_by_role("img", name="QR code of this page's address")).to_be_visible()
    expect(page.get_by_role("heading", name="Valid")).to_be_visible()

    revoked = httpx.post(
        f"{server.base_url}/orgs/browser/credentials/{uid}/revoke",
        json={"reason": "issued in error"},
        headers={"Authorization": f"Bearer {issuer_token}"},
        timeout=30,
    )
    assert revoked.status_code == 200, revoked.text
    page.reload()
    expect(page.locator("#credential-status")).to_have_text("Revoked")
    expect(page.get_by_role("heading", name="Not valid")).to_be_visible()
    page.get_by_role("link", name="Verify in full").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Not valid: Safe Lifting")
    expect(page.locator("[data-check=status]")).to_contain_text("revoked")


@pytest.mark.phone
def test_credential_page_fits_a_phone(page: Page, server: Server, issuer_token: str) -> None:
    uid = issue(server, issuer_token).headers["credstack-credential"]
    page.goto(f"/credentials/{uid}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone: {width}px wide"
    expect(page.get_by_role("link", name="Verify in full")).to_be_visible()


def test_baked_badge_round_trip_through_the_verify_page(
    page: Page, server: Server, issuer_token: str, tmp_path: Path
) -> None:
    uid = issue(server, issuer_token).headers["credstack-credential"]
    badge = httpx.get(f"{server.base_url}/credentials/{uid}/badge.png", timeout=30)
    assert badge.status_code == 200
    assert badge.headers["content-type"] == "image/png"
    image = tmp_path / "badge.png"
    image.write_bytes(badge.content)
    page.goto("/verify")
    page.get_by_label("Or upload a file").set_input_files(image)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Valid: Safe Lifting")
    expect(page.locator("[data-check=image]")).to_contain_text("baked PNG image")
