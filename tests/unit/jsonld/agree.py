"""Differential checks: the fast path against pyld (``reference.py``), outcome for outcome.

An outcome is the canonical N-Quads text, or the error's class, code and message: safe mode
must refuse the same documents in the same words on both paths. Python values that are not
JSON can crash pyld; then ``canonicalize`` must crash the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from credstack.errors import Error
from credstack.jsonld import canonicalize, reference
from credstack.jsonld.canon import canonicalize_fast
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader

Outcome = tuple[str, ...]


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


def assert_fast_path_agrees(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER, **options: Any
) -> Outcome:
    """The fast path handles ``document`` itself (``Unsupported`` fails the test) like pyld."""
    expected = outcome(reference.canonicalize, document, loader, **options)
    assert outcome(canonicalize_fast, document, loader, **options) == expected
    return expected


def assert_agrees(
    document: Mapping[str, Any], loader: StaticDocumentLoader = DEFAULT_LOADER, **options: Any
) -> Outcome:
    """``canonicalize``, fast path or not, gives pyld's outcome."""
    expected = outcome(reference.canonicalize, document, loader, **options)
    assert outcome(canonicalize, document, loader, **options) == expected
    return expected
