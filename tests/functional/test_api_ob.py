"""The 1EdTech Open Badges 3.0 API over HTTP, on SQLite and PostgreSQL: a client registers,
a learner signs in and consents (PKCE S256), and the client reads and writes the learner's
credentials and profile; every refusal answers with the spec's error shape."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from credstack.bootstrap import Platform
from credstack.issue import Suite, issue
from credstack.proofs.keys import generate_key
from credstack.services.issuing import IssueRequest
from credstack.store.oauth import AuthorizationCode, OAuthGrant
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, OPERATOR, Org

API = "/ims/ob/v3p0"
SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
ALL_SCOPES = " ".join(
    SCOPE + s
    for s in ("credential.readonly", "credential.upsert", "profile.readonly", "profile.update")
)
REDIRECT = "https://wallet.example/callback?app=1"
PASSWORD = "correct horse battery staple"
# The Imsx_StatusInfo error body of OB 3.0 (section 6, the spec's JSON Schema), written out.
IMSX_STATUS_INFO: dict[str, Any] = {
    "type": "object",
    "required": ["imsx_codeMajor", "imsx_severity"],
    "additionalProperties": False,
    "properties": {
        "imsx_codeMajor": {"enum": ["failure", "processing", "success", "unsupported"]},
        "imsx_severity": {"enum": ["error", "status", "warning"]},
        "imsx_description": {"type": "string"},
        "imsx_codeMinor": {
            "type": "object",
            "required": ["imsx_codeMinorField"],
            "additionalProperties": False,
            "properties": {
                "imsx_codeMinorField": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["imsx_codeMinorFieldName", "imsx_codeMinorFieldValue"],
                        "additionalProperties": False,
                        "properties": {
                            "imsx_codeMinorFieldName": {"type": "string"},
                            "imsx_codeMinorFieldValue": {
                                "enum": [
                                    "forbidden",
                                    "fullsuccess",
                                    "internal_server_error",
                                    "invalid_data",
                                    "invalid_query_parameter",
                                    "misdirected_request",
                                    "not_acceptable",
                                    "not_allowed",
                                    "not_modified",
                                    "server_busy",
                                    "unauthorizedrequest",
                                    "unknown",
                                ]
                            },
                        },
                    },
                }
            },
        },
    },
}


def challenge_of(verifier: str) -> str:
    """RFC 7636 section 4.2, computed here independently of the server's code."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def imsx(response: Response, status: int, minor: str) -> str:
    """Assert an Imsx_StatusInfo error; its description."""
    assert response.status_code == status, response.text
    body = response.json()
    jsonschema.validate(body, IMSX_STATUS_INFO)
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == minor
    description: str = body["imsx_description"]
    return description


def oauth_error(response: Response, error: str, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert response.headers["cache-control"] == "no-store"
    description: str = body["error_description"]
    return description


@dataclass
class Wallet:
    """A registered client, driving the flow as a wallet would."""

    http: TestClient
    client_id: str
    secret: str

    @property
    def basic(self) -> tuple[str, str]:
        return (self.client_id, self.secret)

    def authorize_params(self, verifier: str, **extra: str) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": REDIRECT,
            "scope": ALL_SCOPES,
            "state": "st-" + uuid.uuid4().hex,
            "code_challenge": challenge_of(verifier),
            "code_challenge_method": "S256",
        }
        params.update(extra)
        return params

    def consent(self, params: dict[str, str], email: str, **form: str) -> Response:
        fields = {**params, "email": email, "password": PASSWORD, "decision": "approve", **form}
        return self.http.post(f"{API}/oauth/authorize", data=fields, follow_redirects=False)

    def code(self, email: str, verifier: str, **extra: str) -> str:
        params = self.authorize_params(verifier, **extra)
        answer = self.consent(params, email)
        assert answer.status_code == 303, answer.text
        location = urlsplit(answer.headers["location"])
        query = parse_qs(location.query)
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT.split("?")[0]
        assert query["state"] == [params["state"]]
        assert query["app"] == ["1"]  # the redirect URI's own query is kept
        return query["code"][0]

    def token(self, **form: str) -> Response:
        return self.http.post(f"{API}/oauth/token", data=form, auth=self.basic)

    def tokens(self, email: str, **extra: str) -> dict[str, Any]:
        verifier = secrets.token_urlsafe(48)
        code = self.code(email, verifier, **extra)
        answer = self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=REDIRECT,
            code_verifier=verifier,
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def wallet(client: TestClient) -> Wallet:
    answer = client.post(
        f"{API}/oauth/register",
        json={
            "client_name": "Pocket Wallet",
            "client_uri": "https://wallet.example/",
            "redirect_uris": [REDIRECT],
            "scope": ALL_SCOPES,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["redirect_uris"] == [REDIRECT]
    assert body["client_secret_expires_at"] == 0
    return Wallet(client, body["client_id"], body["client_secret"])


@pytest.fixture
def learner(api_platform: Platform) -> str:
    email = f"learner-{uuid.uuid4().hex[:10]}@example.org"
    with api_platform.unit_of_work() as services:
        services.users.create_learner(OPERATOR, email=email, password=PASSWORD)
    return email


def issue_to(platform: Platform, org: Org, email: str, suite: str = "eddsa-rdfc-2022") -> str:
    with platform.unit_of_work() as services:
        record = services.credentials.issue(
            OPERATOR, org.slug, IssueRequest(recipient=email, achievement=ACHIEVEMENT, suite=suite)
        )
        return record.text


def held_credential(email: str, *, suite: Suite = "eddsa-rdfc-2022") -> str:
    """A credential from another issuer (a did:key), as a learner would bring it."""
    achievement = {**ACHIEVEMENT, "id": f"https://other.example/achievements/{uuid.uuid4()}"}
    issued = issue(achievement, generate_key("ed25519"), recipient=email, suite=suite)
    return issued.text


def links(response: Response) -> dict[str, str]:
    found = {}
    for part in response.headers["link"].split(", "):
        url, rel = part.split("; ")
        found[rel.removeprefix('rel="').rstrip('"')] = url.strip("<>")
    return found


def test_discovery_document_names_the_oauth_endpoints(client: TestClient) -> None:
    answer = client.get(f"{API}/discovery")
    assert answer.status_code == 200
    scheme = answer.json()["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == f"{BASE_URL}{API}/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == f"{BASE_URL}{API}/oauth/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == f"{BASE_URL}{API}/oauth/token"
    assert set(flow["scopes"]) == set(ALL_SCOPES.split())
    assert answer.json()["servers"] == [{"url": f"{BASE_URL}{API}"}]


def test_full_client_flow(
    client: TestClient, api_platform: Platform, make_org: Any, wallet: Wallet, learner: str
) -> None:
    org = make_org()
    issued = [issue_to(api_platform, org, learner.upper()) for _ in range(2)]
    issued.append(issue_to(api_platform, org, learner, suite="jwt"))
    issue_to(api_platform, org, "someone-else@example.org")

    verifier = secrets.token_urlsafe(48)
    params = wallet.authorize_params(verifier)
    page = client.get(f"{API}/oauth/authorize", params=params)
    assert page.status_code == 200
    assert "Pocket Wallet asks for access" in page.text
    assert 'name="password"' in page.text
    assert "<script" not in page.text
    assert page.headers["x-frame-options"] == "DENY"
    code = wallet.code(learner, verifier)
    answer = wallet.token(
        grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert set(tokens["scope"].split()) == set(ALL_SCOPES.split())
    assert answer.headers["cache-control"] == "no-store"

    # getCredentials, two to a page: the issued credentials, JSON and JWT apart.
    first = client.get(f"{API}/credentials", params={"limit": 2}, headers=bearer(tokens))
    assert first.status_code == 200, first.text
    assert first.headers["x-total-count"] == "3"
    assert first.json() == {"credential": [json.loads(t) for t in issued[:2]]}
    rels = links(first)
    assert set(rels) == {"first", "last", "next"}
    assert rels["next"] == f"{BASE_URL}{API}/credentials?limit=2&offset=2"
    second = client.get(rels["next"].removeprefix(BASE_URL), headers=bearer(tokens))
    assert second.json() == {"compactJwsString": [issued[2]]}
    assert set(links(second)) == {"first", "last", "prev"}
    assert links(second)["last"] == rels["next"]

    # upsertCredential: created, then the same credential again replaces it.
    mine = held_credential(learner)
    created = client.post(
        f"{API}/credentials",
        content=mine,
        headers={**bearer(tokens), "Content-Type": "application/json"},
    )
    assert created.status_code == 201, created.text
    assert created.text == mine
    again = client.post(
        f"{API}/credentials",
        content=mine,
        headers={**bearer(tokens), "Content-Type": "application/vc+ld+json"},
    )
    assert again.status_code == 200
    jwt = held_credential(learner, suite="jwt")
    posted = client.post(
        f"{API}/credentials", content=jwt, headers={**bearer(tokens), "Content-Type": "text/plain"}
    )
    assert posted.status_code == 201
    assert posted.text == jwt
    assert posted.headers["content-type"].startswith("text/plain")
    everything = client.get(f"{API}/credentials", headers=bearer(tokens))
    assert everything.headers["x-total-count"] == "5"
    body = everything.json()
    assert json.loads(mine) in body["credential"]
    assert jwt in body["compactJwsString"]
    assert "next" not in links(everything)

    # getProfile, putProfile.
    profile = client.get(f"{API}/profile", headers=bearer(tokens)).json()
    assert profile["email"] == learner
    assert profile["type"] == ["Profile"]
    changed = {**profile, "name": "Ada Lovelace", "givenName": "Ada"}
    put = client.put(f"{API}/profile", json=changed, headers=bearer(tokens))
    assert put.status_code == 200
    assert put.json() == changed
    assert client.get(f"{API}/profile", headers=bearer(tokens)).json() == changed

    # Refresh: new tokens; the old access and refresh tokens stop working.
    refreshed = wallet.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    renewed = refreshed.json()
    assert renewed["access_token"] != tokens["access_token"]
    imsx(client.get(f"{API}/profile", headers=bearer(tokens)), 401, "unauthorizedrequest")
    reused = wallet.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    oauth_error(reused, "invalid_grant")
    assert client.get(f"{API}/profile", headers=bearer(renewed)).status_code == 200

    # Revoke (RFC 7009): the refresh token revokes its access token too.
    revoked = client.post(
        f"{API}/oauth/revoke", data={"token": renewed["refresh_token"]}, auth=wallet.basic
    )
    assert revoked.status_code == 200
    gone = client.get(f"{API}/profile", headers=bearer(renewed))
    imsx(gone, 401, "unauthorizedrequest")
    assert gone.headers["www-authenticate"] == 'Bearer realm="credstack", error="invalid_token"'
    unknown = client.post(f"{API}/oauth/revoke", data={"token": "nothing"}, auth=wallet.basic)
    assert unknown.status_code == 200


def test_narrowed_refresh_and_missing_scope(
    client: TestClient, wallet: Wallet, learner: str
) -> None:
    tokens = wallet.tokens(learner, scope=f"{SCOPE}credential.readonly {SCOPE}profile.readonly")
    assert client.get(f"{API}/credentials", headers=bearer(tokens)).status_code == 200
    refused = client.put(f"{API}/profile", json={"type": "Profile"}, headers=bearer(tokens))
    imsx(refused, 403, "forbidden")
    assert refused.headers["www-authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{SCOPE}profile.update"'
    )
    upsert = client.post(
        f"{API}/credentials", content=held_credential(learner), headers=bearer(tokens)
    )
    imsx(upsert, 403, "forbidden")
    wider = wallet.token(
        grant_type="refresh_token", refresh_token=tokens["refresh_token"], scope=ALL_SCOPES
    )
    oauth_error(wider, "invalid_scope")
    narrower = wallet.token(
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        scope=f"{SCOPE}credential.readonly",
    )
    assert narrower.json()["scope"] == f"{SCOPE}credential.readonly"
    imsx(client.get(f"{API}/profile", headers=bearer(narrower.json())), 403, "forbidden")


def test_no_token_and_unknown_token_are_401(client: TestClient) -> None:
    missing = client.get(f"{API}/credentials")
    assert "Bearer" in imsx(missing, 401, "unauthorizedrequest")
    assert missing.headers["www-authenticate"] == 'Bearer realm="credstack"'
    wrong = client.get(f"{API}/profile", headers={"Authorization": "Bearer csa_nope"})
    imsx(wrong, 401, "unauthorizedrequest")
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]


def test_expired_access_token_is_401(
    client: TestClient, api_platform: Platform, wallet: Wallet, learner: str
) -> None:
    tokens = wallet.tokens(learner)
    with api_platform.sessions.begin() as session:
        session.execute(
            update(OAuthGrant)
            .where(
                OAuthGrant.access_hash
                == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
            )
            .values(access_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = client.get(f"{API}/credentials", headers=bearer(tokens))
    assert "expired" in imsx(answer, 401, "unauthorizedrequest")


def test_a_token_sees_only_its_own_users_credentials(
    client: TestClient, api_platform: Platform, make_org: Any, wallet: Wallet, learner: str
) -> None:
    other = f"other-{uuid.uuid4().hex[:8]}@example.org"
    with api_platform.unit_of_work() as services:
        services.users.create_learner(OPERATOR, email=other, password=PASSWORD)
    ours = issue_to(api_platform, make_org(), learner)
    mine, theirs = wallet.tokens(learner), wallet.tokens(other)
    # Upserting a credential issued here to the user changes nothing: it is listed already.
    back = client.post(
        f"{API}/credentials",
        content=ours,
        headers={**bearer(mine), "Content-Type": "application/json"},
    )
    assert back.status_code == 200, back.text
    held = held_credential(other)
    posted = client.post(
        f"{API}/credentials",
        content=held,
        headers={**bearer(theirs), "Content-Type": "application/json"},
    )
    assert posted.status_code == 201
    assert client.get(f"{API}/credentials", headers=bearer(theirs)).json() == {
        "credential": [json.loads(held)]
    }
    assert client.get(f"{API}/credentials", headers=bearer(mine)).headers["x-total-count"] == "1"
    assert client.get(f"{API}/profile", headers=bearer(theirs)).json()["email"] == other


def test_invalid_credential_upsert_is_refused_with_the_report(
    client: TestClient, wallet: Wallet, learner: str
) -> None:
    tokens = wallet.tokens(learner)
    headers = {**bearer(tokens), "Content-Type": "application/json"}
    tampered = json.loads(held_credential(learner))
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"
    refused = client.post(f"{API}/credentials", content=json.dumps(tampered), headers=headers)
    description = imsx(refused, 400, "invalid_data")
    assert description.startswith("The credential does not verify.")
    assert "proof:" in description
    not_json = client.post(f"{API}/credentials", content=b"{nope", headers=headers)
    assert "parse:" in imsx(not_json, 400, "invalid_data")
    not_jws = client.post(
        f"{API}/credentials",
        content="a.b",
        headers={**bearer(tokens), "Content-Type": "text/plain"},
    )
    imsx(not_jws, 400, "invalid_data")
    xml = client.post(
        f"{API}/credentials", content="<a/>", headers={**bearer(tokens), "Content-Type": "text/xml"}
    )
    imsx(xml, 415, "not_acceptable")
    bad_profile = client.put(
        f"{API}/profile", json={"type": "Profile", "id": "urn:uuid:other"}, headers=bearer(tokens)
    )
    assert "cannot change" in imsx(bad_profile, 400, "invalid_data")
    not_profile = client.put(f"{API}/profile", json={"type": "Thing"}, headers=bearer(tokens))
    imsx(not_profile, 400, "invalid_data")
    paging = client.get(f"{API}/credentials", params={"limit": 0}, headers=bearer(tokens))
    imsx(paging, 400, "invalid_query_parameter")
    since = client.get(f"{API}/credentials", params={"since": "yesterday"}, headers=bearer(tokens))
    imsx(since, 400, "invalid_data")
    # Nothing of that was stored.
    listing = client.get(f"{API}/credentials", headers=bearer(tokens))
    assert listing.headers["x-total-count"] == "0"
    assert listing.json() == {}
    assert "name" not in client.get(f"{API}/profile", headers=bearer(tokens)).json()


def test_since_filters_by_issue_time(
    client: TestClient, api_platform: Platform, make_org: Any, wallet: Wallet, learner: str
) -> None:
    issue_to(api_platform, make_org(), learner)
    tokens = wallet.tokens(learner)
    before = client.get(
        f"{API}/credentials", params={"since": "2020-01-01T00:00:00"}, headers=bearer(tokens)
    )
    assert before.headers["x-total-count"] == "1"
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    after = client.get(f"{API}/credentials", params={"since": later}, headers=bearer(tokens))
    assert after.headers["x-total-count"] == "0"
    assert "since=" in links(after)["first"]


def test_bad_pkce_verifier_is_refused(client: TestClient, wallet: Wallet, learner: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = wallet.code(learner, verifier)
    wrong = wallet.token(
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=secrets.token_urlsafe(48),
    )
    assert "PKCE" in oauth_error(wrong, "invalid_grant")
    missing = wallet.token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    oauth_error(missing, "invalid_request")
    # The code survives a failed attempt and still works with the right verifier.
    right = wallet.token(
        grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert right.status_code == 200


def test_plain_pkce_and_missing_challenge_go_back_as_errors(
    client: TestClient, wallet: Wallet
) -> None:
    for extra in ({"code_challenge_method": "plain"}, {"code_challenge": ""}):
        params = wallet.authorize_params(secrets.token_urlsafe(48), **extra)
        answer = client.get(f"{API}/oauth/authorize", params=params, follow_redirects=False)
        assert answer.status_code == 303
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["error"] == ["invalid_request"]
        assert query["state"] == [params["state"]]
    scope = wallet.authorize_params(secrets.token_urlsafe(48), scope="openid")
    answer = client.get(f"{API}/oauth/authorize", params=scope, follow_redirects=False)
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["invalid_scope"]


def test_reused_code_is_refused_and_revokes_its_tokens(
    client: TestClient, wallet: Wallet, learner: str
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = wallet.code(learner, verifier)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    tokens = wallet.token(**form).json()
    assert client.get(f"{API}/profile", headers=bearer(tokens)).status_code == 200
    assert "already used" in oauth_error(wallet.token(**form), "invalid_grant")
    imsx(client.get(f"{API}/profile", headers=bearer(tokens)), 401, "unauthorizedrequest")
    refresh = wallet.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    oauth_error(refresh, "invalid_grant")


def test_expired_code_is_refused(
    client: TestClient, api_platform: Platform, wallet: Wallet, learner: str
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = wallet.code(learner, verifier)
    with api_platform.sessions.begin() as session:
        session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.code_hash == hashlib.sha256(code.encode()).hexdigest())
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = wallet.token(
        grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert "expired" in oauth_error(answer, "invalid_grant")


def test_wrong_redirect_uri_is_refused(client: TestClient, wallet: Wallet, learner: str) -> None:
    verifier = secrets.token_urlsafe(48)
    for uri in ("https://evil.example/callback", REDIRECT + "&x=1", REDIRECT.split("?")[0]):
        params = wallet.authorize_params(verifier, redirect_uri=uri)
        page = client.get(f"{API}/oauth/authorize", params=params, follow_redirects=False)
        assert page.status_code == 400
        assert "must match exactly" in page.text
        posted = wallet.consent(params, learner)
        assert posted.status_code == 400
        assert "location" not in posted.headers
    code = wallet.code(learner, verifier)
    answer = wallet.token(
        grant_type="authorization_code",
        code=code,
        redirect_uri="https://wallet.example/other",
        code_verifier=verifier,
    )
    oauth_error(answer, "invalid_grant")


def test_unknown_client_and_repeated_parameters_are_shown_not_redirected(
    client: TestClient, wallet: Wallet
) -> None:
    params = wallet.authorize_params(secrets.token_urlsafe(48), client_id="nobody")
    page = client.get(f"{API}/oauth/authorize", params=params, follow_redirects=False)
    assert page.status_code == 400
    assert "client_id" in page.text
    query = [*wallet.authorize_params(secrets.token_urlsafe(48)).items(), ("state", "x")]
    repeated = client.get(f"{API}/oauth/authorize", params=query, follow_redirects=False)
    assert repeated.status_code == 400
    assert "repeated" in repeated.text


def test_deny_and_wrong_password(client: TestClient, wallet: Wallet, learner: str) -> None:
    params = wallet.authorize_params(secrets.token_urlsafe(48))
    denied = wallet.consent(params, learner, decision="deny")
    assert denied.status_code == 303
    query = parse_qs(urlsplit(denied.headers["location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [params["state"]]
    wrong = wallet.consent(params, learner, password="not the password at all")
    assert wrong.status_code == 200
    assert "location" not in wrong.headers
    assert "email address or password is wrong" in wrong.text
    assert f'value="{learner}"' in wrong.text


def test_client_authentication_at_the_token_endpoint(
    client: TestClient, wallet: Wallet, learner: str
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = wallet.code(learner, verifier)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    wrong = client.post(f"{API}/oauth/token", data=form, auth=(wallet.client_id, "css_wrong"))
    oauth_error(wrong, "invalid_client", 401)
    assert wrong.headers["www-authenticate"] == 'Basic realm="credstack"'
    anonymous = client.post(f"{API}/oauth/token", data=form)
    oauth_error(anonymous, "invalid_client", 401)
    # Registered for client_secret_basic: the secret in the form is refused.
    posted = client.post(
        f"{API}/oauth/token",
        data={**form, "client_id": wallet.client_id, "client_secret": wallet.secret},
    )
    oauth_error(posted, "invalid_client", 401)
    odd = wallet.token(grant_type="password", username="a", password="b")
    oauth_error(odd, "unsupported_grant_type")
    assert wallet.token(**form).status_code == 200


def test_another_client_cannot_use_or_revoke_the_tokens(
    client: TestClient, wallet: Wallet, learner: str
) -> None:
    other = client.post(
        f"{API}/oauth/register", json={"client_name": "Other", "redirect_uris": [REDIRECT]}
    ).json()
    tokens = wallet.tokens(learner)
    auth = (other["client_id"], other["client_secret"])
    refused = client.post(f"{API}/oauth/revoke", data={"token": tokens["access_token"]}, auth=auth)
    oauth_error(refused, "invalid_request")
    stolen = client.post(
        f"{API}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=auth,
    )
    oauth_error(stolen, "invalid_grant")
    assert client.get(f"{API}/profile", headers=bearer(tokens)).status_code == 200


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        (
            {"client_name": "X", "redirect_uris": ["http://wallet.example/cb"]},
            "invalid_redirect_uri",
        ),
        ({"client_name": "X", "redirect_uris": ["https://w.example/cb#f"]}, "invalid_redirect_uri"),
        ({"client_name": "X", "redirect_uris": []}, "invalid_client_metadata"),
        ({"redirect_uris": ["https://w.example/cb"]}, "invalid_client_metadata"),
        (
            {"client_name": "X", "redirect_uris": ["https://w.example/cb"], "scope": "openid"},
            "invalid_client_metadata",
        ),
        (
            {
                "client_name": "X",
                "redirect_uris": ["https://w.example/cb"],
                "grant_types": ["implicit"],
            },
            "invalid_client_metadata",
        ),
        (
            {
                "client_name": "X",
                "redirect_uris": ["https://w.example/cb"],
                "token_endpoint_auth_method": "none",
            },
            "invalid_client_metadata",
        ),
        ([1, 2], "invalid_client_metadata"),
    ],
)
def test_registration_refusals(client: TestClient, metadata: Any, error: str) -> None:
    oauth_error(client.post(f"{API}/oauth/register", json=metadata), error)


def test_loopback_redirect_and_client_secret_post(client: TestClient, learner: str) -> None:
    redirect = "http://127.0.0.1:8123/cb"
    registered = client.post(
        f"{API}/oauth/register",
        json={
            "client_name": "Desktop",
            "redirect_uris": [redirect],
            "token_endpoint_auth_method": "client_secret_post",
            "grant_types": ["authorization_code"],
        },
    ).json()
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": registered["client_id"],
        "redirect_uri": redirect,
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
        "email": learner,
        "password": PASSWORD,
        "decision": "approve",
    }
    answer = client.post(f"{API}/oauth/authorize", data=params, follow_redirects=False)
    location = urlsplit(answer.headers["location"])
    assert "state" not in parse_qs(location.query)
    form = {
        "grant_type": "authorization_code",
        "code": parse_qs(location.query)["code"][0],
        "redirect_uri": redirect,
        "code_verifier": verifier,
        "client_id": registered["client_id"],
        "client_secret": registered["client_secret"],
    }
    tokens = client.post(f"{API}/oauth/token", data=form)
    assert tokens.status_code == 200
    # Registered without refresh_token: that grant is not the client's.
    refresh = client.post(
        f"{API}/oauth/token",
        data={
            **{k: form[k] for k in ("client_id", "client_secret")},
            "grant_type": "refresh_token",
            "refresh_token": tokens.json()["refresh_token"],
        },
    )
    oauth_error(refresh, "unauthorized_client")
