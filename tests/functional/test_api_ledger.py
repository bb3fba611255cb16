"""The ledger over HTTP on both databases: the checkpoint, inclusion and consistency proofs
that verify with the published log key, the ``ledger`` check in verification reports and the
credential page, cosignatures, and bad requests answered as problem+json."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from fastapi.testclient import TestClient

from credstack.bootstrap import Platform
from credstack.ledger import (
    NoteVerifier,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from credstack.services.actors import Actor
from tests.functional.conftest import token_for
from tests.functional.test_api_credentials import bearer, issue

OPERATOR = Actor.operator("test")


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def checkpoint(platform: Platform) -> int:
    """What ``credstack ledger checkpoint`` does; the new size."""
    with platform.unit_of_work() as services:
        return services.ledger.checkpoint(OPERATOR).tree_size


def ledger_check(client: TestClient, text: str) -> dict[str, Any]:
    report = client.post("/verify", content=text).json()
    (found,) = [c for c in report["checks"] if c["name"] == "ledger"]
    return {"valid": report["valid"], **found}


def test_checkpoint_proofs_and_the_ledger_check(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    secret = token_for(api_platform, org.slug)
    issued = issue(client, org.slug, secret)
    uid = issued.headers["location"].rsplit("/", 1)[-1]
    pending = ledger_check(client, issued.text)
    assert (pending["valid"], pending["outcome"], pending["code"]) == (
        True,
        "warning",
        "ledger_pending",
    )
    first = checkpoint(api_platform)
    info = client.get("/ledger").json()
    assert info["origin"] == "badges.example.edu/ledger"
    assert info["signedSize"] == first
    log = NoteVerifier.from_vkey(info["logKey"])

    note = client.get("/ledger/checkpoint")
    assert note.headers["content-type"].startswith("text/plain")
    head, _ = open_checkpoint(note.text, log)
    assert head.size == first

    proof = client.get(f"/ledger/credentials/{uid}").json()
    (entry,) = proof["entries"]
    assert entry["entry"]["kind"] == "credential.issued"
    assert entry["entry"]["issuer"] == org.issuer_did
    assert b64(entry["leafHash"]) == leaf_hash(b64(entry["leaf"]))
    verify_inclusion(
        entry["index"],
        head.size,
        b64(entry["leafHash"]),
        [b64(p) for p in entry["proof"]],
        head.root_hash,
    )
    passed = ledger_check(client, issued.text)
    assert (passed["valid"], passed["outcome"]) == (True, "passed")
    assert f"entry {entry['index']}" in passed["message"]
    # Pretty-printed by a wallet: the same credential, the same digest (RFC 8785).
    pretty = json.dumps(json.loads(issued.text), indent=4)
    assert ledger_check(client, pretty)["outcome"] == "passed"
    page = client.get(f"/credentials/{uid}", headers={"Accept": "text/html"})
    assert "Transparency ledger" in page.text
    assert f"/ledger/credentials/{uid}" in page.text

    client.post(f"/orgs/{org.slug}/credentials/{uid}/revoke", json={}, headers=bearer(secret))
    second = checkpoint(api_platform)
    kinds = [e["kind"] for e in client.get(f"/ledger/credentials/{uid}").json()["entries"]]
    assert kinds == ["credential.issued", "credential.revoked"]
    older, _ = open_checkpoint(client.get(f"/ledger/checkpoints/{first}").text, log)
    newer, _ = open_checkpoint(client.get("/ledger/checkpoint").text, log)
    assert newer.size == second
    consistency = client.get(f"/ledger/consistency?from={first}&to={second}").json()
    verify_consistency(
        first, second, [b64(p) for p in consistency["proof"]], older.root_hash, newer.root_hash
    )


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_bad_ledger_requests_are_problems(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issue(client, org.slug, token_for(api_platform, org.slug))
    size = checkpoint(api_platform)
    problem(client.get("/ledger/consistency?from=2&to=1"), 400, "invalid_tree_sizes")
    problem(client.get(f"/ledger/consistency?from=1&to={size + 5}"), 400, "invalid_tree_sizes")
    assert client.get("/ledger/consistency?from=0&to=1").status_code == 422
    problem(client.get(f"/ledger/credentials/{uuid.uuid4()}"), 404, "credential_not_found")
    problem(client.get(f"/ledger/checkpoints/{size + 100}"), 404, "checkpoint_not_found")
    problem(client.post("/ledger/cosignatures", content=b"not a note"), 400, "malformed_note")
    problem(client.post("/ledger/cosignatures", content=b"\xff\xfe"), 400, "malformed_note")
    ours = client.get("/ledger/checkpoint").text
    problem(client.post("/ledger/cosignatures", content=ours.encode()), 403, "unknown_witness")
    lines = ours.split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()  # another root under the log's signature
    forged = "\n".join(lines).encode()
    problem(client.post("/ledger/cosignatures", content=forged), 400, "note_signature_invalid")


def test_a_jwt_credential_is_logged_by_its_compact_text(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    issued = issue(client, org.slug, token_for(api_platform, org.slug), suite="jwt")
    checkpoint(api_platform)
    passed = ledger_check(client, issued.text)
    assert (passed["valid"], passed["outcome"]) == (True, "passed")
