"""The in-memory store a check runs on: the ontology in its own named graph (ONTOLOGY_GRAPH) and the submitted
data in DATA_GRAPH, so the compiled shapes and the report's questions see both. A thread reuses its store from
one check to the next, because copying the ontology in costs more than checking one small product.
"""
from __future__ import annotations

import contextlib
import functools
import threading

import pyoxigraph as ox
from rdflib import Graph

from evkg.core import resources
from evkg.validation.compiled import DATA_GRAPH

ONTOLOGY_GRAPH = ox.NamedNode("urn:evkg:graph:ontology")


def new_store() -> ox.Store:
    """An in-memory store holding the ontology in its own named graph, ready for submitted data."""
    store = ox.Store()
    store.bulk_extend(_ontology_quads())
    return store


_SPARE = threading.local()


# Pyoxigraph's in-memory store keeps what was removed from it, and queries slow down as that grows: a reused
# store is replaced once this many statements have passed through it.
_REUSE_LIMIT = 20_000


@contextlib.contextmanager
def working_store():
    """A store like new_store(), reused by this thread from one check to the next: copying the ontology into
    a fresh store costs more than checking one product. The submitted data (DATA_GRAPH) is removed after."""
    store, used = getattr(_SPARE, "store", None), getattr(_SPARE, "used", 0)
    _SPARE.store = None                         # taken: a nested use gets a store of its own
    if store is None:
        store, used = new_store(), 0
    try:
        yield store
    finally:
        # the data's statements counted alone: the length of a store is counted statement by statement,
        # the ontology's too
        (count,), = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }} }}")
        used += int(count.value)
        store.clear_graph(DATA_GRAPH)
        # keep it for the next check if nothing else was left behind and it has not seen too much
        if (set(store.named_graphs()) <= {ONTOLOGY_GRAPH, DATA_GRAPH} and not store.query("ASK { ?s ?p ?o }")
                and used < _REUSE_LIMIT):
            _SPARE.store, _SPARE.used = store, used


@contextlib.contextmanager
def working_store_holding(data: Graph):
    """working_store() with `data` as the submitted data."""
    from evkg.io.rdf import quads_of

    with working_store() as store:
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, DATA_GRAPH) for q in quads_of(data))
        yield store


@functools.cache
def _ontology_quads() -> tuple:
    """The ontology's statements in ONTOLOGY_GRAPH, read from the cache of bundled builds as N-Quads: parsing
    those takes a tenth of converting the parsed ontology statement by statement. Its blank nodes are those of
    ontology_graph() in this process: processes started together on an empty cache each parse the ontology,
    with blank nodes of their own, and the last to write the parse wins, so the N-Quads are keyed on a blank
    node of the parse they were made from (each parse names its blank nodes afresh)."""
    import io

    from rdflib import RDF, BNode

    ontology = resources.ontology_graph()
    parse = min((str(s) for p in (RDF.type, RDF.first) for s in ontology.subjects(p, None) if isinstance(s, BNode)),
                default="")
    nquads = resources.cached_build("ontology-quads", resources.turtle_files("ontology"), _ontology_nquads,
                                    code=True, key=parse)
    return tuple(ox.parse(io.BytesIO(nquads), format=ox.RdfFormat.N_QUADS))


def _ontology_nquads() -> bytes:
    from evkg.io.rdf import quads_of

    return ox.serialize([ox.Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH)
                         for q in quads_of(resources.ontology_graph())], format=ox.RdfFormat.N_QUADS)


def store_of_graph(data: Graph) -> ox.Store:
    from evkg.io.rdf import quads_of

    store = new_store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, DATA_GRAPH) for q in quads_of(data))
    return store
