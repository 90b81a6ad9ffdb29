"""The name of a part of a description that has no name of its own, when its type does not tell it apart: a
measurement written under `dose:` is "the dose #1", not "the measurement #1" that its preparation may also have;
and the CURIE a description writes for a term that has no label to show."""
from __future__ import annotations

import functools

from rdflib import URIRef
from rdflib.namespace import RDFS


@functools.cache
def part_name(key: str, types: tuple) -> str | None:
    """The label of the property `key` when a part of one of `types` is numbered under it and other properties
    take parts of that type too (dose, measurement, starting material amount: all measurements); else None."""
    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    ontology = resources.ontology_graph()
    label = ontology.value(EVKG[key], RDFS.label)
    if label is None:
        return None
    for kind in types:
        shared = len(set(ontology.subjects(RDFS.range, URIRef(kind)))) > 1
        if shared and str(label) != str(ontology.value(URIRef(kind), RDFS.label) or ""):
            return str(label)
    return None


def written_curie(iri: str) -> str:
    """The CURIE a description writes for an ontology term (CVCL:0045, CL:0002518, uniprot:P25063), else the
    shortest CURIE under a bundled prefix, else the IRI."""
    from evkg.core.namespaces import curie
    from evkg.terms.index import curie_of, id_prefix

    return curie_of(iri) if id_prefix(iri) else curie(iri)
