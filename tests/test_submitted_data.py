"""What the report asks of the submitted data (evkg.validation.engine.SubmittedData) is the same whichever way it
is computed: terms converted once per check, kinds of unnamed nodes put in order in Python."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from evkg.io.rdf import RdflibTerms, to_rdflib
from evkg.validation.engine import SubmittedData
from evkg.validation.store import DATA_GRAPH, store_of_graph

XSD = "http://www.w3.org/2001/XMLSchema#"

UNNAMED_PARTS = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/p> a evkg:EVProduct ; rdfs:label "Test product" ;
    evkg:hasEVComponent _:typed, _:plain ; evkg:separationStep _:role .
_:typed a evkg:SeparationStep, evkg:MarkerResult, _:ownKind, "a literal kind" .
_:ownKind rdfs:label "own kind" .
_:plain a evkg:SeparationStep, evkg:MarkerResult .
_:role rdfs:comment "a step described by its role only" .
"""


def test_a_term_is_converted_once_and_as_to_rdflib_converts_it():
    terms = [ox.NamedNode("https://example.org/a"), ox.BlankNode("b1"), ox.Literal("text"),
             ox.Literal("Text", language="en"), ox.Literal("yes", datatype=ox.NamedNode(XSD + "boolean")),
             ox.Literal("0200", datatype=ox.NamedNode(XSD + "integer"))]
    as_rdflib = RdflibTerms()
    for term in terms:
        converted = as_rdflib[term]
        assert converted.n3() == to_rdflib(term).n3()
        assert type(converted) is type(to_rdflib(term))
        assert as_rdflib[term] is converted                  # the same object the second time
    assert str(as_rdflib[terms[4]]) == "yes" and str(as_rdflib[terms[5]]) == "0200"      # as written


def _kinds_by_order_by(store) -> dict:
    """The kinds of every blank node as the report found them before: types, then roles, in SPARQL order."""
    kinds: dict = {}
    for pattern in ("?n a ?k", f"?s ?k ?n FILTER(?k != <{RDF.type}>)"):
        for node, kind in store.query(f"SELECT ?n ?k WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ {pattern} "
                                      f"FILTER(isBlank(?n)) }} }} ORDER BY ?n ?k", use_default_graph_as_union=True):
            kinds.setdefault(to_rdflib(node), []).append(to_rdflib(kind))
    return kinds


def test_unnamed_parts_are_named_by_their_first_kind_in_sparql_order():
    graph = Graph().parse(data=UNNAMED_PARTS, format="turtle")
    store = store_of_graph(graph)
    submitted = SubmittedData(store)
    assert submitted.kinds == _kinds_by_order_by(store)
    product = URIRef("https://example.org/p")
    by_name = {submitted.unnamed_label(node): node
               for node in graph.objects(product, URIRef("https://w3id.org/evkg#hasEVComponent"))}
    # types first: blank-node kinds before IRIs, IRIs in order (MarkerResult before SeparationStep), literals
    # last; then its roles
    assert set(by_name) == {"the own kind of Test product", "the marker result of Test product"}
    assert [type(k) for k in submitted.kinds[by_name["the own kind of Test product"]]] == [
        BNode, URIRef, URIRef, Literal, URIRef]
    role = graph.value(product, URIRef("https://w3id.org/evkg#separationStep"))
    assert submitted.unnamed_label(role) == "the separation step of Test product"
