"""Reading a credential's status from a status list credential: the Validate Algorithm.

Bitstring Status List v1.0, section 3.2. The caller dereferences ``statusListCredential`` and
verifies its proofs and validity period (steps 4 and the note on issuer trust); this module
does the rest, without I/O: the entry's shape (section 2.1), the purpose match (step 5), the
expansion (step 8), the minimum length (step 9), the range (step 10) and the result (steps
11 to 15). Every refusal is an ``InvalidInput`` whose ``code`` says which rule failed:

- ``status_entry_invalid``: the ``credentialStatus`` entry breaks section 2.1
  (MALFORMED_VALUE_ERROR);
- ``status_list_invalid``: the list credential or its ``encodedList`` is malformed;
- ``status_list_too_large``: the list expands beyond the cap (a decompression bomb?);
- ``status_purpose_mismatch``: the list does not carry the entry's purpose
  (STATUS_VERIFICATION_ERROR);
- ``status_list_too_short``: fewer entries than the minimum (STATUS_LIST_LENGTH_ERROR);
- ``status_index_out_of_range``: the index is past the end of the list (RANGE_ERROR).

>>> from credstack.status.bitstring import Bitstring
>>> bits = Bitstring()
>>> bits.set(94567)
>>> listed = {"type": ["VerifiableCredential", "BitstringStatusListCredential"],
...           "credentialSubject": {"type": "BitstringStatusList", "statusPurpose": "revocation",
...                                 "encodedList": bits.encode()}}
>>> entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
...          "statusListIndex": "94567", "statusListCredential": "https://example.com/status/3"}
>>> read_status(entry, listed).revoked
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credstack.errors import InvalidInput
from credstack.status.bitstring import DEFAULT_MAX_BYTES, MAX_STATUS_SIZE, MIN_LENGTH, Bitstring
from credstack.status.credential import ENTRY_TYPE, LIST_CREDENTIAL_TYPE, LIST_TYPE

SPEC = "https://www.w3.org/TR/vc-bitstring-status-list/"
# Section 2.1 says "arbitrary size", but no list can hold an index of more digits than this.
_INDEX = re.compile(r"^[0-9]{1,30}$")
_STATUS_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
# Section 2.1: without statusMessage, a 1-bit status means "unset" (0) or "set" (1).
_DEFAULT_MESSAGES = {0: "unset", 1: "set"}


def _entry_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="status_entry_invalid")


def _list_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="status_list_invalid")


def _types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("type")
    values = value if isinstance(value, list) else [value]
    return [t for t in values if isinstance(t, str)]


@dataclass(frozen=True)
class StatusEntry:
    """A checked ``BitstringStatusListEntry`` (section 2.1).

    ``index_is_number`` is True when ``statusListIndex`` was a JSON number, not the string
    section 2.1 requires; it is read anyway, as the 1EdTech validator reads it, and a verifier
    should say so.
    """

    list_url: str
    index: int
    purpose: str
    size: int = 1
    messages: Mapping[int, str] | None = None
    index_is_number: bool = False

    @classmethod
    def from_json(cls, entry: object) -> StatusEntry:
        """Check an entry of ``credentialStatus``; ``status_entry_invalid`` if it is malformed."""
        if not isinstance(entry, Mapping):
            raise _entry_error("The credentialStatus entry is not a JSON object.")
        if ENTRY_TYPE not in _types(entry):
            raise _entry_error(f"The credentialStatus entry's type is not {ENTRY_TYPE}.")
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str) or not purpose:
            raise _entry_error("The entry's statusPurpose must be a non-empty string.")
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", url):
            raise _entry_error("The entry's statusListCredential must be the URL of the list.")
        index, is_number = _index_of(entry.get("statusListIndex"))
        size = _size_of(entry.get("statusSize", 1))
        messages = _messages_of(entry.get("statusMessage"), size)
        return cls(url, index, purpose, size, messages, is_number)


def _index_of(raw: object) -> tuple[int, bool]:
    if isinstance(raw, str) and _INDEX.match(raw):
        return int(raw), False
    # The 1EdTech validator's fixtures write the index as a number.
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw, True
    raise _entry_error(
        f"The entry's statusListIndex is {raw!r}; it must be a whole number from 0 written as "
        'a base 10 string (for example "94567").'
    )


def _size_of(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise _entry_error(f"The entry's statusSize is {raw!r}; it must be a whole number from 1.")
    if raw > MAX_STATUS_SIZE:
        raise _entry_error(
            f"The entry's statusSize is {raw} bits; Credstack reads statuses of up to "
            f"{MAX_STATUS_SIZE} bits."
        )
    return raw


def _messages_of(raw: object, size: int) -> dict[int, str] | None:
    """Section 2.1, statusMessage: one message per possible value, each with its hex status."""
    if raw is None:
        if size > 1:
            raise _entry_error(
                f"A {size}-bit status must list its statusMessage values (section 2.1)."
            )
        return None
    count = 1 << size
    if not isinstance(raw, list) or len(raw) != count:
        raise _entry_error(
            f"The entry's statusMessage must be a list of {count} messages, one for each value "
            f"of a {size}-bit status."
        )
    messages: dict[int, str] = {}
    for item in raw:
        status = item.get("status") if isinstance(item, Mapping) else None
        message = item.get("message") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or not _STATUS_HEX.match(status):
            raise _entry_error(
                f"A statusMessage item has status {status!r}; it must be hexadecimal with 0x."
            )
        value = int(status, 16)
        if not isinstance(message, str) or value >= count or value in messages:
            raise _entry_error(
                f"The statusMessage item for {status} must be unique, below {hex(count)}, "
                "and carry a message string."
            )
        messages[value] = message
    return messages


@dataclass(frozen=True)
class StatusResult:
    """Section 3.2 steps 11 to 15: the status of one entry, and what it means."""

    entry: StatusEntry
    status: int
    message: str

    @property
    def purpose(self) -> str:
        return self.entry.purpose

    @property
    def valid(self) -> bool:
        """Step 13: ``valid`` is true when the status is 0."""
        return self.status == 0

    @property
    def revoked(self) -> bool:
        return self.purpose == "revocation" and self.status != 0

    @property
    def suspended(self) -> bool:
        return self.purpose == "suspension" and self.status != 0


def _subject_of(list_credential: Mapping[str, Any]) -> Mapping[str, Any]:
    if LIST_CREDENTIAL_TYPE not in _types(list_credential):
        raise _list_error(
            f"The document at statusListCredential is not a {LIST_CREDENTIAL_TYPE} "
            "(section 2.1: its type must include that value)."
        )
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or LIST_TYPE not in _types(subject):
        raise _list_error(
            f"The status list credential's credentialSubject must be one {LIST_TYPE} object "
            "(section 2.2)."
        )
    return subject


def purposes_of(list_credential: Mapping[str, Any]) -> list[str]:
    """The ``statusPurpose`` values of a status list credential (one or more strings)."""
    raw = _subject_of(list_credential).get("statusPurpose")
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise _list_error("The status list's statusPurpose must be one or more strings.")
    return list(values)


# A verifier reads the same few lists for every credential: each decoded once (GZIP and
# base64url cost more than the rest of the status check), read here and never changed.
_DECODED: dict[tuple[str, int], Bitstring] = {}
_DECODED_LISTS = 64
_DECODED_BYTES = 1 << 20  # larger lists are decoded each time


def _decoded(encoded: str, max_bytes: int) -> Bitstring:
    key = (encoded, max_bytes)
    found = _DECODED.get(key)
    if found is None:
        found = Bitstring.decode(encoded, max_bytes=max_bytes)
        if len(found) // 8 <= _DECODED_BYTES:
            if len(_DECODED) >= _DECODED_LISTS:
                _DECODED.pop(next(iter(_DECODED)))
            _DECODED[key] = found
    return found


def read_status(
    entry: StatusEntry | Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    minimum_entries: int = MIN_LENGTH,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StatusResult:
    """The status that ``list_credential`` holds for ``entry`` (section 3.2).

    ``list_credential`` must already be fetched and its proofs and validity period verified.
    ``minimum_entries`` is step 2's minimumNumberOfEntries (131,072 unless an ecosystem
    specification sets another bound).
    """
    checked = entry if isinstance(entry, StatusEntry) else StatusEntry.from_json(entry)
    purposes = purposes_of(list_credential)
    if checked.purpose not in purposes:
        raise InvalidInput(
            f"The entry's statusPurpose is {checked.purpose!r}, but the status list at "
            f"{checked.list_url} is for {' and '.join(map(repr, purposes))} (section 3.2 step 5).",
            code="status_purpose_mismatch",
        )
    encoded = _subject_of(list_credential).get("encodedList")
    if not isinstance(encoded, str):
        raise _list_error("The status list credential has no encodedList string (section 2.2).")
    bits = _decoded(encoded, max_bytes)
    entries = len(bits) // checked.size
    if entries < minimum_entries:
        raise InvalidInput(
            f"The status list at {checked.list_url} holds {entries} entries, fewer than the "
            f"{minimum_entries} that group privacy requires (section 3.2 step 9).",
            code="status_list_too_short",
        )
    status = bits.get_status(checked.index, size=checked.size)
    messages = checked.messages if checked.messages is not None else _DEFAULT_MESSAGES
    # The messages name every value of a status of this size (checked in from_json).
    return StatusResult(checked, status, messages[status])
