"""The issuer console in Chromium: an issuer signs in, creates an achievement with the EU
checklist and a skill, publishes it, issues it and revokes it; a bulk CSV with a bad row shows
that row's problem before anything is issued; every console form control has a label."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from credstack.bootstrap import Platform
from credstack.services.actors import Actor
from tests.browser.conftest import Server

OPERATOR = Actor.operator("browser-tests")
PASSWORD = "browser console password"


def staff(platform: Platform, role: str = "issuer") -> tuple[str, str]:
    """A fresh organisation (country set, for the EU checklist) and a member of it."""
    slug = f"console-{uuid.uuid4().hex[:8]}"
    email = f"{role}-{slug}@example.org"
    with platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name=f"Academy {slug}", country="IE")
        services.users.create(
            OPERATOR, email=email, organization=slug, role=role, password=PASSWORD
        )
    return slug, email


def sign_in(page: Page, email: str, then: str = "/console") -> None:
    page.goto(then)
    expect(page).to_have_url(f"{page.url.split('/login')[0]}/login?next={then}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def labelled(page: Page) -> None:
    """Each visible form control has exactly one <label for> naming it."""
    controls = page.locator("main input:not([type=hidden]), main textarea, main select")
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        control_id = control.get_attribute("id")
        assert control_id, f"a control without an id: {control.evaluate('e => e.outerHTML')}"
        expect(page.locator(f"label[for='{control_id}']")).to_have_count(1)


def test_issuer_creates_issues_and_revokes(page: Page, platform: Platform) -> None:
    _, email = staff(platform)
    page.goto("/login")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is wrong.")
    sign_in(page, email, "/console/achievements")
    expect(page.get_by_role("heading", level=1)).to_have_text("Achievements")

    page.get_by_role("link", name="New achievement").click()
    labelled(page)
    page.get_by_label("Name", exact=True).fill("Data Analytics with Python")
    page.get_by_label("Description").fill("Analyse tabular data with pandas.")
    page.get_by_label("Criteria", exact=True).fill("Pass the final project.")
    # The skill picker: typing filters the list; choosing keeps the selection.
    page.get_by_label("Search the skills").fill("programming")
    page.get_by_label("Skills", exact=True).select_option(label="O*NET 2.B.3.e: Programming")
    page.get_by_role("button", name="Check quality").click()
    expect(page.locator("#checklist-summary")).to_contain_text("mandatory elements missing")
    expect(page.locator("[data-element=learning_outcomes]")).to_have_class("missing")

    page.get_by_label("Learning outcomes").fill("Clean a data set.\nExplain a model's limits.")
    page.get_by_label("ECTS credits").fill("5")
    page.get_by_label("EQF level").select_option("6")
    page.get_by_label("Assessment").fill("Final project")
    page.get_by_label("Form of participation").fill(
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    )
    page.get_by_label("Quality assurance", exact=True).fill("Internal quality assurance (ESG).")
    page.get_by_role("button", name="Check quality").click()
    expect(page.locator("#checklist-summary")).to_contain_text("Every mandatory element is there.")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status")).to_contain_text("The achievement was published")
    expect(page.locator("#achievement-status")).to_have_text("published")

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Issue one").click()
    page.get_by_label("Achievement").select_option(label="Data Analytics with Python")
    learner = f"learner-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Recipient").fill(learner)
    page.get_by_label("Email the learner a link to it").check()
    labelled(page)
    page.get_by_role("button", name="Issue and sign").click()
    expect(page.get_by_role("status")).to_have_text("The credential was issued and signed.")
    expect(page.locator("#credential-status")).to_have_text("active")
    with platform.unit_of_work() as services:
        told = services.mail.outbox(OPERATOR, recipient=learner)
    assert [m.purpose for m in told] == ["credential_issued"]

    page.get_by_label("Reason").fill("Issued to the wrong learner")
    page.get_by_role("button", name="Revoke for good").click()
    expect(page.locator("#credential-status")).to_have_text("revoked")
    public = page.get_by_role("link", name="/credentials/")
    expect(public).to_be_visible()

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Dashboard").click()
    expect(page.locator("#count-issued")).to_have_text("1")
    expect(page.locator("#count-revoked")).to_have_text("1")
    expect(page.get_by_role("img", name="Credentials issued per week")).to_be_visible()


def test_checklist_turns_met_as_the_issuer_types(page: Page, platform: Platform) -> None:
    _, email = staff(platform)
    sign_in(page, email, "/console/achievements/new")
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if r.url.endswith("/checklist") else None)
    outcomes = page.locator("[data-element=learning_outcomes]")
    credits = page.locator("[data-element=workload]")
    expect(outcomes).to_have_class("missing")
    expect(credits).to_have_class("missing")

    page.get_by_label("Learning outcomes").press_sequentially("Clean a data set.")
    expect(outcomes).to_have_class("met")
    expect(outcomes.locator(".state")).to_have_text("met")
    # Debounced: one request per pause, not one per key.
    assert 1 <= len(checks) <= 3, checks

    page.get_by_label("ECTS credits").press_sequentially("five")
    expect(page.locator("#checklist-summary")).to_contain_text("error code invalid_field")
    expect(credits).to_have_class("missing")
    page.get_by_label("ECTS credits").fill("5")
    expect(credits).to_have_class("met")
    expect(page.locator("#checklist-summary")).to_contain_text("mandatory elements missing")
    page.get_by_label("EQF level").select_option("6")
    expect(page.locator("[data-element=level]")).to_have_class("met")
    # Nothing was saved: the list of achievements is still empty.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Achievements").click()
    expect(page.get_by_text("No achievement yet.")).to_be_visible()


def test_bulk_csv_with_a_bad_row(page: Page, platform: Platform, tmp_path: Path) -> None:
    slug, email = staff(platform)
    with platform.unit_of_work() as services:
        services.achievements.create(
            OPERATOR,
            organization=slug,
            achievement={
                "type": ["Achievement"],
                "name": "Forklift safety",
                "description": "Drives a forklift safely.",
                "criteria": {"narrative": "Observed."},
            },
            publish=True,
        )
    csv = tmp_path / "learners.csv"
    csv.write_text("recipient,name\nada@example.com,Ada\nnot-an-address,Nobody\n")
    sign_in(page, email, "/console/bulk")
    labelled(page)
    page.get_by_label("Achievement").select_option(label="Forklift safety")
    page.get_by_label("File").set_input_files(str(csv))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#bulk-summary")).to_have_text("1 row can be issued; 1 row has a problem.")
    problems = page.locator("#bulk-problems")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr td").first).to_have_text("3")
    page.get_by_label("Issue the 1 good row and skip the rows with problems").check()
    page.get_by_role("button", name="Start issuing").click()
    expect(page.locator("#bulk-status")).to_have_text(
        "Finished: 1 issued, 0 failed, 1 skipped as invalid.", timeout=20_000
    )


@pytest.mark.phone
def test_console_fits_a_phone(page: Page, platform: Platform, server: Server) -> None:
    _, email = staff(platform, "owner")
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the console scrolls sideways on a phone: {width}px wide"
    assert server.base_url.startswith("http://127.0.0.1")


def test_owner_sets_assessment_edits_profile_and_reads_the_audit_log(
    page: Page, platform: Platform
) -> None:
    slug, email = staff(platform, "owner")
    with platform.unit_of_work() as services:
        view = services.achievements.create(
            OPERATOR,
            organization=slug,
            achievement={
                "type": ["Achievement"],
                "name": "Essay writing",
                "description": "Writes an essay.",
                "criteria": {"narrative": "Assessed essay."},
            },
            publish=True,
        )
    sign_in(page, email, f"/console/achievements/{view.record.id}")
    page.get_by_role("link", name="Assessment settings").click()
    expect(page.locator("#not-assessed")).to_be_visible()
    labelled(page)
    page.get_by_label("The task").fill("Write 1000 words on a topic of your choice.")
    page.locator("#c0_name").fill("Argument")
    page.get_by_label("Criterion 1, level 1: name").fill("Weak")
    page.get_by_label("Criterion 1, level 1: points").fill("0")
    page.get_by_label("Criterion 1, level 2: name").fill("Strong")
    page.get_by_label("Criterion 1, level 2: points").fill("lots")
    page.get_by_label("Pass mark").fill("2")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Criterion 1, level 2's points")
    expect(page.get_by_role("alert")).to_contain_text("invalid_rubric")
    page.get_by_label("Criterion 1, level 2: points").fill("3")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_role("status")).to_contain_text("The assessment settings were saved")
    expect(page.locator("#c0_l1_id")).to_have_value("strong")

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Profile").click()
    labelled(page)
    # The browser checks the email field's form itself; the country is the server's to check.
    page.get_by_label("Email address").fill("badges@academy.example")
    page.get_by_label("Country").fill("XX")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.locator("#country-error")).to_contain_text("invalid_country")
    expect(page.get_by_label("Country")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email address")).to_have_value("badges@academy.example")
    page.get_by_label("Country").fill("IE")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_contain_text("The profile was saved")

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit log").click()
    labelled(page)
    events = page.locator("#audit-events tbody tr")
    expect(events.first).to_contain_text("organization.updated")
    expect(events.first).to_contain_text(email)
    page.get_by_label("Action").fill("assessment")
    page.get_by_role("button", name="Find").click()
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("assessment.configured")
