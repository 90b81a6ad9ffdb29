"""Term look-up while writing: `evkg terms search "osteoarthritis"` and the web form's term fields.

The terms come from one place, `_term_records()`: today the external terms declared with the package
(ontology/imports/external.ttl, read through the ontology graph). A richer term index plugs in there and
every caller — the command, the web page, the templates — gets it. Results can be limited to the kind of
term a property takes (the ID spaces the description model gives it: MONDO for an indication, CL for a
producer cell type …).
"""
from __future__ import annotations

import functools
import re

from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from evkg.core import resources
from evkg.core.errors import UsageError
from evkg.core.namespaces import EVKG
from evkg.io.context import bundled_context


@functools.cache
def _term_records() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(IRI, label, synonyms) of every external term evkg knows."""
    graph = resources.ontology_graph()
    evkg = str(EVKG)
    records = []
    for term, label in graph.subject_objects(RDFS.label):
        iri = str(term)
        if not isinstance(term, URIRef) or iri.startswith(evkg) or iri.startswith("https://w3id.org/evkg"):
            continue
        kinds = set(graph.objects(term, RDF.type))
        if kinds & {OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Ontology, RDF.Property}:
            continue
        synonyms = tuple(sorted(str(s) for s in graph.objects(term, SKOS.altLabel)))
        records.append((iri, str(label), synonyms))
    return tuple(sorted(records))


def _compact(iri: str) -> tuple[str, str]:
    """(CURIE, ID space) of an IRI in the evkg context."""
    curie = _compactor().curie(iri)
    return curie, curie.split(":", 1)[0] if curie != iri else ""


@functools.cache
def _compactor():
    from evkg.io.write import Compactor

    return Compactor()


def term_spaces_for(property_key: str) -> list[str]:
    """The ID spaces a property's terms come from, per the description model ([] when it takes no terms)."""
    from evkg.authoring.model import description_model

    spaces: set[str] = set()
    found = False
    for slot in description_model().slots.values():
        for field_ in slot.fields:
            if field_.key == property_key:
                found = True
                if field_.kind == "term":
                    spaces.update(field_.term_spaces)
    if not found:
        raise UsageError(f"no property {property_key!r} in the evkg vocabulary; see docs/vocabulary.md.")
    return sorted(spaces)


def search_terms(query: str, *, for_property: str | None = None, spaces: list[str] | None = None,
                 limit: int = 20) -> list[dict]:
    """Terms whose label or synonym matches every word of ``query`` (case-insensitive), best first: an exact
    label, then a label that starts with the query, then one with a word that does, then any match. Each hit:
    iri, curie (as the evkg context writes it), label, space (the CURIE prefix), matched (the label or synonym
    that matched), kinds, obsolete, replaced_by and source, as the term index gives them."""
    words = [w for w in re.split(r"\s+", query.strip().lower()) if w]
    if not words:
        raise UsageError("give some words to search for, e.g. evkg terms search \"osteoarthritis\".")
    if for_property:
        spaces = sorted(set(spaces or []) | set(term_spaces_for(for_property)))
    wanted = {s.lower() for s in spaces or []}
    known = {k.lower() for k in bundled_context()["@context"]}
    unknown = wanted - known
    if unknown:
        raise UsageError(f"unknown ID space(s): {', '.join(sorted(unknown))}; use a prefix such as MONDO, CL, "
                         "UBERON, NCBITaxon or up.")
    phrase = " ".join(words)
    ranked = []
    for iri, label, synonyms in _term_records():
        curie, space = _compact(iri)
        if wanted and space.lower() not in wanted:
            continue
        best = None
        for name in (label, *synonyms):
            text = name.lower()
            if not all(w in text for w in words):
                continue
            if text == phrase:
                rank = 0
            elif text.startswith(phrase):
                rank = 1
            elif re.search(r"\b" + re.escape(words[0]), text):
                rank = 2
            else:
                rank = 3
            if best is None or rank < best[0]:
                best = (rank, name)
        if best is None and phrase.replace(" ", "") in curie.lower().replace("_", ":"):
            best = (0, curie)
        if best is not None:
            ranked.append((best[0], len(label), label.lower(), {
                "iri": iri, "curie": curie, "label": label, "space": space, "matched": best[1], "kinds": [],
                "obsolete": False, "replaced_by": [], "source": "bundled"}))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]
