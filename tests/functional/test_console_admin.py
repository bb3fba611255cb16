"""Staff and roles, signing keys and API tokens in the console, over HTTP on SQLite and
PostgreSQL: secrets shown once and stored hashed, roles enforced, errors shown with their code."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from credstack.bootstrap import Platform
from credstack.services.tokens import hash_token
from credstack.store.models import ApiToken, SigningKey
from tests.functional.conftest import OPERATOR
from tests.functional.console import Member, browser, csrf, make_member, sign_in


def test_admin_adds_a_member_who_can_sign_in_and_changes_roles(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = make_member(api_platform, org.slug, "admin")
    with browser(api_platform) as client:
        sign_in(client, admin)
        page = client.get("/console/staff")
        assert admin.email in page.text
        added = client.post(
            "/console/staff",
            data={
                "email": "new-assessor@example.org",
                "role": "assessor",
                "csrf_token": csrf(page),
            },
        )
        assert added.status_code == 200
        assert added.headers["cache-control"] == "no-store"
        password = re.search(r'<code class="secret">([^<]+)</code>', added.text)
        assert password is not None
        # An admin may not make someone owner (above its own role): refused, nothing changed.
        with api_platform.unit_of_work() as services:
            user = services.users.authenticate("new-assessor@example.org", password.group(1))
        refused = client.post(
            f"/console/staff/{user.id}",
            data={"change": "role", "role": "owner", "csrf_token": csrf(page)},
        )
        assert refused.status_code == 403
        assert "role_above_own" in refused.text
        changed = client.post(
            f"/console/staff/{user.id}",
            data={"change": "role", "role": "issuer", "csrf_token": csrf(page)},
            follow_redirects=False,
        )
        assert changed.status_code == 303
        assert "The role was changed." in client.get(changed.headers["location"]).text
        duplicate = client.post(
            "/console/staff",
            data={"email": "new-assessor@example.org", "role": "issuer", "csrf_token": csrf(page)},
        )
        assert duplicate.status_code == 409
        assert "already_member" in duplicate.text
    with api_platform.unit_of_work() as services:
        members = services.users.members(OPERATOR, organization=org.slug)
        assert {m.role for u, m in members if u.email == "new-assessor@example.org"} == {"issuer"}
    with browser(api_platform) as client:
        assert (
            sign_in(
                client, Member("new-assessor@example.org", org.slug, "issuer"), password.group(1)
            ).status_code
            == 303
        )


def test_tokens_are_shown_once_and_revoked(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    admin = make_member(api_platform, org.slug, "admin")
    with browser(api_platform) as client:
        sign_in(client, admin)
        page = client.get("/console/tokens")
        created = client.post(
            "/console/tokens", data={"name": "LMS", "role": "issuer", "csrf_token": csrf(page)}
        )
        assert created.status_code == 200
        assert created.headers["cache-control"] == "no-store"
        secret = re.search(r'id="token-secret">(cst_[^<]+)<', created.text)
        assert secret is not None
        # The list afterwards shows its prefix only.
        listing = client.get("/console/tokens")
        assert secret.group(1) not in listing.text
        assert secret.group(1)[:12] in listing.text
        too_strong = client.post(
            "/console/tokens", data={"name": "x", "role": "owner", "csrf_token": csrf(page)}
        )
        assert too_strong.status_code == 403
        assert "role_above_own" in too_strong.text
        with api_platform.sessions() as session:
            token = session.scalars(
                select(ApiToken).where(ApiToken.token_hash == hash_token(secret.group(1)))
            ).one()
        api = client.get(
            f"/orgs/{org.slug}/credentials", headers={"Authorization": f"Bearer {secret.group(1)}"}
        )
        assert api.status_code == 200
        revoked = client.post(
            f"/console/tokens/{token.id}/revoke",
            data={"csrf_token": csrf(page)},
            follow_redirects=False,
        )
        assert revoked.status_code == 303
        api = client.get(
            f"/orgs/{org.slug}/credentials", headers={"Authorization": f"Bearer {secret.group(1)}"}
        )
        assert api.status_code == 401
    with api_platform.sessions() as session:
        names = session.scalars(
            select(ApiToken.name).where(ApiToken.organization_id == token.organization_id)
        ).all()
    assert names == ["LMS"]


def test_keys_rotate_and_the_last_one_cannot_be_retired(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    admin = make_member(api_platform, org.slug, "owner")
    with browser(api_platform) as client:
        sign_in(client, admin)
        page = client.get("/console/keys")
        assert "#key-1" in page.text
        with api_platform.sessions() as session:
            (first,) = session.scalars(
                select(SigningKey).where(SigningKey.verification_method.contains(org.slug))
            ).all()
        last = client.post(
            "/console/keys",
            data={"change": "retire", "key_id": str(first.id), "csrf_token": csrf(page)},
        )
        assert last.status_code == 409
        assert "last_active_key" in last.text
        rotated = client.post(
            "/console/keys",
            data={"change": "rotate", "kind": "p256", "csrf_token": csrf(page)},
            follow_redirects=False,
        )
        assert rotated.status_code == 303
        after = client.get(rotated.headers["location"])
        assert "#key-2" in after.text
        assert "A new signing key is active" in after.text
        did = client.get(f"/orgs/{org.slug}/did.json").json()
        assert len(did["verificationMethod"]) == 2


def test_lower_roles_see_clear_refusals(api_platform: Platform, make_org: Any) -> None:
    org = make_org()
    issuer = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, issuer)
        for path in ("/console/staff", "/console/tokens"):
            answer = client.get(path)
            assert answer.status_code == 403
            assert "You may not do this" in answer.text
            assert "role_too_weak" in answer.text
        keys = client.get("/console/keys")
        assert keys.status_code == 200
        assert "Rotate to a new key" not in keys.text
        refused = client.post(
            "/console/keys", data={"change": "rotate", "kind": "ed25519", "csrf_token": csrf(keys)}
        )
        assert refused.status_code == 403
        assert "role_too_weak" in refused.text
    with api_platform.sessions() as session:
        count = len(
            session.scalars(
                select(SigningKey).where(SigningKey.verification_method.contains(org.slug))
            ).all()
        )
    assert count == 1
