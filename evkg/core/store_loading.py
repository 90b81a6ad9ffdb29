"""Load serialized RDF into a pyoxigraph store so that every blank node stays one node.

Oxigraph's bulk loader, given bytes or a string in N-Triples or N-Quads, cuts the text into pieces parsed in
parallel when the machine has four or more cores, and renames blank nodes piece by piece: a blank node whose
statements fall into two pieces becomes two nodes (a product's measurement loses its value, an OWL
restriction its property). Given a file-like object instead, it reads the text with one parser, and renames
each label once. The bulk loader stays (it writes a persistent store several times faster than a
transactional load); only the way the text is handed over changes. Every load of serialized RDF in evkg goes
through `load_serialized`.

A large N-Triples or N-Quads text can be loaded by several bulk loaders at once (`parallel=True`), as
Oxigraph's own command-line loader loads several files into one store: the lines are shared out so that all the
statements of a blank node, and of the blank nodes linked to it, go to the same loader, which renames its
labels once. Writing a persistent store's indexes is most of a bulk load's time, and two loaders on two cores
take about half of it.
"""
from __future__ import annotations

import io
import re
import threading
import zlib

from evkg.core.workers import usable_cores

# Below this size one loader is about as fast: sharing out the lines costs about a second per 100 MB.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
MAX_PARALLEL_LOADERS = 4

# A blank-node label in N-Triples and N-Quads: no space, <, >, " or #, and dots only between other characters.
# Found anywhere in a line, in literals and IRIs too: a label found there as well only keeps more lines
# together, never fewer.
_LABEL = re.compile(rb'_:([^\s<>"#.]+(?:\.+[^\s<>"#.]+)*)')
blank_node_labels = _LABEL.findall         # (line) -> every label written in it, and perhaps a few more


def load_serialized(store, data: bytes | str, rdf_format, *, to_graph=None, base_iri: str | None = None,
                    lenient: bool = False, parallel: bool = False) -> None:
    """Bulk-load `data` (bytes or text in `rdf_format`) into the pyoxigraph `store`, in one parser; with
    `parallel`, a large N-Triples or N-Quads text (bytes) in several at once, blank nodes kept whole."""
    import pyoxigraph as ox

    loaders = min(usable_cores(), MAX_PARALLEL_LOADERS)
    if (parallel and loaders > 1 and isinstance(data, bytes) and len(data) >= PARALLEL_MIN_BYTES
            and rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)):
        _load_in_parts(store, parts_keeping_blank_nodes(data, loaders), rdf_format, to_graph=to_graph,
                       base_iri=base_iri, lenient=lenient)
        return
    reader = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else io.StringIO(data)
    store.bulk_load(reader, format=rdf_format, to_graph=to_graph, base_iri=base_iri, lenient=lenient)


def parts_keeping_blank_nodes(data: bytes, parts: int) -> list[bytes]:
    """N-Triples or N-Quads `data` as `parts` texts holding every line once, in which every blank-node label,
    and every label that shares a line with it, directly or through others, occurs in one text only."""
    lines = data.split(b"\n")
    with_labels = [line for line in lines if b"_:" in line]
    without = [line for line in lines if b"_:" not in line]
    del lines
    parent: dict[bytes, bytes] = {}             # labels that share a line, joined (union-find)

    def root(label: bytes) -> bytes:
        top = label
        while (up := parent.get(top, top)) != top:
            top = up
        while label != top:
            parent[label], label = top, parent[label]
        return top

    firsts = []
    for line in with_labels:
        labels = blank_node_labels(line)
        firsts.append(labels[0] if labels else b"")
        if len(labels) > 1:
            first = root(labels[0])
            for label in labels[1:]:
                other = root(label)
                if other != first:
                    parent[other] = first
    joined = {label: root(label) for label in parent}
    share_of: dict[bytes, int] = {}             # by the label standing for its group
    shares: list[list[bytes]] = [[] for _ in range(parts)]
    for line, label in zip(with_labels, firsts):
        group = joined.get(label, label)
        share = share_of.get(group)
        if share is None:
            share = share_of[group] = zlib.crc32(group) % parts
        shares[share].append(line)
    del with_labels, firsts
    step = -(-len(without) // parts)
    for index, share in enumerate(shares):
        share.extend(without[index * step:(index + 1) * step])
    return [b"\n".join(share) + b"\n" for share in shares]


def _load_in_parts(store, texts: list[bytes], rdf_format, **options) -> None:
    """Each text by its own bulk loader, all at once (the loader leaves Python while it works)."""
    failures: list[BaseException] = []

    def load(text: bytes) -> None:
        try:
            store.bulk_load(io.BytesIO(text), format=rdf_format, **options)
        except BaseException as exc:  # noqa: BLE001 - given to the caller below
            failures.append(exc)

    threads = [threading.Thread(target=load, args=(text,), name="evkg bulk load") for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
