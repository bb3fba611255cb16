"""The data checks of the pipeline: context, structure, validity window and issuer.

The status check, which fetches through a port, is in ``credstack.verify.status``.

Each function reads a parsed credential and appends entries to a report. None does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from credstack.errors import MalformedCredential
from credstack.jsonld.loader import CREDENTIALS_V1, CREDENTIALS_V2, bundled_urls
from credstack.model import AchievementCredential, EndorsementCredential
from credstack.model.fields import Timestamp
from credstack.verify.report import VerificationReport

VC_DATA_MODEL = "https://www.w3.org/TR/vc-data-model-2.0/"
OB_SPEC = "https://www.imsglobal.org/spec/ob/v3p0/"

OB_TYPES = frozenset({"AchievementCredential", "OpenBadgeCredential", "EndorsementCredential"})
CLR_TYPES = frozenset({"ClrCredential"})
_OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)?\.json$")
_CLR_CONTEXT = re.compile(
    r"^https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.\d\.\d)?\.json$"
)
_CURRENT_OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def types_of(node: Mapping[str, Any]) -> list[str]:
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def is_vc1(document: Mapping[str, Any]) -> bool:
    contexts = as_list(document.get("@context"))
    return bool(contexts) and contexts[0] == CREDENTIALS_V1


def check_context(document: Mapping[str, Any], report: VerificationReport) -> None:
    """VC Data Model 2.0 section 4.3: the first context is the VC v2 context; all are bundled."""
    contexts = as_list(document.get("@context"))
    spec = VC_DATA_MODEL + "#contexts"
    if not contexts:
        report.add("context", "failed", "missing_context", "The credential has no @context.", spec)
        return
    unknown = [c for c in contexts if isinstance(c, str) and c not in bundled_urls()]
    if unknown:
        report.add(
            "context",
            "failed",
            "unknown_context",
            f"The context {unknown[0]} is not one Credstack knows; contexts are never fetched, "
            "so the credential cannot be interpreted safely.",
            spec,
        )
        return
    first = contexts[0]
    if first == CREDENTIALS_V1:
        report.add(
            "context",
            "warning",
            "outdated_context",
            "The credential uses the VC 1.1 context; current credentials use "
            f"{CREDENTIALS_V2}. It was checked under the 1.1 rules.",
            spec,
        )
    elif first != CREDENTIALS_V2:
        report.add(
            "context",
            "failed",
            "invalid_context",
            f"The first @context must be {CREDENTIALS_V2}; this credential starts with {first!r}.",
            spec,
        )
        return
    kinds = set(types_of(document))
    strings = [c for c in contexts if isinstance(c, str)]
    if kinds & OB_TYPES and not any(_OB_CONTEXT.match(c) for c in strings):
        report.add(
            "context",
            "failed",
            "missing_ob_context",
            "An Open Badges credential must list the Open Badges 3.0 context "
            f"({_CURRENT_OB_CONTEXT}).",
            OB_SPEC + "#context",
        )
        return
    if kinds & CLR_TYPES and not any(_CLR_CONTEXT.match(c) for c in strings):
        report.add(
            "context",
            "failed",
            "missing_clr_context",
            "A CLR credential must list the CLR 2.0 context.",
            "https://www.imsglobal.org/spec/clr/v2p0/",
        )
        return
    older = [c for c in strings if _OB_CONTEXT.match(c) and c != _CURRENT_OB_CONTEXT]
    if older and first == CREDENTIALS_V2:
        report.add(
            "context",
            "warning",
            "outdated_context",
            f"The credential uses the older Open Badges context {older[0]}; "
            f"{_CURRENT_OB_CONTEXT} is current. It still verifies.",
            OB_SPEC + "#context",
        )
    elif first == CREDENTIALS_V2:
        report.add("context", "passed", "ok", "Every context is a known, bundled context.", spec)


def check_structure(
    document: Mapping[str, Any], report: VerificationReport, *, require_open_badge: bool
) -> None:
    """The data model rules that a signature cannot catch (VC 2.0 section 4, OB 3.0 data model)."""
    spec = VC_DATA_MODEL + "#types"
    kinds = set(types_of(document))
    problems = 0
    if "VerifiableCredential" not in kinds:
        report.add(
            "structure",
            "failed",
            "invalid_type",
            "The type must include VerifiableCredential.",
            spec,
        )
        problems += 1
    elif require_open_badge and not kinds & (OB_TYPES | CLR_TYPES):
        report.add(
            "structure",
            "failed",
            "not_open_badge",
            "The type must include OpenBadgeCredential, AchievementCredential, "
            f"EndorsementCredential or ClrCredential; it is {sorted(kinds)}.",
            OB_SPEC + "#achievementcredential",
        )
        problems += 1
    if issuer_id(document) is None:
        report.add(
            "structure",
            "failed",
            "missing_issuer",
            "The credential names no issuer (an id or a Profile with an id).",
            VC_DATA_MODEL + "#issuer",
        )
        problems += 1
    if "credentialSubject" not in document:
        report.add(
            "structure",
            "failed",
            "missing_subject",
            "The credential has no credentialSubject.",
            VC_DATA_MODEL + "#credential-subject",
        )
        problems += 1
    for prop in ("credentialSchema", "refreshService", "credentialStatus"):
        for index, entry in enumerate(as_list(document.get(prop))):
            if not isinstance(entry, Mapping) or not types_of(entry):
                report.add(
                    "structure",
                    "failed",
                    "missing_type",
                    f"Entry {index} of {prop} has no type, so a verifier cannot tell how to "
                    "use it. Add its type (for example 1EdTechJsonSchemaValidator2019, "
                    "BitstringStatusListEntry).",
                    VC_DATA_MODEL + "#data-schemas",
                )
                problems += 1
    if problems == 0 and kinds & OB_TYPES:
        problems += _check_model(document, kinds, report)
    if problems == 0:
        report.add("structure", "passed", "ok", "The credential has the required properties.")


def _check_model(document: Mapping[str, Any], kinds: set[str], report: VerificationReport) -> int:
    model = EndorsementCredential if "EndorsementCredential" in kinds else AchievementCredential
    try:
        # The pipeline hands over plain dicts and lists (parsed, or copied once on entry).
        model.from_json(document, copy=False)
    except MalformedCredential as exc:
        report.add("structure", "failed", exc.code, exc.message, OB_SPEC + "#data-model")
        return 1
    return 0


def parse_datetime(value: Any) -> datetime | None:
    """An RFC 3339 date-time with a time zone, or None when it is not exactly one."""
    if not isinstance(value, str):
        return None
    try:
        return Timestamp.parse(value)
    except ValueError:
        return None


def check_validity(document: Mapping[str, Any], report: VerificationReport, now: datetime) -> None:
    """VC 2.0 section 4.9 (validFrom/validUntil); VC 1.1 issuanceDate/expirationDate."""
    spec = VC_DATA_MODEL + "#validity-period"
    start_key, end_key = (
        ("issuanceDate", "expirationDate") if is_vc1(document) else ("validFrom", "validUntil")
    )
    bounds: dict[str, datetime | None] = {}
    for key in (start_key, end_key):
        raw = document.get(key)
        bounds[key] = parse_datetime(raw)
        if raw is not None and bounds[key] is None:
            report.add(
                "validity",
                "failed",
                "invalid_datetime",
                f"{key} is {raw!r}, which is not a date-time with a time zone "
                "(for example 2026-01-01T00:00:00Z).",
                spec,
            )
            return
    start, end = bounds[start_key], bounds[end_key]
    stamp = now.isoformat()
    if start and end and end < start:
        report.add(
            "validity",
            "failed",
            "invalid_validity_window",
            f"{end_key} ({document[end_key]}) is before {start_key} ({document[start_key]}).",
            spec,
        )
    elif end and end <= now:
        report.add(
            "validity",
            "failed",
            "expired",
            f"The credential expired at {document[end_key]} (checked at {stamp}).",
            spec,
        )
    elif start and start > now:
        report.add(
            "validity",
            "failed",
            "not_yet_valid",
            f"The credential is valid only from {document[start_key]} (checked at {stamp}).",
            spec,
        )
    else:
        report.add("validity", "passed", "ok", "The credential is within its validity period.")


def controller_of(verification_method: str) -> str:
    """The controller part of a verification method id (everything before the fragment)."""
    return verification_method.split("#", 1)[0]


def check_issuer(
    document: Mapping[str, Any],
    report: VerificationReport,
    *,
    signers: list[str],
    from_fragment: bool,
) -> None:
    """The key that signed must belong to the issuer the credential names."""
    spec = VC_DATA_MODEL + "#issuer"
    issuer = issuer_id(document)
    if issuer is None:
        report.add("issuer", "skipped", "missing_issuer", "The credential names no issuer.")
        return
    if not _URI.match(issuer):
        report.add(
            "issuer",
            "failed",
            "invalid_issuer_id",
            f"The issuer id {issuer!r} is not a URL or DID.",
            spec,
        )
        return
    strangers = [vm for vm in signers if controller_of(vm) != issuer]
    if strangers and issuer.startswith("urn:"):
        # A URN names no key, so no signature can be tied to it; the 1EdTech validator accepts
        # such issuers, and so do we, saying plainly who signed.
        report.add(
            "issuer",
            "warning",
            "issuer_not_verifiable",
            f"The issuer is named {issuer}, which cannot be tied to a key: the signature shows "
            f"only that the holder of {controller_of(strangers[0])} issued it.",
            spec,
        )
    elif strangers:
        report.add(
            "issuer",
            "failed",
            "issuer_mismatch",
            f"The credential names the issuer {issuer} but was signed with "
            f"{strangers[0]}, a key that issuer does not control.",
            spec,
        )
    elif not signers:
        report.add("issuer", "skipped", "no_signer", "No verified signature names a key.")
    elif from_fragment:
        report.add(
            "issuer",
            "warning",
            "key_control_unconfirmed",
            f"The key was read from the verification method URL itself; that {issuer} "
            "controls it was not confirmed by a DID or controller document.",
            spec,
        )
    elif issuer.startswith("http:"):
        report.add(
            "issuer",
            "warning",
            "issuer_not_https",
            f"The issuer id {issuer} is not https or a DID.",
            spec,
        )
    else:
        report.add("issuer", "passed", "ok", f"Signed by a key of the issuer {issuer}.", spec)
