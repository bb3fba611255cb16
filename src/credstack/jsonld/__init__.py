"""JSON-LD: bundled contexts, an offline document loader, safe expansion and canonicalization.

>>> from credstack.jsonld import canonicalize
>>> doc = {"@context": {"name": "https://schema.org/name"}, "@id": "urn:x:1", "name": "A"}
>>> canonicalize(doc)
'<urn:x:1> <https://schema.org/name> "A" .\\n'
"""

from credstack.jsonld.canon import canonicalize
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader, load_context
from credstack.jsonld.reference import expand

__all__ = ["DEFAULT_LOADER", "StaticDocumentLoader", "canonicalize", "expand", "load_context"]
