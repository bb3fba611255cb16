"""The legacy 1EdTech Revocation List Status Method (``1EdTechRevocationList``).

1EdTech Revocation List Status Method 1.0 (https://www.imsglobal.org/spec/vcrl/v1p0/): the
``credentialStatus.id`` URL answers with a JSON document whose ``revokedCredential`` array
lists revoked credentials by ``id``; an item whose ``revoked`` is true or absent revokes that
credential. The document is not signed, so it is only as trustworthy as the connection that
fetched it; Bitstring Status Lists replace it.

>>> revocation_listed({"revokedCredential": [{"id": "urn:uuid:1"}]}, "urn:uuid:1")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from credstack.errors import InvalidInput

STATUS_TYPE: Final = "1EdTechRevocationList"


def revocation_listed(document: Mapping[str, Any], credential_id: str) -> bool:
    """Whether ``document`` (a fetched revocation list) revokes ``credential_id``.

    Raises ``InvalidInput`` (``status_list_invalid``) when ``revokedCredential`` is not a list.
    """
    items = document.get("revokedCredential", [])
    if not isinstance(items, list):
        raise InvalidInput(
            "The revocation list's revokedCredential is not a list.", code="status_list_invalid"
        )
    # "If the credential's id is in the list ... and the value of revoked is true or omitted,
    # the issuer has revoked the credential." Anything but an explicit false counts as
    # revoked, and a bare id string (the Open Badges 2.0 form) is an item without "revoked",
    # so that a listed credential is never read as good by mistake.
    return any(
        item == credential_id
        or (
            isinstance(item, Mapping)
            and item.get("id") == credential_id
            and item.get("revoked", True) is not False
        )
        for item in items
    )
