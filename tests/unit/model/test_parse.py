"""parse_json: the limits and refusals that protect everything that reads untrusted text."""

from __future__ import annotations

import pytest

from credstack.errors import MalformedCredential
from credstack.model.parse import parse_json


def refusal(raw: str | bytes, **limits: int) -> MalformedCredential:
    with pytest.raises(MalformedCredential) as caught:
        parse_json(raw, **limits)
    return caught.value


def test_parses_json_text_and_bytes() -> None:
    assert parse_json('{"a": [1, 2.5, "x", true, null]}') == {"a": [1, 2.5, "x", True, None]}
    assert parse_json(b'{"name": "\xc3\xa9cole"}') == {"name": "école"}


def test_top_level_values_other_than_objects_are_json_too() -> None:
    assert parse_json("[1]") == [1]
    assert parse_json(' "text" ') == "text"


@pytest.mark.parametrize("as_bytes", [True, False])
def test_input_over_the_size_limit_is_refused_before_parsing(as_bytes: bool) -> None:
    text = "{" + " " * 200  # not even JSON: the size is judged first
    error = refusal(text.encode() if as_bytes else text, max_bytes=100)
    assert error.code == "too_large"
    assert "limit is 100 bytes" in error.message


def test_size_is_counted_in_utf8_bytes_for_text() -> None:
    text = '"' + "é" * 40 + '"'  # 42 characters, 82 bytes
    assert parse_json(text, max_bytes=82) == "é" * 40
    assert refusal(text, max_bytes=81).code == "too_large"


def test_input_at_the_size_limit_is_accepted() -> None:
    assert parse_json(b"[" + b" " * 98 + b"]", max_bytes=100) == []


def test_ten_thousand_nested_arrays_are_refused_without_recursion() -> None:
    error = refusal("[" * 10_000 + "]" * 10_000, max_bytes=100_000)
    assert error.code == "too_deep"
    assert "64 levels" in error.message


def test_deeply_nested_objects_are_refused() -> None:
    text = '{"a":' * 65 + "1" + "}" * 65
    assert refusal(text).code == "too_deep"


def test_depth_at_the_limit_is_accepted() -> None:
    assert parse_json("[" * 64 + "]" * 64) is not None
    assert refusal("[" * 65 + "]" * 65).code == "too_deep"
    assert parse_json("[[[]]]", max_depth=3) == [[[]]]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"a": "' + "[{" * 100 + '\\"[[[", "b": ["]]]"]}'
    assert parse_json(text, max_depth=2) == {"a": "[{" * 100 + '"[[[', "b": ["]]]"]}


def test_the_deep_place_is_located() -> None:
    error = refusal('{\n "a": [[[1]]]\n}', max_depth=3)
    assert "line 2, column 9" in error.message


@pytest.mark.parametrize(
    "text",
    ['{"id": 1, "id": 2}', '{"a": {"x": 1, "y": 2, "x": 1}}', '[{"k": 1}, {"k": 2, "k": 2}]'],
)
def test_duplicate_keys_are_refused(text: str) -> None:
    error = refusal(text)
    assert error.code == "duplicate_key"
    assert "twice" in error.message
    assert "ambiguous" in error.message


def test_the_same_key_in_different_objects_is_fine() -> None:
    assert parse_json('[{"id": 1}, {"id": 2}]') == [{"id": 1}, {"id": 2}]


def test_invalid_utf8_is_refused_with_its_position() -> None:
    error = refusal(b'{\n  "name": "\xff"\n}')
    assert error.code == "malformed_json"
    assert "not valid UTF-8 at line 2, column 12" in error.message


def test_a_byte_order_mark_is_refused() -> None:
    assert refusal(b'\xef\xbb\xbf{"a": 1}').code == "malformed_json"
    assert "byte order mark" in refusal('\ufeff{"a": 1}').message


def test_invalid_json_names_line_and_column() -> None:
    error = refusal('{\n  "a": 1,\n  "b": \n}')
    assert error.code == "malformed_json"
    assert "line 4, column 1" in error.message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant: str) -> None:
    error = refusal(f'{{"creditsEarned": {constant}}}')
    assert error.code == "malformed_json"
    assert constant in error.message


def test_numbers_that_overflow_to_infinity_are_refused() -> None:
    assert refusal('{"x": 1e400}').code == "malformed_json"


def test_integers_with_absurdly_many_digits_are_refused_in_plain_words() -> None:
    error = refusal("1" * 5000, max_bytes=10_000)
    assert error.code == "malformed_json"
    assert "5,000 digits" in error.message


def test_unpaired_surrogate_escapes_are_refused() -> None:
    assert refusal('{"name": "\\ud800"}').code == "malformed_json"
    assert refusal('{"\\udc00": 1}').code == "malformed_json"
    assert parse_json('{"name": "\\ud83d\\ude00"}') == {"name": "\U0001f600"}
    assert parse_json('{"name": "\\\\ud800"}') == {"name": "\\ud800"}  # an escaped backslash


def test_errors_belong_to_the_one_hierarchy() -> None:
    error = refusal("{")
    assert isinstance(error, MalformedCredential)
    assert error.__cause__ is not None


def test_surrogates_are_found_anywhere_in_the_document() -> None:
    assert refusal('[1, true, null, {"a": [2.5, "\\udfff"]}]').code == "malformed_json"
    assert parse_json('[1, true, null, {"a": [2.5, "\\\\udfff"]}]')[3] == {"a": [2.5, "\\udfff"]}
