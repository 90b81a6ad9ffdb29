"""Load serialized RDF into a pyoxigraph store so that every blank node stays one node.

Oxigraph's bulk loader, given bytes or a string in N-Triples or N-Quads, cuts the text into pieces parsed in
parallel when the machine has four or more cores, and renames blank nodes piece by piece: a blank node whose
statements fall into two pieces becomes two nodes (a product's measurement loses its value, an OWL
restriction its property). Given a file-like object instead, it reads the text with one parser, and renames
each label once. The bulk loader stays (it writes a persistent store several times faster than a
transactional load); only the way the text is handed over changes. Every load of serialized RDF in evkg goes
through `load_serialized`, or `load_pieces` for text already cut where no blank node spans two pieces.
"""
from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor

# Below this a graph is loaded in one piece: cutting it costs more than the second core saves.
PIECE_MIN_TRIPLES = 50_000


def load_serialized(store, data: bytes | str, rdf_format, *, to_graph=None, base_iri: str | None = None,
                    lenient: bool = False) -> None:
    """Bulk-load `data` (bytes or text in `rdf_format`) into the pyoxigraph `store`, in one parser."""
    reader = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else io.StringIO(data)
    store.bulk_load(reader, format=rdf_format, to_graph=to_graph, base_iri=base_iri, lenient=lenient)


def load_pieces(store, pieces: list[bytes], rdf_format, *, to_graph=None, threads: int | None = None) -> None:
    """Bulk-load `pieces` side by side, one parser and one thread each (the loader releases the GIL, so each
    core parses, sorts and writes its own piece). Each parser names blank nodes anew: no blank node may have
    statements in two pieces, as `ntriples_pieces` guarantees."""
    workers = min(threads or os.cpu_count() or 1, len(pieces))
    if workers <= 1:
        for piece in pieces:
            load_serialized(store, piece, rdf_format, to_graph=to_graph)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(lambda piece: load_serialized(store, piece, rdf_format, to_graph=to_graph), pieces):
            pass                                    # re-raises the first piece's error


def ntriples_pieces(graph, count: int | None = None) -> list[bytes]:
    """The rdflib `graph` as N-Triples in up to `count` pieces (default: one per core, one for a small graph),
    every blank node's statements, and those of the blank nodes linked to it, in the same piece."""
    from rdflib import BNode
    from rdflib.plugins.serializers.nt import _nt_row

    count = count or os.cpu_count() or 1
    if count <= 1 or len(graph) < PIECE_MIN_TRIPLES:
        return [graph.serialize(format="nt", encoding="utf-8")]
    triples = list(graph)                           # one walk of rdflib's store, not two
    parent: dict = {}

    def root(node):
        while (up := parent.get(node)) is not None:
            if (grand := parent.get(up)) is not None:
                parent[node] = grand                # halve the path: a long chain is walked once
            node = up
        return node

    for subject, _, value in triples:
        if isinstance(subject, BNode) and isinstance(value, BNode):
            a, b = root(subject), root(value)
            if a != b:
                parent[a] = b
    roots = {node: root(node) for node in list(parent)}
    rows: list[list[str]] = [[] for _ in range(count)]
    for triple in triples:
        subject, _, value = triple
        anchor = value if isinstance(value, BNode) else subject
        rows[hash(roots.get(anchor, anchor)) % count].append(_nt_row(triple))
    return ["".join(lines).encode("utf-8") for lines in rows if lines]
