"""The console's audit log page on SQLite and PostgreSQL: an admin sees who did what (members
by their email address), filters and pages through it; bad filters come back with their code;
no secret is on the page; weaker roles get a 403 page."""

from __future__ import annotations

from typing import Any

from credstack.bootstrap import Platform
from tests.functional.conftest import OPERATOR
from tests.functional.console import browser, make_member, post_form, sign_in
from tests.functional.test_api_audit import _busy_org


def test_an_admin_reads_filters_and_pages_the_log(api_platform: Platform, make_org: Any) -> None:
    slug, secrets = _busy_org(api_platform, make_org)
    admin = make_member(api_platform, slug, "admin")
    with browser(api_platform) as client:
        sign_in(client, admin)
        # Something done in the console shows under the member's address.
        token = post_form(
            client, "/console/tokens", {"role": "issuer", "name": "lms"}, page="/console/tokens"
        )
        assert token.status_code == 200
        assert "cst_" in token.text  # the new token's secret, shown this once
        page = client.get("/console/audit")
        assert page.status_code == 200
        assert "cst_" not in page.text
        table = page.text.split('id="audit-events"')[1].split("</table>")[0]
        for secret in secrets:
            assert secret not in page.text
        assert "credential.issued" in table
        assert "https://127.0.0.1:9/…" in table
        first_row = table.split("<tbody>")[1].split("</tr>")[0]
        assert admin.email in first_row
        assert "token.created" in first_row

        only = client.get("/console/audit?action=credential")
        rows = only.text.split('id="audit-events"')[1].split("</table>")[0].count("<tr>")
        assert rows == 1 + 3  # the header and the three issued
        assert 'value="credential"' in only.text
        assert "No event matches." in client.get("/console/audit?since=2999-01-01").text
        today = client.get("/console/audit?action=credential&since=2000-01-01&until=2999-12-31")
        assert today.text.count("credential.issued") >= 3

        bad = client.get("/console/audit?since=31/12/2026")
        assert bad.status_code == 400
        assert "invalid_date" in bad.text
        assert 'value="31/12/2026"' in bad.text
        backwards = client.get("/console/audit?since=2026-02-01&until=2026-01-01")
        assert backwards.status_code == 400
        assert "invalid_period" in backwards.text


def test_paging(api_platform: Platform, make_org: Any) -> None:
    slug, _ = _busy_org(api_platform, make_org)
    with api_platform.unit_of_work() as services:
        org = services.organizations.get(slug)
        for n in range(60):
            services.audit.record(OPERATOR, org.id, "test.event", f"subject-{n}")
    admin = make_member(api_platform, slug, "owner")
    with browser(api_platform) as client:
        sign_in(client, admin)
        first = client.get("/console/audit?action=test")
        assert first.text.count("test.event</a>") == 50
        assert "offset=50" in first.text
        assert "Newer" not in first.text
        second = client.get("/console/audit?action=test&offset=50")
        assert second.text.count("test.event</a>") == 10
        assert "Older" not in second.text
        assert "Newer" in second.text


def test_weaker_roles_get_a_403_page(api_platform: Platform, make_org: Any) -> None:
    slug, _ = _busy_org(api_platform, make_org)
    for role in ("issuer", "assessor"):
        member = make_member(api_platform, slug, role)
        with browser(api_platform) as client:
            sign_in(client, member)
            page = client.get("/console/audit")
            assert page.status_code == 403
            assert "role_too_weak" in page.text
            assert "credential.issued" not in page.text
