"""The sign-in and consent page of the OAuth authorize endpoint: plain HTML that works without
JavaScript. The form posts the authorize request back with the user's email and password.

One small page, so it is built with ``html.escape`` rather than the templates of
``credstack.web``, which the API does not import.
"""

from __future__ import annotations

from html import escape
from typing import Final

from fastapi.responses import HTMLResponse

from credstack.services.oauth import AuthorizationRequest
from credstack.services.oauth_clients import SCOPES

# The page must not be framed (clickjacking) nor cached, and needs no script at all. No
# form-action rule: browsers apply it to the redirect to the client that follows the post.
HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin:.8rem 0}input{display:block;width:100%;padding:.4rem}"
    "button{margin:.8rem .6rem 0 0;padding:.5rem 1rem}.error{color:#a00}"
)


def consent_page(
    request: AuthorizationRequest, *, action: str, error: str | None = None, email: str = ""
) -> HTMLResponse:
    """The page for ``request``; ``error`` (a sentence) when the last sign-in failed."""
    hidden = {
        "response_type": "code",
        "client_id": request.client.client_id,
        "redirect_uri": request.redirect_uri,
        "scope": " ".join(request.scopes),
        "code_challenge": request.code_challenge,
        "code_challenge_method": "S256",
    }
    if request.state is not None:
        hidden["state"] = request.state
    fields = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in hidden.items()
    )
    scopes = "".join(f"<li>{escape(SCOPES[s])}</li>" for s in request.scopes)
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Sign in to share your badges</title><style>{_STYLE}</style>"
        f"<h1>{escape(request.client.client_name)} asks for access</h1>"
        f"<p>It will be able to:</p><ul>{scopes}</ul>{problem}"
        f'<form method="post" action="{escape(action)}">{fields}'
        f'<label>Email <input type="email" name="email" value="{escape(email)}" '
        'autocomplete="username" required></label>'
        '<label>Password <input type="password" name="password" '
        'autocomplete="current-password"></label>'
        '<button type="submit" name="decision" value="approve">Sign in and allow</button>'
        '<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>'
        "</form>"
    )
    return HTMLResponse(page, headers=HEADERS)


def error_page(message: str, status: int = 400) -> HTMLResponse:
    """An authorize request that cannot go back to its client (RFC 6749 section 4.1.2.1)."""
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>Cannot authorize</title><style>{_STYLE}</style>"
        f'<h1>This request cannot be authorized</h1><p class="error">{escape(message)}</p>'
    )
    return HTMLResponse(page, status_code=status, headers=HEADERS)
