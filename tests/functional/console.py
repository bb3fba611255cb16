"""Helpers for the console's HTTP tests: staff users, a browser-like client, form tokens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from credstack.app import create_app
from credstack.bootstrap import Platform
from credstack.store.credentials import IssuedCredentialRecord
from tests.functional.conftest import ACHIEVEMENT, OPERATOR

PASSWORD = "console test password"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Member:
    email: str
    slug: str
    role: str


def make_member(platform: Platform, slug: str, role: str, email: str | None = None) -> Member:
    """A user with ``role`` in ``slug`` and the password ``PASSWORD``."""
    address = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    with platform.unit_of_work() as services:
        services.users.create(
            OPERATOR,
            email=address,
            organization=slug,
            role=role,
            password=None if email else PASSWORD,
        )
    return Member(address, slug, role)


@contextmanager
def browser(platform: Platform) -> Iterator[TestClient]:
    """A client with its own cookie jar, on https (the session cookie is Secure there)."""
    app = create_app(platform=platform)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        yield client


def csrf(page: Response | str) -> str:
    """The CSRF token of the first form on ``page``."""
    text = page if isinstance(page, str) else page.text
    found = _TOKEN.search(text)
    assert found is not None, "the page has no form with a csrf_token"
    return found.group(1)


def sign_in(client: TestClient, member: Member, password: str = PASSWORD) -> Response:
    form = client.get("/login")
    return client.post(
        "/login",
        data={"email": member.email, "password": password, "csrf_token": csrf(form)},
        follow_redirects=False,
    )


def post_form(client: TestClient, path: str, data: dict[str, str], *, page: str) -> Response:
    """Post ``data`` to ``path`` with the CSRF token of the page at ``page``."""
    token = csrf(client.get(page))
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def published(platform: Platform, slug: str, name: str = "Teamwork") -> str:
    """A published achievement of ``slug`` (its id)."""
    with platform.unit_of_work() as services:
        view = services.achievements.create(
            OPERATOR,
            organization=slug,
            achievement={k: v for k, v in ACHIEVEMENT.items() if k != "id"} | {"name": name},
            publish=True,
        )
        return str(view.record.id)


def issued(platform: Platform, slug: str) -> list[IssuedCredentialRecord]:
    with platform.unit_of_work() as services:
        org = services.organizations.get(slug)
    with platform.sessions() as session:
        return list(
            session.scalars(
                select(IssuedCredentialRecord).where(
                    IssuedCredentialRecord.organization_id == org.id
                )
            )
        )
