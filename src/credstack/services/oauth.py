"""The OAuth 2.0 authorization server of the Open Badges API (OB 3.0 section 7): dynamic client
registration (RFC 7591), the authorization code grant with PKCE S256 only (RFC 7636), refresh
tokens that rotate, token revocation (RFC 7009), and the bearer tokens that the resource
endpoints take (RFC 6750).

The resource owner is a user account: a learner (a user with no organisation role) or any
other user, who signs in on the consent page with their email and password.

Written here rather than with authlib: authlib's authorization server integrates with Flask
and Django only; on FastAPI it needs request, response and storage adapters of our own, more
code than these two grants, and the checks that matter (exact redirect URIs, PKCE, single-use
codes, hashed secrets) would still be ours to get right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.orm import Session

from credstack.errors import Forbidden, InvalidInput
from credstack.services.oauth_clients import (
    client_metadata,
    parse_scopes,
)
from credstack.services.tokens import hash_token
from credstack.services.users import UserService
from credstack.store.models import User
from credstack.store.oauth import AuthorizationCode, OAuthClient, OAuthGrant, OAuthRepository
from credstack.store.users import UserRepository

# RFC 6749 section 4.1.2 recommends at most 10 minutes for a code.
CODE_LIFETIME: Final = timedelta(minutes=5)
ACCESS_LIFETIME: Final = timedelta(hours=1)
REFRESH_LIFETIME: Final = timedelta(days=30)
# RFC 7636 section 4.1 (verifier) and 4.2 (S256 challenge: 32 bytes, base64url, no padding).
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class AuthorizationError(InvalidInput):
    """An error the client hears at its redirect URI (RFC 6749 section 4.1.2.1)."""

    def __init__(self, message: str, *, code: str, redirect_uri: str, state: str | None) -> None:
        super().__init__(message, code=code)
        self.redirect_uri = redirect_uri
        self.state = state

    @property
    def location(self) -> str:
        return with_query(
            self.redirect_uri,
            {"error": self.code, "error_description": self.message, "state": self.state},
        )


class InsufficientScope(Forbidden):
    """A valid access token without the scope the operation needs (RFC 6750 section 3.1)."""

    code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This request needs the scope {scope}.")
        self.scope = scope


@dataclass(frozen=True)
class RegisteredClient:
    """The new client and its secret, which is never available again."""

    client: OAuthClient
    secret: str = field(repr=False)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorize request: what the consent page shows and the form posts back."""

    client: OAuthClient
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    scope: str


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid access token speaks for, and what it may do."""

    user: User
    scopes: frozenset[str]


def with_query(uri: str, params: Mapping[str, str | None]) -> str:
    """``uri`` with ``params`` added to its query, which is kept (RFC 6749 section 3.1.2)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636 section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthService:
    def __init__(
        self,
        session: Session,
        users: UserService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session = session
        self._users = users
        self._user_rows = UserRepository(session)
        self._repo = OAuthRepository(session)
        self._now = clock

    # Registration (RFC 7591) -----------------------------------------------------------------

    def register(self, metadata: Mapping[str, Any]) -> RegisteredClient:
        """Register a client from its metadata; ``InvalidInput`` with the RFC 7591 code
        (``invalid_redirect_uri`` or ``invalid_client_metadata``) when it cannot be."""
        document = client_metadata(metadata)
        secret = "css_" + secrets.token_urlsafe(32)
        client = OAuthClient(
            client_id=secrets.token_urlsafe(24),
            secret_hash=hash_token(secret),
            client_name=document["client_name"],
            redirect_uris=document["redirect_uris"],
            scope=document["scope"],
            token_endpoint_auth_method=document["token_endpoint_auth_method"],
            metadata_document=document,
            created_at=self._now(),
        )
        self._repo.add(client)
        self._session.flush()
        return RegisteredClient(client, secret)

    def authenticate_client(self, client_id: str, secret: str) -> OAuthClient:
        """The client whose secret this is; ``Forbidden`` (``invalid_client``) otherwise."""
        client = self._repo.client(client_id)
        if client is None or not hmac.compare_digest(client.secret_hash, hash_token(secret)):
            raise Forbidden("The client id or secret is wrong.", code="invalid_client")
        return client

    # Authorization (RFC 6749 section 4.1, RFC 7636) ------------------------------------------

    def authorization_request(self, params: Mapping[str, str]) -> AuthorizationRequest:
        """Check an authorize request. Until the client and its redirect URI are known the
        error is ``InvalidInput`` (shown to the user, never redirected: RFC 6749 section
        4.1.2.1); after that it is an ``AuthorizationError`` for the redirect URI."""
        client = self._repo.client(params.get("client_id", ""))
        if client is None:
            raise InvalidInput("No client is registered with that client_id.", code="bad_client")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            raise InvalidInput(
                "redirect_uri is not one the client registered (they must match exactly).",
                code="bad_redirect_uri",
            )
        state = params.get("state")

        def refuse(message: str, code: str = "invalid_request") -> AuthorizationError:
            return AuthorizationError(message, code=code, redirect_uri=redirect_uri, state=state)

        if params.get("response_type") != "code":
            raise refuse("response_type must be code.", "unsupported_response_type")
        if params.get("code_challenge_method") != "S256":
            raise refuse("PKCE is required: code_challenge_method must be S256.")
        challenge = params.get("code_challenge", "")
        if not _CHALLENGE.match(challenge):
            raise refuse("code_challenge must be the 43-character S256 challenge.")
        requested = params.get("scope") or client.scope

        def scope_error(message: str) -> AuthorizationError:
            return refuse(message, "invalid_scope")

        scopes = parse_scopes(requested, error=scope_error)
        if not set(scopes) <= set(client.scope.split()):
            raise scope_error("The client did not register every scope it asks for.")
        return AuthorizationRequest(client, redirect_uri, scopes, state, challenge)

    def approve(self, request: AuthorizationRequest, *, email: str, password: str) -> str:
        """Sign the user in and hand out a code; the URI to send the browser to."""
        user = self._users.authenticate(email, password)
        code = "csc_" + secrets.token_urlsafe(32)
        now = self._now()
        self._repo.add(
            AuthorizationCode(
                code_hash=hash_token(code),
                client_id=request.client.id,
                user_id=user.id,
                redirect_uri=request.redirect_uri,
                scope=" ".join(request.scopes),
                code_challenge=request.code_challenge,
                expires_at=now + CODE_LIFETIME,
                created_at=now,
            )
        )
        self._session.flush()
        return with_query(request.redirect_uri, {"code": code, "state": request.state})

    @staticmethod
    def deny(request: AuthorizationRequest) -> str:
        error = AuthorizationError(
            "The user denied the request.",
            code="access_denied",
            redirect_uri=request.redirect_uri,
            state=request.state,
        )
        return error.location

    # Tokens (RFC 6749 sections 4.1.3 and 6) ---------------------------------------------------

    def exchange_code(
        self, client: OAuthClient, *, code: str, redirect_uri: str, code_verifier: str
    ) -> IssuedTokens:
        """Tokens for a code. A code used twice revokes what it gave the first time (RFC 6749
        section 4.1.2), and that revocation is written even though the call fails."""
        found = self._repo.code_for_update(hash_token(code))
        now = self._now()
        if found is None or found.client_id != client.id:
            raise _grant_error("The code is unknown or was issued to another client.")
        if found.used_at is not None:
            self._repo.revoke_grants_of_code(found.id, now)
            self._session.flush()
            raise _grant_error("The code was already used; the tokens it gave are revoked.")
        if found.expires_at <= now:
            raise _grant_error("The code has expired; ask the user again.")
        if redirect_uri != found.redirect_uri:
            raise _grant_error("redirect_uri differs from the one of the authorization request.")
        if not _VERIFIER.match(code_verifier) or not hmac.compare_digest(
            s256(code_verifier), found.code_challenge
        ):
            raise _grant_error("code_verifier does not match the code_challenge (PKCE S256).")
        found.used_at = now
        return self._grant(client, found.user_id, found.scope, found.id)

    def refresh(
        self, client: OAuthClient, *, refresh_token: str, scope: str | None
    ) -> IssuedTokens:
        """New tokens for a refresh token, which is used up (rotation); ``scope`` may narrow."""
        grant = self._repo.grant_by_refresh_for_update(hash_token(refresh_token))
        now = self._now()
        if grant is None or grant.client_id != client.id:
            raise _grant_error("The refresh token is unknown or was issued to another client.")
        if grant.revoked_at is not None or grant.refresh_expires_at <= now:
            raise _grant_error("The refresh token is revoked, used or expired.")
        granted = grant.scope.split()
        if scope is None:
            scopes: tuple[str, ...] = tuple(granted)
        else:
            scopes = parse_scopes(scope, error=_scope_error)
            if not set(scopes) <= set(granted):
                raise _scope_error("A refresh may keep or narrow the scope, not widen it.")
        grant.revoked_at = now
        return self._grant(client, grant.user_id, " ".join(scopes), grant.code_id)

    def revoke(self, client: OAuthClient, *, token: str) -> None:
        """Revoke the grant of an access or refresh token (RFC 7009); an unknown token is
        no error (section 2.2), a token of another client is refused."""
        digest = hash_token(token)
        grant = self._repo.grant_by_access(digest) or self._repo.grant_by_refresh_for_update(digest)
        if grant is None:
            return
        if grant.client_id != client.id:
            raise InvalidInput("The token was issued to another client.", code="invalid_request")
        if grant.revoked_at is None:
            grant.revoked_at = self._now()
            self._session.flush()

    def authenticate_bearer(self, token: str, scope: str) -> TokenHolder:
        """The holder of a valid access token with ``scope``; ``Forbidden`` with
        ``invalid_token`` (401) or ``insufficient_scope`` (403) otherwise (RFC 6750 3.1)."""
        grant = self._repo.grant_by_access(hash_token(token.strip()))
        if grant is None or grant.revoked_at is not None or grant.access_expires_at <= self._now():
            raise Forbidden(
                "The access token is unknown, expired or revoked.", code="invalid_token"
            )
        scopes = frozenset(grant.scope.split())
        if scope not in scopes:
            raise InsufficientScope(scope)
        user = self._user_rows.by_id(grant.user_id)
        if user is None:  # the user was deleted; their grants go with them
            raise Forbidden(
                "The access token is unknown, expired or revoked.", code="invalid_token"
            )
        return TokenHolder(user, scopes)

    def _grant(
        self, client: OAuthClient, user_id: uuid.UUID, scope: str, code_id: uuid.UUID | None
    ) -> IssuedTokens:
        access = "csa_" + secrets.token_urlsafe(32)
        refresh = "csr_" + secrets.token_urlsafe(32)
        now = self._now()
        self._repo.add(
            OAuthGrant(
                client_id=client.id,
                user_id=user_id,
                code_id=code_id,
                access_hash=hash_token(access),
                refresh_hash=hash_token(refresh),
                scope=scope,
                access_expires_at=now + ACCESS_LIFETIME,
                refresh_expires_at=now + REFRESH_LIFETIME,
                created_at=now,
            )
        )
        self._session.flush()
        return IssuedTokens(access, refresh, int(ACCESS_LIFETIME.total_seconds()), scope)


def _grant_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_grant")


def _scope_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_scope")
