"""Issuing: build an Open Badges 3.0 AchievementCredential and sign it with one suite.

>>> from credstack.issue import issue
>>> from credstack.proofs.keys import generate_key
>>> achievement = {
...     "id": "https://example.edu/achievements/1", "type": ["Achievement"],
...     "name": "Teamwork", "description": "Works well in a team.",
...     "criteria": {"narrative": "Peer nominated."},
... }
>>> issued = issue(achievement, generate_key("ed25519"), recipient="learner@example.com")
>>> issued.media_type
'application/vc'
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from credstack.errors import Error, InvalidInput, MalformedCredential
from credstack.jsonld import canonicalize
from credstack.jsonld.loader import CREDENTIALS_V2, OB_V3, bundled_urls
from credstack.ledger.entries import credential_digest
from credstack.model import AchievementCredential
from credstack.model.identity import identity_object_for_email
from credstack.model.parse import plain_json
from credstack.model.plain_json import has_plain_values
from credstack.model.schema import validate as validate_schema
from credstack.proofs.data_integrity import add_proof
from credstack.proofs.did_key import did_key_for, verification_method_id
from credstack.proofs.jose import sign_jwt
from credstack.proofs.keys import PrivateKey

Suite = Literal["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "jwt"]
SUITES: tuple[Suite, ...] = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "jwt")
_KEY_KIND = {"eddsa-rdfc-2022": "ed25519", "eddsa-jcs-2022": "ed25519", "ecdsa-rdfc-2019": "p256"}
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class IssuedCredential:
    """A signed credential: ``text`` is what to hand out (JSON text or a compact JWT)."""

    text: str
    media_type: str
    credential: dict[str, Any]


@dataclass(frozen=True)
class SignedText:
    """A signed credential as handed out, without its parsed form (what a batch keeps), and
    the digest of it that its transparency ledger entry names."""

    text: str
    media_type: str
    digest: str


@dataclass(frozen=True)
class IssueCall:
    """``issue``'s arguments but the key: one credential of a batch signed with one key."""

    achievement: Mapping[str, Any]
    recipient: str
    suite: Suite = "eddsa-rdfc-2022"
    issuer: Mapping[str, Any] | None = None
    verification_method: str | None = None
    valid_until: datetime | None = None
    credential_id: str | None = None
    extra_contexts: Sequence[str] = ()
    credential_status: Mapping[str, Any] | None = None
    result: Sequence[Mapping[str, Any]] = ()
    evidence: Sequence[Mapping[str, Any]] = ()
    awarded_date: datetime | None = None
    proof_id: str | None = None


def timestamp(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC to the second, as credentials usually carry it."""
    if moment.tzinfo is None:
        raise InvalidInput("Times must carry a time zone.", code="naive_datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def recipient_kind(recipient: str) -> Literal["email", "uri"]:
    """Whether ``recipient`` is an email address or a DID/URL; ``InvalidInput`` if neither.

    >>> recipient_kind("ada@example.com"), recipient_kind("did:example:ada")
    ('email', 'uri')
    """
    value = recipient.strip()
    if _EMAIL.match(value) and not value.lower().startswith("mailto:"):
        return "email"
    if _URI.match(value):
        return "uri"
    raise InvalidInput(
        f"The recipient {recipient!r} is neither an email address nor a DID or URL "
        "(for example learner@example.com or did:key:z6Mk...).",
        code="invalid_recipient",
    )


def credential_subject(recipient: str, *, salt: str | None = None) -> dict[str, Any]:
    """An AchievementSubject naming a DID/URL, or a salted hash of an email address."""
    value = recipient.strip()
    if recipient_kind(value) == "email":
        identity = identity_object_for_email(value, salt)
        return {"type": ["AchievementSubject"], "identifier": [identity.to_dict()]}
    return {"id": value, "type": ["AchievementSubject"]}


def build_credential(
    achievement: Mapping[str, Any],
    *,
    issuer: Mapping[str, Any],
    recipient: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    credential_id: str | None = None,
    salt: str | None = None,
    extra_contexts: Sequence[str] = (),
    credential_status: Mapping[str, Any] | None = None,
    result: Sequence[Mapping[str, Any]] = (),
    evidence: Sequence[Mapping[str, Any]] = (),
    awarded_date: datetime | None = None,
) -> dict[str, Any]:
    """The unsigned credential, checked against the OB 3.0 model and schema.

    ``extra_contexts`` are appended to ``@context`` after VC 2.0 and OB 3.0, for extension
    properties (the EU micro-credential context, for example); each must be bundled.
    ``credential_status`` (``credstack.status.status_list_entry``) is the ``credentialStatus``;
    ``result`` goes in the subject's ``result`` and ``evidence`` in the credential's (OB 3.0
    sections B.1.1 and B.1.2), ``awarded_date`` in ``awardedDate``.
    """
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput(
            f"validUntil ({timestamp(valid_until)}) must be after validFrom "
            f"({timestamp(valid_from)}).",
            code="invalid_validity_window",
        )
    subject = credential_subject(recipient, salt=salt)
    subject["achievement"] = dict(achievement)
    if result:
        subject["result"] = [dict(item) for item in result]
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3, *_bundled(extra_contexts)],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.get("name"),
        "issuer": dict(issuer),
        "validFrom": timestamp(valid_from),
        "credentialSubject": subject,
    }
    if credential["name"] is None:
        del credential["name"]
    if valid_until is not None:
        credential["validUntil"] = timestamp(valid_until)
    if awarded_date is not None:
        credential["awardedDate"] = timestamp(awarded_date)
    if evidence:
        credential["evidence"] = [dict(item) for item in evidence]
    if credential_status is not None:
        # OB 3.0 allows one credentialStatus object (its JSON Schema refuses an array).
        credential["credentialStatus"] = dict(credential_status)
    _check_issuable(credential)
    return credential


def _bundled(contexts: Sequence[str]) -> list[str]:
    unknown = [url for url in contexts if url not in bundled_urls()]
    if unknown:
        raise InvalidInput(
            f"The context {unknown[0]} is not bundled with Credstack; it cannot be used.",
            code="unknown_context",
        )
    return [url for url in dict.fromkeys(contexts) if url not in (CREDENTIALS_V2, OB_V3)]


# I-JSON (RFC 7493 section 2.2): JavaScript reads larger integers inexactly, so no JS verifier
# could check a signature over them.
_MAX_SAFE_INTEGER = 2**53 - 1
# jsonld.js 9 turns numbers below 1e-6 (printed "1e-7" by JavaScript, with no ".") into "0" in
# RDF, so the reference verifier would reject an RDFC proof over them (tests/interop).
_SMALLEST_RDFC_FRACTION = 1e-6


def _check_interoperable_numbers(node: Any, suite: str, path: str = "") -> None:
    """Refuse numbers that the reference JavaScript stack would read as other values."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            _check_interoperable_numbers(value, suite, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_interoperable_numbers(value, suite, f"{path}[{index}]")
    elif isinstance(node, bool):
        return
    elif isinstance(node, int) and abs(node) > _MAX_SAFE_INTEGER:
        raise InvalidInput(
            f"{path} is {node}, beyond what JavaScript verifiers read exactly "
            f"(±{_MAX_SAFE_INTEGER}); write it as a string.",
            code="unsafe_number",
        )
    elif (
        isinstance(node, float)
        and suite in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")
        and 0 < abs(node) < _SMALLEST_RDFC_FRACTION
    ):
        raise InvalidInput(
            f"{path} is {node!r}; common verifiers read numbers this small as 0 under {suite}. "
            "Write it as a string, scale it, or use eddsa-jcs-2022.",
            code="unsafe_number",
        )


def _check_issuable(credential: Mapping[str, Any]) -> None:
    try:
        # One plain copy (dicts and lists, within the depth limit) for both checks.
        plain = plain_json(credential)
        AchievementCredential.from_json(plain, copy=False)
    except MalformedCredential as exc:
        raise InvalidInput(
            f"The credential would not be a valid Open Badge: {exc.message}", code=exc.code
        ) from exc
    errors = [issue for issue in validate_schema(plain, copy=False) if not issue.strict_only]
    if errors:
        raise InvalidInput(
            f"The credential would not match the Open Badges 3.0 schema at "
            f"{errors[0].path or '/'}: {errors[0].message}",
            code="schema_invalid",
        )


def issue(
    achievement: Mapping[str, Any],
    key: PrivateKey,
    *,
    recipient: str,
    suite: Suite = "eddsa-rdfc-2022",
    issuer: Mapping[str, Any] | None = None,
    issuer_name: str | None = None,
    verification_method: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    credential_id: str | None = None,
    extra_contexts: Sequence[str] = (),
    credential_status: Mapping[str, Any] | None = None,
    result: Sequence[Mapping[str, Any]] = (),
    evidence: Sequence[Mapping[str, Any]] = (),
    awarded_date: datetime | None = None,
    proof_id: str | None = None,
) -> IssuedCredential:
    """Build and sign a credential. The issuer defaults to the key's did:key.

    ``proof_id`` is the Data Integrity proof's ``id``; a JWT has no proof object to carry one.
    """
    if suite not in SUITES:
        raise InvalidInput(
            f"Unknown suite {suite!r}; choose one of {', '.join(SUITES)}.",
            code="unsupported_cryptosuite",
        )
    wanted = _KEY_KIND.get(suite)
    if wanted is not None and key.public_key.kind != wanted:
        raise InvalidInput(
            f"The suite {suite} signs with an {wanted} key, but the key is "
            f"{key.public_key.kind}. Use a matching key or another suite.",
            code="key_suite_mismatch",
        )
    if issuer is None:
        issuer = {"id": did_key_for(key.public_key), "type": ["Profile"]}
        if issuer_name:
            issuer["name"] = issuer_name
    elif issuer_name:
        issuer = {**issuer, "name": issuer_name}
    method = verification_method or verification_method_id(key.public_key)
    now = datetime.now(UTC)
    credential = build_credential(
        achievement,
        issuer=issuer,
        recipient=recipient,
        valid_from=valid_from or now,
        valid_until=valid_until,
        credential_id=credential_id,
        extra_contexts=extra_contexts,
        credential_status=credential_status,
        result=result,
        evidence=evidence,
        awarded_date=awarded_date,
    )
    _check_interoperable_numbers(credential, suite)
    if suite == "jwt":
        if proof_id is not None:
            raise InvalidInput(
                "A JWT has no proof object, so it cannot carry a proof id; leave proofId out "
                "or choose a Data Integrity suite.",
                code="unsupported_option",
            )
        # A JWT signs bytes, not RDF: refuse undefined terms here as the DI suites do.
        canonicalize(credential)
        token = sign_jwt(credential, key, kid=method)
        return IssuedCredential(token, "application/vc+jwt", credential)
    signed = add_proof(
        credential,
        key,
        cryptosuite=suite,
        verification_method=method,
        created=now,
        proof_id=proof_id,
    )
    if isinstance(signed.get("proof"), dict):
        # The OB 3.0 JSON Schema lists proof as an array; JSON-LD reads both the same way.
        signed["proof"] = [signed["proof"]]
    return IssuedCredential(credential_text(signed), "application/vc", signed)


def credential_text(document: Mapping[str, Any]) -> str:
    """The issued JSON text: ``json.dumps(document, indent=2, ensure_ascii=False)``.

    orjson writes the same text, ten times faster, when every value is a string, boolean, null
    or safe integer (it prints floats differently, and refuses lone surrogates and keys that
    are not strings): a fifth of the cost of issuing a credential, so taken when it can be.
    """
    if has_plain_values(document):
        try:
            return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(document, indent=2, ensure_ascii=False)


def issue_many(key: PrivateKey, calls: Sequence[IssueCall]) -> list[SignedText | Error]:
    """Each call issued with ``key``, in order; a refused call gives its error in its place.

    >>> from credstack.proofs.keys import generate_key
    >>> good = IssueCall({"id": "https://example.edu/a/1", "type": ["Achievement"],
    ...     "name": "Teamwork", "description": "Works in a team.",
    ...     "criteria": {"narrative": "Peer nominated."}}, "learner@example.com")
    >>> bad = IssueCall(good.achievement, "nobody")
    >>> [getattr(out, "code", "signed") for out in issue_many(generate_key("ed25519"), [good, bad])]
    ['signed', 'invalid_recipient']
    """
    done: list[SignedText | Error] = []
    for call in calls:
        try:
            issued = issue(
                call.achievement,
                key,
                recipient=call.recipient,
                suite=call.suite,
                issuer=call.issuer,
                verification_method=call.verification_method,
                valid_until=call.valid_until,
                credential_id=call.credential_id,
                extra_contexts=call.extra_contexts,
                credential_status=call.credential_status,
                result=call.result,
                evidence=call.evidence,
                awarded_date=call.awarded_date,
                proof_id=call.proof_id,
            )
        except Error as exc:
            done.append(exc)
        else:
            # The digest here, where a batch signs in parallel, not in the storing process; of
            # the signed document itself (its text parses back to it), or of a JWT's text.
            document = (
                issued.text if issued.media_type == "application/vc+jwt" else issued.credential
            )
            done.append(SignedText(issued.text, issued.media_type, credential_digest(document)))
    return done
