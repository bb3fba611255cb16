"""Bulk issuance over HTTP on SQLite and PostgreSQL: upload, poll, rows, results CSV; a file
with bad rows is refused whole with every line listed; tenancy and bad input are 4xx."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.jobs.inprocess import InProcessDispatcher
from credstack.jobs.tasks import run_bulk_job
from credstack.services.actors import Actor
from tests.functional.conftest import ACHIEVEMENT, token_for

BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}


def published(client: TestClient, slug: str, secret: str) -> str:
    response = client.post(f"/orgs/{slug}/achievements", json=BADGE, headers=bearer(secret))
    assert response.status_code == 201, response.text
    uid = str(response.json()["id"])
    published = client.post(f"/orgs/{slug}/achievements/{uid}/publish", headers=bearer(secret))
    assert published.status_code == 200, published.text
    return uid


def finish(platform: Platform, job_id: str) -> None:
    """What the queue does: on SQLite a thread of this process, on PostgreSQL a worker."""
    if isinstance(platform.dispatch, InProcessDispatcher):
        platform.dispatch.join()
    else:
        run_bulk_job(platform.unit_of_work, job_id)


def test_upload_poll_and_download_results(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    url = f"/orgs/{org.slug}/bulk?achievementId={achievement}"
    body = "recipient,grade,evidence_url\nada@example.com,A,https://lms.example/ada\nnobody,B,\n"
    refused = client.post(url, content=body, headers=bearer(secret, **{"Content-Type": "text/csv"}))
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "invalid_bulk_file"
    assert refused.json()["problems"] == [
        {"line": 3, "reason": "recipient: neither an email address nor a DID or URL"}
    ]
    assert client.get(f"/orgs/{org.slug}/bulk", headers=bearer(secret)).json() == []

    created = client.post(
        f"{url}&skipInvalid=true",
        content=body,
        headers=bearer(secret, **{"Content-Type": "text/csv"}),
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["counts"] == {"queued": 1, "issued": 0, "failed": 0, "invalid": 1}
    finish(api_platform, job["id"])
    polled = client.get(f"/orgs/{org.slug}/bulk/{job['id']}", headers=bearer(secret)).json()
    assert polled["status"] == "finished"
    assert polled["counts"] == {"queued": 0, "issued": 1, "failed": 0, "invalid": 1}
    rows = client.get(f"/orgs/{org.slug}/bulk/{job['id']}/rows", headers=bearer(secret)).json()
    assert [(r["line"], r["status"]) for r in rows] == [(2, "issued"), (3, "invalid")]
    credential = client.get(
        f"/credentials/{rows[0]['credentialId']}", headers={"Accept": "application/json"}
    )
    assert credential.json()["evidence"] == [
        {"type": ["Evidence"], "id": "https://lms.example/ada"}
    ]
    verdict = client.post("/verify", content=credential.text).json()
    assert verdict["valid"] is True
    results = client.get(f"/orgs/{org.slug}/bulk/{job['id']}/results.csv", headers=bearer(secret))
    assert results.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(results.text)))
    assert [(r["line"], r["status"], r["recipient"]) for r in table] == [
        ("2", "issued", "ada@example.com"),
        ("3", "invalid", ""),
    ]
    resumed = client.post(f"/orgs/{org.slug}/bulk/{job['id']}/resume", headers=bearer(secret))
    assert resumed.json()["status"] == "finished"
    listed = client.get(f"/orgs/{org.slug}/bulk", headers=bearer(secret)).json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_json_upload(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    created = client.post(
        f"/orgs/{org.slug}/bulk?achievementId={achievement}&statusPurpose=suspension",
        json=[{"recipient": "did:example:ada", "grade": "Pass"}],
        headers=bearer(secret),
    )
    assert created.status_code == 202, created.text
    finish(api_platform, created.json()["id"])
    job = client.get(f"/orgs/{org.slug}/bulk/{created.json()['id']}", headers=bearer(secret))
    assert job.json()["counts"]["issued"] == 1
    assert job.json()["statusPurpose"] == "suspension"


def outbox_for(platform: Platform, *recipients: str) -> list[tuple[str, str]]:
    """The credential announcements in the outbox for ``recipients``: (recipient, body)."""
    with platform.unit_of_work() as services:
        kept = [m for r in recipients for m in services.mail.outbox(Actor.operator(), recipient=r)]
    return sorted((m.recipient, m.body or "") for m in kept if m.purpose == "credential_issued")


def test_notify_emails_each_learner_their_credential(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    body = "recipient\nnotified-ada@example.com\ndid:example:notified\nnotified-bo@example.com\n"
    created = client.post(
        f"/orgs/{org.slug}/bulk?achievementId={achievement}&notify=true",
        content=body,
        headers=bearer(secret, **{"Content-Type": "text/csv"}),
    )
    assert created.status_code == 202, created.text
    assert created.json()["notify"] is True
    finish(api_platform, created.json()["id"])
    rows = client.get(
        f"/orgs/{org.slug}/bulk/{created.json()['id']}/rows", headers=bearer(secret)
    ).json()
    by_recipient = {row["recipient"]: row["credentialId"] for row in rows}
    sent = outbox_for(api_platform, "notified-ada@example.com", "notified-bo@example.com")
    assert [recipient for recipient, _ in sent] == [
        "notified-ada@example.com",
        "notified-bo@example.com",
    ]
    for recipient, text in sent:
        assert f"/credentials/{by_recipient[recipient]}\n" in text
    # Without it, nobody is emailed; a value that is not a boolean is refused.
    quiet = client.post(
        f"/orgs/{org.slug}/bulk?achievementId={achievement}",
        content="recipient\nquiet-cy@example.com\n",
        headers=bearer(secret, **{"Content-Type": "text/csv"}),
    )
    assert quiet.json()["notify"] is False
    finish(api_platform, quiet.json()["id"])
    assert outbox_for(api_platform, "quiet-cy@example.com") == []
    odd = client.post(
        f"/orgs/{org.slug}/bulk?achievementId={achievement}&notify=perhaps",
        content="recipient\nodd@example.com\n",
        headers=bearer(secret, **{"Content-Type": "text/csv"}),
    )
    assert odd.status_code == 422
    assert odd.headers["content-type"] == "application/problem+json"


def test_rows_of_one_status(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    """The failed rows of a job, as a page and as CSV: a key given again for another learner
    fails its row, and the others are issued."""
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    url = f"/orgs/{org.slug}/bulk?achievementId={achievement}"
    csv_type = bearer(secret, **{"Content-Type": "text/csv"})
    first = client.post(
        url, content="recipient,idempotency_key\nada@example.com,k1\n", headers=csv_type
    )
    finish(api_platform, first.json()["id"])
    body = "recipient,idempotency_key\ngrace@example.com,k1\nlin@example.com,k2\n"
    job = client.post(url, content=body, headers=csv_type).json()["id"]
    finish(api_platform, job)
    base = f"/orgs/{org.slug}/bulk/{job}"
    failed = client.get(f"{base}/rows?status=failed", headers=bearer(secret)).json()
    assert [(r["line"], r["recipient"]) for r in failed] == [(2, "grace@example.com")]
    assert failed[0]["error"]
    issued = client.get(f"{base}/rows?status=issued", headers=bearer(secret)).json()
    assert [r["line"] for r in issued] == [3]
    assert client.get(f"{base}/rows?status=invalid", headers=bearer(secret)).json() == []
    table = client.get(f"{base}/results.csv?status=failed", headers=bearer(secret)).text
    assert [row["line"] for row in csv.DictReader(io.StringIO(table))] == ["2"]
    for path in (f"{base}/rows?status=done", f"{base}/results.csv?status=done"):
        refused = client.get(path, headers=bearer(secret))
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "unknown_row_status"
        assert "queued, issued, failed, invalid" in refused.json()["detail"]


def test_an_upload_sent_again_under_its_idempotency_key(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    """A client that lost the answer sends the upload again: the same job, not a second one
    issuing every learner twice; the key with another file is 409."""
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    url = f"/orgs/{org.slug}/bulk?achievementId={achievement}"
    keyed = bearer(secret, **{"Content-Type": "text/csv", "Idempotency-Key": "ats-run-42"})
    body = "recipient\nada@example.com\ngrace@example.com\n"
    first = client.post(url, content=body, headers=keyed)
    assert first.status_code == 202, first.text
    again = client.post(url, content=body, headers=keyed)
    assert again.status_code == 202, again.text
    assert again.json()["id"] == first.json()["id"]
    finish(api_platform, first.json()["id"])
    finished = client.post(url, content=body, headers=keyed).json()
    assert (finished["id"], finished["status"]) == (first.json()["id"], "finished")
    assert finished["counts"]["issued"] == 2
    other = client.post(url, content="recipient\nlin@example.com\n", headers=keyed)
    assert other.status_code == 409, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    blank = client.post(url, content=body, headers={**keyed, "Idempotency-Key": " "})
    assert blank.status_code == 400, blank.text
    assert blank.json()["code"] == "invalid_idempotency_key"
    jobs = client.get(f"/orgs/{org.slug}/bulk", headers=bearer(secret)).json()
    assert [job["id"] for job in jobs] == [first.json()["id"]]


def test_multipart_upload(client: TestClient, api_platform: Platform, make_org: Any) -> None:
    """``curl -F file=@cohort.csv``: the part's name picks the format and names the job."""
    org = make_org()
    secret = token_for(api_platform, org.slug, "admin")
    achievement = published(client, org.slug, secret)
    url = f"/orgs/{org.slug}/bulk?achievementId={achievement}"
    cohort = b"recipient,grade\nada@example.com,A\ngrace@example.com,B\n"

    def upload(name: str, data: bytes, media_type: str) -> Any:
        return client.post(url, files={"file": (name, data, media_type)}, headers=bearer(secret))

    created = upload("C:\\exports\\cohort.csv", cohort, "application/octet-stream")
    assert created.status_code == 202, created.text
    assert created.json()["filename"] == "cohort.csv"
    assert created.json()["counts"]["queued"] == 2
    finish(api_platform, created.json()["id"])
    rows = client.get(f"/orgs/{org.slug}/bulk/{created.json()['id']}/rows", headers=bearer(secret))
    assert [(r["recipient"], r["status"]) for r in rows.json()] == [
        ("ada@example.com", "issued"),
        ("grace@example.com", "issued"),
    ]

    # JSON by the part's type when its name says nothing; a bad row refuses the whole file.
    refused = upload("export", b'[{"recipient": "nobody"}]', "application/json")
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid_bulk_file"
    assert [p["line"] for p in refused.json()["problems"]] == [1]
    by_name = upload("cohort.JSON", b'[{"recipient": "did:example:lin"}]', "text/plain")
    assert by_name.status_code == 202, by_name.text
    assert by_name.json()["filename"] == "cohort.JSON"
    jobs = client.get(f"/orgs/{org.slug}/bulk", headers=bearer(secret)).json()
    assert len(jobs) == 2


def test_bad_requests_and_other_tenants_are_refused(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org, other = make_org(), make_org()
    secret = token_for(api_platform, org.slug, "admin")
    stranger = token_for(api_platform, other.slug, "owner")
    assessor = token_for(api_platform, org.slug, "assessor")
    achievement = published(client, org.slug, secret)
    url = f"/orgs/{org.slug}/bulk?achievementId={achievement}"
    csv_type = {"Content-Type": "text/csv"}
    body = "recipient\nada@example.com\n"
    cases = [
        (url, "x", bearer(secret, **{"Content-Type": "text/plain"}), 415),
        (url, body, bearer(stranger, **csv_type), 403),
        (url, body, bearer(assessor, **csv_type), 403),
        (url, body, csv_type, 401),
        (f"/orgs/{org.slug}/bulk?achievementId=nope", body, bearer(secret, **csv_type), 404),
        (f"/orgs/{org.slug}/bulk", body, bearer(secret, **csv_type), 422),
        (url, "name\nx\n", bearer(secret, **csv_type), 400),
        (url, "recipient\n", bearer(secret, **csv_type), 400),
        (f"{url}&suite=rsa", body, bearer(secret, **csv_type), 400),
        (url, b"\xff\xfe", bearer(secret, **csv_type), 400),
    ]
    for path, content, headers, status in cases:
        response = client.post(path, content=content, headers=headers)
        assert response.status_code == status, (path, content, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    uploads = [
        ({"other": ("a.csv", body, "text/csv")}, bearer(secret), 400, "missing_file"),
        ({"file": ("a.txt", body, "text/plain")}, bearer(secret), 415, "unsupported_media_type"),
        # The token first: an upload without one is refused before it is read.
        ({"file": ("a.txt", body, "text/plain")}, {}, 401, "invalid_credentials"),
        ({"file": ("a.csv", body, "text/csv")}, bearer(stranger), 403, "other_organization"),
    ]
    for files, headers, status, code in uploads:
        response = client.post(url, headers=headers, files=files)
        assert response.status_code == status, (files, response.text)
        assert response.json()["code"] == code, response.text
    assert client.get(f"/orgs/{org.slug}/bulk", headers=bearer(secret)).json() == []
    created = client.post(url, content=body, headers=bearer(secret, **csv_type)).json()
    finish(api_platform, created["id"])
    for path in (
        f"/orgs/{org.slug}/bulk/{created['id']}",
        f"/orgs/{org.slug}/bulk/{created['id']}/rows",
        f"/orgs/{org.slug}/bulk/{created['id']}/results.csv",
    ):
        assert client.get(path, headers=bearer(stranger)).status_code == 403
    missing = f"/orgs/{org.slug}/bulk/00000000-0000-4000-8000-000000000000"
    assert client.get(missing, headers=bearer(secret)).status_code == 404
    assert client.get(f"{missing}/rows?limit=0", headers=bearer(secret)).status_code == 422
