"""Comprehensive Learner Record 2.0: a learner's credentials bundled into one signed
``ClrCredential`` (CLR 2.0 sections 4 and B.1).

The ``ClrSubject`` names the learner and carries each credential whole in
``verifiableCredential`` (a JSON credential as issued, a VC-JOSE JWT as an
``EnvelopedVerifiableCredential``), the achievements those credentials are for, and
``association``s between achievements. Associations come from stacking: a stacked credential of
the CLR's issuer names its components in its evidence by id and digest
(``credstack.formats.evidence``); when a component is in the record and its text has that
digest, the stacked achievement ``isParentOf`` the component's and the component's ``isPartOf``
the stacked one. Credentials of other issuers ride along and verify on their own, but the CLR's
issuer asserts no association from their evidence.

The CLR is signed like a credential (``sign_clr``): a Data Integrity suite or a VC-JOSE JWT.
Every nested credential keeps its own proof, so a verifier checks the record and each inner
credential (``credstack.verify`` does).

>>> Association("isParentOf", "urn:a", "urn:b").to_dict()["associationType"]
'isParentOf'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from credstack.errors import InvalidInput
from credstack.formats.evidence import components, digest_of
from credstack.formats.record import RecordItem
from credstack.issue import IssuedCredential, Suite, timestamp
from credstack.jsonld import canonicalize
from credstack.jsonld.loader import CLR_V2, CREDENTIALS_V2, OB_V3, OB_V3_EXTENSIONS, bundled_urls
from credstack.model.clr import clr_problems
from credstack.proofs.data_integrity import add_proof
from credstack.proofs.jose import sign_jwt
from credstack.proofs.keys import PrivateKey

CLR_SCHEMA: Final = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
_KEY_KIND: Final = {
    "eddsa-rdfc-2022": "ed25519",
    "eddsa-jcs-2022": "ed25519",
    "ecdsa-rdfc-2019": "p256",
}


@dataclass(frozen=True)
class Association:
    """``source`` relates to ``target`` (both achievement ids) as ``kind`` says."""

    kind: str
    source: str
    target: str

    def to_dict(self) -> dict[str, str]:
        # CLR 2.0 B.1.3: Association's type is the single IRI 'Association', not a set.
        return {
            "type": "Association",
            "associationType": self.kind,
            "sourceId": self.source,
            "targetId": self.target,
        }


def associations(items: Sequence[RecordItem], issuer: str) -> list[Association]:
    """The stacking associations among ``items`` that ``issuer``'s own stacked credentials
    assert, each component matched by id and by the digest of its exact text."""
    by_id = {item.id: item for item in items if item.id}
    found: list[Association] = []
    for stacked in items:
        parent = stacked.achievement_id
        if stacked.issuer_id != issuer or parent is None:
            continue
        for component_id, digest in components(stacked.document).items():
            component = by_id.get(component_id)
            if component is None or component.achievement_id is None:
                continue
            if digest_of(component.text) != digest or component.achievement_id == parent:
                continue
            for link in (
                Association("isParentOf", parent, component.achievement_id),
                Association("isPartOf", component.achievement_id, parent),
            ):
                if link not in found:
                    found.append(link)
    return found


def build_clr(
    items: Sequence[RecordItem],
    *,
    issuer: Mapping[str, Any],
    learner: Mapping[str, Any],
    clr_id: str,
    valid_from: datetime,
    name: str,
    partial: bool = False,
) -> dict[str, Any]:
    """The unsigned ClrCredential of ``items`` (in their order), issued by ``issuer`` (a
    Profile) about ``learner`` (the subject's ``id`` or ``identifier``)."""
    if not items:
        raise InvalidInput(
            "A CLR holds at least one credential; the learner has none to include.",
            code="empty_record",
        )
    issuer_id = issuer.get("id")
    if not isinstance(issuer_id, str):
        raise InvalidInput("The CLR's issuer needs an id.", code="invalid_issuer")
    achievements: dict[str, Mapping[str, Any]] = {}
    for item in items:
        if item.achievement_id is not None:
            achievements.setdefault(item.achievement_id, item.achievement)
    subject: dict[str, Any] = {**learner, "type": ["ClrSubject"]}
    if achievements:
        subject["achievement"] = [dict(a) for a in achievements.values()]
    subject["verifiableCredential"] = [item.embedded() for item in items]
    links = associations(items, issuer_id)
    if links:
        subject["association"] = [link.to_dict() for link in links]
    clr: dict[str, Any] = {
        # The Open Badges extensions context defines 1EdTechJsonSchemaValidator2019, the type
        # of credentialSchema (as in the CLR 2.0 test vector).
        "@context": [CREDENTIALS_V2, CLR_V2, OB_V3, OB_V3_EXTENSIONS, *_extra_contexts(items)],
        "id": clr_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": dict(issuer),
        "validFrom": timestamp(valid_from),
        "name": name,
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if partial:
        clr["partial"] = True
    problems = clr_problems(clr)
    if problems:  # pragma: no cover - what build_clr writes always has the required parts
        raise InvalidInput(f"The CLR is incomplete: {problems[0]}", code="invalid_clr")
    return clr


def sign_clr(
    clr: Mapping[str, Any],
    key: PrivateKey,
    *,
    suite: Suite,
    verification_method: str,
    created: datetime,
) -> IssuedCredential:
    """Sign ``clr`` with ``suite``: a Data Integrity proof (as a one-item ``proof`` array), or a
    compact JWT. Refuses a suite the key cannot sign and terms no context defines."""
    wanted = _KEY_KIND.get(suite)
    if suite != "jwt" and wanted is None:
        raise InvalidInput(
            f"Unknown suite {suite!r}; choose one of {', '.join([*_KEY_KIND, 'jwt'])}.",
            code="unsupported_cryptosuite",
        )
    if wanted is not None and key.public_key.kind != wanted:
        raise InvalidInput(
            f"The suite {suite} signs with an {wanted} key, but the key is {key.public_key.kind}.",
            code="key_suite_mismatch",
        )
    if suite == "jwt":
        canonicalize(clr)  # a JWT signs bytes: refuse undefined terms as the DI suites do
        token = sign_jwt(dict(clr), key, kid=verification_method)
        return IssuedCredential(token, "application/vc+jwt", dict(clr))
    signed = add_proof(
        clr, key, cryptosuite=suite, verification_method=verification_method, created=created
    )
    if isinstance(signed.get("proof"), dict):
        signed["proof"] = [signed["proof"]]
    return IssuedCredential(
        json.dumps(signed, indent=2, ensure_ascii=False), "application/vc", signed
    )


def _extra_contexts(items: Sequence[RecordItem]) -> list[str]:
    """The bundled contexts the items use beyond VC, Open Badges and CLR (the EU
    micro-credential context, for example): the achievements copied into the subject may use
    their terms."""
    bundled = bundled_urls()
    extra: list[str] = []
    for item in items:
        for context in _list(item.document.get("@context")):
            if (
                isinstance(context, str)
                and context in bundled
                and context not in extra
                and "/ns/credentials/" not in context
                and "/2018/credentials/" not in context
                and "/spec/ob/" not in context
                and "/spec/clr/" not in context
            ):
                extra.append(context)
    return extra


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]
