"""What the curated graph says of each node a report may cite (a paper, a legal act, a provision): its names,
web addresses, DOI and the act it belongs to.

Built once from data/ and kept in the build cache, so that a check does not parse the whole curated graph
to name the sources behind its findings and answers.
"""
from __future__ import annotations

import functools

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from evkg.core import resources
from evkg.core.namespaces import BIBO, EVKG, FOAF

# where a web address of a source may be written, in the order one is taken
PAGE_PROPERTIES = tuple(URIRef(p) for p in (
    str(FOAF.page), "https://schema.org/url", "http://schema.org/url", "http://www.w3.org/ns/dcat#landingPage",
    str(RDFS.seeAlso), str(EVKG) + "url"))
FIELDS = ("label", "name", "official_url", "foaf_page", "page", "doi", "provision_of", "part_of")


@functools.cache
def source_table() -> dict[str, dict]:
    """For each IRI the curated graph describes: label (rdfs:label), name (the label, or skos:prefLabel or
    dct:title), official_url (evkg:officialUrl), foaf_page, page (the first of PAGE_PROPERTIES), doi,
    provision_of (evkg:provisionOf) and part_of (evkg:provisionOf or dct:isPartOf); each a string or None."""
    rows = resources.cached_build("source-table", resources.turtle_files("data"), _build, code=True)
    return {iri: dict(zip(FIELDS, row)) for iri, row in rows.items()}


def _build() -> dict[str, tuple]:
    data = resources.data_graph()

    def first(node, *properties):
        value = next((v for p in properties for v in [data.value(node, p)] if v is not None), None)
        return str(value) if value is not None else None

    return {str(s): (first(s, RDFS.label), first(s, RDFS.label, SKOS.prefLabel, DCTERMS.title),
                     first(s, EVKG.officialUrl), first(s, FOAF.page), first(s, *PAGE_PROPERTIES), first(s, BIBO.doi),
                     first(s, EVKG.provisionOf), first(s, EVKG.provisionOf, DCTERMS.isPartOf))
            for s in set(data.subjects()) if isinstance(s, URIRef)}
