"""The Service Description Document of the Open Badges API (OB 3.0 section 6.3): an OpenAPI
document whose OAuth2ACG security scheme tells a client where to register, authorize and get
tokens (the ``x-imssf-*`` extensions of the 1EdTech Security Framework).

>>> sdd = service_description("https://badges.example.edu")
>>> sdd["components"]["securitySchemes"]["OAuth2ACG"]["x-imssf-registrationUrl"]
'https://badges.example.edu/ims/ob/v3p0/oauth/register'
"""

from __future__ import annotations

from typing import Any

from credstack import __version__
from credstack.services.oauth_clients import (
    CREDENTIAL_READ,
    CREDENTIAL_UPSERT,
    PROFILE_READ,
    PROFILE_UPDATE,
    SCOPES,
)

_ERROR = {"$ref": "#/components/responses/Error"}


def _operation(operation_id: str, scope: str | None, ok: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "tags": ["OpenBadgeCredentials" if scope else "Discovery"],
        "responses": {ok: {"description": "Success"}, "default": _ERROR},
    }
    if scope:
        operation["security"] = [{"OAuth2ACG": [scope]}]
    return operation


def service_description(base_url: str) -> dict[str, Any]:
    """The document for a server at ``base_url``.

    Terms of service and privacy policy point at the server's home page: this server keeps
    no separate pages for them, and the operator publishes theirs there.
    """
    api = f"{base_url}/ims/ob/v3p0"
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "Credstack Open Badges API",
            "description": "The 1EdTech Open Badges 3.0 API of this Credstack server.",
            "version": "3.0",
            "x-credstack-version": __version__,
            "termsOfService": f"{base_url}/",
            "x-imssf-privacyPolicyUrl": f"{base_url}/",
        },
        "servers": [{"url": api}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": _operation("getCredentials", CREDENTIAL_READ, "200"),
                "post": _operation("upsertCredential", CREDENTIAL_UPSERT, "201"),
            },
            "/profile": {
                "get": _operation("getProfile", PROFILE_READ, "200"),
                "put": _operation("putProfile", PROFILE_UPDATE, "200"),
            },
            "/discovery": {"get": _operation("getServiceDescription", None, "200")},
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "An Imsx_StatusInfo error.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant with PKCE (S256)",
                    "x-imssf-name": "Credstack",
                    "x-imssf-registrationUrl": f"{api}/oauth/register",
                    "x-imssf-privacyPolicyUrl": f"{base_url}/",
                    "x-imssf-termsOfServiceUrl": f"{base_url}/",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": f"{api}/oauth/authorize",
                            "tokenUrl": f"{api}/oauth/token",
                            "refreshUrl": f"{api}/oauth/token",
                            "x-credstack-revocationUrl": f"{api}/oauth/revoke",
                            "scopes": dict(SCOPES),
                        }
                    },
                }
            },
        },
    }
