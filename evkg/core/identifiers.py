"""Identifier prefixes of the external ontology terms evkg knows, and the IRI stem each prefix stands for.

The term index (evkg.terms) and the JSON-LD context (evkg.io.context) both read these, so every CURIE that
`evkg terms search` prints (CL:0000134, EFO:0004905, CVCL:0063) is one a description can write.
"""
from __future__ import annotations

import functools
import re

from rdflib import URIRef
from rdflib.namespace import RDFS

from evkg.core import resources
from evkg.core.namespaces import EVKG, OBO

OBO_PURL = str(OBO)
# IRI stems for identifier prefixes that are not OBO PURLs (used to turn a CURIE or a bare ID into an IRI).
PREFIX_STEMS = {"EFO": "http://www.ebi.ac.uk/efo/EFO_", "CVCL": "https://www.cellosaurus.org/CVCL_",
                "uniprot": "http://purl.uniprot.org/uniprot/", "HGNC": "http://identifiers.org/hgnc/",
                "NCBIGene": "http://identifiers.org/ncbigene/"}
_IDENTIFIER = re.compile(r"^\s*(?:obo:)?([A-Za-z][A-Za-z0-9]*)[:_]([A-Za-z]?[0-9][0-9A-Za-z]*)\s*$")


@functools.cache
def identifier_stems() -> dict[str, str]:
    """Each identifier prefix of the bundled external terms and term kinds → the IRI stem its local IDs follow
    (CL:0000134 is <http://purl.obolibrary.org/obo/CL_0000134>)."""
    ontology = resources.ontology_graph()
    prefixes = set(PREFIX_STEMS) | {str(p) for p in ontology.objects(None, EVKG.kindIdPrefix)}
    for subject in ontology.subjects(RDFS.label, None):
        local = str(subject)[len(OBO_PURL):] if isinstance(subject, URIRef) and str(subject).startswith(OBO_PURL) else ""
        if "_" in local:
            prefixes.add(local.split("_", 1)[0])
    return {prefix: PREFIX_STEMS.get(prefix, f"{OBO_PURL}{prefix}_") for prefix in sorted(prefixes)}


def iri_for_identifier(text: str) -> str | None:
    """The IRI of a CURIE or bare ID written as text ("MONDO:0005178", "CL_0000057"), for a known prefix."""
    match = _IDENTIFIER.match(text)
    if not match:
        return None
    prefix, local = match.groups()
    stems = identifier_stems()
    canonical = {k.lower(): k for k in stems}.get(prefix.lower())
    return stems[canonical] + local if canonical else None
