"""What an OAuth client of the Open Badges API may register (RFC 7591 section 2) and ask for:
the Open Badges scopes, the grant types, and the checks of client metadata.

>>> metadata = client_metadata({"client_name": "W", "redirect_uris": ["https://w.example/cb"]})
>>> metadata["grant_types"], metadata["token_endpoint_auth_method"]
(['authorization_code', 'refresh_token'], 'client_secret_basic')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from credstack.errors import InvalidInput

_SCOPE: Final = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ: Final = _SCOPE + "credential.readonly"
CREDENTIAL_UPSERT: Final = _SCOPE + "credential.upsert"
PROFILE_READ: Final = _SCOPE + "profile.readonly"
PROFILE_UPDATE: Final = _SCOPE + "profile.update"
# OB 3.0 section 6.2.1: one scope per operation.
SCOPES: Final[dict[str, str]] = {
    CREDENTIAL_READ: "Permission to read OpenBadgeCredentials for the authenticated entity.",
    CREDENTIAL_UPSERT: "Permission to create or update OpenBadgeCredentials for the "
    "authenticated entity.",
    PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}

GRANT_TYPES: Final = ("authorization_code", "refresh_token")
AUTH_METHODS: Final = ("client_secret_basic", "client_secret_post")
_LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost"})
_METADATA_URIS: Final = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
_METADATA_TEXT: Final = ("software_id", "software_version")


def client_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The client's metadata as registered, defaults filled in; ``InvalidInput`` with the RFC
    7591 code (``invalid_redirect_uri`` or ``invalid_client_metadata``) when it is refused."""
    name = _text(metadata, "client_name", required=True)
    uris = metadata.get("redirect_uris")
    if not isinstance(uris, list) or not uris or len(uris) > 10:
        raise _metadata_error("redirect_uris must list 1 to 10 redirect URIs.")
    redirect_uris = [_redirect_uri(uri) for uri in uris]
    scope = parse_scopes(metadata.get("scope", " ".join(SCOPES)), error=_metadata_error)
    grants = metadata.get("grant_types", list(GRANT_TYPES))
    if not isinstance(grants, list) or not set(grants) <= set(GRANT_TYPES):
        raise _metadata_error(f"grant_types may list only {', '.join(GRANT_TYPES)}.")
    if metadata.get("response_types", ["code"]) != ["code"]:
        raise _metadata_error('response_types must be ["code"].')
    method = metadata.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise _metadata_error(f"token_endpoint_auth_method must be one of {AUTH_METHODS}.")
    document: dict[str, Any] = {
        "client_name": name,
        "redirect_uris": redirect_uris,
        "grant_types": grants,
        "response_types": ["code"],
        "token_endpoint_auth_method": method,
        "scope": " ".join(scope),
    }
    for key in _METADATA_URIS:
        if metadata.get(key) is not None:
            document[key] = _web_uri(metadata[key], key)
    for key in _METADATA_TEXT:
        if metadata.get(key) is not None:
            document[key] = _text(metadata, key)
    return document


def parse_scopes(value: object, *, error: Callable[[str], InvalidInput]) -> tuple[str, ...]:
    if not isinstance(value, str) or not value.split():
        raise error("scope must be a space-separated list of Open Badges scopes.")
    unknown = [s for s in value.split() if s not in SCOPES]
    if unknown:
        raise error(f"Unknown scope {unknown[0]!r}; use the Open Badges 3.0 scopes.")
    return tuple(dict.fromkeys(value.split()))


def _redirect_uri(value: object) -> str:
    """An absolute https URI without a fragment, or http on a loopback address for native
    clients (RFC 6749 section 3.1.2, RFC 8252 section 7.3)."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts is None
        or not isinstance(value, str)
        or len(value) > 2048
        or parts.fragment
        or not parts.hostname
        or not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK))
    ):
        raise InvalidInput(
            f"{value!r} is not a redirect URI: use an https URI without a fragment "
            "(http only on a loopback address).",
            code="invalid_redirect_uri",
        )
    return value


def _web_uri(value: object, key: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or not isinstance(value, str) or len(value) > 2048 or not parts.hostname:
        raise _metadata_error(f"{key} must be an absolute URI.")
    if parts.scheme not in ("https", "http"):
        raise _metadata_error(f"{key} must be an http(s) URI.")
    return value


def _text(metadata: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = metadata.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        qualifier = "is required and " if required else ""
        raise _metadata_error(f"{key} {qualifier}must be text of 1 to 200 characters.")
    return value.strip()


def _metadata_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_client_metadata")
