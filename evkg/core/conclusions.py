"""The conclusion vocabulary: classes and properties that only evkg's classifier and validator may write.

A submission states facts, never conclusions. Triples typed as a classification outcome, a classification
rule or a SHACL validation result, or using their properties, are refused at the trust boundary: the
validator reports them and the classifier drops them before it runs. Agency determinations
(evkg:AgencyDetermination) are facts about a regulator's decision and are not part of this vocabulary.
The classes and properties are read from the ontology (subclasses, rdfs:domain and rdfs:range), so a new
outcome property is refused without a change here.
"""
from __future__ import annotations

import functools

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH

from evkg.core import resources
from evkg.core.namespaces import EVKG

ROOT_CLASSES = (EVKG.ClassificationOutcome, EVKG.ClassificationRule, EVKG.ConclusionStatus,
                SH.ValidationReport, SH.ValidationResult, SH.AbstractResult)
SHACL_RESULT_PROPERTIES = (SH.conforms, SH.result, SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
                           SH.sourceConstraint, SH.sourceConstraintComponent, SH.resultSeverity,
                           SH.resultMessage, SH.detail)


@functools.cache
def conclusion_classes() -> frozenset:
    return frozenset().union(*(resources.subclass_closure(root) for root in ROOT_CLASSES))


@functools.cache
def conclusion_properties() -> frozenset:
    ontology = resources.ontology_graph()
    classes = conclusion_classes()
    found = set(SHACL_RESULT_PROPERTIES)
    for link in (RDFS.domain, RDFS.range):
        for prop, cls in ontology.subject_objects(link):
            if cls in classes and isinstance(prop, URIRef):
                found.add(prop)
    return frozenset(found)


@functools.cache
def conclusion_class_iris() -> frozenset:
    return frozenset(str(c) for c in conclusion_classes())


@functools.cache
def conclusion_property_iris() -> frozenset:
    return frozenset(str(p) for p in conclusion_properties())


def conclusion_pattern(graph_clause: str = "") -> str:
    """A SPARQL group binding ?s ?p ?o to every conclusion triple (inside `GRAPH <g>` when one is given)."""
    classes = " ".join(f"<{c}>" for c in sorted(conclusion_classes(), key=str))
    props = " ".join(f"<{p}>" for p in sorted(conclusion_properties(), key=str))
    inner = (f"{{ VALUES ?conclusionClass {{ {classes} }} ?s <{RDF.type}> ?conclusionClass . ?s ?p ?o }} "
             f"UNION {{ VALUES ?p {{ {props} }} ?s ?p ?o }}")
    return f"GRAPH {graph_clause} {{ {inner} }}" if graph_clause else inner


@functools.cache
def category_class_iris() -> frozenset:
    """The regulatory categories (EU_ATMP, US_CombinationProduct …): the classifier types a product with those
    it concludes, so a description that types a node with one states a conclusion."""
    return frozenset(str(c) for c in resources.subclass_closure(EVKG.RegulatoryCategory))


def category_type_pattern(graph_clause: str = "") -> str:
    """A SPARQL group binding ?s ?p ?o to every statement typing a node with a regulatory category."""
    classes = " ".join(f"<{c}>" for c in sorted(category_class_iris()))
    inner = f"VALUES ?o {{ {classes} }} ?s ?p ?o . FILTER(?p = <{RDF.type}>)"
    return f"GRAPH {graph_clause} {{ {inner} }}" if graph_clause else inner
