"""Canonical N-Quads of a JSON-LD document: the fast path, and pyld for everything else.

``to_rdf`` covers what credentials use; when a document needs more it says ``Unsupported``
and the document goes to ``reference.canonicalize``, so the result is always pyld's, byte for
byte, refusals included. ``tests/unit/jsonld`` and ``tests/property`` prove the two agree.

The one exception is a literal holding a control character other than tab, newline and
carriage return, or DEL: the fast path escapes it as RDFC-1.0 requires (section 4.3.1, as the
reference JavaScript stack does), pyld does not, and so the pyld path refuses such a document
with ``unsupported_characters`` instead of returning a form no other verifier would produce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credstack.jsonld import reference
from credstack.jsonld.contexts import Unsupported, universe_of
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader
from credstack.jsonld.rdfc import HASHES
from credstack.jsonld.rdfc import canonicalize as rdfc
from credstack.jsonld.to_rdf import to_quads


def canonicalize(
    document: Mapping[str, Any],
    loader: StaticDocumentLoader = DEFAULT_LOADER,
    *,
    hash_algorithm: str = "sha256",
) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, refusing what safe mode refuses.

    Raises ``UnknownContext`` for a context that is not bundled, ``UndefinedTerm`` for a term,
    type or identifier that would not be signed, and ``InvalidJsonLd`` for invalid JSON-LD or,
    on pyld's path only, for a control character pyld cannot escape (``unsupported_characters``).
    ``hash_algorithm`` is RDFC-1.0's internal hash: ``"sha256"`` (the default), or
    ``"sha384"`` as ecdsa-rdfc-2019 uses with P-384.
    """
    if hash_algorithm not in HASHES:
        raise ValueError(f"RDFC-1.0 hash must be one of {sorted(HASHES)}, not {hash_algorithm!r}")
    try:
        return canonicalize_fast(document, loader, hash_algorithm=hash_algorithm)
    except (Unsupported, RecursionError):
        return reference.canonicalize(document, loader, hash_algorithm=hash_algorithm)


def canonicalize_fast(
    document: Mapping[str, Any],
    loader: StaticDocumentLoader = DEFAULT_LOADER,
    *,
    hash_algorithm: str = "sha256",
) -> str:
    """The fast path alone: raises ``Unsupported`` where ``canonicalize`` would use pyld."""
    try:
        quads = to_quads(document, universe_of(loader))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # Only input that is not plain JSON (say, a dict with integer keys) gets here; what
        # pyld makes of it is pyld's business.
        raise Unsupported(f"unexpected input: {exc!r}") from exc
    return rdfc(quads, hash_algorithm)
