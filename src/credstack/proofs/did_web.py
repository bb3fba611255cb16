"""did:web: a DID whose document lives at a well-known HTTPS URL.

The transformation follows the did:web method (https://w3c-ccg.github.io/did-method-web/,
section 3.2 "Read"): colons separate path segments, a port is percent-encoded as ``%3A``, and a
DID without a path resolves to ``/.well-known/did.json``. The fetching itself is I/O and lives
in ``credstack.adapters``; this module only builds names, URLs and documents.

>>> did_web_for("example.com:8443", ["issuers", "1"])
'did:web:example.com%3A8443:issuers:1'
>>> did_web_document_url("did:web:example.com%3A8443:issuers:1")
'https://example.com:8443/issuers/1/did.json'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from credstack.errors import ResolutionError
from credstack.proofs.did_key import DID_CONTEXT, MULTIKEY_CONTEXT
from credstack.proofs.keys import PublicKey

_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code="invalid_did")


def _check_host(host: str) -> str:
    """A lower-case domain name with an optional port; IP addresses are not allowed (3.1)."""
    host = host.lower()
    match = _HOST.match(host)
    if match is None:
        raise _invalid(f"{host!r} is not a domain name with an optional port.")
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise _invalid(f"The port in {host!r} is out of range.")
    name = host.rsplit(":", 1)[0] if port is not None else host
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return host
    raise _invalid(f"did:web names a domain, not an IP address ({name}).")


def _check_segment(segment: str) -> str:
    if segment in ("", ".", ".."):
        raise _invalid(f"The did:web path segment {segment!r} is not allowed.")
    return segment


def did_web_for(host: str, path: Sequence[str] = ()) -> str:
    """The did:web for ``host`` (``example.com`` or ``example.com:8443``) and a path."""
    host = _check_host(host)
    parts = [quote(host, safe="")]  # ':' before a port becomes %3A
    parts.extend(quote(_check_segment(segment), safe="") for segment in path)
    return "did:web:" + ":".join(parts)


def did_web_document_url(did: str) -> str:
    """Where the DID document of ``did`` is served (any fragment or query is ignored)."""
    if not did.startswith("did:web:"):
        raise _invalid(f"{did!r} is not a did:web.")
    identifier = re.split(r"[#?]", did[len("did:web:") :], maxsplit=1)[0]
    host_part, *segments = identifier.split(":")
    host = _check_host(unquote(host_part))
    path = [quote(_check_segment(unquote(segment)), safe="") for segment in segments]
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{'/'.join(path)}/did.json"


def did_web_document(did: str, keys: Sequence[PublicKey]) -> dict[str, Any]:
    """A DID document for ``did`` listing ``keys`` as Multikey methods ``#key-1``, ``#key-2``…

    Every key may assert credentials (assertionMethod) and authenticate (authentication).
    """
    did_web_document_url(did)  # validates the DID
    if "#" in did or "?" in did:
        raise _invalid("A DID document is named by the DID itself, without fragment or query.")
    if not keys:
        raise _invalid("A did:web document needs at least one key.")
    methods = [
        {
            "id": f"{did}#key-{number}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multikey,
        }
        for number, key in enumerate(keys, start=1)
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }
