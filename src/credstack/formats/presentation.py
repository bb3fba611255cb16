"""W3C VC Data Model 2.0 verifiable presentations of credentials exactly as issued.

A Data Integrity credential goes in as its JSON object; a VC-JOSE credential as an
``EnvelopedVerifiableCredential`` whose id is a ``data:application/vc+jwt,`` URL of the JWT
(VC DM 2.0 section 4.13.2; VC-JOSE-COSE section 3.1.2). The presentation itself carries no
proof: a holder binding needs a key the holder controls, and VC DM 2.0 section 4.13 allows a
presentation without one. Each credential inside still proves itself.

>>> vp = presentation(['{"id": "urn:example:1"}', "a.b.c"], presentation_id="urn:uuid:1")
>>> vp["verifiableCredential"][1]["id"]
'data:application/vc+jwt,a.b.c'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_JWT: Final = "data:application/vc+jwt,"


def enveloped(jwt: str) -> dict[str, Any]:
    """A VC-JOSE credential as an EnvelopedVerifiableCredential."""
    return {
        "@context": [VC_V2_CONTEXT],
        "id": ENVELOPED_JWT + jwt,
        "type": "EnvelopedVerifiableCredential",
    }


def presentation(
    credentials: Sequence[str], *, presentation_id: str, holder: str | None = None
) -> dict[str, Any]:
    """An unsigned VerifiablePresentation of ``credentials`` (each a credential's exact text:
    JSON, or a compact JWT), in the order given."""
    embedded: list[dict[str, Any]] = []
    for text in credentials:
        stripped = text.lstrip()
        if stripped.startswith("{"):
            document: dict[str, Any] = json.loads(text)
            embedded.append(document)
        else:
            embedded.append(enveloped(stripped.rstrip()))
    document = {
        "@context": [VC_V2_CONTEXT],
        "id": presentation_id,
        "type": ["VerifiablePresentation"],
        "verifiableCredential": embedded,
    }
    if holder is not None:
        document["holder"] = holder
    return document
