"""A term of another code system where the property takes one system only (an indication given as a Disease
Ontology term, DOID:0080600, where MONDO or NCIt is needed): the finding names the term of the right system
that has the same name, when the term index knows one."""
from __future__ import annotations

from rdflib import URIRef


def other_code_system_hint(prop, value) -> str:
    """' Did you mean MONDO:0100096 (COVID-19)?' or ''."""
    from evkg.core.namespaces import EVKG
    from evkg.terms.index import default_index, expected_kinds
    from evkg.validation.id_digits import property_patterns as _patterns
    from evkg.validation.terms import _curie

    if not (isinstance(prop, URIRef) and isinstance(value, URIRef) and str(prop).startswith(str(EVKG))
            and not str(value).startswith(str(EVKG))):
        return ""
    patterns = _patterns(str(prop))
    if not patterns or all(p.search(str(value)) for p in patterns):
        return ""
    index = default_index()
    label = index.label(str(value))
    if not label:
        return ""
    close = [t.iri for t in index.closest(label, expected_kinds().get(str(prop), ()), limit=5)
             if all(p.search(t.iri) for p in patterns)]
    return f" Did you mean {_curie(close[0])} ({index.label(close[0])})?" if close else ""
