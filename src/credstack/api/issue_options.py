"""The ``options`` of a VC-API (VCALM) issue request, read strictly.

VCALM's IssueCredentialOptions (``additionalProperties: false``) has ``credentialId``,
``proofId``, ``mandatoryPointers`` and ``previousProof``. An option Credstack cannot honour is
refused with a stable code rather than ignored, since the caller would otherwise believe it
was applied:

- ``credentialId``: the caller's own name for the credential, unique in the organisation; the
  status endpoint accepts it, and asking again under the same name returns the same credential.
- ``proofId``: the ``id`` of the Data Integrity proof.
- ``mandatoryPointers`` (``unsupported_option``): it selects what a selective-disclosure proof
  must reveal; Credstack's suites sign the whole credential.
- ``previousProof`` (``unsupported_option``): the credential comes in unsigned, so there is no
  proof to chain to.

The proof suite is not an option in VCALM: an issuer instance has its own, here the
organisation's default (eddsa-rdfc-2022).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from credstack.errors import InvalidInput

SUPPORTED: Final = ("credentialId", "proofId")
UNSUPPORTED: Final = {
    "mandatoryPointers": "it selects what a selective-disclosure proof (ecdsa-sd-2023, "
    "bbs-2023) must reveal, and this issuer's suites sign the whole credential",
    "previousProof": "the credential must come unsigned, so there is no proof to chain to",
}
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
MAX_LENGTH: Final = 2048


def issue_options(options: Mapping[str, Any]) -> dict[str, str]:
    """The options Credstack honours, checked; ``InvalidInput`` for any other."""
    unknown = sorted(set(options) - set(SUPPORTED) - set(UNSUPPORTED))
    if unknown:
        raise InvalidInput(
            f"{', '.join(map(repr, unknown))} {'is' if len(unknown) == 1 else 'are'} not "
            f"VC-API issue options; this issuer takes {' and '.join(SUPPORTED)}.",
            code="unknown_option",
        )
    for name, why in UNSUPPORTED.items():
        if name in options:
            raise InvalidInput(
                f"The option {name} is not supported: {why}. Leave it out.",
                code="unsupported_option",
            )
    taken: dict[str, str] = {}
    for name in SUPPORTED:
        if name in options:
            taken[name] = _text(name, options[name])
    if "proofId" in taken and not _URI.fullmatch(taken["proofId"]):
        raise InvalidInput("proofId must be a URI, such as urn:uuid:...", code="invalid_option")
    return taken


def _text(name: str, value: object) -> str:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > MAX_LENGTH
        or not value.isprintable()
        or any(c.isspace() for c in value)
    ):
        raise InvalidInput(
            f"{name} must be a string of 1 to {MAX_LENGTH} characters without spaces.",
            code="invalid_option",
        )
    return value


def stored_achievement_id(achievement: str | Mapping[str, Any]) -> str | None:
    """The id when the achievement is named rather than given: a string, or ``{"id": ...}``."""
    if isinstance(achievement, str):
        return achievement
    if set(achievement) == {"id"} and isinstance(achievement["id"], str):
        return str(achievement["id"])
    return None
