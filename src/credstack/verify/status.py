"""The status check: is the credential revoked or suspended?

Each ``credentialStatus`` entry gets one ``status`` entry in the report:

- ``BitstringStatusListEntry`` (Bitstring Status List v1.0, section 3.2, Validate Algorithm):
  the list credential is fetched through the ``DocumentFetcher`` port (once per URL for one
  verification), must be a ``BitstringStatusListCredential`` within its validity period whose
  every proof verifies with the verifier's key resolver, signed by a key its issuer controls;
  then the entry's bits are read (``credstack.status.check``).
- ``1EdTechRevocationList`` (the 1EdTech validator's legacy method): the unsigned list at the
  entry's ``id`` must not name the credential.
- Any other type is a warning, ``unsupported_status_type``: the issuer offers a way to revoke
  that Credstack cannot read, so the status is unknown, but rejecting every credential that
  uses an older mechanism (StatusList2021, RevocationList2020) would be wrong too.

Failures fail closed: a list that cannot be fetched, verified or read fails the check with its
own code, as section 3.2 raises STATUS_RETRIEVAL_ERROR and STATUS_VERIFICATION_ERROR. Without a
fetcher (offline), entries are ``skipped`` with ``status_not_checked``.

Issuers (section 2.2 and the note in section 3.2): the list's issuer MAY differ from the
credential's. A list signed by another party than the credential's issuer (or the keys that
signed the credential) is read, with a warning (``status_issuer_differs``) that says whom the
verifier must then trust. The list itself must be signed by a key its own issuer controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credstack.errors import InvalidInput, ResolutionError
from credstack.proofs.data_integrity import verify_proofs
from credstack.proofs.resolver import DocumentFetcher, KeyResolver
from credstack.status.check import StatusEntry, StatusResult, read_status
from credstack.status.credential import ENTRY_TYPE, LIST_CREDENTIAL_TYPE
from credstack.status.revocation_list import STATUS_TYPE as REVOCATION_LIST_TYPE
from credstack.status.revocation_list import revocation_listed
from credstack.verify.checks import (
    as_list,
    controller_of,
    is_vc1,
    issuer_id,
    parse_datetime,
    types_of,
)
from credstack.verify.list_cache import VerifiedLists
from credstack.verify.report import VerificationReport

SPEC = "https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm"
VCRL_SPEC = "https://www.imsglobal.org/spec/vcrl/v1p0/"


@dataclass(frozen=True)
class CheckedList:
    """A fetched status list credential and what checking it found.

    ``code`` is ``ok`` when ``document`` may be read; otherwise ``document`` is None and
    ``message`` says why. ``signers`` are the controllers of the keys that signed it.
    """

    url: str
    code: str
    message: str
    document: Mapping[str, Any] | None = None
    issuer: str | None = None
    signers: tuple[str, ...] = ()


class StatusLists:
    """The status lists of one verification: each fetched and checked once, then reused.

    Keyed by kind and URL, so that an unsigned 1EdTech list is never taken for a verified
    Bitstring Status List at the same URL.
    """

    def __init__(
        self,
        fetcher: DocumentFetcher,
        resolver: KeyResolver,
        now: datetime,
        verified: VerifiedLists[CheckedList] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._resolver = resolver
        self._now = now
        self._lists: dict[tuple[str, str], CheckedList] = {}
        # Lists checked by earlier verifications (``VerifiedLists``), when the caller keeps one.
        self._verified = verified

    def bitstring_list(self, url: str) -> CheckedList:
        """The ``BitstringStatusListCredential`` at ``url``, verified (section 3.2 step 4)."""
        key = (ENTRY_TYPE, url)
        if key not in self._lists:
            try:
                document = self._fetcher.fetch_json(url)
            except ResolutionError as exc:
                self._lists[key] = _unreachable(url, exc)
            else:
                self._lists[key] = self._checked(url, document)
        return self._lists[key]

    def _checked(self, url: str, document: Mapping[str, Any]) -> CheckedList:
        cache_key = self._verified.key(url, document) if self._verified is not None else None
        earlier = self._verified.get(cache_key) if self._verified and cache_key else None
        if earlier is not None:
            # The same list verified before (only lists that verified are kept); only its
            # validity window is read again.
            problem = _window_problem(earlier.document or {}, self._now)
            if problem is None:
                return earlier
            return CheckedList(url, problem[0], f"The status list at {url} {problem[1]}")
        checked = _check_list(url, document, self._resolver, self._now)
        if self._verified is not None and cache_key is not None and checked.code == "ok":
            self._verified.put(cache_key, checked)
        return checked

    def revocation_list(self, url: str) -> CheckedList:
        """The unsigned 1EdTech revocation list at ``url``, as fetched."""
        key = (REVOCATION_LIST_TYPE, url)
        if key not in self._lists:
            try:
                document = self._fetcher.fetch_json(url)
            except ResolutionError as exc:
                self._lists[key] = _unreachable(url, exc)
            else:
                self._lists[key] = CheckedList(url, "ok", "", document)
        return self._lists[key]


def _unreachable(url: str, exc: ResolutionError) -> CheckedList:
    return CheckedList(
        url,
        "status_list_unreachable",
        f"The status list at {url} could not be fetched ({exc.code}: {exc.message}), so the "
        "credential's status is unknown.",
    )


def _check_list(
    url: str, document: Mapping[str, Any], resolver: KeyResolver, now: datetime
) -> CheckedList:
    """Section 3.2 step 4 and section 2.2: the type, every proof, the issuer, the window."""
    if LIST_CREDENTIAL_TYPE not in types_of(document):
        return CheckedList(
            url,
            "status_list_invalid",
            f"The document at {url} is not a {LIST_CREDENTIAL_TYPE} (section 2.1).",
        )
    results = verify_proofs(document, resolver, now=now)
    failed = [r for r in results if not r.verified]
    if failed:
        return CheckedList(
            url,
            "status_list_unverified",
            f"The status list at {url} does not verify ({failed[0].code}: "
            f"{failed[0].message}), so it cannot be trusted to say whether the credential "
            "is revoked.",
        )
    issuer = issuer_id(document)
    signers = tuple(r.controller or controller_of(r.verification_method) for r in results)
    if issuer is None:
        return CheckedList(url, "status_list_invalid", f"The status list at {url} names no issuer.")
    strangers = [s for s in signers if s != issuer]
    # As for credentials (verify.checks.check_issuer): a key must belong to the issuer the
    # document names, unless that issuer is a URN, which can hold no key.
    if strangers and not issuer.startswith("urn:"):
        return CheckedList(
            url,
            "status_list_issuer_mismatch",
            f"The status list at {url} names the issuer {issuer} but was signed by a key of "
            f"{strangers[0]}, so {issuer} has not vouched for it.",
        )
    problem = _window_problem(document, now)
    if problem is not None:
        return CheckedList(url, problem[0], f"The status list at {url} {problem[1]}")
    return CheckedList(url, "ok", "", document, issuer, signers)


def _window_problem(document: Mapping[str, Any], now: datetime) -> tuple[str, str] | None:
    """Section 2.2, validFrom and validUntil (VC 2.0 section 4.9): the list's own window."""
    start_key, end_key = (
        ("issuanceDate", "expirationDate") if is_vc1(document) else ("validFrom", "validUntil")
    )
    bounds: dict[str, datetime | None] = {}
    for key in (start_key, end_key):
        bounds[key] = parse_datetime(document.get(key))
        if document.get(key) is not None and bounds[key] is None:
            return "status_list_invalid", f"has a {key} that is not a date-time with a time zone."
    start, end = bounds[start_key], bounds[end_key]
    if end is not None and end <= now:
        return "status_list_expired", (
            f"expired at {document[end_key]}; an expired list may hide a later revocation."
        )
    if start is not None and start > now:
        return "status_list_not_yet_valid", f"is valid only from {document[start_key]}."
    return None


def check_status(
    document: Mapping[str, Any],
    report: VerificationReport,
    lists: StatusLists | None = None,
    *,
    signers: Sequence[str] = (),
) -> None:
    """Add a ``status`` entry to ``report`` for each ``credentialStatus`` entry of ``document``.

    ``lists`` fetches the status lists; without it (offline) they are not checked. ``signers``
    are the verification methods whose proofs of ``document`` verified.
    """
    entries = as_list(document.get("credentialStatus"))
    if not entries:
        report.add(
            "status",
            "skipped",
            "no_status",
            "The credential declares no credentialStatus, so it cannot be revoked.",
        )
        return
    for entry in entries:
        kinds = types_of(entry) if isinstance(entry, Mapping) else []
        if ENTRY_TYPE in kinds:
            _check_bitstring_entry(document, entry, report, lists, signers)
        elif REVOCATION_LIST_TYPE in kinds:
            _check_revocation_list(document, entry, report, lists)
        elif kinds:
            report.add(
                "status",
                "warning",
                "unsupported_status_type",
                f"The credential declares a {kinds[0]} status, which Credstack does not read, "
                "so whether it was revoked is unknown.",
                SPEC,
            )
        else:
            report.add(
                "status",
                "failed",
                "status_entry_invalid",
                "A credentialStatus entry is not an object with a type, so its status cannot "
                "be checked.",
                SPEC,
            )


def _not_checked(report: VerificationReport, url: object) -> None:
    report.add(
        "status",
        "skipped",
        "status_not_checked",
        f"The credential's status is published at {url}, but it was not checked: fetching "
        "status lists is off (offline verification).",
        SPEC,
    )


def _check_bitstring_entry(
    document: Mapping[str, Any],
    entry: Mapping[str, Any],
    report: VerificationReport,
    lists: StatusLists | None,
    signers: Sequence[str],
) -> None:
    try:
        parsed = StatusEntry.from_json(entry)
    except InvalidInput as exc:
        report.add("status", "failed", exc.code, exc.message, SPEC)
        return
    if lists is None:
        _not_checked(report, parsed.list_url)
        return
    listed = lists.bitstring_list(parsed.list_url)
    if listed.document is None:
        report.add("status", "failed", listed.code, listed.message, SPEC)
        return
    try:
        result = read_status(parsed, listed.document)
    except InvalidInput as exc:
        report.add("status", "failed", exc.code, exc.message, SPEC)
        return
    _report_result(result, report)
    if parsed.index_is_number:
        report.add(
            "status",
            "warning",
            "status_index_not_string",
            f"statusListIndex is the number {parsed.index}; section 2.1 requires a string "
            f'("{parsed.index}"). It was read anyway.',
            SPEC,
        )
    issuer = issuer_id(document)
    authorities = {issuer, *(controller_of(method) for method in signers)}
    if not set(listed.signers) <= authorities:
        report.add(
            "status",
            "warning",
            "status_issuer_differs",
            f"The status list at {parsed.list_url} is issued by {listed.issuer}, not by the "
            f"credential's issuer {issuer}. The specification allows another party to manage "
            f"status; rely on the result only if you trust {listed.issuer}.",
            "https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential",
        )


def _report_result(result: StatusResult, report: VerificationReport) -> None:
    where = f"entry {result.entry.index} of the status list {result.entry.list_url}"
    if result.revoked:
        report.add(
            "status", "failed", "revoked", f"The issuer revoked this credential ({where}).", SPEC
        )
    elif result.suspended:
        report.add(
            "status",
            "failed",
            "suspended",
            f"The issuer suspended this credential ({where}); a suspension can be lifted.",
            SPEC,
        )
    elif result.valid:
        report.add(
            "status",
            "passed",
            "ok",
            f"The credential's {result.purpose} status is not set ({where}).",
            SPEC,
        )
    elif result.purpose == "refresh":
        report.add(
            "status",
            "warning",
            "refresh_available",
            f"The issuer has an updated version of this credential ({where}); its refresh "
            "service can provide it.",
            SPEC,
        )
    elif result.purpose == "message":
        report.add(
            "status",
            "warning",
            "status_message",
            f"The issuer set the status {hex(result.status)} ({result.message!r}) for this "
            f"credential ({where}).",
            SPEC,
        )
    else:
        report.add(
            "status",
            "warning",
            "unknown_status_purpose",
            f"The credential's status for the purpose {result.purpose!r} is set ({where}); "
            "Credstack does not know what that purpose means.",
            SPEC,
        )


def _check_revocation_list(
    document: Mapping[str, Any],
    entry: Mapping[str, Any],
    report: VerificationReport,
    lists: StatusLists | None,
) -> None:
    url = entry.get("id")
    credential_id = document.get("id")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        report.add(
            "status",
            "failed",
            "status_entry_invalid",
            "The 1EdTechRevocationList entry's id must be the URL of the revocation list.",
            VCRL_SPEC,
        )
        return
    if lists is None:
        _not_checked(report, url)
        return
    if not isinstance(credential_id, str):
        report.add(
            "status",
            "failed",
            "status_entry_invalid",
            "The credential has no id, so the 1EdTech revocation list cannot be searched.",
            VCRL_SPEC,
        )
        return
    listed = lists.revocation_list(url)
    if listed.document is None:
        report.add("status", "failed", listed.code, listed.message, VCRL_SPEC)
        return
    try:
        revoked = revocation_listed(listed.document, credential_id)
    except InvalidInput as exc:
        report.add("status", "failed", exc.code, f"{exc.message} ({url})", VCRL_SPEC)
        return
    if revoked:
        report.add(
            "status",
            "failed",
            "revoked",
            f"The issuer revoked this credential (it is listed in the revocation list {url}).",
            VCRL_SPEC,
        )
    else:
        report.add(
            "status",
            "passed",
            "ok",
            f"The issuer's 1EdTech revocation list {url} does not list this credential. That "
            "list is not signed: it is as trustworthy as the connection that fetched it.",
            VCRL_SPEC,
        )
