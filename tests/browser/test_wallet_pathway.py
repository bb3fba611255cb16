"""A pathway completing, in Chromium at a phone's width: a learner holds one of a pathway's two
credentials and sees a half-full bar; they submit evidence for the other (an assessed essay)
from the wallet; an assessor passes it in the console; the learner then sees a full bar and the
pathway's stacked credential in their wallet. Screenshots of each step go to the test output."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from tests.browser.conftest import SCREENSHOTS, Server
from tests.browser.test_console import sign_in, staff
from tests.browser.test_public_pages import BADGE, every_input_has_a_label
from tests.browser.test_wallet import mailed_link

OPERATOR = Actor.operator("browser-tests")
PDF = b"%PDF-1.7\n" + b"my essay " * 40
RUBRIC = {
    "passThreshold": 2,
    "criteria": [
        {
            "id": "argument",
            "name": "Argument",
            "levels": [
                {"id": "weak", "name": "Weak", "points": 0},
                {"id": "strong", "name": "Strong", "points": 2},
            ],
        }
    ],
}


class Api:
    """The organisation's admin API, as an integrator would drive it."""

    def __init__(self, server: Server, platform: Platform, slug: str) -> None:
        with platform.unit_of_work() as services:
            secret = services.tokens.create(OPERATOR, organization=slug, role="issuer").secret
        self.client = httpx.Client(
            base_url=f"{server.base_url}/orgs/{slug}",
            headers={"Authorization": f"Bearer {secret}"},
            timeout=30,
        )

    def post(self, path: str, body: dict[str, Any], method: str = "POST") -> httpx.Response:
        response = self.client.request(method, path, json=body)
        assert response.status_code in (200, 201), response.text
        return response

    def achievement(self, name: str) -> str:
        created = self.post("/achievements", {**BADGE, "name": name})
        self.post(f"/achievements/{created.json()['id']}/publish", {})
        return str(created.headers["location"])


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"wallet-pathway-{name}.png"), full_page=True)


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone: {width}px wide"


@pytest.mark.phone
def test_a_pathway_completes_after_evidence_is_passed(
    page: Page, server: Server, platform: Platform
) -> None:
    slug, assessor = staff(platform, "assessor")
    api = Api(server, platform, slug)
    unit = api.achievement("Data cleaning")
    essay = api.achievement("Analysis essay")
    api.post(
        f"/achievements/{essay.rsplit('/', 1)[-1]}/assessment",
        {
            "prompt": "Write an essay analysing a data set.",
            "rubric": RUBRIC,
            "evidence": {"fileTypes": ["application/pdf"], "maxFileBytes": 65536},
        },
        method="PUT",
    )
    certificate = api.achievement("Data analyst certificate")
    api.post(
        "/pathways",
        {
            "name": "Data analyst pathway",
            "achievementId": certificate,
            "requirements": {
                "type": "allOf",
                "requirements": [
                    {"type": "achievement", "achievement": unit},
                    {"type": "achievement", "achievement": essay},
                ],
            },
        },
    )
    learner = f"analyst-{uuid.uuid4().hex[:8]}@example.org"
    api.post("/credentials", {"achievementId": unit, "recipient": learner})

    # The learner signs in and sees half the pathway done.
    page.goto("/wallet")
    page.get_by_label("Email address").fill(learner)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(mailed_link(platform, learner))
    page.get_by_role("button", name="Continue to my wallet").click()
    pathway = page.locator(".pathway").filter(has_text="Data analyst pathway")
    bar = pathway.get_by_role("progressbar", name="50% complete")
    expect(bar).to_have_attribute("value", "50")
    expect(pathway.locator(".steps.done")).to_contain_text("Data cleaning")
    expect(pathway.locator(".steps.left")).to_contain_text("Analysis essay")
    expect(pathway).not_to_contain_text("Completed")
    fits(page)
    shot(page, "1-partial")

    # They submit the essay from the pathway's step.
    pathway.get_by_role("link", name="Submit evidence").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Analysis essay")
    expect(page.get_by_text("Write an essay analysing a data set.")).to_be_visible()
    every_input_has_a_label(page)
    page.get_by_label("What you did (text)").fill("I analysed the city's bike counts.")
    page.get_by_label("A file (application/pdf, up to 64 KiB)").set_input_files(
        files=[{"name": "essay.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted.")
    expect(page.get_by_text("Your attempt 1 is being assessed.")).to_be_visible()
    fits(page)
    shot(page, "2-submitted")

    # An assessor passes it in the console.
    assert page.context.browser is not None
    console = page.context.browser.new_context(base_url=server.base_url)
    review = console.new_page()
    sign_in(review, assessor, "/console/assessments")
    review.get_by_role("link", name=learner).click()
    expect(review.get_by_role("heading", level=1)).to_contain_text("Analysis essay")
    review.get_by_label("Strong (2 points)").check()
    review.get_by_label("Comment for the learner").fill("A clear, well-argued analysis.")
    review.get_by_role("button", name="Record the review").click()
    expect(review.get_by_role("status")).to_have_text("Your review was recorded.")
    expect(review.get_by_text("Nothing is waiting for your review.")).to_be_visible()
    console.close()

    # The learner sees the pass, a full bar and the stacked credential.
    page.reload()
    expect(page.locator(".submission .status").first).to_have_text("Passed")
    expect(page.get_by_text("A clear, well-argued analysis.")).to_be_visible()
    page.get_by_role("link", name="Back to your wallet").click()
    pathway = page.locator(".pathway").filter(has_text="Data analyst pathway")
    expect(pathway.get_by_role("progressbar", name="100% complete")).to_have_attribute(
        "value", "100"
    )
    expect(pathway.locator(".status")).to_have_text("Completed")
    card = page.locator(".card:not(.pathway)").filter(has_text="Data analyst certificate")
    expect(card.locator(".status")).to_have_text("Active")
    fits(page)
    shot(page, "3-complete")
    pathway.get_by_role("link", name="Your Data analyst certificate credential").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data analyst certificate")
    expect(page.locator("#credential-status")).to_have_text("Active")
