"""Staff sign-in to the console over HTTP, on SQLite and PostgreSQL: the session cookie, CSRF on
every form, the failed-attempt limit, the organisation switcher and signing out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import func, select

from credstack.bootstrap import Platform
from credstack.services.staff_sessions import MAX_ACCOUNT_FAILURES
from credstack.store.staff_sessions import StaffSession
from credstack.web.routers.sign_in import learner_sign_in
from tests.functional.conftest import OPERATOR
from tests.functional.console import PASSWORD, browser, csrf, make_member, sign_in


def _sessions(platform: Platform) -> int:
    with platform.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(StaffSession)) or 0)


def test_console_needs_a_session_and_sign_in_sets_a_safe_cookie(
    api_platform: Platform, make_org: Any
) -> None:
    org = make_org()
    member = make_member(api_platform, org.slug, "issuer")
    with browser(api_platform) as client:
        away = client.get("/console", follow_redirects=False)
        assert away.status_code == 303
        assert away.headers["location"] == "/login?next=/console"
        form = client.get(away.headers["location"])
        assert form.status_code == 200
        assert 'name="next" value="/console"' in form.text
        assert form.headers["cache-control"] == "no-store"
        answer = client.post(
            "/login",
            data={
                "email": member.email.upper(),
                "password": PASSWORD,
                "csrf_token": csrf(form),
                "next": "/console",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("credstack_session=")
        for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
            assert flag.lower() in cookie.lower()
        dashboard = client.get("/console")
        assert dashboard.status_code == 200
        assert member.email in dashboard.text
        assert "Dashboard" in dashboard.text
        # Signed in, /login goes straight on.
        assert client.get("/login", follow_redirects=False).status_code == 303


def test_cookie_is_not_secure_on_a_plain_http_base_url(make_org: Any, tmp_path: Any) -> None:
    from credstack.bootstrap import build
    from credstack.config import Settings

    platform = build(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'plain.db'}",
            base_url="http://127.0.0.1:8000",
            secret_key="plain-http-master-secret-0123456789abc",
            key_file=tmp_path / "unused.key",
        ),
        migrate=True,
    )
    try:
        with platform.unit_of_work() as services:
            services.organizations.create(OPERATOR, slug="plain", name="Plain")
        member = make_member(platform, "plain", "owner")
        with browser(platform) as client:
            answer = sign_in(client, member)
            assert answer.status_code == 303
            assert "secure" not in answer.headers["set-cookie"].lower()
            assert "httponly" in answer.headers["set-cookie"].lower()
    finally:
        platform.close()


def test_sign_in_without_the_form_token_is_refused(api_platform: Platform, make_org: Any) -> None:
    member = make_member(api_platform, make_org().slug, "issuer")
    before = _sessions(api_platform)
    with browser(api_platform) as client:
        client.get("/login")
        for token in (None, "forged"):
            data = {"email": member.email, "password": PASSWORD}
            if token:
                data["csrf_token"] = token
            answer = client.post("/login", data=data, follow_redirects=False)
            assert answer.status_code == 403
            assert "csrf_failed" in answer.text
            assert "text/html" in answer.headers["content-type"]
    # A token without its cookie (another browser's form) is refused too.
    with browser(api_platform) as first, browser(api_platform) as second:
        token = csrf(first.get("/login"))
        answer = second.post(
            "/login",
            data={"email": member.email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 403
    assert _sessions(api_platform) == before


def test_wrong_password_is_shown_in_the_form_and_limited(
    api_platform: Platform, make_org: Any
) -> None:
    member = make_member(api_platform, make_org().slug, "issuer")
    with browser(api_platform) as client:
        for _ in range(MAX_ACCOUNT_FAILURES):
            answer = sign_in(client, member, "not the password")
            assert answer.status_code == 401
            assert "The email address or password is wrong." in answer.text
            assert "invalid_credentials" in answer.text
            assert f'value="{member.email}"' in answer.text
        locked = sign_in(client, member)
        assert locked.status_code == 429
        assert locked.headers["retry-after"] == "900"
        assert "Too many failed sign-ins for this account" in locked.text
        assert "too_many_attempts" in locked.text
        assert "credstack_session" not in locked.headers.get("set-cookie", "")
        assert client.get("/console", follow_redirects=False).status_code == 303


def test_posts_without_the_session_token_are_refused(api_platform: Platform, make_org: Any) -> None:
    first, second = make_org(), make_org()
    member = make_member(api_platform, first.slug, "admin")
    with api_platform.unit_of_work() as services:
        services.users.create(OPERATOR, email=member.email, organization=second.slug, role="issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        for data in (
            {"organization": second.slug},
            {"organization": second.slug, "csrf_token": "x"},
        ):
            answer = client.post("/console/organization", data=data, follow_redirects=False)
            assert answer.status_code == 403
            assert "csrf_failed" in answer.text
        answer = client.post("/logout", data={}, follow_redirects=False)
        assert answer.status_code == 403
        assert client.get("/console").status_code == 200


def test_the_switcher_changes_organisation_and_sign_out_ends_the_session(
    api_platform: Platform, make_org: Any
) -> None:
    first, second, other = make_org(), make_org(), make_org()
    member = make_member(api_platform, first.slug, "admin")
    with api_platform.unit_of_work() as services:
        services.users.create(OPERATOR, email=member.email, organization=second.slug, role="issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        dashboard = client.get("/console")
        assert "Switch organisation" in dashboard.text
        token = csrf(dashboard)
        answer = client.post(
            "/console/organization",
            data={"organization": second.slug, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        switched = client.get(answer.headers["location"])
        assert "You now act in this organisation." in switched.text
        assert f'<option value="{second.slug}" selected>' in switched.text
        refused = client.post(
            "/console/organization",
            data={"organization": other.slug, "csrf_token": token},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert "not_a_member" in refused.text
        assert client.get("/logout").status_code == 200
        out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
        assert out.headers["location"] == "/login"
        assert 'credstack_session=""' in out.headers["set-cookie"]
        # The server forgot the session: the old cookie value is worthless now.
        client.cookies.set("credstack_session", "stale", domain="testserver")
        assert client.get("/console", follow_redirects=False).status_code == 303


def test_a_user_of_no_organisation_gets_a_clear_page(api_platform: Platform) -> None:
    with api_platform.unit_of_work() as services:
        services.users.create_learner(
            OPERATOR, email="learner-console@example.org", password=PASSWORD
        )
    with browser(api_platform) as client:
        client.get("/login")
        answer = client.post(
            "/login",
            data={
                "email": "learner-console@example.org",
                "password": PASSWORD,
                "csrf_token": csrf(client.get("/login")),
            },
        )
        assert answer.status_code == 403
        assert "not a member of any organisation" in answer.text
        assert "no_organization" in answer.text


def test_a_malformed_address_or_field_is_a_page_and_the_api_keeps_problem_json(
    api_platform: Platform, make_org: Any
) -> None:
    member = make_member(api_platform, make_org().slug, "issuer")
    with browser(api_platform) as client:
        sign_in(client, member)
        page = client.get("/console/credentials/not-a-uuid")
        assert page.status_code == 422
        assert "text/html" in page.headers["content-type"]
        assert "invalid_request" in page.text
        too_long = client.post(
            "/console/issue",
            data={"recipient": "x" * 5000, "csrf_token": csrf(client.get("/console"))},
        )
        assert too_long.status_code == 422
        assert "text/html" in too_long.headers["content-type"]
        api = client.get("/orgs/x/credentials/not-a-uuid", headers={"Authorization": "Bearer x"})
        assert api.headers["content-type"] == "application/problem+json"


def test_the_learner_link_appears_with_a_wallet_page() -> None:
    app = FastAPI()
    assert learner_sign_in(app) is None
    wallet = APIRouter()
    wallet.add_api_route("/wallet/sign-in", lambda: None, methods=["POST"])
    app.include_router(wallet)
    assert learner_sign_in(app) is None
    pages = APIRouter()
    pages.add_api_route("/wallet", lambda: None, methods=["GET"])
    app.include_router(pages)
    assert learner_sign_in(app) == "/wallet"
