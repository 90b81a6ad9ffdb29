"""Load serialized RDF into a pyoxigraph store so that every blank node stays one node.

Oxigraph's bulk loader, given bytes or a string in N-Triples or N-Quads, cuts the text into pieces parsed in
parallel when the machine has four or more cores, and renames blank nodes piece by piece: a blank node whose
statements fall into two pieces becomes two nodes (a product's measurement loses its value, an OWL
restriction its property). Given a file-like object instead, it reads the text with one parser, and renames
each label once. The bulk loader stays (it writes a persistent store several times faster than a
transactional load); only the way the text is handed over changes. Every load of serialized RDF in evkg goes
through `load_serialized`.
"""
from __future__ import annotations

import io


def load_serialized(store, data: bytes | str, rdf_format, *, to_graph=None, base_iri: str | None = None,
                    lenient: bool = False) -> None:
    """Bulk-load `data` (bytes or text in `rdf_format`) into the pyoxigraph `store`, in one parser."""
    reader = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else io.StringIO(data)
    store.bulk_load(reader, format=rdf_format, to_graph=to_graph, base_iri=base_iri, lenient=lenient)
