"""The store a check runs on is reused by the next check of the same thread only when the check left nothing
behind but its own data, which is removed: the next check must see the ontology and its own data alone."""
from __future__ import annotations

import pyoxigraph as ox

from evkg.validation import store as working
from evkg.validation.store import DATA_GRAPH, ONTOLOGY_GRAPH, working_store

A, P = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p")


def _spare():
    return getattr(working._SPARE, "store", None)


def test_a_store_whose_check_left_only_its_data_is_reused_without_it():
    with working_store() as first:
        first.add(ox.Quad(A, P, ox.Literal("x"), DATA_GRAPH))
    with working_store() as second:
        assert second is first
        assert not second.query(f"ASK {{ GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }} }}")
        assert second.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH.value}> {{ ?s ?p ?o }} }}")


def test_a_store_with_statements_outside_the_data_is_not_reused():
    for graph in (ox.DefaultGraph(), ox.NamedNode("urn:evkg:graph:other")):
        with working_store() as used:
            used.add(ox.Quad(A, P, ox.Literal("x"), graph))
        assert _spare() is None
        with working_store() as fresh:
            assert fresh is not used
            assert not fresh.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(?g != <" + ONTOLOGY_GRAPH.value + ">) }")
            assert not fresh.query("ASK { ?s ?p ?o }")


def test_a_store_that_has_seen_too_many_statements_is_replaced():
    with working_store() as first:
        first.extend([ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), P, ox.Literal("x"), DATA_GRAPH)
                      for i in range(working._REUSE_LIMIT + 1)])
    assert _spare() is None
