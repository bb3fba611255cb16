"""Baked badges: PNG and SVG round trips, the official 1EdTech baked images, and every way an
image can be refused."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from credstack.errors import MalformedCredential
from credstack.formats.baked import (
    MAX_CREDENTIAL_BYTES,
    MAX_IMAGE_BYTES,
    OB3_NAMESPACE,
    BakedImageError,
    bake,
    check_baked,
    extract,
    extract_credential,
    image_kind,
    is_image,
    tiny_png,
)
from credstack.issue import issue
from credstack.proofs.keys import generate_key
from credstack.verify import check
from tests.conftest import PINNED_NOW, vector_path

JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJkaWQ6ZXhhbXBsZTp4In0.c2lnbmF0dXJl"
JSON_CREDENTIAL = json.dumps({"type": ["VerifiableCredential"], "name": "Teamwork ]]> é"})
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b"<!-- a badge --><circle cx='5' cy='5' r='4' fill='#336'/></svg>"
)
OB30 = "1edtech-validator-ob30/"


def real_png() -> bytes:
    """A 64x64 RGBA image with a text chunk of its own, written by Pillow."""
    image = Image.new("RGBA", (64, 64), (30, 90, 160, 255))
    info = PngInfo()
    info.add_text("Software", "a drawing program")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(*chunks: bytes) -> bytes:
    """tiny_png() with ``chunks`` inserted after IHDR."""
    png = tiny_png()
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + b"".join(chunks) + png[ihdr_end:]


def chunk_types(png: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kinds.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


# Round trips.


@pytest.mark.parametrize("credential", [JWT, JSON_CREDENTIAL])
def test_a_png_round_trip_keeps_the_image_and_every_other_chunk(credential: str) -> None:
    original = real_png()
    baked = bake(original, credential)
    assert extract_credential(baked) == credential
    decoded = Image.open(io.BytesIO(baked))
    decoded.load()
    # Pillow, an independent reader, finds the same chunk and the same pixels.
    assert decoded.text["openbadgecredential"] == credential  # type: ignore[attr-defined]
    assert decoded.text["Software"] == "a drawing program"  # type: ignore[attr-defined]
    assert decoded.tobytes() == Image.open(io.BytesIO(original)).tobytes()
    assert chunk_types(baked)[:2] == [b"IHDR", b"iTXt"]


@pytest.mark.parametrize("credential", [JWT, JSON_CREDENTIAL])
def test_an_svg_round_trip_keeps_the_drawing(credential: str) -> None:
    baked = bake(SVG, credential)
    assert extract_credential(baked) == credential
    text = baked.decode()
    assert f'xmlns:openbadges="{OB3_NAMESPACE}"' in text
    assert "<!-- a badge -->" in text
    assert "<circle" in text
    assert text.index("<openbadges:credential") < text.index("<circle")


def test_a_jwt_goes_in_the_verify_attribute_and_json_in_cdata() -> None:
    assert f'<openbadges:credential verify="{JWT}"/>' in bake(SVG, JWT).decode()
    json_baked = bake(SVG, '{"a": "b"}').decode()
    assert '<openbadges:credential><![CDATA[{"a": "b"}]]></openbadges:credential>' in json_baked
    # "]]>" cannot stand inside one CDATA section: the text is split over two.
    assert "]]]]><![CDATA[>" in bake(SVG, JSON_CREDENTIAL).decode()


def test_baking_again_replaces_the_credential_in_a_png() -> None:
    twice = bake(bake(real_png(), JWT), JSON_CREDENTIAL)
    assert chunk_types(twice).count(b"iTXt") == 1
    assert extract_credential(twice) == JSON_CREDENTIAL


def test_baking_replaces_an_open_badges_2_chunk_in_a_png() -> None:
    ob2 = png_with(png_chunk(b"tEXt", b"openbadges\0https://example.org/assertion"))
    baked = bake(ob2, JWT)
    assert b"openbadges\0https" not in baked
    assert extract(baked).carrier == "its iTXt chunk openbadgecredential"


def test_baking_again_replaces_the_credential_in_an_svg() -> None:
    twice = bake(bake(SVG, JWT), JSON_CREDENTIAL).decode()
    assert twice.count("<openbadges:credential") == 1
    assert extract_credential(twice.encode()) == JSON_CREDENTIAL


def test_baking_replaces_an_open_badges_2_assertion_in_an_svg() -> None:
    ob2 = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b'<g><openbadges:assertion verify="https://example.org/a"/></g></svg>'
    )
    baked = bake(ob2, JWT).decode()
    assert "assertion" not in baked
    assert extract(baked.encode()).carrier == "its element <openbadges:credential>"


def test_a_credential_issued_here_verifies_after_a_round_trip_through_both_images() -> None:
    issued = issue(
        {
            "id": "https://example.edu/achievements/teamwork",
            "type": ["Achievement"],
            "name": "Teamwork",
            "description": "Works well in a team.",
            "criteria": {"narrative": "Nominated by peers."},
        },
        generate_key("ed25519"),
        recipient="did:example:learner",
    )
    for image in (real_png(), SVG):
        report = check(extract_credential(bake(image, issued.text)))
        assert report.valid, [c.to_dict() for c in report.failures]


def test_check_baked_names_the_image_in_the_report() -> None:
    png = vector_path(OB30 + "simple-json.png").read_bytes()
    report = check_baked(png, lambda text: check(text, now=PINNED_NOW))
    assert report.valid
    first = report.checks[0]
    assert (first.name, first.outcome, first.code) == ("image", "passed", "baked_png")
    assert "baked PNG image (its iTXt chunk openbadgecredential)" in first.message
    assert [c.name for c in report.checks].count("parse") == 1


def test_check_baked_reports_an_image_without_a_credential() -> None:
    report = check_baked(real_png(), lambda text: check(text, now=PINNED_NOW))
    assert not report.valid
    assert [(c.name, c.code) for c in report.failures] == [("image", "not_baked")]
    assert report.to_dict()["format"] == "image"


# The official baked images (1EdTech validator fixtures, vectors README section 3.1).


@pytest.mark.parametrize(
    ("name", "start", "carrier"),
    [
        ("simple-json.png", "{", "its iTXt chunk openbadgecredential"),
        ("simple-jwt.png", "eyJ", "its iTXt chunk openbadgecredential"),
        ("simple-jwt_v1.png", "eyJ", "its iTXt chunk openbadgecredential"),
        ("simple-json.svg", "{", "its element <openbadges:credential>"),
        ("simple-jwt.svg", "eyJ", "its element <openbadges:credential>"),
        ("simple-jwt_v1.svg", "eyJ", "its element <openbadges:credential>"),
    ],
)
def test_the_official_baked_images_give_their_credential(
    name: str, start: str, carrier: str
) -> None:
    found = extract(vector_path(OB30 + name).read_bytes())
    assert found.text.startswith(start)
    assert found.carrier == carrier
    assert found.image == name[-3:]
    assert (
        found.description
        == f"The credential was read from a baked {name[-3:].upper()} image ({carrier})."
    )


@pytest.mark.parametrize("name", ["simple-json.png", "simple-json.svg"])
def test_the_official_json_baked_images_verify(name: str) -> None:
    report = check(extract_credential(vector_path(OB30 + name).read_bytes()), now=PINNED_NOW)
    assert report.valid, [c.to_dict() for c in report.failures]


def test_an_official_image_can_be_baked_again() -> None:
    image = vector_path(OB30 + "simple-json.svg").read_bytes()
    assert extract_credential(bake(image, JWT)) == JWT
    png = vector_path(OB30 + "simple-json.png").read_bytes()
    assert extract_credential(bake(png, JWT)) == JWT


def test_the_official_open_badges_2_png_gives_its_assertion() -> None:
    found = extract(vector_path("1edtech-validator-ob20/simple-badge.png").read_bytes())
    assert found.carrier == "its Open Badges 2.0 iTXt chunk openbadges"
    assert found.text.startswith(("{", "http", "ey"))


# Other carriers a reader meets.


def test_a_compressed_itxt_and_a_ztxt_chunk_are_read() -> None:
    itxt = png_chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0" + zlib.compress(JWT.encode()))
    assert extract_credential(png_with(itxt)) == JWT
    ztxt = png_chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://example.org/a"))
    assert extract_credential(png_with(ztxt)) == "https://example.org/a"


def test_the_open_badges_3_chunk_wins_over_an_open_badges_2_one() -> None:
    old = png_chunk(b"tEXt", b"openbadges\0https://example.org/a")
    other = png_chunk(b"tEXt", b"openbadges\0https://example.org/b")
    new = png_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + JWT.encode())
    assert extract_credential(png_with(old, other, new)) == JWT
    assert extract_credential(png_with(old, other)) == "https://example.org/a"


def test_an_svg_element_in_the_open_badges_2_namespace_is_read() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org">'
        b'<ob:assertion verify="https://example.org/a"><![CDATA[ {"id": 1} ]]></ob:assertion>'
        b"</svg>"
    )
    found = extract(svg)
    assert found.text == '{"id": 1}'
    assert found.carrier == "its Open Badges 2.0 element <ob:assertion>"


def test_what_is_an_image() -> None:
    assert image_kind(tiny_png()) == "png"
    assert image_kind(b"\xef\xbb\xbf  <?xml version='1.0'?><svg/>") == "svg"
    assert image_kind(b"<html><body>no drawing</body></html>") is None
    assert image_kind(JWT.encode()) is None
    assert not is_image(b"")


# Refusals, each with its stable code.


def refused(data: bytes, code: str) -> str:
    with pytest.raises(BakedImageError) as caught:
        extract(data)
    assert caught.value.code == code
    return caught.value.message


def test_an_image_without_a_credential_is_not_baked() -> None:
    assert "no baked credential" in refused(real_png(), "not_baked")
    assert "no baked credential" in refused(SVG, "not_baked")
    empty = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="%s"><o:credential/></svg>'
    assert "is empty" in refused(empty % OB3_NAMESPACE.encode(), "not_baked")


def test_a_file_that_is_not_an_image_is_refused() -> None:
    assert "neither a PNG nor an SVG" in refused(b"GIF89a", "unsupported_image")
    with pytest.raises(BakedImageError, match="neither a PNG nor an SVG"):
        bake(b"%PDF-1.7", JWT)


def test_a_huge_image_is_refused_before_it_is_read() -> None:
    refused(tiny_png() + b"\0" * MAX_IMAGE_BYTES, "image_too_large")


def test_a_huge_credential_is_refused() -> None:
    big = "x" * (MAX_CREDENTIAL_BYTES + 1)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="%s"><o:credential>%s</o:credential>'
    svg += b"</svg>"
    refused(svg % (OB3_NAMESPACE.encode(), big.encode()), "image_too_large")
    bomb = png_chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0" + zlib.compress(big.encode()))
    refused(png_with(bomb), "image_too_large")
    with pytest.raises(MalformedCredential, match="over"):
        bake(tiny_png(), "{" + big + "}")


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda png: png[:-20], "cut short"),
        (lambda png: png[:12] + b"JHDR" + png[16:], "CRC"),
        (lambda png: png[:8] + png[33:], "IHDR"),
        (lambda png: png[:8] + b"\0\0\0\x05", "cut short"),
    ],
)
def test_a_damaged_png_is_refused(damage: object, why: str) -> None:
    assert callable(damage)
    assert why in refused(damage(tiny_png()), "malformed_image")


def test_a_damaged_credential_chunk_is_refused() -> None:
    short = png_chunk(b"iTXt", b"openbadgecredential\0\x00")
    assert "cut short" in refused(png_with(short), "malformed_image")
    latin = png_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0caf\xe9")
    assert "UTF-8" in refused(png_with(latin), "malformed_image")
    bad_zlib = png_chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0not zlib")
    assert "inflate" in refused(png_with(bad_zlib), "malformed_image")


def test_an_svg_with_entities_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    assert "entities" in refused(bomb, "malformed_image")
    external = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    )
    assert "entities" in refused(external, "malformed_image")


def test_an_svg_that_is_not_well_formed_or_not_svg_is_refused() -> None:
    assert "well-formed" in refused(b'<svg xmlns="http://www.w3.org/2000/svg">', "malformed_image")
    assert "root element" in refused(b"<svg><g/></svg>", "malformed_image")
    with pytest.raises(BakedImageError, match="root element"):
        bake(b'<svg-like xmlns="http://www.w3.org/2000/svg"/>', JWT)


@pytest.mark.parametrize("credential", ["", "not a credential", "[1, 2]", '{"unclosed": '])
def test_only_json_or_a_jwt_can_be_baked(credential: str) -> None:
    with pytest.raises(MalformedCredential):
        bake(tiny_png(), credential)
