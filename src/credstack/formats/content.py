"""What a stored credential says, for display: its JSON, or the credential in a VC-JWT's
payload, read without verifying (the pages that show it verify separately or say nothing of
validity).

>>> credential_content('{"name": "Teamwork"}')["name"]
'Teamwork'
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from credstack.errors import MalformedCredential
from credstack.model.parse import parse_json


def credential_content(text: str) -> Mapping[str, Any]:
    """The credential object in ``text`` (JSON, or a compact JWS whose payload is a VC 2.0
    credential or carries a VC 1.1 one in ``vc``)."""
    stripped = text.strip()
    if stripped.startswith("{"):
        document = parse_json(stripped)
    else:
        parts = stripped.split(".")
        if len(parts) != 3:
            raise MalformedCredential("The credential is neither JSON nor a compact JWT.")
        try:
            padded = parts[1] + "=" * (-len(parts[1]) % 4)
            payload = base64.b64decode(padded, altchars=b"-_", validate=True)
        except binascii.Error as exc:
            raise MalformedCredential("The JWT's payload is not base64url.") from exc
        document = parse_json(payload)
        if isinstance(document, Mapping) and isinstance(document.get("vc"), Mapping):
            document = document["vc"]
    if not isinstance(document, Mapping):
        raise MalformedCredential("The credential is not a JSON object.")
    return document
