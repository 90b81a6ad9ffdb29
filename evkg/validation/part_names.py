"""The name of a part of a description that has no name of its own, when its type does not tell it apart: a
measurement written under `dose:` is "the dose #1", not "the measurement #1" that its preparation may also have."""
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
