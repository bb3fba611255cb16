"""What evidence an achievement accepts, and checking what a learner submits against it.

Three kinds: ``text`` (a narrative), ``url`` (a link to work elsewhere) and ``file`` (an upload,
limited in size and media type). A file's bytes must look like the media type it claims: the
signature of binary formats is read by ``filetype``; text must be UTF-8.

>>> policy = parse_policy({"url": False, "fileTypes": ["application/pdf"], "maxFileBytes": 1000})
>>> check_evidence(policy, [EvidenceItem("file", name="essay.pdf", media_type="application/pdf",
...                                      content=b"%PDF-1.7 ...")])
>>> check_evidence(policy, [EvidenceItem("url", url="https://example.org/work")])
Traceback (most recent call last):
...
credstack.errors.InvalidInput: This achievement does not accept url evidence; it accepts text, file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import filetype

from credstack.errors import InvalidInput

Kind = Literal["text", "url", "file"]
MAX_TEXT: Final = 100_000
MAX_ITEMS: Final = 20
# The ceiling any policy may set; the request body limit of the API bounds uploads too.
MAX_FILE_BYTES: Final = 50 * 1024 * 1024
_TEXT_TYPES: Final = ("text/plain", "text/markdown", "text/csv")


@dataclass(frozen=True)
class EvidencePolicy:
    text: bool = True
    url: bool = True
    file_types: tuple[str, ...] = ()
    max_file_bytes: int = 0
    max_items: int = 5

    @property
    def kinds(self) -> tuple[Kind, ...]:
        kinds: list[Kind] = []
        if self.text:
            kinds.append("text")
        if self.url:
            kinds.append("url")
        if self.file_types:
            kinds.append("file")
        return tuple(kinds)


@dataclass(frozen=True)
class EvidenceItem:
    kind: Kind
    text: str | None = None
    url: str | None = None
    name: str | None = None
    media_type: str | None = None
    content: bytes = b""


def parse_policy(data: Any) -> EvidencePolicy:
    if not isinstance(data, Mapping):
        raise InvalidInput("An evidence policy is an object.", code="invalid_evidence_policy")
    types = data.get("fileTypes", [])
    if not isinstance(types, list) or not all(
        isinstance(t, str) and "/" in t and len(t) <= 127 for t in types
    ):
        raise InvalidInput(
            "fileTypes is a list of media types such as application/pdf.",
            code="invalid_evidence_policy",
        )
    max_bytes = data.get("maxFileBytes", 0)
    max_items = data.get("maxItems", 5)
    for name, value, low, high in (
        ("maxFileBytes", max_bytes, 0, MAX_FILE_BYTES),
        ("maxItems", max_items, 1, MAX_ITEMS),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise InvalidInput(
                f"{name} is a whole number from {low} to {high}.", code="invalid_evidence_policy"
            )
    if types and max_bytes == 0:
        raise InvalidInput(
            "Accepting files needs maxFileBytes above 0.", code="invalid_evidence_policy"
        )
    policy = EvidencePolicy(
        text=data.get("text", True) is True,
        url=data.get("url", True) is True,
        file_types=tuple(dict.fromkeys(t.lower() for t in types)),
        max_file_bytes=max_bytes,
        max_items=max_items,
    )
    if not policy.kinds:
        raise InvalidInput(
            "The policy must accept some evidence: text, url or files.",
            code="invalid_evidence_policy",
        )
    return policy


def policy_to_json(policy: EvidencePolicy) -> dict[str, Any]:
    return {
        "text": policy.text,
        "url": policy.url,
        "fileTypes": list(policy.file_types),
        "maxFileBytes": policy.max_file_bytes,
        "maxItems": policy.max_items,
    }


def check_evidence(policy: EvidencePolicy, items: Sequence[EvidenceItem]) -> None:
    """Return when ``items`` fit ``policy``; else ``InvalidInput`` naming the first misfit."""
    if not items:
        raise InvalidInput("Submit at least one piece of evidence.", code="no_evidence")
    if len(items) > policy.max_items:
        raise InvalidInput(
            f"At most {policy.max_items} pieces of evidence are accepted.",
            code="too_much_evidence",
        )
    for item in items:
        if item.kind not in policy.kinds:
            raise InvalidInput(
                f"This achievement does not accept {item.kind} evidence; it accepts "
                f"{', '.join(policy.kinds)}.",
                code="evidence_type_not_allowed",
            )
        if item.kind == "text":
            if not item.text or not item.text.strip() or len(item.text) > MAX_TEXT:
                raise InvalidInput(
                    f"Text evidence is 1 to {MAX_TEXT} characters.", code="invalid_evidence"
                )
        elif item.kind == "url":
            if not item.url or not item.url.startswith("https://") or len(item.url) > 2048:
                raise InvalidInput("URL evidence is an https:// URL.", code="invalid_evidence")
        else:
            _check_file(policy, item)


def _check_file(policy: EvidencePolicy, item: EvidenceItem) -> None:
    media_type = (item.media_type or "").lower()
    if media_type not in policy.file_types:
        raise InvalidInput(
            f"Files of type {media_type or 'unknown'} are not accepted; send one of "
            f"{', '.join(policy.file_types)}.",
            code="file_type_not_allowed",
        )
    if not item.content:
        raise InvalidInput("The file is empty.", code="invalid_evidence")
    if len(item.content) > policy.max_file_bytes:
        raise InvalidInput(
            f"The file has {len(item.content)} bytes; at most {policy.max_file_bytes} are "
            "accepted.",
            code="file_too_large",
        )
    if not item.name or len(item.name) > 255 or "/" in item.name or "\\" in item.name:
        raise InvalidInput("A file needs a plain name (no path).", code="invalid_evidence")
    if not _looks_like(item.content, media_type):
        raise InvalidInput(f"The file's content is not {media_type}.", code="file_content_mismatch")


def _looks_like(content: bytes, media_type: str) -> bool:
    if media_type in _TEXT_TYPES:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return bool(filetype.guess_mime(content) == media_type)
