"""Resolve the sources of claims (dct:source, CiTO) to works and acts, and find those that resolve to nothing."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from evkg.core.namespaces import BIBO, DCT, EVKG, FABIO, FOAF
from evkg.literature.identifiers import (
    ACT_BASE,
    DCAT,
    PAPER_DOI_BASE,
    PAPER_PMID_BASE,
    PRISM,
    SCHEMA,
    SOURCE_PROPERTIES,
    TRIAL_BASE,
    normalise_doi,
    paper_iri,
)
from evkg.literature.web_addresses import named_by_link


# ---------------------------------------------------------------------------------------------- resolving
def user_references_path() -> Path:
    """The user's imported references: references.ttl in the same folder as the user's store."""
    import platformdirs

    return Path(platformdirs.user_data_dir("evkg")) / "references.ttl"




@functools.cache
def bibliographic_graph() -> Graph:
    """The bundled literature (data/literature/*.ttl) and act register (data/acts.ttl). Read-only."""
    from evkg.core import resources

    return resources.reference_graph()


@functools.cache
def _user_graph(path_text: str, mtime: float) -> Graph:
    graph = Graph()
    graph.parse(path_text, format="turtle")
    return graph


def user_references_graph(path=None) -> Graph:
    path = Path(path) if path else user_references_path()
    if not path.exists():
        return Graph()
    try:
        return _user_graph(str(path), path.stat().st_mtime)
    except Exception:  # a damaged user file must not stop `evkg check`; `literature import` reports it
        return Graph()


_REGISTRY_PATTERNS = (
    (re.compile(r"^https?://(?:www\.)?clinicaltrials\.gov/(?:study|ct2/show)/(NCT\d{8})/?$"), "ClinicalTrials.gov"),
    (re.compile(r"^https?://(?:www\.)?clinicaltrialsregister\.eu/ctr-search/search\?query=(\d{4}-\d{6}-\d{2})$"),
     "EU Clinical Trials Register"),
    (re.compile(r"^https?://(?:www\.)?isrctn\.com/(ISRCTN\d+)$"), "ISRCTN registry"),
)


def _doi_from_resolver(iri: str) -> str | None:
    if re.match(r"^https?://(?:dx\.)?doi\.org/", iri):
        try:
            return normalise_doi(iri)
        except ValueError:
            return None
    return None


def _first(graph: Graph, node, props):
    for prop in props:
        value = graph.value(node, prop)
        if value is not None:
            return value
    return None


def describe(graph: Graph, node: URIRef) -> dict:
    """A plain dictionary of what `graph` says about one paper or act."""
    iri = str(node)
    authors = []
    head = graph.value(node, BIBO.authorList)
    if head is not None:
        authors = [str(a) for a in Collection(graph, head)]
    elif (node, DCT.creator, None) in graph:
        authors = sorted(str(a) for a in graph.objects(node, DCT.creator))
    doi = graph.value(node, BIBO.doi)
    pmid = graph.value(node, FABIO.hasPubMedId)
    if iri.startswith(ACT_BASE):
        tail = iri[len(ACT_BASE):].strip("/")
        kind = "provision" if "/" in tail else "act"
    elif iri.startswith(TRIAL_BASE):
        kind = "trial"
    else:
        kind = "paper"
    url = _first(graph, node, (FOAF.page, SCHEMA.url, DCAT.landingPage, RDFS.seeAlso, OWL.sameAs))
    if url is None and doi:
        url = f"https://doi.org/{doi}"
    part_of = _first(graph, node, (EVKG.provisionOf, DCT.isPartOf))
    if part_of is None and kind == "provision":
        parent = URIRef(ACT_BASE + iri[len(ACT_BASE):].strip("/").split("/")[0])
        part_of = parent if (parent, None, None) in graph else None
    return {
        "iri": iri,
        "kind": kind,
        "label": str(_first(graph, node, (RDFS.label, DCT.title)) or iri),
        "title": str(graph.value(node, DCT.title)) if graph.value(node, DCT.title) is not None else None,
        "authors": authors,
        "year": str(graph.value(node, FABIO.hasPublicationYear) or "") or None,
        "journal": str(graph.value(node, PRISM.publicationName) or "") or None,
        "citation": str(graph.value(node, DCT.bibliographicCitation) or "") or None,
        "doi": str(doi) if doi else None,
        "pmid": str(pmid) if pmid else None,
        "pmcid": str(graph.value(node, FABIO.hasPubMedCentralId) or "") or None,
        "identifier": str(_first(graph, node, (EVKG.officialIdentifier, DCT.identifier)) or "") or None,
        "url": str(url) if url else None,
        "part_of": str(part_of) if part_of else None,
        "note": str(graph.value(node, EVKG.verificationNote) or "") or None,
        "retracted": next((str(c) for c in graph.objects(node, RDFS.comment) if str(c).startswith("Retracted")),
                          None),
    }


def _locate(iri, user_references=None) -> tuple | None:
    """Where a source IRI is described: ("graph", graph, node), ("trial", data graph, node) or ("registry",
    registry name, record identifier); None when nowhere."""
    text = str(iri)
    doi = _doi_from_resolver(text)
    node = paper_iri(doi=doi) if doi else URIRef(text)
    for graph in (bibliographic_graph(), user_references_graph(user_references)):
        if (node, None, None) in graph:
            return "graph", graph, node
        named = named_by_link(text, graph)      # a PubMed, EUR-Lex or eCFR page of what the graph holds
        if named is not None:
            return "graph", graph, named
    if text.startswith(TRIAL_BASE):
        from evkg.core import resources

        data = resources.data_graph()
        if (node, RDF.type, EVKG.ClinicalTrial) in data:
            return "trial", data, node
    for pattern, registry in _REGISTRY_PATTERNS:
        match = pattern.match(text)
        if match:
            return "registry", registry, match.group(1)
    return None


_REGISTRY_LINKS = ((re.compile(r"NCT\d{8}"), "https://clinicaltrials.gov/study/{}"),
                   (re.compile(r"\d{4}-\d{6}-\d{2}"),
                    "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}"),
                   (re.compile(r"ISRCTN\d+"), "https://www.isrctn.com/{}"))


def registry_link(iri) -> str | None:
    """The public registry record of a trial IRI (trial:NCT…) that evkg's curated trials lack, as a link that
    is_known_source accepts; None when the IRI is not a trial IRI or its number belongs to no registry listed."""
    text = str(iri)
    if not text.startswith(TRIAL_BASE):
        return None
    number = text[len(TRIAL_BASE):]
    return next((link.format(number) for pattern, link in _REGISTRY_LINKS if pattern.fullmatch(number)), None)


def is_known_source(iri, user_references=None) -> bool:
    """Whether resolve_source would find the source (without building its record)."""
    return _locate(iri, user_references) is not None


def resolve_source(iri, user_references=None) -> dict | None:
    """Look a source IRI up among the bundled literature, the act register and the user's references.

    Also accepts a DOI resolver link (https://doi.org/…), which is looked up as the paper it names, and links
    to trial registry records (ClinicalTrials.gov, EU CTR, ISRCTN). Returns None when nothing describes it.
    """
    located = _locate(iri, user_references)
    if located is None:
        return None
    kind, where, what = located
    if kind == "graph":
        return describe(where, what)
    if kind == "trial":
        record = describe(where, what)
        record["label"] = str(where.value(what, RDFS.label) or where.value(what, EVKG.trialRegistryId) or str(iri))
        return record
    text = str(iri)
    return {"iri": text, "kind": "registry-record", "label": f"{where} {what}",
            "identifier": what, "url": text, "title": None, "authors": [], "year": None,
            "journal": None, "citation": None, "doi": None, "pmid": None, "pmcid": None,
            "part_of": None, "note": None}


def _checked_objects(graph: Graph):
    for prop in SOURCE_PROPERTIES:
        yield from ((s, o) for s, o in graph.subject_objects(prop))
    for s, o in graph.subject_objects(RDFS.isDefinedBy):  # only where it points into our own papers or acts
        if str(o).startswith((PAPER_DOI_BASE, PAPER_PMID_BASE, ACT_BASE)):
            yield s, o


def unresolved_sources(graph: Graph, user_references=None) -> list[tuple]:
    """(subject, source IRI) pairs whose source is neither a known paper, act, provision nor registry record."""
    found = set()
    for subject, source in _checked_objects(graph):
        if isinstance(source, URIRef) and not is_known_source(source, user_references):
            found.add((subject, source))
    return sorted(found, key=lambda pair: (str(pair[0]), str(pair[1])))


def sources_of(graph: Graph, subject) -> list[URIRef]:
    """The source IRIs a subject names directly (dct:source, CiTO citations, rdfs:isDefinedBy)."""
    found = []
    for prop in SOURCE_PROPERTIES + (RDFS.isDefinedBy,):
        for value in graph.objects(subject, prop):
            if isinstance(value, URIRef) and value not in found:
                found.append(value)
    return found


