"""The tenant-isolation matrix, on SQLite and PostgreSQL: every mutating endpoint of the app,
called with a token of another organisation and with a token of a weaker role, is refused
(403 or 404, problem+json) and changes nothing stored; the same request with a strong enough
token then succeeds, so the refusals are about the token and not about the request. Every read
that takes a token refuses a token of another organisation too.

The list of endpoints is checked against ``app.routes``: an endpoint added without an entry
here (or an exemption with its reason) fails ``test_every_mutating_endpoint_is_in_the_matrix``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

import credstack.store.achievements
import credstack.store.credentials
import credstack.store.webhooks  # noqa: F401 - these register their tables for snapshot()
from credstack.api.deps import get_actor
from credstack.app import create_app
from credstack.assessment import EvidenceItem
from credstack.bootstrap import Platform
from credstack.config import Settings
from credstack.jobs.inprocess import InProcessDispatcher
from credstack.services.assessments import SettingsInput
from credstack.services.issuing import IssueRequest
from credstack.services.pathways import PathwayInput
from credstack.services.webhooks import WebhookPolicy
from credstack.store.models import Base
from tests.functional.conftest import ACHIEVEMENT, BASE_URL, OPERATOR, token_for

MUTATING: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Endpoints that belong to no organisation and store nothing.
EXEMPT: Final[dict[tuple[str, str], str]] = {
    ("POST", "/verify"): "public verification: no organisation, stores nothing",
    ("POST", "/verify/report"): "the public verify page's form: no organisation, stores nothing",
    ("POST", "/credentials/verify"): "public VC-API verification: no organisation, stores nothing",
    (
        "POST",
        "/presentations/verify",
    ): "public VC-API verification: no organisation, stores nothing",
    # The Open Badges API belongs to users, not organisations: OAuth tokens of one user and
    # scope; another user's or client's token and missing scopes are refused in test_api_ob.py.
    ("POST", "/ims/ob/v3p0/oauth/register"): "OB API: public client registration (RFC 7591)",
    ("POST", "/ims/ob/v3p0/oauth/authorize"): "OB API: the user signs in with their password",
    ("POST", "/ims/ob/v3p0/oauth/token"): "OB API: client-authenticated; see test_api_ob.py",
    ("POST", "/ims/ob/v3p0/oauth/revoke"): "OB API: client-authenticated; see test_api_ob.py",
    ("POST", "/ims/ob/v3p0/credentials"): "OB API: the token's user's own list; test_api_ob.py",
    ("PUT", "/ims/ob/v3p0/profile"): "OB API: the token's user's own profile; test_api_ob.py",
    # The wallet belongs to learners, not organisations: each route acts on the session's own
    # learner (test_api_wallet_isolation.py), or takes an emailed one-time link's token.
    ("POST", "/wallet/sign-in"): "wallet: mails a link; same answer for every address",
    ("POST", "/wallet/sign-in/complete"): "wallet: the emailed one-time token is the credential",
    ("POST", "/wallet/sign-out"): "wallet: ends the request's own session",
    ("POST", "/wallet/emails"): "wallet: the session's own learner; test_api_wallet_isolation",
    ("POST", "/wallet/emails/confirm"): "wallet: the emailed one-time token is the credential",
    ("DELETE", "/wallet/emails/{email}"): "wallet: the session's own learner only",
    ("POST", "/wallet/submissions"): (
        "wallet: the learner's own evidence, as one of their confirmed addresses; "
        "test_api_wallet_isolation.py"
    ),
    ("POST", "/wallet/clr"): (
        "wallet: the session's own record only (test_api_learner_records.py); the signing "
        "organisation must have issued a credential in it"
    ),
    # Imports and shares act on the session's own learner's credentials only; another
    # learner's ids are not found (test_api_wallet_sharing.py, one learner never reaches...).
    ("POST", "/wallet/imports"): "wallet: into the session's own learner's wallet",
    ("POST", "/wallet/imports/{held_id}/verify"): "wallet: the session's own learner's import",
    ("DELETE", "/wallet/imports/{held_id}"): "wallet: the session's own learner's import",
    ("POST", "/wallet/shares"): "wallet: of the session's own learner's credentials",
    ("POST", "/wallet/shares/{share_id}/revoke"): "wallet: the session's own learner's share",
    # The wallet pages (test_web_wallet.py): the same learner services behind a session cookie.
    ("POST", "/wallet/link"): "wallet page: mails a link; same answer for every address",
    ("POST", "/wallet/session"): "wallet page: the emailed one-time token is the credential",
    ("POST", "/wallet/leave"): "wallet page: ends the request's own session",
    ("POST", "/wallet/address"): "wallet page: the emailed one-time token is the credential",
    ("POST", "/wallet/share"): "wallet page: the session cookie's own learner's credential",
    ("POST", "/wallet/import"): "wallet page: into the session cookie's own learner's wallet",
    ("POST", "/wallet/evidence"): (
        "wallet page: the cookie's own learner's evidence (test_web_wallet_evidence.py)"
    ),
    ("POST", "/wallet/links/{share_id}/revoke"): (
        "wallet page: the cookie's own learner's share; another's is not found "
        "(test_web_wallet_links.py)"
    ),
    ("POST", "/wallet/record/clr"): (
        "wallet page: the cookie's own record only (test_web_wallet_record.py)"
    ),
    ("POST", "/ledger/cosignatures"): (
        "the server's transparency log, no organisation; a cosignature is kept only when it "
        "verifies with the key of a witness in CREDSTACK_LEDGER_WITNESSES (test_api_ledger.py)"
    ),
}
# Console forms take a session and a CSRF token, not an API token: test_console_isolation.py
# holds their matrix and checks that it lists every one of them.
CONSOLE_PATHS: Final = ("/console", "/login", "/logout")
WEAKER: Final = {"admin": ("issuer", "assessor"), "issuer": ("assessor",)}
BADGE = {key: value for key, value in ACHIEVEMENT.items() if key != "id"}
RUBRIC: Final = {
    "passThreshold": 1,
    "criteria": [
        {"id": "c", "name": "C", "levels": [{"id": "ok", "name": "OK", "points": 1}]},
    ],
}
EVIDENCE: Final = {"fileTypes": ["application/pdf"], "maxFileBytes": 1000}
EXAM: Final = {
    "id": "urn:rd:exam",
    "type": ["ResultDescription"],
    "name": "Exam",
    "resultType": "Percent",
    "requiredValue": "50",
}


@dataclass(frozen=True)
class World:
    """Organisation A, the target, with something of every kind; B, a stranger."""

    slug: str
    other: str
    achievement: str  # a published achievement's uuid
    draft: str  # a draft achievement's uuid
    credential: str  # a credential with a suspension entry (its uuid)
    credential_url: str  # its id
    token: str  # an issuer token's id
    member: str  # an issuer member's user id
    p256_key: str  # an active P-256 key's id
    pathway: str  # a pathway's id (awarding the published achievement)
    submission: str  # a pending submission (a PDF at index 0) for the published achievement
    scored: str  # a published achievement with a resultDescription that decides scores
    bulk_job: str  # a bulk issuance job's id
    review_pathway: str  # a pathway (policy review) with an award flagged for review
    review_award: str
    webhook: str  # a webhook endpoint's id


@dataclass(frozen=True)
class Case:
    """The least role that may call the endpoint, and its requests (method, url, JSON body)."""

    role: str
    requests: Callable[[World], list[tuple[str, str, Any]]]


def one(method: str, path: str, body: Any = None) -> Callable[[World], list[tuple[str, str, Any]]]:
    return lambda w: [(method, path.format(w=w), body(w) if callable(body) else body)]


MATRIX: Final[dict[tuple[str, str], Case]] = {
    ("POST", "/orgs/{slug}/credentials"): Case(
        "issuer",
        one("POST", "/orgs/{w.slug}/credentials", {"achievement": BADGE, "recipient": "a@b.org"}),
    ),
    ("POST", "/orgs/{slug}/credentials/issue"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/credentials/issue",
            {
                "credential": {
                    "credentialSubject": {"id": "did:example:learner", "achievement": ACHIEVEMENT}
                }
            },
        ),
    ),
    ("POST", "/orgs/{slug}/credentials/status"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/credentials/status",
            lambda w: {
                "credentialId": w.credential_url,
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "suspension",
                },
                "status": True,
            },
        ),
    ),
    ("POST", "/orgs/{slug}/credentials/{credential_id}/{change}"): Case(
        "issuer",
        lambda w: [
            ("POST", f"/orgs/{w.slug}/credentials/{w.credential}/{change}", {"reason": "test"})
            for change in ("suspend", "unsuspend", "revoke")
        ],
    ),
    ("POST", "/orgs/{slug}/achievements"): Case(
        "issuer", one("POST", "/orgs/{w.slug}/achievements", BADGE)
    ),
    ("PUT", "/orgs/{slug}/achievements/{achievement_id}"): Case(
        "issuer",
        one("PUT", "/orgs/{w.slug}/achievements/{w.achievement}", {**BADGE, "name": "Renamed"}),
    ),
    ("POST", "/orgs/{slug}/achievements/{achievement_id}/{change}"): Case(
        "issuer",
        lambda w: [
            ("POST", f"/orgs/{w.slug}/achievements/{w.draft}/publish", None),
            ("POST", f"/orgs/{w.slug}/achievements/{w.achievement}/archive", None),
        ],
    ),
    ("PATCH", "/orgs/{slug}"): Case(
        "admin", one("PATCH", "/orgs/{w.slug}", {"name": "Taken", "url": "https://evil.example"})
    ),
    ("POST", "/orgs/{slug}/tokens"): Case(
        "admin", one("POST", "/orgs/{w.slug}/tokens", {"role": "issuer"})
    ),
    ("POST", "/orgs/{slug}/tokens/{token_id}/revoke"): Case(
        "admin", one("POST", "/orgs/{w.slug}/tokens/{w.token}/revoke")
    ),
    ("POST", "/orgs/{slug}/members"): Case(
        "admin",
        one(
            "POST",
            "/orgs/{w.slug}/members",
            lambda w: {"email": f"new-{w.slug}@x.org", "role": "issuer"},
        ),
    ),
    ("PATCH", "/orgs/{slug}/members/{user_id}"): Case(
        "admin", one("PATCH", "/orgs/{w.slug}/members/{w.member}", {"role": "assessor"})
    ),
    ("POST", "/orgs/{slug}/webhooks"): Case(
        "admin",
        one(
            "POST",
            "/orgs/{w.slug}/webhooks",
            {"url": "https://hooks.example.org/credstack", "events": ["credential.revoked"]},
        ),
    ),
    ("DELETE", "/orgs/{slug}/webhooks/{webhook_id}"): Case(
        "admin", one("DELETE", "/orgs/{w.slug}/webhooks/{w.webhook}")
    ),
    ("POST", "/orgs/{slug}/webhooks/{webhook_id}/ping"): Case(
        "admin", one("POST", "/orgs/{w.slug}/webhooks/{w.webhook}/ping")
    ),
    ("DELETE", "/orgs/{slug}/members/{user_id}"): Case(
        "admin", one("DELETE", "/orgs/{w.slug}/members/{w.member}")
    ),
    ("POST", "/orgs/{slug}/keys/rotate"): Case(
        "admin", one("POST", "/orgs/{w.slug}/keys/rotate", {"kind": "p256"})
    ),
    ("POST", "/orgs/{slug}/keys/{key_id}/retire"): Case(
        "admin", one("POST", "/orgs/{w.slug}/keys/{w.p256_key}/retire")
    ),
    ("POST", "/orgs/{slug}/pathways"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/pathways",
            lambda w: {
                "name": "Second",
                "achievementId": w.achievement,
                "requirements": {
                    "type": "achievement",
                    "achievement": f"{BASE_URL}/orgs/{w.slug}/achievements/{w.draft}",
                },
            },
        ),
    ),
    ("PUT", "/orgs/{slug}/pathways/{pathway_id}"): Case(
        "issuer",
        one(
            "PUT",
            "/orgs/{w.slug}/pathways/{w.pathway}",
            lambda w: {
                "name": "Renamed",
                "achievementId": w.achievement,
                "requirements": {"type": "workload", "minimum": 5, "unit": "credits"},
            },
        ),
    ),
    ("POST", "/orgs/{slug}/pathways/{pathway_id}/archive"): Case(
        "issuer", one("POST", "/orgs/{w.slug}/pathways/{w.pathway}/archive")
    ),
    ("POST", "/orgs/{slug}/pathways/{pathway_id}/awards"): Case(
        "issuer", one("POST", "/orgs/{w.slug}/pathways/{w.pathway}/awards", {"learner": "l@x.org"})
    ),
    # A read that names the learner in its body, so it is a POST: any role may make it.
    ("POST", "/orgs/{slug}/pathways/{pathway_id}/progress"): Case(
        "assessor",
        one("POST", "/orgs/{w.slug}/pathways/{w.pathway}/progress", {"learner": "l@x.org"}),
    ),
    ("PUT", "/orgs/{slug}/achievements/{achievement_id}/assessment"): Case(
        "issuer",
        one(
            "PUT",
            "/orgs/{w.slug}/achievements/{w.achievement}/assessment",
            {"prompt": "Again.", "rubric": RUBRIC},
        ),
    ),
    ("POST", "/orgs/{slug}/achievements/{achievement_id}/assessment/submissions"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/achievements/{w.draft}/assessment/submissions",
            {"learner": "other@x.org", "evidence": [{"type": "text", "text": "Mine."}]},
        ),
    ),
    ("POST", "/orgs/{slug}/achievements/{achievement_id}/assessment/scores"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/achievements/{w.scored}/assessment/scores",
            {"learner": "l@x.org", "value": "75"},
        ),
    ),
    ("POST", "/orgs/{slug}/pathways/{pathway_id}/awards/{award_id}/resolve"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/pathways/{w.review_pathway}/awards/{w.review_award}/resolve",
            {"decision": "revoke"},
        ),
    ),
    ("POST", "/orgs/{slug}/submissions/{submission_id}/reviews"): Case(
        "assessor",
        one(
            "POST",
            "/orgs/{w.slug}/submissions/{w.submission}/reviews",
            {"levels": {"c": "ok"}},
        ),
    ),
    ("POST", "/orgs/{slug}/bulk"): Case(
        "issuer",
        one(
            "POST",
            "/orgs/{w.slug}/bulk?achievementId={w.achievement}",
            [{"recipient": "bulk@x.org"}],
        ),
    ),
    ("POST", "/orgs/{slug}/bulk/{job_id}/resume"): Case(
        "issuer", one("POST", "/orgs/{w.slug}/bulk/{w.bulk_job}/resume")
    ),
    # Signs with the organisation's key (and stores only an audit entry): issuer role.
    ("POST", "/orgs/{slug}/learners/{learner}/clr"): Case(
        "issuer", one("POST", "/orgs/{w.slug}/learners/l@x.org/clr", {"suite": "eddsa-jcs-2022"})
    ),
}


def routes(methods: frozenset[str]) -> dict[tuple[str, str], Dependant | None]:
    """(method, path) of every route with one of ``methods``, and its dependencies."""
    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 32))
    # iter_route_contexts flattens included routers (FastAPI includes them lazily).
    return {
        (method, route.path): getattr(route, "dependant", None)
        for route in iter_route_contexts(app.routes)
        if route.path is not None
        for method in (route.methods or set()) & methods
    }


def mutating_routes() -> set[tuple[str, str]]:
    return set(routes(MUTATING))


def needs_token(dependant: Dependant | None) -> bool:
    if dependant is None:
        return False
    return dependant.call is get_actor or any(needs_token(d) for d in dependant.dependencies)


def token_reads() -> list[str]:
    """The paths of every GET that takes an API token."""
    return sorted(path for (_, path), dep in routes(frozenset({"GET"})).items() if needs_token(dep))


def test_every_mutating_endpoint_is_in_the_matrix() -> None:
    routes = {route for route in mutating_routes() if not route[1].startswith(CONSOLE_PATHS)}
    missing = routes - set(MATRIX) - set(EXEMPT)
    assert not missing, f"add these to MATRIX (or EXEMPT, with the reason): {sorted(missing)}"
    assert not (set(MATRIX) | set(EXEMPT)) - routes, "entries for endpoints that do not exist"
    assert not set(MATRIX) & set(EXEMPT)


@pytest.fixture
def world(api_platform: Platform) -> World:
    suffix = uuid.uuid4().hex[:10]
    slug, other = f"iso-{suffix}", f"iso-{suffix}-b"
    # One attempt per webhook delivery: a retry on a timer would write while a later test
    # runs (on SQLite, racing its requests for the one write lock).
    api_platform.webhook_policy = WebhookPolicy(max_attempts=1)
    finish_tasks(api_platform)  # an earlier test's bulk job must not write meanwhile
    with api_platform.unit_of_work() as services:
        services.organizations.create(OPERATOR, slug=slug, name="Target")
        services.organizations.create(OPERATOR, slug=other, name="Stranger")
        published = services.achievements.create(
            OPERATOR, organization=slug, achievement=BADGE, publish=True
        )
        draft = services.achievements.create(OPERATOR, organization=slug, achievement=BADGE)
        issued = services.credentials.issue(
            OPERATOR,
            slug,
            IssueRequest(recipient="l@x.org", achievement=BADGE, status_purpose="suspension"),
        )
        token = services.tokens.create(OPERATOR, organization=slug, role="issuer").token
        member = services.users.create(
            OPERATOR, email=f"m-{suffix}@x.org", organization=slug, role="issuer"
        ).user
        services.users.create(OPERATOR, email=f"o-{suffix}@x.org", organization=slug, role="owner")
        p256 = services.organizations.rotate_key(OPERATOR, slug, "p256")
        draft_id = draft.record.public_id
        pathway = services.pathways.create(
            OPERATOR,
            slug,
            PathwayInput(
                name="Path",
                achievement_id=str(published.record.id),
                requirements={"type": "achievement", "achievement": draft_id},
            ),
        )
        for assessed in (published, draft):
            services.assessments.configure(
                OPERATOR, slug, str(assessed.record.id), SettingsInput("Do.", RUBRIC, EVIDENCE)
            )
        services.achievements.publish(OPERATOR, draft.record.id)
        pdf = EvidenceItem(
            "file", name="w.pdf", media_type="application/pdf", content=b"%PDF-1.7 work"
        )
        submission = services.assessments.submit(
            OPERATOR, slug, str(published.record.id), "l@x.org", [pdf]
        ).submission
        scored = services.achievements.create(
            OPERATOR,
            organization=slug,
            achievement={**BADGE, "resultDescription": [EXAM]},
            publish=True,
        )
        # A second pathway, settled by review: its award is flagged once its component goes.
        reviewed = services.pathways.create(
            OPERATOR,
            slug,
            PathwayInput(
                name="Reviewed",
                achievement_id=str(scored.record.id),
                requirements={"type": "achievement", "achievement": published.record.public_id},
                revocation_policy="review",
            ),
        )
        component = services.credentials.issue(
            OPERATOR,
            slug,
            IssueRequest(recipient="r@x.org", achievement_id=str(published.record.id)),
        )
        services.credentials.revoke(OPERATOR, slug, component.id)
        [flagged] = services.pathways.awards(OPERATOR, slug, reviewed.id, status="review")
        job = services.bulk.create(
            OPERATOR, slug, str(published.record.id), b"recipient\nb@x.org\n", "c.csv"
        )
        world = World(
            slug=slug,
            other=other,
            achievement=str(published.record.id),
            draft=str(draft.record.id),
            credential=str(issued.id),
            credential_url=issued.credential_id,
            token=str(token.id),
            member=str(member.id),
            p256_key=str(p256.id),
            pathway=str(pathway.id),
            submission=str(submission.id),
            scored=str(scored.record.id),
            bulk_job=str(job.job.id),
            review_pathway=str(reviewed.id),
            review_award=str(flagged.id),
            webhook=str(
                services.webhooks.create(
                    OPERATOR, slug, "https://127.0.0.1:9/hook", ["credential.issued"]
                ).endpoint.id
            ),
        )
    finish_tasks(api_platform)  # and this one's is issued before the snapshots
    return world


def finish_tasks(platform: Platform) -> None:
    """SQLite: wait for the in-process bulk jobs (one writer at a time)."""
    if isinstance(platform.dispatch, InProcessDispatcher):
        platform.dispatch.join()


# Webhook delivery attempts of earlier tests' events go on in the background (retries on a
# timer), so that table is compared by its rows' ids only: a refused request adds none.
BACKGROUND: Final = {"webhook_deliveries": "id"}


def snapshot(platform: Platform) -> dict[str, list[str]]:
    """Every row of every table, as text: a change anywhere shows."""
    with platform.engine.connect() as connection:
        return {
            table.name: sorted(
                repr(tuple(row))
                for row in connection.execute(
                    select(table.c[BACKGROUND[table.name]])
                    if table.name in BACKGROUND
                    else select(table)
                )
            )
            for table in Base.metadata.sorted_tables
        }


def call(client: TestClient, request: tuple[str, str, Any], secret: str) -> Any:
    method, url, body = request
    return client.request(method, url, json=body, headers={"Authorization": f"Bearer {secret}"})


def refusals(world: World, platform: Platform, role: str) -> Iterator[tuple[str, str]]:
    """(who, secret) pairs that must be refused: the stranger's owner, and each weaker role."""
    yield "another organisation's owner", token_for(platform, world.other, "owner")
    for weaker in WEAKER.get(role, ()):  # nothing is weaker than the assessor
        yield f"an {weaker} of the organisation", token_for(platform, world.slug, weaker)


@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=" ".join)
def test_refused_and_nothing_changes(
    client: TestClient, api_platform: Platform, world: World, endpoint: tuple[str, str]
) -> None:
    case = MATRIX[endpoint]
    allowed = token_for(api_platform, world.slug, case.role)
    refused_by = list(refusals(world, api_platform, case.role))
    before = snapshot(api_platform)
    for who, secret in refused_by:
        for request in case.requests(world):
            response = call(client, request, secret)
            assert response.status_code in (403, 404), (who, request, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] in {
                "other_organization",
                "role_too_weak",
                "organization_not_found",
            }, (who, request)
    assert snapshot(api_platform) == before
    for request in case.requests(world):
        response = call(client, request, allowed)
        assert response.is_success, (request, response.text)


def test_the_reads_list_is_not_empty() -> None:
    assert "/orgs/{slug}/tokens" in token_reads()
    assert "/orgs/{slug}" not in token_reads()  # the public profile


@pytest.mark.parametrize("path", token_reads())
def test_every_token_read_refuses_another_organisation(
    client: TestClient, api_platform: Platform, world: World, path: str
) -> None:
    url = path.format(
        slug=world.slug,
        achievement_id=world.draft,
        pathway_id=world.pathway,
        submission_id=world.submission,
        index=0,
        job_id=world.bulk_job,
        webhook_id=world.webhook,
        learner="l@x.org",
    )
    stranger = token_for(api_platform, world.other, "owner")
    refused = client.get(url, headers={"Authorization": f"Bearer {stranger}"})
    assert refused.status_code in (403, 404), refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    owner = token_for(api_platform, world.slug, "owner")
    assert client.get(url, headers={"Authorization": f"Bearer {owner}"}).status_code == 200
