"""Statements a submission makes about the vocabulary itself, which it may use but never redefine.

A description states facts about its own product with the terms of the vocabulary; what a term means, what it
is called and what kind of thing it is are the vocabulary's to say. A statement whose subject is a term of the
vocabulary (`evkg:NotApplicableRole rdfs:label "active substance"`) or that ties a node to one as a kind or an
alias of it (`ex:Gadget rdfs:subClassOf evkg:EVProduct`, `ex:role owl:sameAs evkg:ActiveSubstanceRole`) would
rename a value in the report or make a node count as something it was never typed as. Such statements are
reported (TRUST-02) and taken out before the shapes and rules run.

A term of the vocabulary is any IRI in the evkg, shapes, RDF, RDFS, OWL, SHACL or XSD namespaces, and any term
the bundled ontology or shapes describe (the external terms declared locally included).
"""
from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from evkg.core import resources
from evkg.core.namespaces import EVKG, EVSH

VOCABULARY_NAMESPACES = tuple(str(ns) for ns in (EVKG, EVSH, RDF, RDFS, OWL, SH, XSD))
# the predicates that make a node a kind, a part or an alias of what they point to
SCHEMA_PREDICATES = tuple(str(p) for p in (
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.sameAs, OWL.inverseOf, OWL.disjointWith, OWL.complementOf, OWL.unionOf, OWL.intersectionOf,
    OWL.propertyChainAxiom, OWL.hasKey))


@functools.cache
def _subjects() -> tuple[frozenset, frozenset]:
    """The IRIs the bundled ontology, and the bundled shapes, say anything about (from the build cache: reading
    every statement of both graphs took a cold check some 40 ms)."""
    return resources.cached_build("described-terms", resources.turtle_files("ontology") + resources.shape_files(),
                                  _build_subjects, code=True)


def _build_subjects() -> tuple[frozenset, frozenset]:
    return tuple(frozenset(str(s) for s in graph.subjects() if isinstance(s, URIRef))
                 for graph in (resources.ontology_graph(), resources.shapes_graph()))


@functools.cache
def described_terms() -> frozenset:
    """The IRIs the bundled ontology and shapes say anything about."""
    ontology, shapes = _subjects()
    return ontology | shapes


@functools.cache
def declared_evkg_terms() -> frozenset:
    """The evkg: IRIs the bundled ontology says anything about: the names a description may use."""
    return frozenset(term for term in _subjects()[0] if term.startswith(str(EVKG)))


def is_vocabulary_term(iri: str) -> bool:
    return iri.startswith(VOCABULARY_NAMESPACES) or iri in described_terms()


def redefining_statements(store: ox.Store, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """The statements of `graph` (the default graph when None) about a vocabulary term, or tying a node to one
    by a schema predicate, in a stable order."""
    graph_name = graph if graph is not None else ox.DefaultGraph()
    where = f"GRAPH <{graph.value}> {{ ?s ?p ?o }}" if graph is not None else "?s ?p ?o"
    found = set()
    subjects = [s for (s,) in store.query(f"SELECT DISTINCT ?s WHERE {{ {where} FILTER(isIRI(?s)) }}")
                if is_vocabulary_term(s.value)]
    for subject in subjects:
        found.update(store.quads_for_pattern(subject, None, None, graph_name))
    for predicate in SCHEMA_PREDICATES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph_name):
            if isinstance(quad.object, ox.NamedNode) and is_vocabulary_term(quad.object.value):
                found.add(quad)
    return sorted(found, key=str)


def take_redefining_statements(store: ox.Store, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """redefining_statements(), removed from the store."""
    found = redefining_statements(store, graph)
    for quad in found:
        store.remove(quad)
    return found
