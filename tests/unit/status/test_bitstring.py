"""The status bit string: layout, multi-bit statuses, encodedList, and refusals."""

from __future__ import annotations

import base64
import gzip

import pytest

from credstack.errors import InvalidInput
from credstack.status.bitstring import MIN_LENGTH, Bitstring

# Bitstring Status List v1.0, Example 3: an empty 131,072-bit list.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def encoded(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_new_list_is_16_kib_of_zeros() -> None:
    bits = Bitstring()
    assert len(bits) == MIN_LENGTH == 131_072
    assert bits.count() == 0
    assert list(bits.ones()) == []


@pytest.mark.parametrize("length", [0, 8, MIN_LENGTH - 8, -1, True, 1.5])
def test_lists_we_make_are_at_least_16_kib(length: object) -> None:
    with pytest.raises(InvalidInput, match="at least 131072 bits") as caught:
        Bitstring(length)  # type: ignore[arg-type]
    assert caught.value.code == "status_list_too_short"


def test_lengths_are_whole_bytes() -> None:
    with pytest.raises(InvalidInput, match="multiple of 8") as caught:
        Bitstring(MIN_LENGTH + 3)
    assert caught.value.code == "invalid_status_list_length"


def test_index_0_is_the_leftmost_bit_of_the_first_byte() -> None:
    # Section 7.1: index 0 is the most significant bit of byte 0; length - 1 the least
    # significant bit of the last byte.
    bits = Bitstring()
    bits.set(0)
    bits.set(len(bits) - 1)
    raw = gzip.decompress(base64.urlsafe_b64decode(bits.encode()[1:] + "=="))
    assert raw[0] == 0b1000_0000
    assert raw[-1] == 0b0000_0001
    assert sum(raw) == 0x80 + 0x01


def test_set_get_and_clear() -> None:
    bits = Bitstring()
    bits.set(23)
    assert bits.get(23)
    assert not bits.get(22)
    assert not bits.get(24)
    bits.set(23, False)
    assert not bits.get(23)
    assert bits == Bitstring()


def test_multi_bit_statuses_read_left_to_right() -> None:
    bits = Bitstring()
    bits.set_status(3, 0b10, size=2)
    # Entry 3 of 2 bits is bits 6 and 7: 6 is set (most significant), 7 is not.
    assert bits.get(6)
    assert not bits.get(7)
    assert bits.get_status(3, size=2) == 2
    bits.set_status(3, 0b01, size=2)
    assert list(bits.ones()) == [7]


@pytest.mark.parametrize(("index", "size"), [(-1, 1), (MIN_LENGTH, 1), (MIN_LENGTH // 2, 2)])
def test_indexes_outside_the_list_are_range_errors(index: int, size: int) -> None:
    with pytest.raises(InvalidInput, match=r"outside|whole number") as caught:
        Bitstring().get_status(index, size=size)
    assert caught.value.code == "status_index_out_of_range"


def test_the_last_entry_is_in_range() -> None:
    bits = Bitstring()
    bits.set_status(MIN_LENGTH // 4 - 1, 0b1111, size=4)
    assert list(bits.ones()) == [MIN_LENGTH - 4, MIN_LENGTH - 3, MIN_LENGTH - 2, MIN_LENGTH - 1]


@pytest.mark.parametrize("size", [0, 17, True])
def test_status_sizes_are_1_to_16_bits(size: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        Bitstring().get_status(0, size=size)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_status_size"


@pytest.mark.parametrize("status", [-1, 4, 1.0])
def test_a_status_must_fit_its_size(status: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        Bitstring().set_status(0, status, size=2)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_status_value"


def test_the_spec_example_list_decodes_empty_and_is_written_as_the_spec_writes_it() -> None:
    assert Bitstring.decode(SPEC_EMPTY_LIST) == Bitstring()
    # and an empty list of the minimum length is written as the spec writes it, byte for byte
    assert Bitstring().encode() == SPEC_EMPTY_LIST


def test_encoding_is_gzip_base64url_without_padding_and_deterministic() -> None:
    bits = Bitstring.generate(MIN_LENGTH, [5, 94_567])
    text = bits.encode()
    assert text.startswith("uH4sI")  # "u" multibase, then the GZIP magic 1f 8b
    assert "=" not in text
    assert set(text[1:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert text == Bitstring.generate(MIN_LENGTH, [94_567, 5]).encode()
    assert Bitstring.decode(text) == bits
    assert list(Bitstring.decode(text).ones()) == [5, 94_567]


def test_copies_are_independent_and_lists_are_not_hashable() -> None:
    bits = Bitstring()
    copy = bits.copy()
    copy.set(1)
    assert bits != copy
    assert bits != "not a bitstring"
    assert "1 set" in repr(copy)
    with pytest.raises(TypeError):
        hash(bits)


def test_decoding_reads_lists_of_any_whole_byte_length() -> None:
    # A verifier reports short lists with its own code, so decode accepts them.
    short = Bitstring.decode(encoded(gzip.compress(b"\x80")))
    assert len(short) == 8
    assert short.get(0)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (None, "starting with 'u'"),
        ("zH4sI", "starting with 'u'"),
        ("uH4sI=", "base64url without padding"),
        ("uH4s+", "base64url without padding"),
        ("uH4sIA", "impossible length"),
        ("uH4sIAA", "cut short"),
        (encoded(b"not gzip at all"), "not GZIP"),
        (encoded(gzip.compress(b"\x00" * 16)[:-6]), "cut short"),
        (encoded(gzip.compress(b"\x00") + b"junk"), "after its GZIP stream"),
        (encoded(gzip.compress(b"")), "empty"),
        (encoded(bytes(gzip.compress(b"\x00" * 100)[:-8]) + b"\x00" * 8), "not GZIP"),
    ],
)
def test_malformed_encoded_lists_are_refused(text: object, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as caught:
        Bitstring.decode(text)  # type: ignore[arg-type]
    assert caught.value.code == "status_list_invalid"


def test_decompression_bombs_are_capped() -> None:
    bomb = encoded(gzip.compress(b"\x00" * (4 * 1024 * 1024)))
    assert len(bomb) < 8_000
    with pytest.raises(InvalidInput, match="more than 1048576 bytes") as caught:
        Bitstring.decode(bomb, max_bytes=1024 * 1024)
    assert caught.value.code == "status_list_too_large"
    assert len(Bitstring.decode(bomb, max_bytes=4 * 1024 * 1024)) == 32 * 1024 * 1024


def test_a_list_exactly_at_the_cap_is_read() -> None:
    text = Bitstring().encode()
    assert len(Bitstring.decode(text, max_bytes=MIN_LENGTH // 8)) == MIN_LENGTH
    with pytest.raises(InvalidInput):
        Bitstring.decode(text, max_bytes=MIN_LENGTH // 8 - 1)


def test_raw_bytes_round_trip_and_refuse_a_short_list() -> None:
    bits = Bitstring.generate(MIN_LENGTH, [0, 7, MIN_LENGTH - 1])
    assert Bitstring.from_bytes(bits.to_bytes()) == bits
    assert Bitstring.from_bytes(bits.to_bytes()).count() == 3
    with pytest.raises(InvalidInput, match="fewer than"):
        Bitstring.from_bytes(b"\x00" * 10)
