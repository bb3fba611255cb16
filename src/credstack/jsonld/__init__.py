"""JSON-LD: bundled contexts, an offline document loader, safe expansion and canonicalization.

>>> from credstack.jsonld import canonicalize
>>> doc = {"@context": {"name": "https://schema.org/name"}, "@id": "urn:x:1", "name": "A"}
>>> canonicalize(doc)
'<urn:x:1> <https://schema.org/name> "A" .\\n'

Where things are: ``loader`` (the pinned contexts), ``safe`` (what safe mode refuses),
``reference`` (pyld: the yardstick and the fallback), ``canon`` (``canonicalize``: the fast
path, or pyld), and the fast path itself: ``contexts`` (contexts compiled once), ``to_rdf``
with ``values`` and ``dataset`` (JSON-LD straight to quads), ``nquads`` (terms as text) and
``rdfc`` (RDFC-1.0).
"""

from credstack.jsonld.canon import canonicalize
from credstack.jsonld.loader import DEFAULT_LOADER, StaticDocumentLoader, load_context
from credstack.jsonld.reference import expand

__all__ = ["DEFAULT_LOADER", "StaticDocumentLoader", "canonicalize", "expand", "load_context"]
