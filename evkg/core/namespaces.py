"""The IRIs evkg mints and reuses, defined once."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

EVKG = Namespace("https://w3id.org/evkg#")
EVSH = Namespace("https://w3id.org/evkg/shapes#")
EVD = Namespace("https://w3id.org/evkg/data/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCT = DCTERMS

JURISDICTION_EU = EVD["jurisdiction/EU"]
JURISDICTION_US = EVD["jurisdiction/US"]
JURISDICTION_KR = EVD["jurisdiction/KR"]

PREFIXES = {
    "evkg": str(EVKG),
    "evsh": str(EVSH),
    "evd": str(EVD),
    "obo": str(OBO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "bibo": str(BIBO),
    "fabio": str(FABIO),
    "cito": str(CITO),
    "prov": str(PROV),
    "foaf": str(FOAF),
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries that do not declare their own."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def bind_prefixes(graph) -> None:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)


def curie(iri: str) -> str:
    """The shortest CURIE for an IRI under a known prefix (the longest matching namespace), else the IRI."""
    best = max(((p, base) for p, base in PREFIXES.items() if iri.startswith(base)), key=lambda pb: len(pb[1]),
               default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def expand_curie(text: str, default_prefix: str | None = None) -> str | None:
    """The IRI a CURIE names (`obo:CL_0000057`), a full http(s) IRI unchanged, or None for an unknown prefix.
    A bare name takes `default_prefix` when one is given."""
    if text.startswith(("http://", "https://")):
        return text
    prefix, sep, local = text.partition(":")
    if not sep:
        return PREFIXES[default_prefix] + text if default_prefix else None
    if local.startswith("//"):
        return None
    return PREFIXES[prefix] + local if prefix in PREFIXES else None
