"""Small valid documents for the model tests; each test changes what it is about."""

from __future__ import annotations

import copy
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def profile(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "name": "Example University",
    }
    doc.update(changes)
    return doc


def achievement(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "https://example.edu/achievements/teamwork",
        "type": ["Achievement"],
        "name": "Teamwork",
        "description": "Works well in a team.",
        "criteria": {"narrative": "Nominated by peers."},
    }
    doc.update(changes)
    return doc


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:2f5b7e4c-8d7a-4c55-9a55-4a2b8b7d3c10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile(),
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": achievement(),
        },
    }
    doc.update(changes)
    return doc


def endorsement(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:0c1b8f0e-4f6e-4d3b-8f3c-1f8d1b9e2a77",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Accreditation",
        "issuer": profile(id="https://accreditor.example/issuers/1"),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://example.edu/issuers/565049",
            "type": ["EndorsementSubject"],
            "endorsementComment": "In good standing.",
        },
    }
    doc.update(changes)
    return doc


def changed(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``doc`` with the value at a dotted path (list indexes as numbers) replaced;
    ``value=DELETE`` removes the property."""
    result = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node: Any = result
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return result


DELETE = object()
