"""Integrity of related resources (VC Data Model 2.0 section 5.3).

A ``relatedResource`` entry pins a resource (often a context) by ``digestSRI`` or
``digestMultibase``. Bundled contexts are hashed from the bundled bytes; other resources through
an optional fetcher port, and without one they are reported as not checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any, Protocol

from credstack.errors import Error
from credstack.jsonld.loader import bundled_urls, context_bytes
from credstack.proofs.multibase import decode_multibase
from credstack.verify.report import VerificationReport

SPEC = "https://www.w3.org/TR/vc-data-model-2.0/#integrity-of-related-resources"

_SRI_ALGORITHMS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
# Multihash codes (https://github.com/multiformats/multicodec): code -> (hashlib name, length).
_MULTIHASH = {
    0x12: ("sha256", 32),
    0x20: ("sha384", 48),
    0x13: ("sha512", 64),
    0x16: ("sha3_256", 32),
}


class ResourceFetcher(Protocol):
    """Fetches the bytes of a related resource; raises ``credstack.errors.Error`` on failure."""

    def fetch_bytes(self, url: str) -> bytes: ...


def _sri_matches(sri: str, data: bytes) -> bool:
    algorithm, _, encoded = sri.partition("-")
    name = _SRI_ALGORITHMS.get(algorithm.lower())
    if name is None:
        raise ValueError(f"unsupported digestSRI algorithm {algorithm!r}")
    expected = base64.b64decode(encoded, validate=True)
    return hashlib.new(name, data).digest() == expected


def _multibase_matches(value: str, data: bytes) -> bool:
    multihash = decode_multibase(value)
    if len(multihash) < 2 or multihash[0] not in _MULTIHASH:
        raise ValueError("unsupported multihash in digestMultibase")
    name, length = _MULTIHASH[multihash[0]]
    if multihash[1] != length or len(multihash) != 2 + length:
        raise ValueError("digestMultibase has a wrong digest length")
    return hashlib.new(name, data).digest() == multihash[2:]


def check_related_resources(
    document: Mapping[str, Any],
    report: VerificationReport,
    fetcher: ResourceFetcher | None,
) -> None:
    entries = document.get("relatedResource")
    if entries is None:
        return
    entries = entries if isinstance(entries, list) else [entries]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        rid = entry.get("id") if isinstance(entry, Mapping) else None
        if not isinstance(rid, str):
            report.add(
                "structure",
                "failed",
                "invalid_related_resource",
                f"relatedResource entry {index} has no id.",
                SPEC,
            )
            continue
        if rid in seen:
            report.add(
                "structure",
                "failed",
                "duplicate_related_resource",
                f"relatedResource lists {rid} more than once; each resource may appear once.",
                SPEC,
            )
            continue
        seen.add(rid)
        _check_digest(rid, entry, report, fetcher)


def _check_digest(
    rid: str,
    entry: Mapping[str, Any],
    report: VerificationReport,
    fetcher: ResourceFetcher | None,
) -> None:
    sri, multibase = entry.get("digestSRI"), entry.get("digestMultibase")
    if sri is None and multibase is None:
        report.add(
            "structure",
            "failed",
            "invalid_related_resource",
            f"relatedResource {rid} has neither digestSRI nor digestMultibase.",
            SPEC,
        )
        return
    try:
        if rid in bundled_urls():
            data = context_bytes(rid)
        elif fetcher is not None:
            data = fetcher.fetch_bytes(rid)
        else:
            report.add(
                "structure",
                "warning",
                "related_resource_unchecked",
                f"The digest of {rid} was not checked: fetching related resources is off.",
                SPEC,
            )
            return
    except Error as exc:
        report.add(
            "structure",
            "failed",
            "related_resource_unavailable",
            f"The related resource {rid} could not be read: {exc.message}",
            SPEC,
        )
        return
    digests = [(v, f) for v, f in ((sri, _sri_matches), (multibase, _multibase_matches)) if v]
    try:
        if not all(isinstance(value, str) for value, _ in digests):
            raise ValueError("a digest must be a string")
        matches = all(match(str(value), data) for value, match in digests)
    except (ValueError, binascii.Error, Error) as exc:
        report.add(
            "structure",
            "failed",
            "invalid_related_resource",
            f"The digest given for {rid} cannot be read: {exc}.",
            SPEC,
        )
        return
    if not matches:
        report.add(
            "structure",
            "failed",
            "related_resource_digest_mismatch",
            f"The digest given for {rid} does not match the resource: it has changed since "
            "the credential was issued.",
            SPEC,
        )
