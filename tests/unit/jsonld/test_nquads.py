"""Literals in canonical N-Quads as RDFC-1.0 writes them, and pyld's path refusing the difference.

RDFC-1.0 section 4.3.1 (https://www.w3.org/TR/rdf-canon/#canonical-quads): BS, HT, LF, FF,
CR, quote and backslash as ECHAR, every other character in U+0000..U+001F and U+007F as UCHAR
with uppercase hex, nothing else escaped. pyld writes all but five of those raw; its path
refuses a document holding one, the fast path writes the recommendation's form.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from pyld.nquads import escape as pyld_escape

from credstack.errors import InvalidJsonLd, UndefinedTerm
from credstack.jsonld import canonicalize, reference
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.contexts import Unsupported
from credstack.jsonld.nquads import escape
from tests.unit.jsonld.agree import UNSUPPORTED_CHARACTERS, assert_agrees, outcome, pyld_as_rdfc

# rdf-canon test060: U+0008 U+0009 U+000A U+000B U+000C U+000D U+0022 U+005C U+007F.
TEST060 = '\b\t\n\x0b\f\r"\\\x7f'
TEST060_ESCAPED = r"\b\t\n\u000B\f\r\"\\\u007F"

ECHAR = {"\b": r"\b", "\t": r"\t", "\n": r"\n", "\f": r"\f", "\r": r"\r", '"': r"\"", "\\": r"\\"}


def test_rdf_canon_test060() -> None:
    assert escape(TEST060) == TEST060_ESCAPED
    document = {"@id": "http://example.com/#s", "http://example.com/#p": TEST060}
    expected = f'<http://example.com/#s> <http://example.com/#p> "{TEST060_ESCAPED}" .\n'
    assert canonicalize(document) == expected


def test_each_character() -> None:
    for code in [*range(0x80), 0x85, 0xA0, 0x2028, 0xFEFF, 0x1F393]:
        char = chr(code)
        if char in ECHAR:
            assert escape(char) == ECHAR[char]
        elif code < 0x20 or code == 0x7F:
            assert escape(char) == f"\\u{code:04X}"
        else:
            assert escape(char) == char
        assert escape(f"a{char}b{char}") == f"a{escape(char)}b{escape(char)}"


def test_pyld_is_refused_exactly_where_it_escapes_differently() -> None:
    every = "".join(map(chr, range(0x110000)))
    differ = {c for c in every if escape(c) != pyld_escape(c)}
    assert differ == set(reference._PYLD_WRITES_RAW.findall(every))


KNOWS = {"name": "urn:p:name", "knows": "urn:p:knows"}
# Two blank nodes whose first-degree hashes order one way with RDFC-1.0's escaping and the other
# way with pyld's, so the canonical labels themselves depend on the escaping.
FRIENDS = {"@context": KNOWS, "@id": "urn:x", "knows": [{"name": "bell\x07"}, {"name": "tab\x0b"}]}
FRIENDS_CANONICAL = (
    "<urn:x> <urn:p:knows> _:c14n0 .\n"
    "<urn:x> <urn:p:knows> _:c14n1 .\n"
    '_:c14n0 <urn:p:name> "tab\\u000B" .\n'
    '_:c14n1 <urn:p:name> "bell\\u0007" .\n'
)


def _first_degree(name: str) -> str:
    """Section 4.6 for one friend: its two quads, itself as ``_:a``, escaped as in 4.3.1."""
    lines = ["<urn:x> <urn:p:knows> _:a .\n", f'_:a <urn:p:name> "{escape(name)}" .\n']
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


def test_blank_node_labels_follow_the_escaped_hashes() -> None:
    assert canonicalize(FRIENDS) == FRIENDS_CANONICAL
    assert _first_degree("tab\x0b") < _first_degree("bell\x07")
    # The same document hashed as pyld escapes it labels the two the other way round.
    pyld_lines = reference._normalize(reference.expand(FRIENDS), reference.DEFAULT_LOADER, "sha256")
    assert '_:c14n0 <urn:p:name> "bell\x07" .\n' in pyld_lines
    assert canonicalize(FRIENDS) == pyld_as_rdfc(FRIENDS)


def test_blank_node_labels_with_sha384() -> None:
    canonical = canonicalize(FRIENDS, hash_algorithm="sha384")
    assert canonical == pyld_as_rdfc(FRIENDS, hash_algorithm="sha384")
    assert "\\u000B" in canonical
    assert "\\u0007" in canonical


def test_the_fast_path_writes_the_spec_form_where_pyld_refuses() -> None:
    assert canonicalize_fast(FRIENDS) == FRIENDS_CANONICAL
    assert outcome(reference.canonicalize, FRIENDS)[:3] == UNSUPPORTED_CHARACTERS


INDEXED = {"p": {"@id": "urn:p", "@container": "@index"}, "j": {"@id": "urn:j", "@type": "@json"}}
# Documents the fast path hands to pyld (an index map, a JSON literal), with a control character
# in a value, in an index key, deep in a list, or only in a key of a JSON literal.
HANDED_OVER: dict[str, tuple[dict[str, Any], str]] = {
    "index map value": ({"@context": INDEXED, "@id": "urn:x", "p": {"a": "bell\x07"}}, "U+0007"),
    "index key": ({"@context": INDEXED, "@id": "urn:x", "p": {"a\x1f": "b"}}, "U+001F"),
    "JSON literal key": ({"@context": INDEXED, "@id": "urn:x", "j": {"k\x7f": [1]}}, "U+007F"),
    "deep in a list": (
        {
            "@context": INDEXED,
            "@id": "urn:x",
            "p": {"a": [{"@id": "urn:y", "urn:q": ["ok", "\f"]}]},
        },
        "U+000C",
    ),
}


@pytest.mark.parametrize("name", HANDED_OVER)
def test_pyld_path_refuses(name: str) -> None:
    document, code_point = HANDED_OVER[name]
    with pytest.raises(Unsupported):
        canonicalize_fast(document)
    for hash_algorithm in ("sha256", "sha384"):
        with pytest.raises(
            InvalidJsonLd, match=re.escape(f"control character {code_point}.")
        ) as refused:
            canonicalize(document, hash_algorithm=hash_algorithm)
        assert refused.value.code == "unsupported_characters"
        assert "Remove the character" in str(refused.value)
    assert_agrees(document)


def test_without_those_characters_pyld_is_unchanged() -> None:
    document = {"@context": INDEXED, "@id": "urn:x", "p": {"a": 'tab\t newline\n "q" \\ \u2028'}}
    expected = '<urn:x> <urn:p> "tab\\t newline\\n \\"q\\" \\\\ \u2028" .\n'
    assert canonicalize(document) == reference.canonicalize(document) == expected


def test_a_long_text_is_shortened_in_the_message() -> None:
    document = {"@context": INDEXED, "@id": "urn:x", "p": {"a": "x" * 100 + "\x00"}}
    with pytest.raises(InvalidJsonLd, match=r"'x{57}\.\.\.' holds the control character U\+0000"):
        canonicalize(document)


def test_safe_mode_refusals_come_first() -> None:
    document = {"@context": INDEXED, "@id": "urn:x", "p": {"a": "\x00"}, "shoeSize": 44}
    with pytest.raises(UndefinedTerm, match="shoeSize"):
        canonicalize(document)


def test_input_that_is_not_json_is_searched_too() -> None:
    with pytest.raises(InvalidJsonLd, match="U\\+0001"):
        reference._check_characters({"a": (1, None, "\x01")})
    reference._check_characters({"a": (1, None, "\t\n\r")})
