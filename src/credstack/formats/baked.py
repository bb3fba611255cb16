"""Baked badges: an Open Badges credential carried inside its own PNG or SVG image.

Open Badges 3.0, section 5.3 "Baked Badge":

- PNG: one uncompressed ``iTXt`` chunk with the keyword ``openbadgecredential`` whose text is
  the credential's JSON (embedded proof) or its compact JWS (VC-JWT).
- SVG: an ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` attribute on ``<svg>`` and,
  directly after it, one ``<openbadges:credential>`` element: the JSON in ``<![CDATA[...]]>``
  content, or the JWT as its ``verify`` attribute.

Extraction also reads Open Badges 2.0 images: the ``openbadges`` iTXt (or legacy tEXt) chunk
and the ``<openbadges:assertion>`` element of ``http://openbadges.org``. Baking replaces any
credential or assertion already in the image, so an image never carries two.

The PNG chunks are read and written here with ``struct`` and ``zlib.crc32`` rather than through
Pillow: an image library decodes and re-encodes the pixels (and drops chunks it does not know),
while splicing one chunk keeps every other byte of the issuer's image, and ``credstack verify``
reads baked PNGs without an imaging library. SVG is parsed by ``defusedxml``: no entities, no
external resources, and the size is bounded before parsing.

>>> png = bake(tiny_png(), "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln")
>>> extract_credential(png)
'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln'
>>> is_image(png), is_image(b'{"type": ["VerifiableCredential"]}')
(True, False)
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final, Literal
from xml.dom import Node
from xml.dom.minidom import Document, Element
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.minidom import parseString

from credstack.errors import MalformedCredential
from credstack.model.parse import parse_json
from credstack.verify.report import Check, VerificationReport

ImageKind = Literal["png", "svg"]

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
KEYWORD: Final = b"openbadgecredential"
OB2_KEYWORD: Final = b"openbadges"
OB3_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE: Final = "http://openbadges.org"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
XMLNS_NAMESPACE: Final = "http://www.w3.org/2000/xmlns/"
MAX_IMAGE_BYTES: Final = 8 * 1_048_576
MAX_CREDENTIAL_BYTES: Final = 1_048_576
SPEC: Final = "https://www.imsglobal.org/spec/ob/v3p0/#baked-badge"

_TEXT_CHUNKS: Final = (b"iTXt", b"tEXt", b"zTXt")
_JWT: Final = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
# (namespace, element) that carry a credential in an SVG, in the order they are looked for.
_SVG_CARRIERS: Final = (
    (OB3_NAMESPACE, "credential"),
    (OB2_NAMESPACE, "credential"),
    (OB2_NAMESPACE, "assertion"),
)


class BakedImageError(MalformedCredential):
    """An image that cannot be baked or read; ``code`` says why: ``unsupported_image``,
    ``malformed_image``, ``image_too_large`` or ``not_baked``."""

    code = "malformed_image"


@dataclass(frozen=True)
class BakedCredential:
    """The credential text found in an image, and where it was found."""

    text: str
    image: ImageKind
    carrier: str

    @property
    def description(self) -> str:
        """A sentence for a verification report."""
        return f"The credential was read from a baked {self.image.upper()} image ({self.carrier})."


def image_kind(data: bytes) -> ImageKind | None:
    """``png`` or ``svg`` by the bytes themselves; None for anything else (JSON, a JWT)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and b"<svg" in head:
        return "svg"
    return None


def is_image(data: bytes) -> bool:
    """True when ``data`` is a PNG or SVG image (baked or not)."""
    return image_kind(data) is not None


def bake(image: bytes, credential: str) -> bytes:
    """``image`` (PNG or SVG) with ``credential`` (JSON or a JWT) baked in, replacing any
    credential it carried."""
    kind = _kind_or_raise(image)
    text = _credential_text(credential)
    return _bake_png(image, text) if kind == "png" else _bake_svg(image, text)


def extract(data: bytes) -> BakedCredential:
    """The credential baked into a PNG or SVG image; ``BakedImageError`` when there is none."""
    kind = _kind_or_raise(data)
    found = _extract_png(data) if kind == "png" else _extract_svg(data)
    if len(found.text.encode()) > MAX_CREDENTIAL_BYTES:
        raise BakedImageError(
            f"The credential in the image is over {MAX_CREDENTIAL_BYTES} bytes.",
            code="image_too_large",
        )
    return found


def extract_credential(data: bytes) -> str:
    """The credential text (JSON or a JWT) baked into a PNG or SVG image."""
    return extract(data).text


def check_baked(data: bytes, check: Callable[[str], VerificationReport]) -> VerificationReport:
    """Verify the credential baked into an image with ``check``. The report's first entry, the
    ``image`` check, says where the credential was found, or why none could be read."""
    try:
        found = extract(data)
    except BakedImageError as exc:
        report = VerificationReport(format="image")
        report.add("image", "failed", exc.code, exc.message, SPEC)
        return report
    report = check(found.text)
    image = Check("image", "passed", f"baked_{found.image}", found.description, SPEC)
    report.checks.insert(0, image)
    return report


def _kind_or_raise(data: bytes) -> ImageKind:
    if len(data) > MAX_IMAGE_BYTES:
        raise BakedImageError(
            f"The image is {len(data)} bytes; baked images are read up to {MAX_IMAGE_BYTES}.",
            code="image_too_large",
        )
    kind = image_kind(data)
    if kind is None:
        raise BakedImageError(
            "The file is neither a PNG nor an SVG image; only those can carry a baked badge.",
            code="unsupported_image",
        )
    return kind


def _credential_text(credential: str) -> str:
    text = credential.strip()
    if len(text.encode()) > MAX_CREDENTIAL_BYTES:
        raise MalformedCredential(f"The credential is over {MAX_CREDENTIAL_BYTES} bytes.")
    if _JWT.match(text):
        return text
    if not text.startswith("{"):
        raise MalformedCredential(
            "Only a credential in JSON or a VC-JWT can be baked; this is neither."
        )
    parse_json(text)
    return text


# PNG (ISO/IEC 15948, section 5.3: length, type, data, CRC-32 of type and data).


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int, int]]:
    """Each chunk's (type, data, start, end), checked, up to and including IEND."""
    pos = len(PNG_SIGNATURE)
    first = True
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            break
        body = data[pos + 8 : end - 4]
        if zlib.crc32(kind + body) != int.from_bytes(data[end - 4 : end], "big"):
            raise _malformed_png(f"its {kind!r} chunk fails its CRC check")
        if first and kind != b"IHDR":
            raise _malformed_png("it does not start with an IHDR chunk")
        first = False
        yield kind, body, pos, end
        if kind == b"IEND":
            return
        pos = end
    raise _malformed_png("it is cut short (no IEND chunk)")


def _malformed_png(why: str) -> BakedImageError:
    return BakedImageError(f"The PNG image is damaged: {why}.", code="malformed_image")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _keyword(kind: bytes, body: bytes) -> bytes | None:
    return body.partition(b"\0")[0] if kind in _TEXT_CHUNKS else None


def _bake_png(image: bytes, text: str) -> bytes:
    # iTXt: keyword, NUL, compression flag 0, method 0, empty language tag and translated
    # keyword (each NUL-terminated), then the UTF-8 text (OB 3.0 section 5.3.1.1).
    itxt = _chunk(b"iTXt", KEYWORD + b"\0\0\0\0\0" + text.encode())
    parts = [PNG_SIGNATURE]
    for kind, body, start, end in _chunks(image):
        if _keyword(kind, body) in (KEYWORD, OB2_KEYWORD):
            continue
        parts.append(image[start:end])
        if kind == b"IHDR":
            parts.append(itxt)
    return b"".join(parts)


def _extract_png(data: bytes) -> BakedCredential:
    legacy: BakedCredential | None = None
    for kind, body, _, _ in _chunks(data):
        keyword = _keyword(kind, body)
        if keyword == KEYWORD:
            carrier = f"its {kind.decode()} chunk openbadgecredential"
            return BakedCredential(_chunk_text(kind, body), "png", carrier)
        if keyword == OB2_KEYWORD and legacy is None:
            carrier = f"its Open Badges 2.0 {kind.decode()} chunk openbadges"
            legacy = BakedCredential(_chunk_text(kind, body), "png", carrier)
    if legacy is not None:
        return legacy
    raise BakedImageError(
        "The PNG image has no baked credential (no iTXt chunk openbadgecredential, nor an "
        "Open Badges 2.0 openbadges chunk).",
        code="not_baked",
    )


def _chunk_text(kind: bytes, body: bytes) -> str:
    rest = body.partition(b"\0")[2]
    try:
        if kind == b"tEXt":
            return rest.decode("latin-1").strip()
        if kind == b"zTXt":
            return _inflate(rest[1:]).decode("latin-1").strip()
        if len(rest) < 2:
            raise _malformed_png("its credential chunk is cut short")
        compressed, tail = rest[0], rest[2:]
        text = tail.partition(b"\0")[2].partition(b"\0")[2]
        return (_inflate(text) if compressed else text).decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise _malformed_png("its credential chunk is not valid UTF-8 text") from exc


def _inflate(data: bytes) -> bytes:
    # Bounded: a few bytes of zlib can claim gigabytes.
    try:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error as exc:
        raise _malformed_png("its compressed credential chunk does not inflate") from exc
    if len(out) > MAX_CREDENTIAL_BYTES:
        raise BakedImageError(
            f"The credential in the image is over {MAX_CREDENTIAL_BYTES} bytes.",
            code="image_too_large",
        )
    return out


# SVG (OB 3.0 section 5.3.2).


def _parse_svg(data: bytes) -> Document:
    try:
        # A DOCTYPE naming the SVG 1.1 DTD is common and harmless (expat never loads it);
        # entity declarations and external references are refused.
        document: Document = parseString(data, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BakedImageError(
            "The SVG image declares entities or external resources, which are refused.",
            code="malformed_image",
        ) from exc
    except ExpatError as exc:
        raise BakedImageError(
            f"The SVG image is not well-formed XML: {exc}.", code="malformed_image"
        ) from exc
    root = document.documentElement
    if root is None or root.namespaceURI != SVG_NAMESPACE or root.localName != "svg":
        raise BakedImageError(
            f"The SVG image's root element is not <svg> in the {SVG_NAMESPACE} namespace.",
            code="malformed_image",
        )
    return document


def _carriers(document: Document) -> Iterator[tuple[int, Element]]:
    for rank, (namespace, name) in enumerate(_SVG_CARRIERS):
        for element in document.getElementsByTagNameNS(namespace, name):
            yield rank, element


def _extract_svg(data: bytes) -> BakedCredential:
    found = next(_carriers(_parse_svg(data)), None)
    if found is None:
        raise BakedImageError(
            "The SVG image has no baked credential (no <openbadges:credential> element in "
            f"the {OB3_NAMESPACE} namespace, nor an Open Badges 2.0 <openbadges:assertion>).",
            code="not_baked",
        )
    rank, element = found
    content = "".join(
        child.data
        for child in element.childNodes
        if child.nodeType in (Node.TEXT_NODE, Node.CDATA_SECTION_NODE)
    ).strip()
    text = content or element.getAttribute("verify").strip()
    if not text:
        raise BakedImageError(
            f"The SVG image's <{element.tagName}> element is empty.", code="not_baked"
        )
    name = "Open Badges 2.0 element" if rank else "element"
    return BakedCredential(text, "svg", f"its {name} <{element.tagName}>")


def _bake_svg(image: bytes, text: str) -> bytes:
    document = _parse_svg(image)
    root = document.documentElement
    assert root is not None  # _parse_svg checked it
    for _, old in list(_carriers(document)):
        parent = old.parentNode
        assert parent is not None  # never the root: that is <svg>
        parent.removeChild(old)
    root.setAttributeNS(XMLNS_NAMESPACE, "xmlns:openbadges", OB3_NAMESPACE)
    element = document.createElementNS(OB3_NAMESPACE, "openbadges:credential")
    if _JWT.match(text):
        element.setAttribute("verify", text)
    else:
        # A CDATA section cannot hold "]]>": such a JSON string is split over two sections.
        pieces = text.split("]]>")
        for index, piece in enumerate(pieces):
            head = ">" if index else ""
            tail = "]]" if index < len(pieces) - 1 else ""
            element.appendChild(document.createCDATASection(head + piece + tail))
    root.insertBefore(element, root.firstChild)
    baked: bytes = document.toxml(encoding="utf-8")
    return baked


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG, for examples and tests."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0\x80")
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
