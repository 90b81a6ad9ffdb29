"""A declared evkg value given to a key whose list does not hold it but another key's does (`vesicleKind:
EngineeredEV`, where EngineeredEV is a particle kind): the finding on it names the key that takes it."""
from __future__ import annotations

import functools

from rdflib import URIRef


def other_key_hint(path, value) -> str:
    """' evkg:EngineeredEV is a value of evkg:particleKind, not of evkg:vesicleKind …' or ''."""
    from evkg.core.namespaces import EVKG
    from evkg.io.context import closed_list_names

    namespace = str(EVKG)
    if not (isinstance(path, URIRef) and isinstance(value, URIRef) and str(path).startswith(namespace)
            and str(value).startswith(namespace)):
        return ""
    name, key = str(value)[len(namespace):], str(path)[len(namespace):]
    own = closed_list_names(str(path))
    if not own or name in own:        # a key without a list of values (notReported) has no value to misplace
        return ""
    keys = [k for k in _keys_taking().get(name, ()) if k != key]
    if not keys:
        return ""
    # evkg: names, which a YAML or JSON report shows without the prefix
    return (f" evkg:{name} is a value of {' or '.join(f'evkg:{k}' for k in keys)}, not of evkg:{key}: if that is "
            f"what you meant, move it there and give evkg:{key} one of its own values.")


@functools.cache
def _keys_taking() -> dict[str, tuple[str, ...]]:
    """Each value of a closed list, with the keys (evkg properties) whose lists hold it."""
    from rdflib.namespace import OWL, RDF

    from evkg.core import resources
    from evkg.core.namespaces import EVKG
    from evkg.io.context import closed_list_names

    ontology = resources.ontology_graph()
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                  for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(EVKG))}
    keys: dict[str, list[str]] = {}
    for prop in sorted(properties, key=str):
        for name in closed_list_names(str(prop)):
            keys.setdefault(name, []).append(str(prop)[len(str(EVKG)):])
    return {name: tuple(found) for name, found in keys.items()}
