"""The wallet's record and share links pages in Chromium at a phone's width: the skills profile
and transcript, the CLR download (which verifies), and a share link listed then revoked; every
control labelled, nothing wider than the phone."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from credstack.bootstrap import Platform
from tests.browser.conftest import Server
from tests.browser.test_public_pages import BADGE, every_input_has_a_label
from tests.browser.test_wallet import mailed_link
from tests.browser.test_wallet_pathway import fits, shot

SKILL = {
    "type": ["Alignment"],
    "targetName": "Work in teams",
    "targetUrl": "http://data.europa.eu/esco/skill/teamwork",
    "targetFramework": "ESCO",
}


@pytest.mark.phone
def test_record_clr_download_and_share_links(
    page: Page, server: Server, platform: Platform, issuer_token: str, tmp_path: Path
) -> None:
    learner = f"record-{uuid.uuid4().hex[:8]}@example.org"
    issued = httpx.post(
        f"{server.base_url}/orgs/browser/credentials",
        json={"achievement": {**BADGE, "alignment": [SKILL]}, "recipient": learner},
        headers={"Authorization": f"Bearer {issuer_token}"},
        timeout=30,
    )
    assert issued.status_code == 201, issued.text
    page.goto("/wallet")
    page.get_by_label("Email address").fill(learner)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(mailed_link(platform, learner))
    page.get_by_role("button", name="Continue to my wallet").click()

    page.get_by_role("link", name="Skills and transcript").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your skills and transcript")
    expect(page.get_by_role("link", name="Work in teams")).to_be_visible()
    expect(page.locator("table")).to_contain_text(str(BADGE["name"]))
    every_input_has_a_label(page)
    fits(page)
    shot(page, "record")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the CLR").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("clr-browser-")
    report = httpx.post(f"{server.base_url}/verify", content=saved.read_bytes(), timeout=30)
    assert report.json()["valid"], report.text

    page.get_by_role("link", name="Back to your wallet").click()
    page.locator(".card").filter(has_text=str(BADGE["name"])).get_by_role(
        "button", name="Share"
    ).click()
    link = page.get_by_label("Share link").input_value()
    # The copy button is the script's: hidden without it, shown with it.
    expect(page.get_by_role("button", name="Copy the link")).to_be_visible()
    page.get_by_role("link", name="All your share links").click()
    share = page.locator(".share")
    expect(share).to_have_count(1)
    expect(share.locator(".status")).to_have_text("Active")
    expect(share).to_contain_text("works until you revoke it")
    fits(page)
    share.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").first).to_contain_text("The link is revoked")
    expect(page.locator(".share .status")).to_have_text("Revoked")
    shot(page, "links")
    assert httpx.get(link, timeout=30).status_code == 410
