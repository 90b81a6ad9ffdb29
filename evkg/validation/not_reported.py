"""A fact marked as not reported (evkg:notReported) must be named by its vocabulary property: written as text
("vesicleKind") it marks nothing. Checked here rather than by a targeted shape so that marking a fact counts
for nothing in the completeness score, as the fact itself is still not met."""
from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import Literal
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
    results = []
    for subject, value in submitted.store.query(f"""
            SELECT ?s ?o WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s <{EVKG.notReported}> ?o }} }}"""):
        if isinstance(value, ox.NamedNode) and value.value.startswith(str(EVKG)) and value.value not in not_facts:
            continue
        found, said = as_rdflib[value], messages
        if entry := _entry_described(submitted.store, DATA_GRAPH, value):
            # a whole entry (a blank node, a nested YAML block) under notReported: say so, not "quoted text"
            found = Literal(f"an entry with {entry}")
            said = frozenset({ENTRY_MESSAGE})
        results.append(RawResult(focus=as_rdflib[subject], path=EVKG.notReported, value=found,
                                 shape=NAMED_AS_TEXT_SHAPE, severity=SH.Violation, messages=said,
                                 component=SH.NodeKindConstraintComponent))
    return results


ENTRY_MESSAGE = ("notReported holds a whole entry with its own facts, not the name of a fact, so it marks nothing. "
                 "List under notReported only the keys of the facts the sources do not report: in YAML "
                 "notReported: [vesicleKind], in Turtle evkg:notReported evkg:vesicleKind. Give the entry under "
                 "the key it describes instead (a measurement under dose or particleSize, say), or remove it.")


def _entry_described(store, data_graph, node) -> str | None:
    """What a node under notReported says about itself ("type Measurement, value 3"), or None when the
    description says nothing about it (a name, a text)."""
    from evkg.core.namespaces import curie

    if isinstance(node, ox.Literal):
        return None
    said = []
    statements = sorted((q.predicate.value, str(q.object.value), q.predicate, q.object)
                        for q in store.quads_for_pattern(node, None, None, data_graph))
    for _, _, predicate, value in statements[:6]:
        key = "type" if predicate.value.endswith("#type") else curie(predicate.value).split(":", 1)[-1]
        shown = value.value if isinstance(value, ox.Literal) else curie(value.value).split(":", 1)[-1] \
            if isinstance(value, ox.NamedNode) else "an entry"
        said.append(f"{key} {shown}")
    if not said and isinstance(node, ox.BlankNode):
        return "nothing in it"
    return ", ".join(said[:5]) + (", …" if len(said) > 5 else "") if said else None


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
