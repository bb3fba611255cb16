"""Status lists: what is set is read back, encoding loses nothing, garbage is refused cleanly."""

from __future__ import annotations

import base64
import gzip

from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.errors import InvalidInput
from credstack.status.bitstring import MIN_LENGTH, Bitstring

indexes = st.integers(min_value=0, max_value=MIN_LENGTH - 1)
index_sets = st.sets(indexes, max_size=200)


@given(index_sets, index_sets)
def test_set_then_get(ones: set[int], cleared: set[int]) -> None:
    bits = Bitstring()
    for index in ones:
        bits.set(index)
    for index in cleared:
        bits.set(index, False)
    expected = ones - cleared
    assert set(bits.ones()) == expected
    assert bits.count() == len(expected)
    assert all(bits.get(i) for i in expected)
    assert not any(bits.get(i) for i in cleared)


@settings(max_examples=50, deadline=None)
@given(index_sets, st.sampled_from([MIN_LENGTH, MIN_LENGTH + 8, 2 * MIN_LENGTH]))
def test_encode_then_decode(ones: set[int], length: int) -> None:
    bits = Bitstring.generate(length, ones)
    text = bits.encode()
    assert text.startswith("u")
    assert "=" not in text
    decoded = Bitstring.decode(text)
    assert decoded == bits
    assert len(decoded) == length
    assert set(decoded.ones()) == ones


# No deadline, as for the other tests here: on a loaded machine one example took 529 ms.
@settings(deadline=None)
@given(st.integers(min_value=1, max_value=16), st.data())
def test_multi_bit_statuses_round_trip(size: int, data: st.DataObject) -> None:
    entries = MIN_LENGTH // size
    written = data.draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=entries - 1),
            st.integers(min_value=0, max_value=(1 << size) - 1),
            max_size=20,
        )
    )
    bits = Bitstring()
    for index, status in written.items():
        bits.set_status(index, status, size=size)
    for index, status in written.items():
        assert bits.get_status(index, size=size) == status
    assert bits.count() == sum(status.bit_count() for status in written.values())


@settings(max_examples=200)
@given(
    st.text(max_size=80)
    | st.binary(max_size=60).map(lambda b: "u" + base64.urlsafe_b64encode(b).decode().rstrip("="))
)
def test_any_text_decodes_or_is_refused(text: str) -> None:
    refusal, length = None, 0
    try:
        length = len(Bitstring.decode(text, max_bytes=1024))
    except InvalidInput as exc:
        refusal = exc.code
    if refusal is None:
        assert 0 < length <= 8 * 1024
    else:
        assert refusal in {"status_list_invalid", "status_list_too_large"}


@settings(max_examples=100)
@given(st.binary(min_size=1, max_size=4096))
def test_any_gzip_payload_decodes_to_itself(payload: bytes) -> None:
    text = "u" + base64.urlsafe_b64encode(gzip.compress(payload)).decode().rstrip("=")
    bits = Bitstring.decode(text)
    assert len(bits) == 8 * len(payload)
    assert all(bits.get(i) == bool(payload[i // 8] & (0x80 >> (i % 8))) for i in range(len(bits)))
