"""Split the data of one large file into chunks of whole products, so a batch is checked in pieces of bounded
size: each piece costs the same whatever the size of the file, and pieces can go to separate processes.

A product travels with everything connected to it: every node it reaches, every node that points to one of
those, and any IRI used as the object of a predicate a shape targets (sh:targetObjectsOf). Nodes connected to
no product (a trial pointing nowhere, say) form chunks of their own. Products that share a described node
stay in one chunk, so every shape and rule sees exactly the data it would see in the whole file.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pyoxigraph as ox

from evkg.core.namespaces import EVKG
from evkg.validation.compiled import DATA_GRAPH

DEFAULT_CHUNK_PRODUCTS = 50


@dataclass
class Chunk:
    products: int                       # products in this chunk (0 for a chunk of unconnected nodes)
    ntriples: bytes                     # the chunk's statements, blank-node labels as in the store


@functools.cache
def _product_type_iris() -> tuple[str, ...]:
    from evkg.core.resources import subclass_closure

    return tuple(sorted(str(c) for c in subclass_closure(EVKG.EVProduct)))


@functools.cache
def _product_types() -> str:
    return " ".join(f"<{c}>" for c in _product_type_iris())


@functools.cache
def _target_predicates() -> frozenset:
    from rdflib.namespace import SH

    from evkg.core import resources

    shapes = resources.shapes_graph()
    return frozenset(f"<{p}>" for p in shapes.objects(None, SH.targetObjectsOf))


def product_count(store: ox.Store) -> int:
    rows = store.query(f"""SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{
        VALUES ?type {{ {_product_types()} }} GRAPH <{DATA_GRAPH.value}> {{ ?p a ?type }} }}""")
    return int(next(iter(rows))["n"].value)


def split(store: ox.Store, chunk_products: int = DEFAULT_CHUNK_PRODUCTS):
    """Chunk objects that together hold every statement of DATA_GRAPH once, in the order of their first
    product's IRI (unconnected nodes last).

    Everything is read from the store up front, so the caller may release the store (the largest part of a
    large file in memory) before taking the chunks; each node's statements are let go as its chunk is made.
    Works on the N-Triples lines of the data (subject, predicate, object are the first two tokens and the
    rest), which is several times faster than walking pyoxigraph terms in Python."""
    # (the node as written in N-Triples, its IRI or blank-node id)
    products = [(str(row["p"]).encode(), row["p"].value) for row in store.query(f"""SELECT DISTINCT ?p WHERE {{
            VALUES ?type {{ {_product_types()} }} GRAPH <{DATA_GRAPH.value}> {{ ?p a ?type }} }}""")]
    return _chunks(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DATA_GRAPH), products, chunk_products)


def split_lines(lines: list[bytes], chunk_products: int = DEFAULT_CHUNK_PRODUCTS) -> tuple[int, object]:
    """(number of products, Chunk objects) of data given as N-Triples lines (evkg.io.load.ntriples_lines):
    the same chunks split() makes of a store, without one."""
    rdf_type = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    types = {f"<{c}>".encode() for c in _product_type_iris()}
    products, seen = [], set()
    for line in lines:
        subject, predicate, rest = line.split(b" ", 2)
        if predicate == rdf_type and rest[:-2] in types and subject not in seen and subject[:1] in b"<_":
            seen.add(subject)
            value = subject[1:-1] if subject[:1] == b"<" else subject[2:]
            products.append((subject, value.decode("utf-8")))
    return len(products), _chunks(lines, products, chunk_products)


def _chunks(data: bytes | list[bytes], products: list[tuple[bytes, str]], chunk_products: int):
    lines_of: dict[bytes, list] = {}
    for line in (data.split(b"\n") if isinstance(data, bytes) else data):
        if line:
            subject, _, _ = line.partition(b" ")
            lines_of.setdefault(subject, []).append(line)
    del data
    parent: dict = {}

    def find(node):
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while node != root:
            parent[node], node = root, parent.get(node, node)
        return root

    targets = {t.encode() for t in _target_predicates()}
    for subject, lines in lines_of.items():
        for line in lines:
            _, predicate, rest = line.split(b" ", 2)
            if rest[:1] == b'"':
                continue
            obj = rest[:-2]                       # drop " ."
            if obj in lines_of or (predicate in targets and obj[:1] == b"<"):
                a, b = find(subject), find(obj)
                if a != b:
                    parent[b] = a
    products_of: dict = {}
    for written, product in products:
        products_of.setdefault(find(written), []).append(product)
    members: dict = {}
    for subject in lines_of:
        members.setdefault(find(subject), []).append(subject)
    ordered = sorted(products_of, key=lambda root: min(products_of[root]))
    orphans = [root for root in members if root not in products_of]
    out: list = []
    count = 0
    for root in ordered:
        for subject in members.get(root, ()):
            out.extend(lines_of.pop(subject))
        count += len(products_of[root])
        if count >= chunk_products:
            yield Chunk(count, b"\n".join(out) + b"\n")
            out, count = [], 0
    if out:
        yield Chunk(count, b"\n".join(out) + b"\n")
    out = [line for root in orphans for subject in members[root] for line in lines_of.pop(subject)]
    if out:
        yield Chunk(0, b"\n".join(out) + b"\n")
