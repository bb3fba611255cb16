"""Fixtures for HTTP tests through ``create_app()`` on SQLite and on PostgreSQL.

The app runs on a real, migrated database (a SQLite file, or a PostgreSQL schema of this test
session); requests commit for real, so each test makes organisations with slugs of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credstack.app import create_app
from credstack.bootstrap import Platform, build
from credstack.config import Settings
from credstack.issue import Suite, issue
from credstack.services.actors import Actor
from tests.integration.databases import DATABASES, postgres_schema

BASE_URL = "https://badges.example.edu"
MASTER_SECRET = "functional-test-master-secret-0123456789"
OPERATOR = Actor.operator("test")
ACHIEVEMENT: dict[str, Any] = {
    "id": "https://badges.example.edu/achievements/teamwork",
    "type": ["Achievement"],
    "name": "Teamwork",
    "description": "Works in a team.",
    "criteria": {"narrative": "Peer nominated."},
}


@pytest.fixture(scope="session", params=DATABASES)
def api_platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    def settings(url: str) -> Settings:
        return Settings(
            database_url=url,
            base_url=BASE_URL,
            secret_key=MASTER_SECRET,
            key_file=tmp_path_factory.mktemp("keys") / "unused.key",
            evidence_dir=tmp_path_factory.mktemp("evidence"),
            # Every test client here comes from one address ("testclient"); the limit per
            # address is tested with its own clients (test_api_wallet_sign_in_limits.py).
            sign_in_client_limit=100_000,
        )

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "credstack.db"
        platform = build(settings(f"sqlite:///{path}"), migrate=True)
        yield platform
        platform.close()
    else:
        with postgres_schema() as url:
            platform = build(settings(url), migrate=True)
            yield platform
            platform.close()


@pytest.fixture(scope="session")
def client(api_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=api_platform), raise_server_exceptions=False) as client:
        yield client


@dataclass(frozen=True)
class Org:
    slug: str
    issuer_did: str


@pytest.fixture
def make_org(api_platform: Platform) -> Any:
    """Make an organisation (a did:web under BASE_URL) with a fresh slug."""

    def make() -> Org:
        slug = f"org-{uuid.uuid4().hex[:10]}"
        with api_platform.unit_of_work() as services:
            org = services.organizations.create(OPERATOR, slug=slug, name=f"Org {slug}")
            return Org(slug, org.issuer_did)

    return make


def token_for(platform: Platform, slug: str, role: str = "issuer") -> str:
    with platform.unit_of_work() as services:
        return services.tokens.create(OPERATOR, organization=slug, role=role).secret


def issue_for(platform: Platform, slug: str, *, suite: Suite = "eddsa-rdfc-2022") -> str:
    """A credential signed with the organisation's active key, as its JSON text (or JWT)."""
    with platform.unit_of_work() as services:
        signer = services.organizations.signer(slug)
    issued = issue(
        ACHIEVEMENT,
        signer.private_key,
        recipient="learner@example.com",
        suite=suite,
        issuer={"id": signer.issuer_did, "type": ["Profile"], "name": "Org"},
        verification_method=signer.verification_method,
    )
    return issued.text
