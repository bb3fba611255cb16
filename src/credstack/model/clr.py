"""The Comprehensive Learner Record 2.0 data model: what a ``ClrCredential`` must carry.

1EdTech publishes the CLR 2.0 JSON Schema only at purl.imsglobal.org, and no copy of it is
bundled here (``../shared/vectors`` has the OB 3.0 schemas, not CLR's), so this module checks the
required properties of the data model itself (CLR 2.0 sections B.1.1 ClrCredential, B.1.2
ClrSubject, B.1.3 Association and B.2.1 AssociationType). The credentials a CLR carries are
Open Badges credentials and are checked against the OB 3.0 schema one by one.

>>> clr_problems({"type": ["VerifiableCredential", "ClrCredential"]})[0]
'ClrCredential needs @context.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
CLR_CONTEXT_PREFIX: Final = "https://purl.imsglobal.org/spec/clr/v2p0/context"
CLR_SPEC: Final = "https://www.imsglobal.org/spec/clr/v2p0/"
# CLR 2.0 section B.2.1, AssociationType.
ASSOCIATION_TYPES: Final = frozenset(
    {
        "exactMatchOf",
        "isChildOf",
        "isParentOf",
        "isPartOf",
        "isPeerOf",
        "isRelatedTo",
        "precedes",
        "replacedBy",
    }
)


def clr_problems(document: Mapping[str, Any]) -> list[str]:
    """What ``document`` lacks of the CLR 2.0 data model (sections B.1.1 to B.1.3): the
    required properties of ClrCredential, ClrSubject and Association. Empty when complete."""
    problems: list[str] = []
    for prop in ("@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"):
        if prop not in document:
            problems.append(f"ClrCredential needs {prop}.")
    contexts = _list(document.get("@context"))
    if contexts[:1] != [CREDENTIALS_V2] or not any(
        isinstance(c, str) and c.startswith(CLR_CONTEXT_PREFIX) for c in contexts
    ):
        problems.append("@context must start with the VC 2.0 context and list the CLR context.")
    if not {"VerifiableCredential", "ClrCredential"} <= set(_list(document.get("type"))):
        problems.append("type must include VerifiableCredential and ClrCredential.")
    issuer = document.get("issuer")
    if not isinstance(issuer, str) and not (isinstance(issuer, Mapping) and "id" in issuer):
        problems.append("issuer must be an id or a Profile with an id.")
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return [*problems, "credentialSubject must be one ClrSubject object."]
    if "ClrSubject" not in _list(subject.get("type")):
        problems.append("credentialSubject's type must include ClrSubject.")
    if not _list(subject.get("verifiableCredential")):
        problems.append("ClrSubject needs at least one verifiableCredential.")
    for index, achievement in enumerate(_list(subject.get("achievement"))):
        if not isinstance(achievement, Mapping) or "id" not in achievement:
            problems.append(f"achievement {index} must be an Achievement with an id.")
    for index, link in enumerate(_list(subject.get("association"))):
        if not isinstance(link, Mapping):
            problems.append(f"association {index} must be an object.")
            continue
        if link.get("type") != "Association":
            problems.append(f"association {index}'s type must be 'Association'.")
        if link.get("associationType") not in ASSOCIATION_TYPES:
            problems.append(f"association {index}'s associationType is not a CLR 2.0 one.")
        for end in ("sourceId", "targetId"):
            if not isinstance(link.get(end), str):
                problems.append(f"association {index} needs {end}.")
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]
