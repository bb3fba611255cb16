"""How a stacked credential names its components: evidence entries with the component's id and
the ``digestMultibase`` of its exact text (VC Data Model 2.0 section 5.3).

The digest is a multibase multihash (sha2-256, base64url) of the text handed out, so a verifier
that holds a component can tell it is the very credential the stack was awarded for.

>>> digest_of("")
'uEiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ'
>>> components({"evidence": [{"id": "urn:c", "digestMultibase": "uEi"}, {"id": "urn:d"}]})
{'urn:c': 'uEi'}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from credstack.proofs.multibase import encode_multibase

_SHA2_256: bytes = bytes([0x12, 0x20])


def digest_of(text: str | bytes) -> str:
    """``digestMultibase`` of ``text`` (its UTF-8 bytes when a string)."""
    data = text.encode() if isinstance(text, str) else text
    return encode_multibase(_SHA2_256 + hashlib.sha256(data).digest(), "base64url")


def components(credential: Mapping[str, Any]) -> dict[str, str]:
    """The evidence entries of ``credential`` that name a component by id and digest."""
    evidence = credential.get("evidence")
    found: dict[str, str] = {}
    for entry in evidence if isinstance(evidence, list) else [evidence]:
        if isinstance(entry, Mapping):
            key, digest = entry.get("id"), entry.get("digestMultibase")
            if isinstance(key, str) and isinstance(digest, str):
                found[key] = digest
    return found
