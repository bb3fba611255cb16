"""The learner's wallet over HTTP, on SQLite and PostgreSQL, signed in through the mailed link:
imports in every form (a URL from a real local HTTP server), refusals, an import completing a
pathway of an organisation that trusts its did:key issuer, share links, the presentation our
verifier accepts, the export, and one learner never reaching another's credentials."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from credstack.app import create_app
from credstack.bootstrap import Platform, build
from credstack.formats.baked import bake, tiny_png
from credstack.issue import issue
from credstack.proofs.did_key import did_key_for
from credstack.proofs.keys import PrivateKey, generate_key
from credstack.services.pathways import PathwayInput
from tests.functional.conftest import ACHIEVEMENT, OPERATOR, token_for
from tests.functional.wallet import bearer, fresh_email, last_token, sign_in

EXTERNAL: dict[str, Any] = {
    "id": "https://partner.example/achievements/safety",
    "type": ["Achievement"],
    "name": "Lab safety",
    "description": "Works safely in a laboratory.",
    "criteria": {"narrative": "Passed the practical."},
}


def credential(key: PrivateKey, recipient: str, **options: Any) -> str:
    return issue(EXTERNAL, key, recipient=recipient, **options).text


def learner(client: TestClient, platform: Platform) -> tuple[str, dict[str, str]]:
    address = fresh_email()
    return address, bearer(sign_in(client, platform, address))


class _Documents(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path, b"")
        self.send_response(200 if self.path in self.documents else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def documents() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A real HTTP server on 127.0.0.1: its base URL and the documents it serves."""

    class Handler(_Documents):
        documents: ClassVar[dict[str, bytes]] = {}

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Handler.documents
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_client(api_platform: Platform) -> Iterator[TestClient]:
    """The same database behind an app that may fetch from loopback (the tests' setting)."""
    settings = api_platform.settings.model_copy(update={"allow_private_network": True})
    platform = build(settings)
    with TestClient(create_app(platform=platform), raise_server_exceptions=False) as client:
        yield client
    platform.close()


def test_imports_in_every_form_and_refusals(client: TestClient, api_platform: Platform) -> None:
    address, auth = learner(client, api_platform)
    key = generate_key("ed25519")
    text = credential(key, address)
    first = client.post(
        "/wallet/imports", content=text, headers={**auth, "Content-Type": "application/json"}
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["source"], body["countsTowardPathways"]) == ("import", True)
    assert body["issuer"] == did_key_for(key.public_key)
    assert body["verification"]["valid"] is True
    again = client.post("/wallet/imports", json={"credential": json.loads(text)}, headers=auth)
    assert (again.status_code, again.json()["id"]) == (200, body["id"])

    jwt = credential(key, address, suite="jwt")
    plain = client.post(
        "/wallet/imports", content=jwt, headers={**auth, "Content-Type": "text/plain"}
    )
    assert plain.status_code == 201, plain.text
    enveloped = client.post("/wallet/imports", json={"credential": jwt}, headers=auth)
    assert (enveloped.status_code, enveloped.json()["id"]) == (200, plain.json()["id"])

    listed = client.get("/wallet/imports", headers=auth).json()
    assert [i["id"] for i in listed] == [body["id"], plain.json()["id"]]
    assert listed[0]["credential"] == json.loads(text)
    assert listed[1]["credential"] == jwt

    tampered = json.loads(text)
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"
    private = "https://127.0.0.1/credential.json"
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"content": b"hello", "headers": {"Content-Type": "text/plain"}}, 400, "not_a_credential"),
        ({"json": tampered}, 400, "verification_failed"),
        ({"json": {"url": private}}, 400, "fetch_failed"),
        ({"json": {"url": private, "image": "AA=="}}, 400, "invalid_request"),
        ({"json": {"image": "not base64!"}}, 400, "invalid_request"),
        ({"json": {"credential": 7}}, 400, "invalid_request"),
        ({"content": b"{" + b" " * 1_100_000 + b"}"}, 413, "too_large"),
    ]
    for request, status, code in cases:
        headers = {**auth, **request.pop("headers", {})}
        refused = client.post("/wallet/imports", headers=headers, **request)
        assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    failed = client.post("/wallet/imports", json=tampered, headers=auth).json()
    assert failed["report"]["valid"] is False
    assert "did not verify" in failed["detail"]
    assert len(client.get("/wallet/imports", headers=auth).json()) == 2

    assert client.delete(f"/wallet/imports/{body['id']}", headers=auth).status_code == 204
    gone = client.get(f"/wallet/imports/{body['id']}", headers=auth)
    assert (gone.status_code, gone.json()["code"]) == (404, "credential_not_found")
    assert client.delete(f"/wallet/imports/{body['id']}", headers=auth).status_code == 404


def test_url_import_from_a_real_http_server(
    client: TestClient,
    loopback_client: TestClient,
    api_platform: Platform,
    documents: tuple[str, dict[str, bytes]],
) -> None:
    base, served = documents
    address, auth = learner(client, api_platform)
    text = credential(generate_key("ed25519"), address)
    served["/badges/1"] = text.encode()
    served["/huge"] = b"{" + b" " * 1_100_000 + b"}"
    fetched = loopback_client.post(
        "/wallet/imports", json={"url": f"{base}/badges/1"}, headers=auth
    )
    assert fetched.status_code == 201, fetched.text
    held = client.get(f"/wallet/imports/{fetched.json()['id']}", headers=auth).json()
    assert held["credential"] == json.loads(text)
    for path, status, code in (("/missing", 400, "fetch_failed"), ("/huge", 413, "too_large")):
        refused = loopback_client.post("/wallet/imports", json={"url": base + path}, headers=auth)
        assert (refused.status_code, refused.json()["code"]) == (status, code)
    # The app as deployed (no loopback) refuses the same address before connecting.
    guarded = client.post(
        "/wallet/imports",
        json={"url": base.replace("http:", "https:") + "/badges/1"},
        headers=auth,
    )
    assert (guarded.status_code, guarded.json()["code"]) == (400, "fetch_failed")
    assert "not a public address" in guarded.json()["detail"]


def test_an_import_completes_a_pathway_once(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    address, auth = learner(client, api_platform)
    key = generate_key("ed25519")
    issuer = did_key_for(key.public_key)
    org = make_org()
    with api_platform.unit_of_work() as services:
        ours, cert = (
            services.achievements.create(
                OPERATOR,
                organization=org.slug,
                achievement={k: v for k, v in {**ACHIEVEMENT, "name": name}.items() if k != "id"},
                publish=True,
            ).record.public_id
            for name in ("Our unit", "Joint certificate")
        )
        pathway = services.pathways.create(
            OPERATOR,
            org.slug,
            PathwayInput(
                name="joint",
                achievement_id=cert,
                trusted_issuers=[issuer],
                requirements={
                    "type": "allOf",
                    "requirements": [
                        {"type": "achievement", "achievement": ours},
                        {"type": "achievement", "achievement": EXTERNAL["id"], "issuer": issuer},
                    ],
                },
            ),
        ).id
    staff = {"Authorization": f"Bearer {token_for(api_platform, org.slug)}"}
    issued = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievementId": ours, "recipient": address},
        headers=staff,
    )
    assert issued.status_code == 201, issued.text
    awards = f"/orgs/{org.slug}/pathways/{pathway}/awards"
    assert client.get(awards, headers=staff).json() == []

    theirs = credential(key, address)
    assert client.post("/wallet/imports", json={"credential": json.loads(theirs)}, headers=auth)
    [award] = client.get(awards, headers=staff).json()
    assert award["learner"] == address
    client.post("/wallet/imports", content=theirs, headers=auth)
    client.post("/wallet/imports", content=credential(key, address), headers=auth)
    assert len(client.get(awards, headers=staff).json()) == 1


def test_shares_presentation_and_export(client: TestClient, api_platform: Platform) -> None:
    address, auth = learner(client, api_platform)
    key = generate_key("ed25519")
    texts = [credential(key, address), credential(key, address, suite="jwt")]
    ids = [client.post("/wallet/imports", content=t, headers=auth).json()["id"] for t in texts]

    made = client.post(
        "/wallet/shares", json={"credentials": ids, "label": "For Acme"}, headers=auth
    )
    assert made.status_code == 201, made.text
    share = made.json()
    assert share["url"].endswith(f"/shares/{share['token']}")
    assert share["status"] == "active"
    opened = client.get(f"/shares/{share['token']}").json()
    assert [c["credential"] for c in opened["credentials"]] == [json.loads(texts[0]), texts[1]]
    [listed] = client.get("/wallet/shares", headers=auth).json()
    assert "token" not in listed
    revoked = client.post(f"/wallet/shares/{share['id']}/revoke", headers=auth)
    assert revoked.json()["status"] == "revoked"
    assert client.get(f"/shares/{share['token']}").status_code == 410
    bad = client.post(
        "/wallet/shares",
        json={"credentials": ids, "expiresAt": "2020-01-01T00:00:00Z"},
        headers=auth,
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_expiry")

    vp = client.get(f"/wallet/presentation?ids={ids[0]},{ids[1]}", headers=auth)
    assert vp.status_code == 200
    assert vp.headers["content-type"] == "application/vp"
    document = vp.json()
    assert document["type"] == ["VerifiablePresentation"]
    checked = client.post("/presentations/verify", json={"verifiablePresentation": document})
    assert checked.status_code == 200, checked.text
    assert checked.json()["verified"] is True
    report = client.post("/verify", json=document).json()
    assert [c["valid"] for c in report["credentials"]] == [True, True]

    export = client.get("/wallet/export", headers=auth)
    assert export.status_code == 200
    everything = export.json()
    assert everything["emails"][0]["address"] == address
    assert sorted(c["text"] for c in everything["credentials"]) == sorted(texts)
    assert everything["shares"][0]["status"] == "revoked"
    assert share["token"] not in export.text


def test_one_learner_never_reaches_anothers_credentials(
    client: TestClient, api_platform: Platform
) -> None:
    alice_address, alice = learner(client, api_platform)
    _, bob = learner(client, api_platform)
    text = credential(generate_key("ed25519"), alice_address)
    held = client.post("/wallet/imports", content=text, headers=alice).json()["id"]
    share = client.post("/wallet/shares", json={"credentials": [held]}, headers=alice).json()

    refusals = [
        client.get(f"/wallet/imports/{held}", headers=bob),
        client.delete(f"/wallet/imports/{held}", headers=bob),
        client.post("/wallet/shares", json={"credentials": [held]}, headers=bob),
        client.get(f"/wallet/presentation?ids={held}", headers=bob),
        client.post(f"/wallet/shares/{share['id']}/revoke", headers=bob),
    ]
    assert [r.status_code for r in refusals] == [404] * 5
    assert client.get("/wallet/imports", headers=bob).json() == []
    assert client.get("/wallet/shares", headers=bob).json() == []
    assert client.get("/wallet/export", headers=bob).json()["credentials"] == []
    assert text not in client.get("/wallet/export", headers=bob).text
    for method, url in (
        ("GET", "/wallet/imports"),
        ("POST", "/wallet/imports"),
        ("GET", "/wallet/export"),
        ("GET", f"/wallet/presentation?ids={held}"),
        ("POST", "/wallet/shares"),
    ):
        assert client.request(method, url).status_code == 401
    # Alice's things are untouched by Bob's attempts.
    assert client.get(f"/wallet/imports/{held}", headers=alice).status_code == 200
    assert client.get(f"/shares/{share['token']}").status_code == 200


def test_a_second_confirmed_address_counts_once_confirmed(
    client: TestClient, api_platform: Platform, make_org: Any
) -> None:
    address, auth = learner(client, api_platform)
    second = fresh_email("second")
    org = make_org()
    staff = {"Authorization": f"Bearer {token_for(api_platform, org.slug)}"}
    issued = client.post(
        f"/orgs/{org.slug}/credentials",
        json={"achievement": ACHIEVEMENT, "recipient": second},
        headers=staff,
    )
    assert issued.status_code == 201, issued.text
    issued_id = issued.json()["id"]
    text = credential(generate_key("ed25519"), second)

    # Not yet confirmed: the address is not the learner's.
    added = client.post("/wallet/emails", json={"email": second}, headers=auth)
    assert added.status_code == 202, added.text
    early = client.post("/wallet/imports", content=text, headers=auth).json()
    assert early["countsTowardPathways"] is False
    refused = client.post("/wallet/shares", json={"credentials": [issued_id]}, headers=auth)
    assert refused.status_code == 404

    confirmed = client.post(
        "/wallet/emails/confirm", json={"token": last_token(api_platform, second)}
    )
    assert confirmed.status_code == 200, confirmed.text
    client.delete(f"/wallet/imports/{early['id']}", headers=auth)
    counted = client.post("/wallet/imports", content=text, headers=auth).json()
    assert counted["countsTowardPathways"] is True
    shared = client.post("/wallet/shares", json={"credentials": [issued_id]}, headers=auth)
    assert shared.status_code == 201, shared.text
    export = client.get("/wallet/export", headers=auth).json()
    assert {e["address"]: e["confirmed"] for e in export["emails"]} == {
        address: True,
        second: True,
    }
    assert issued_id in {c["credentialId"] for c in export["credentials"]}


def test_baked_images_are_imported(client: TestClient, api_platform: Platform) -> None:
    address, auth = learner(client, api_platform)
    key = generate_key("ed25519")
    png_text, svg_text = credential(key, address), credential(key, address, suite="jwt")
    png = bake(tiny_png(), png_text)
    svg = bake(b"<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>", svg_text)
    raw = client.post("/wallet/imports", content=png, headers={**auth, "Content-Type": "image/png"})
    assert raw.status_code == 201, raw.text
    encoded = client.post(
        "/wallet/imports", json={"image": base64.b64encode(svg).decode()}, headers=auth
    )
    assert encoded.status_code == 201, encoded.text
    held = {i["id"]: i["credential"] for i in client.get("/wallet/imports", headers=auth).json()}
    assert held[raw.json()["id"]] == json.loads(png_text)
    assert held[encoded.json()["id"]] == svg_text
    plain = client.post(
        "/wallet/imports", content=tiny_png(), headers={**auth, "Content-Type": "image/png"}
    )
    assert (plain.status_code, plain.json()["code"]) == (400, "not_a_credential")
