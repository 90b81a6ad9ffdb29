"""A trial registry identifier written with words around it (`ClinicalTrials.gov NCT04276987`, `EudraCT:
2020-001978-29`): the finding on it names the identifier inside that a registry's format fits."""
from __future__ import annotations

import functools
import re

from rdflib import Literal, URIRef


def registry_id_hint(prop, value) -> str:
    """' Did you mean "NCT04276987" (ClinicalTrials.gov)?' or ''."""
    from evkg.core.namespaces import EVKG

    if prop != EVKG.trialRegistryId or not isinstance(value, Literal):
        return ""
    words = [w.strip(".") for w in re.split(r"[\s,;:()\[\]]+", str(value))]
    # a registry prefix parted from its number by a space or a colon ("NCT 04223622", "ISRCTN: 123…") is one word
    joined = [a + b for a, b in zip(words, words[1:]) if re.fullmatch(r"[A-Za-z]+", a)]
    for word in words + joined:
        for registry, pattern in _patterns():
            if word and word != str(value) and pattern.search(word):
                return f' Did you mean "{word}" ({registry})?'
    return ""


@functools.cache
def _patterns() -> tuple:
    from rdflib.namespace import RDF, RDFS

    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    ontology = resources.ontology_graph()
    found = []
    for registry in sorted(ontology.subjects(RDF.type, EVKG.TrialRegistry), key=str):
        for pattern in ontology.objects(registry, EVKG.identifierPattern):
            if isinstance(registry, URIRef):
                found.append((str(ontology.value(registry, RDFS.label) or registry), re.compile(str(pattern))))
    return tuple(found)
