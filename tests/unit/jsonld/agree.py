"""Differential checks: the fast path against pyld (``reference.py``), outcome for outcome.

An outcome is the canonical N-Quads text, or the error's class, code and message: safe mode
must refuse the same documents in the same words on both paths. Python values that are not
JSON can crash pyld; then ``canonicalize`` must crash the same way.

pyld escapes literals its own way and refuses (``unsupported_characters``) a document holding a
control character that RDFC-1.0 escapes differently (section 4.3.1). For such a document the
yardstick is pyld with RDFC-1.0's escaping swapped in (``pyld_as_rdfc``): pyld's canonicalizer
hashes and writes every line through ``pyld.nquads.escape``, so the swap yields the labels and
the text of the recommendation from an implementation that is not ours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pyld import nquads as pyld_nquads

from credstack.errors import Error
from credstack.jsonld import canonicalize, reference
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.contexts import Unsupported
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader
from credstack.jsonld.nquads import escape

Outcome = tuple[str, ...]

UNSUPPORTED_CHARACTERS: Outcome = ("error", "InvalidJsonLd", "unsupported_characters")


def outcome(
    canon: Callable[..., str],
    document: Mapping[str, Any],
    loader: StaticDocumentLoader = DEFAULT_LOADER,
    **options: Any,
) -> Outcome:
    try:
        return ("ok", canon(document, loader, **options))
    except Error as exc:
        return ("error", type(exc).__name__, exc.code, str(exc))
    except (TypeError, AttributeError) as exc:  # input that is not JSON can crash pyld
        return ("crash", type(exc).__name__)


@contextmanager
def _pyld_escaping_as_rdfc() -> Iterator[None]:
    # Under pyld's lock, so that no other call into pyld sees the swap.
    with reference.PYLD_LOCK:
        pyld_escape = pyld_nquads.escape
        pyld_nquads.escape = escape
        try:
            yield
        finally:
            pyld_nquads.escape = pyld_escape


def pyld_as_rdfc(
    document: Mapping[str, Any],
    loader: StaticDocumentLoader = DEFAULT_LOADER,
    *,
    hash_algorithm: str = "sha256",
) -> str:
    """pyld's canonical N-Quads, unrefused, with literals escaped as RDFC-1.0 escapes them."""
    expanded = reference.expand(document, loader)
    with _pyld_escaping_as_rdfc():
        return reference._normalize(expanded, loader, hash_algorithm)


def expected(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER, **options: Any
) -> Outcome:
    """pyld's outcome, or ``pyld_as_rdfc``'s where pyld refuses the document's characters."""
    found = outcome(reference.canonicalize, document, loader, **options)
    if found[:3] == UNSUPPORTED_CHARACTERS:
        return outcome(pyld_as_rdfc, document, loader, **options)
    return found


def assert_fast_path_agrees(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER, **options: Any
) -> Outcome:
    """The fast path handles ``document`` itself (``Unsupported`` fails the test) like pyld."""
    wanted = expected(document, loader, **options)
    assert outcome(canonicalize_fast, document, loader, **options) == wanted
    return wanted


def assert_agrees(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER, **options: Any
) -> Outcome:
    """``canonicalize``, fast path or not, gives pyld's outcome.

    A document the fast path hands over gets pyld's refusal of its control characters, if
    any; one it handles gets the canonical form with them escaped.
    """
    wanted = outcome(reference.canonicalize, document, loader, **options)
    if wanted[:3] == UNSUPPORTED_CHARACTERS:
        try:
            outcome(canonicalize_fast, document, loader, **options)
        except Unsupported:
            pass
        else:
            wanted = outcome(pyld_as_rdfc, document, loader, **options)
    assert outcome(canonicalize, document, loader, **options) == wanted
    return wanted
