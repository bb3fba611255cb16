"""The documents an issuer publishes and embeds: the status list credential and its entries.

Bitstring Status List v1.0, section 2.2 (``BitstringStatusListCredential``) and section 2.1
(``BitstringStatusListEntry``). Both are returned unsigned: sign the list credential with
``credstack.proofs.data_integrity.add_proof`` (section 3.1, Generate Algorithm, step 5) and put
the entry in a credential's ``credentialStatus`` before signing that credential. Every term is
defined by the VC 2.0 context alone, so both canonicalize without undefined terms.

>>> from datetime import UTC, datetime
>>> from credstack.status.bitstring import Bitstring
>>> url = "https://example.edu/status/1"
>>> listed = status_list_credential(
...     url, issuer="did:example:issuer", purpose="revocation", bitstring=Bitstring(),
...     valid_from=datetime(2026, 1, 1, tzinfo=UTC))
>>> listed["credentialSubject"]["type"]
'BitstringStatusList'
>>> status_list_entry(url, 94567)["statusListIndex"]
'94567'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from credstack.errors import InvalidInput
from credstack.status.bitstring import MAX_STATUS_SIZE, MIN_LENGTH, Bitstring

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
LIST_TYPE: Final = "BitstringStatusList"
ENTRY_TYPE: Final = "BitstringStatusListEntry"
# The purposes Credstack writes. A "message" list needs statusSize and statusMessages on the
# list's subject (section 2.2), terms that the VC 2.0 context does not define, so they would go
# unsigned; "refresh" needs a refresh service, which Credstack does not run.
PURPOSES: Final = ("revocation", "suspension")

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s#]+$")


def _timestamp(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC to the second, as VC 2.0 section 4.9 writes it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("Times must carry a time zone.", code="naive_datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_url(list_url: str) -> None:
    if not isinstance(list_url, str) or not _URL.match(list_url):
        raise InvalidInput(
            f"The status list URL {list_url!r} must be an absolute URL without a fragment "
            "(for example https://issuer.example/status/1); entries add #index to it.",
            code="invalid_status_list_url",
        )


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"The status purpose {purpose!r} is not one Credstack publishes; use "
            f"{' or '.join(PURPOSES)}.",
            code="unsupported_status_purpose",
        )


def status_list_credential(
    list_url: str,
    *,
    issuer: str | Mapping[str, Any],
    purpose: str | Sequence[str],
    bitstring: Bitstring,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` published at ``list_url``.

    ``purpose`` may list several purposes for one bit string (section 2.2). ``ttl`` is the time
    to live in milliseconds; it does not replace the validity period. A ``Mapping`` issuer may
    use only VC 2.0 terms (``id``, ``name``, ``description``).
    """
    _check_url(list_url)
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes:
        raise InvalidInput("A status list needs a status purpose.", code="missing_status_purpose")
    for each in purposes:
        _check_purpose(each)
    if len(set(purposes)) != len(purposes):
        raise InvalidInput(
            f"The status purposes {purposes} repeat a purpose.", code="duplicate_status_purpose"
        )
    if len(bitstring) < MIN_LENGTH:
        raise InvalidInput(
            f"A published status list needs at least {MIN_LENGTH} bits (section 2.2); this "
            f"one has {len(bitstring)}.",
            code="status_list_too_short",
        )
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": _timestamp(valid_from),
    }
    if valid_until is not None:
        if valid_until <= valid_from:
            raise InvalidInput(
                f"validUntil ({_timestamp(valid_until)}) must be after validFrom "
                f"({_timestamp(valid_from)}).",
                code="invalid_validity_window",
            )
        credential["validUntil"] = _timestamp(valid_until)
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
        "encodedList": bitstring.encode(),
    }
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0:
            raise InvalidInput(
                f"ttl is a positive number of milliseconds; {ttl!r} is not.", code="invalid_ttl"
            )
        subject["ttl"] = ttl
    credential["credentialSubject"] = subject
    return credential


def status_list_entry(
    list_url: str,
    index: int,
    *,
    purpose: str = "revocation",
    status_size: int = 1,
    status_messages: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The ``credentialStatus`` entry for entry ``index`` of the list at ``list_url``.

    With ``status_size`` above 1, ``status_messages`` must name every value: message ``i`` is
    written as ``{"status": hex(i), "message": ...}`` (section 2.1, statusMessage). Choose
    ``index`` with ``credstack.status.allocation.allocate``.
    """
    _check_url(list_url)
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidInput(
            f"A status list index is a whole number from 0; {index!r} is not.",
            code="status_index_out_of_range",
        )
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        status_size = 0
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise InvalidInput(
            f"statusSize is a number of bits from 1 to {MAX_STATUS_SIZE}.",
            code="invalid_status_size",
        )
    entry: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        # Section 2.1: "an arbitrary size integer ... expressed as a string in base 10".
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if status_size > 1:
        entry["statusSize"] = status_size
    if status_messages is not None or status_size > 1:
        messages = list(status_messages or ())
        if len(messages) != 1 << status_size or not all(isinstance(m, str) for m in messages):
            raise InvalidInput(
                f"A {status_size}-bit status needs {1 << status_size} status messages, one "
                f"per value (section 2.1); {len(messages)} were given.",
                code="invalid_status_messages",
            )
        entry["statusMessage"] = [
            {"status": hex(value), "message": text} for value, text in enumerate(messages)
        ]
    return entry
