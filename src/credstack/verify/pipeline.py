"""The verification pipeline: any input through parse, context, structure, schema, proof,
validity window, status and issuer checks.

>>> from credstack.verify import check
>>> check("{not json").failures[0].code
'malformed_json'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from credstack.errors import Error, MalformedCredential, VerificationFailed
from credstack.model.clr import CLR_SPEC, clr_problems
from credstack.model.parse import parse_json, plain_json
from credstack.model.schema import validate as validate_schema
from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.jose import verify_jwt
from credstack.proofs.resolver import DocumentFetcher, KeyResolver
from credstack.verify.checks import (
    CLR_TYPES,
    OB_TYPES,
    as_list,
    check_context,
    check_issuer,
    check_structure,
    check_validity,
    is_vc1,
    issuer_id,
    types_of,
)
from credstack.verify.ledger import LedgerSource, check_ledger
from credstack.verify.list_cache import VerifiedLists
from credstack.verify.related import ResourceFetcher, check_related_resources
from credstack.verify.report import VerificationReport
from credstack.verify.status import CheckedList, StatusLists, check_status

DEFAULT_MAX_BYTES = 1_048_576
DEFAULT_MAX_DEPTH = 64
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_ENVELOPED_JWT = "data:application/vc+jwt,"
DI_SPEC = "https://www.w3.org/TR/vc-data-integrity/#verify-proof"


@dataclass(frozen=True)
class Policy:
    """How to verify: the clock, the key resolver, limits, and what to require.

    ``status_lists`` fetches status lists (each once per verification); None is offline.
    ``ledger`` finds credentials in a transparency log; None skips the ``ledger`` check.
    """

    now: datetime
    resolver: KeyResolver
    related_fetcher: ResourceFetcher | None = None
    status_lists: StatusLists | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    require_open_badge: bool = True
    ledger: LedgerSource | None = None


def check(
    input_: str | bytes | Mapping[str, Any],
    *,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    related_fetcher: ResourceFetcher | None = None,
    status_fetcher: DocumentFetcher | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    require_open_badge: bool = True,
    ledger: LedgerSource | None = None,
    verified_lists: VerifiedLists[CheckedList] | None = None,
) -> VerificationReport:
    """Verify a JSON credential, a JWT or a presentation; return the report of named checks.

    An expected rejection is a failed check in the report, never an exception. Without a
    ``status_fetcher``, status lists are not fetched and status is reported as not checked.
    ``verified_lists`` remembers status lists verified before (a verifier that runs long
    keeps one).
    """
    moment = now or datetime.now(UTC)
    keys = resolver or KeyResolver()
    policy = Policy(
        now=moment,
        resolver=keys,
        related_fetcher=related_fetcher,
        status_lists=(
            StatusLists(status_fetcher, keys, moment, verified_lists)
            if status_fetcher is not None
            else None
        ),
        max_bytes=max_bytes,
        max_depth=max_depth,
        require_open_badge=require_open_badge,
        ledger=ledger,
    )
    return _check_input(input_, policy)


def verify(
    input_: str | bytes | Mapping[str, Any],
    *,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    related_fetcher: ResourceFetcher | None = None,
    status_fetcher: DocumentFetcher | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    require_open_badge: bool = True,
    ledger: LedgerSource | None = None,
    verified_lists: VerifiedLists[CheckedList] | None = None,
) -> VerificationReport:
    """Like ``check``, but raise ``VerificationFailed`` (carrying the report) unless valid."""
    report = check(
        input_,
        resolver=resolver,
        now=now,
        related_fetcher=related_fetcher,
        status_fetcher=status_fetcher,
        max_bytes=max_bytes,
        max_depth=max_depth,
        require_open_badge=require_open_badge,
        ledger=ledger,
        verified_lists=verified_lists,
    )
    if not report.valid:
        raise VerificationFailed(report)
    return report


def _check_input(input_: str | bytes | Mapping[str, Any], policy: Policy) -> VerificationReport:
    if isinstance(input_, Mapping):
        # Copied once into plain dicts and lists: the checks below read it as it is.
        try:
            document: Any = plain_json(input_, max_depth=policy.max_depth)
        except MalformedCredential as exc:
            report = VerificationReport(format="json")
            report.add("parse", "failed", exc.code, exc.message)
            return report
    else:
        text = input_.decode("utf-8", "replace") if isinstance(input_, bytes) else input_
        token = text.strip()
        if len(token) <= policy.max_bytes and _JWT.match(token):
            return _check_jwt(token, policy)
        report = VerificationReport(format="json")
        try:
            document = parse_json(input_, max_bytes=policy.max_bytes, max_depth=policy.max_depth)
        except MalformedCredential as exc:
            report.add("parse", "failed", exc.code, exc.message)
            return report
    if not isinstance(document, Mapping):
        report = VerificationReport(format="json")
        report.add(
            "parse",
            "failed",
            "not_a_credential",
            "The input is JSON but not an object; a credential is a JSON object.",
        )
        return report
    if "VerifiablePresentation" in types_of(document):
        return _check_presentation(document, policy)
    return _check_data_integrity(document, policy)


def _new_report(document: Mapping[str, Any], fmt: str) -> VerificationReport:
    doc_id = document.get("id")
    return VerificationReport(
        format=fmt,
        credential_id=doc_id if isinstance(doc_id, str) else None,
        issuer_id=issuer_id(document),
        types=types_of(document),
        document=dict(document),
    )


def _check_data_integrity(document: Mapping[str, Any], policy: Policy) -> VerificationReport:
    report = _new_report(document, "data_integrity")
    report.add("parse", "passed", "ok", "The input is a JSON credential.")
    _check_data(document, report, policy)
    signers, from_fragment = _check_proofs(document, report, policy)
    check_validity(document, report, policy.now)
    if any(c.outcome == "failed" for c in report.check("proof")):
        # A forged credential must not make the verifier fetch the URLs it names.
        report.add(
            "status",
            "skipped",
            "status_not_checked",
            "The status was not checked because the credential's proof did not verify.",
        )
    else:
        check_status(document, report, policy.status_lists, signers=signers)
    check_issuer(document, report, signers=signers, from_fragment=from_fragment)
    check_ledger(document, report.credential_id, report, policy.ledger)
    _check_nested(document, report, policy)
    return report


def _check_data(document: Mapping[str, Any], report: VerificationReport, policy: Policy) -> None:
    check_context(document, report)
    check_structure(document, report, require_open_badge=policy.require_open_badge)
    check_related_resources(document, report, policy.related_fetcher)
    _check_schema(document, report)


def _check_schema(document: Mapping[str, Any], report: VerificationReport) -> None:
    """The official OB 3.0 JSON Schemas; single values where arrays are wanted only warn."""
    spec = "https://www.imsglobal.org/spec/ob/v3p0/#json-schema"
    if set(types_of(document)) & CLR_TYPES:
        _check_clr_model(document, report)
        return
    if not set(types_of(document)) & OB_TYPES:
        report.add("schema", "skipped", "not_applicable", "No JSON Schema applies to this type.")
        return
    issues = validate_schema(document, copy=False)
    errors = [i for i in issues if not i.strict_only]
    if errors and is_vc1(document):
        report.add(
            "schema",
            "warning",
            "outdated_schema",
            "The credential has the VC 1.1 shape, which the Open Badges 3.0 schema does not "
            f"describe (first difference at {errors[0].path or '/'}: {errors[0].message}).",
            spec,
        )
    elif errors:
        more = f" ({len(errors) - 1} more)" if len(errors) > 1 else ""
        report.add(
            "schema",
            "failed",
            "schema_invalid",
            f"The credential does not match the Open Badges 3.0 schema at "
            f"{errors[0].path or '/'}: {errors[0].message}{more}.",
            spec,
        )
    elif issues:
        report.add(
            "schema",
            "warning",
            "schema_single_values",
            f"The credential uses single values where the schema lists arrays "
            f"(at {issues[0].path}); JSON-LD allows this and it verifies.",
            spec,
        )
    else:
        report.add("schema", "passed", "ok", "The credential matches the Open Badges 3.0 schema.")


def _check_clr_model(document: Mapping[str, Any], report: VerificationReport) -> None:
    """CLR 2.0: its schema is not bundled, so the data model's required properties instead."""
    problems = clr_problems(document)
    if problems and is_vc1(document):
        report.add(
            "schema",
            "warning",
            "outdated_schema",
            "The record has the VC 1.1 shape, which CLR 2.0 does not describe "
            f"(first difference: {problems[0]})",
            CLR_SPEC,
        )
    elif problems:
        more = f" ({len(problems) - 1} more)" if len(problems) > 1 else ""
        report.add(
            "schema",
            "failed",
            "clr_invalid",
            f"The record does not follow the CLR 2.0 data model: {problems[0]}{more}",
            CLR_SPEC,
        )
    else:
        report.add(
            "schema",
            "passed",
            "ok",
            "The record has every property the CLR 2.0 data model requires.",
            CLR_SPEC,
        )


def _check_proofs(
    document: Mapping[str, Any], report: VerificationReport, policy: Policy
) -> tuple[list[str], bool]:
    if not document.get("proof"):
        report.add(
            "proof",
            "failed",
            "no_proof",
            "The credential carries no proof, so nothing shows who issued it or that it is "
            "unchanged.",
            DI_SPEC,
        )
        return [], False
    signers: list[str] = []
    from_fragment = False
    for result in verify_proofs(document, policy.resolver):
        label = f"Proof {result.index + 1} ({result.cryptosuite or result.type})"
        if not result.verified:
            report.add("proof", "failed", result.code, f"{label}: {result.message}", DI_SPEC)
            continue
        signers.append(result.verification_method)
        from_fragment = from_fragment or result.from_fragment
        if result.obsolete:
            report.add(
                "proof",
                "warning",
                "obsolete_cryptosuite",
                f"{label} verified, but it uses a legacy suite; current issuers use "
                "eddsa-rdfc-2022.",
                DI_SPEC,
            )
        else:
            report.add("proof", "passed", "ok", f"{label} verified.", DI_SPEC)
    return signers, from_fragment


def _check_jwt(token: str, policy: Policy) -> VerificationReport:
    report = VerificationReport(format="jwt")
    spec = "https://www.w3.org/TR/vc-jose-cose/"
    try:
        result = verify_jwt(token, policy.resolver, now=policy.now)
    except Error as exc:
        report.add("parse", "passed", "ok", "The input is a compact JWT.")
        report.add("proof", "failed", exc.code, exc.message, spec)
        return report
    document = result.credential
    report = _new_report(document, "jwt")
    report.add("parse", "passed", "ok", "The input is a compact JWT (VC-JOSE).")
    _check_data(document, report, policy)
    report.add("proof", "passed", "ok", f"The JWT signature ({result.header['alg']}) verified.")
    check_validity(document, report, policy.now)
    method = result.verification_method
    check_status(document, report, policy.status_lists, signers=[method.id])
    check_issuer(document, report, signers=[method.id], from_fragment=method.from_fragment)
    check_ledger(token, report.credential_id, report, policy.ledger)
    _check_nested(document, report, policy)
    return report


def _check_presentation(document: Mapping[str, Any], policy: Policy) -> VerificationReport:
    report = _new_report(document, "presentation")
    report.add("parse", "passed", "ok", "The input is a verifiable presentation.")
    check_context(document, report)
    if document.get("proof"):
        for result in verify_proofs(document, policy.resolver, expected_purpose="authentication"):
            if result.verified:
                report.add("proof", "passed", "ok", "The presentation's proof verified.", DI_SPEC)
            else:
                report.add("proof", "failed", result.code, result.message, DI_SPEC)
    else:
        report.add(
            "proof",
            "skipped",
            "unsigned_presentation",
            "The presentation itself is not signed; each credential in it is checked alone.",
        )
    credentials = as_list(document.get("verifiableCredential"))
    if not credentials:
        report.add("structure", "failed", "empty_presentation", "The presentation holds nothing.")
    for item in credentials:
        report.children.append(_check_embedded(item, policy))
    return report


def _check_embedded(item: Any, policy: Policy) -> VerificationReport:
    """A credential inside a presentation or CLR: an object, a JWT, or an enveloped JWT."""
    if isinstance(item, str):
        return _check_input(item, policy)
    if isinstance(item, Mapping):
        envelope = item.get("id")
        enveloped = "EnvelopedVerifiableCredential" in types_of(item)
        if enveloped and isinstance(envelope, str) and envelope.startswith(_ENVELOPED_JWT):
            return _check_jwt(unquote(envelope[len(_ENVELOPED_JWT) :]), policy)
        return _check_input(item, policy)
    report = VerificationReport()
    report.add("parse", "failed", "not_a_credential", "An embedded credential is not an object.")
    return report


def _check_nested(document: Mapping[str, Any], report: VerificationReport, policy: Policy) -> None:
    """CLR 2.0: the credentials a ClrCredential carries are verified one by one."""
    if not set(types_of(document)) & CLR_TYPES:
        return
    for subject in as_list(document.get("credentialSubject")):
        if isinstance(subject, Mapping):
            for item in as_list(subject.get("verifiableCredential")):
                report.children.append(_check_embedded(item, policy))
