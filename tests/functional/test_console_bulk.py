"""Bulk issuance in the console over HTTP, on SQLite and PostgreSQL: preview with per-row
errors, nothing stored until started, the job's progress and results, roles and CSRF."""

from __future__ import annotations

import base64
import random
import re
import zlib
from typing import Any

from credstack.api.limits import BULK_MAX_BODY_BYTES
from credstack.bootstrap import Platform
from tests.functional.console import browser, csrf, issued, make_member, published, sign_in
from tests.functional.test_api_bulk import finish, outbox_for

GOOD = b"recipient,name\nada@example.com,Ada\nbob@example.com,Bob\n"
ONE_BAD = b"recipient,name\nada@example.com,Ada\nnot-an-address,Nobody\ncy@example.com,Cy\n"


def _contents(page: str) -> list[str]:
    """The parts of the file that the preview hands back to "Start issuing"."""
    return re.findall(r'name="content" value="([^"]*)"', page)


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None
    return found.group(1)


def test_preview_shows_row_errors_and_stores_nothing_until_started(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/bulk")
        assert "Preview" in form.text
        preview = client.post(
            "/console/bulk/preview",
            data={"achievement_id": achievement, "csrf_token": csrf(form)},
            files={"file": ("learners.csv", ONE_BAD, "text/csv")},
        )
        assert preview.status_code == 200
        assert "2 rows can be issued; 1 row has a problem." in preview.text
        problems = preview.text.split('id="bulk-problems"')[1].split("</table>")[0]
        assert "<td>3</td>" in problems
        assert "not-an-address" in problems or "recipient" in problems
        assert issued(api_platform, org.slug) == []
        fields = {
            "achievement_id": achievement,
            "filename": _hidden(preview.text, "filename"),
            "content": _contents(preview.text),
            "csrf_token": csrf(preview),
        }
        # Without skipping the bad row, the service refuses the file and says which row.
        refused = client.post("/console/bulk", data=fields)
        assert refused.status_code == 400
        assert "invalid_bulk_file" in refused.text
        assert issued(api_platform, org.slug) == []
        fields["idempotency_key"] = _hidden(preview.text, "idempotency_key")
        started = client.post(
            "/console/bulk", data={**fields, "skip_invalid": "on"}, follow_redirects=False
        )
        assert started.status_code == 303
        job_path = started.headers["location"].split("?")[0]
        # A second click on "Start" (the form posted again) lands on the same job.
        twice = client.post(
            "/console/bulk", data={**fields, "skip_invalid": "on"}, follow_redirects=False
        )
        assert twice.headers["location"].split("?")[0] == job_path
        assert len(client.get("/console/bulk").text.split('href="/console/bulk/')) == 2
        finish(api_platform, job_path.rsplit("/", 1)[1])
        progress = client.get(f"{job_path}/progress").json()
        assert progress == {
            "status": "finished",
            "total": 3,
            "counts": {"queued": 0, "issued": 2, "failed": 0, "invalid": 1},
        }
        page = client.get(job_path)
        assert "Finished: 2 issued, 0 failed, 1 skipped as invalid." in page.text
        assert 'class="row-error"><td>3</td>' in page.text
        results = client.get(f"{job_path}/results.csv")
        assert results.headers["content-type"].startswith("text/csv")
        assert results.text.splitlines()[0] == "line,recipient,status,credential,error"
        # The bad rows of a big job are a link away, on the page and as CSV.
        assert f'href="{job_path}?status=invalid">Show the invalid rows (1)</a>' in page.text
        assert "?status=failed" not in page.text
        only = client.get(f"{job_path}?status=invalid")
        assert "Showing the invalid rows only." in only.text
        assert re.findall(r"<tr[^>]*><td>(\d+)</td>", only.text) == ["3"]
        csv_rows = client.get(f"{job_path}/results.csv?status=invalid").text.splitlines()
        assert [line.split(",")[:3] for line in csv_rows[1:]] == [["3", "", "invalid"]]
        assert "No row is failed." in client.get(f"{job_path}?status=failed").text
        unknown = client.get(f"{job_path}?status=broken")
        assert unknown.status_code == 400
        assert "unknown_row_status" in unknown.text
    assert sorted(r.recipient_email or "" for r in issued(api_platform, org.slug)) == [
        "ada@example.com",
        "cy@example.com",
    ]


def test_a_clean_file_starts_and_bad_uploads_are_explained(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/bulk"))
        missing = client.post(
            "/console/bulk/preview", data={"achievement_id": achievement, "csrf_token": token}
        )
        assert missing.status_code == 400
        assert "missing_file" in missing.text
        garbled = client.post(
            "/console/bulk",
            data={"achievement_id": achievement, "content": "%%%", "csrf_token": token},
        )
        assert garbled.status_code == 400
        assert "missing_file" in garbled.text
        preview = client.post(
            "/console/bulk/preview",
            data={"achievement_id": achievement, "csrf_token": token},
            files={"file": ("learners.csv", GOOD, "text/csv")},
        )
        assert "2 rows can be issued; 0 rows have problems." in preview.text
        assert "skip_invalid" not in preview.text
        started = client.post(
            "/console/bulk",
            data={
                "achievement_id": achievement,
                "filename": "learners.csv",
                "content": _contents(preview.text),
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert started.status_code == 303
        job_path = started.headers["location"].split("?")[0]
        running = client.get(job_path)
        assert "bulk-progress" in running.text
        assert 'id="bulk-notify"' not in running.text
        finish(api_platform, job_path.rsplit("/", 1)[1])
        assert "learners.csv" in client.get("/console/bulk").text
    assert len(issued(api_platform, org.slug)) == 2
    # The box was left unticked: nobody was emailed.
    assert outbox_for(api_platform, "ada@example.com", "bob@example.com") == []


def test_the_learners_can_be_emailed_their_credentials(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    data = b"recipient,name\nconsole-ada@example.com,Ada\nconsole-bo@example.com,Bo\n"
    with browser(api_platform) as client:
        sign_in(client, member)
        token = csrf(client.get("/console/bulk"))
        preview = client.post(
            "/console/bulk/preview",
            data={"achievement_id": achievement, "csrf_token": token},
            files={"file": ("learners.csv", data, "text/csv")},
        )
        assert 'name="notify"' in preview.text
        started = client.post(
            "/console/bulk",
            data={
                "achievement_id": achievement,
                "filename": "learners.csv",
                "content": _contents(preview.text),
                "csrf_token": token,
                "notify": "on",
            },
            follow_redirects=False,
        )
        assert started.status_code == 303
        job_path = started.headers["location"].split("?")[0]
        finish(api_platform, job_path.rsplit("/", 1)[1])
        assert 'id="bulk-notify"' in client.get(job_path).text
    by_recipient = {r.recipient_email: r.id for r in issued(api_platform, org.slug)}
    sent = outbox_for(api_platform, "console-ada@example.com", "console-bo@example.com")
    assert [recipient for recipient, _ in sent] == sorted(by_recipient)
    for recipient, text in sent:
        assert f"/credentials/{by_recipient[recipient]}\n" in text


def test_a_file_of_a_whole_cohort_goes_through_preview_and_start(
    api_platform: Platform, make_org: Any
) -> None:
    """Past the 1 MiB of an ordinary form and of a form field: a 4 MB file of 60,000 rows is
    previewed (its first 1,000 problems shown), comes back compressed with "Start" in several
    fields, and becomes one job of all its rows."""
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "issuer")
    # Random names, as a real cohort's: the file compresses as one would. Recipients without
    # an @ are invalid: kept by the job, never issued, so the test stays quick.
    draw = random.Random(6)  # noqa: S311 (test data, seeded so every run is alike)
    lines = [
        f"{draw.getrandbits(64):x}.example.org,{draw.getrandbits(96):x} {draw.getrandbits(48):x}"
        for _ in range(60_000)
    ]
    data = ("recipient,name\nada@example.com,Ada\n" + "\n".join(lines) + "\n").encode()
    assert len(data) > 3_800_000
    with browser(api_platform) as client:
        sign_in(client, member)
        preview = client.post(
            "/console/bulk/preview",
            data={"achievement_id": achievement, "csrf_token": csrf(client.get("/console/bulk"))},
            files={"file": ("cohort.csv", data, "text/csv")},
        )
        assert preview.status_code == 200, preview.text[:500]
        assert "1 row can be issued; 60000 rows have problems." in preview.text
        assert preview.text.count('<tr class="row-error">') == 1000
        content = _contents(preview.text)
        assert len(content) > 1  # more than one field's 1 MiB
        assert len("".join(content)) < len(data) * 0.8  # compressed
        started = client.post(
            "/console/bulk",
            data={
                "achievement_id": achievement,
                "filename": "cohort.csv",
                "content": content,
                "skip_invalid": "on",
                "idempotency_key": _hidden(preview.text, "idempotency_key"),
                "csrf_token": csrf(preview),
            },
            follow_redirects=False,
        )
        assert started.status_code == 303, started.text[:500]
        job_id = started.headers["location"].split("?")[0].rsplit("/", 1)[1]
        finish(api_platform, job_id)
        progress = client.get(f"/console/bulk/{job_id}/progress").json()
        assert progress["counts"] == {"queued": 0, "issued": 1, "failed": 0, "invalid": 60_000}
        # A field that is not what the preview packed is the file not coming back.
        garbled = client.post(
            "/console/bulk",
            data={
                "achievement_id": achievement,
                "content": content[:-1],
                "csrf_token": csrf(preview),
            },
        )
        assert garbled.status_code == 400
        assert "missing_file" in garbled.text
        # One that would inflate past a bulk file's limit is refused, not inflated.
        bomb = base64.b64encode(zlib.compress(b"x" * (BULK_MAX_BODY_BYTES + 1), 9)).decode()
        refused = client.post(
            "/console/bulk",
            data={"achievement_id": achievement, "content": bomb, "csrf_token": csrf(preview)},
        )
        assert refused.status_code == 400
        assert "bulk_file_too_large" in refused.text


def test_an_assessor_may_not_preview_or_start(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    achievement = published(api_platform, org.slug)
    member = make_member(api_platform, org.slug, "assessor")
    with browser(api_platform) as client:
        sign_in(client, member)
        form = client.get("/console/bulk")
        assert "may not issue credentials" in form.text
        refused = client.post(
            "/console/bulk/preview",
            data={"achievement_id": achievement, "csrf_token": csrf(form)},
            files={"file": ("learners.csv", GOOD, "text/csv")},
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
        assert (
            client.post(
                "/console/bulk/preview",
                data={"achievement_id": achievement},
                files={"file": ("learners.csv", GOOD, "text/csv")},
            ).status_code
            == 403
        )
    assert issued(api_platform, org.slug) == []
