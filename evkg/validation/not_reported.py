"""A fact marked as not reported (evkg:notReported) must be named by its vocabulary property: written as text
("vesicleKind") it marks nothing. Checked here rather than by a targeted shape so that marking a fact counts
for nothing in the completeness score, as the fact itself is still not met."""
from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib.namespace import SH

from evkg.core.namespaces import EVKG, EVSH

NAMED_AS_TEXT_SHAPE = EVSH["S-notReported"]


def facts_named_as_text(submitted) -> list:
    """RawResults for every evkg:notReported value that is not a name in the evkg vocabulary, or names a kind or
    a value of it (evkg:EVProduct, evkg:NoCells) rather than a fact. A misspelt name is left to TERM-01."""
    from evkg.core import resources
    from evkg.validation.compiled import DATA_GRAPH, RawResult

    messages = frozenset(str(m) for m in resources.shapes_graph().objects(NAMED_AS_TEXT_SHAPE, SH.message))
    as_rdflib = submitted.as_rdflib
    not_facts = _evkg_terms_that_are_not_facts()
    return [RawResult(focus=as_rdflib[subject], path=EVKG.notReported, value=as_rdflib[value],
                      shape=NAMED_AS_TEXT_SHAPE, severity=SH.Violation, messages=messages,
                      component=SH.NodeKindConstraintComponent)
            for subject, value in submitted.store.query(f"""
                SELECT ?s ?o WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s <{EVKG.notReported}> ?o }} }}""")
            if not (isinstance(value, ox.NamedNode) and value.value.startswith(str(EVKG)))
            or value.value in not_facts]


@functools.cache
def _evkg_terms_that_are_not_facts() -> frozenset[str]:
    """The evkg classes and values: terms of the vocabulary declared with a type that is not a kind of property."""
    from rdflib.namespace import OWL, RDF

    from evkg.core import resources

    ontology = resources.ontology_graph()
    properties = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
    typed: dict = {}
    for term, kind in ontology.subject_objects(RDF.type):
        if str(term).startswith(str(EVKG)):
            typed.setdefault(term, set()).add(kind)
    return frozenset(str(term) for term, kinds in typed.items() if not kinds & properties)
