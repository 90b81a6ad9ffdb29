"""Web addresses that name a paper or act evkg holds: a PubMed page, an EUR-Lex or ELI page of an EU act, an eCFR
page of a US regulation, or any page an act's record gives as its own. A dossier cites sources the way its writer
found them, so `https://pubmed.ncbi.nlm.nih.gov/26725829/` must name the same paper as its DOI."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from evkg.core.namespaces import EVKG, FABIO, FOAF

_PUBMED = re.compile(r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?"
                     r"(?:[?#].*)?$", re.IGNORECASE)
# EUR-Lex names an act by its CELEX number (3 + year + L/R/D + number); a consolidated version starts with 0
# and carries a date after the number.
_CELEX = re.compile(r"^https?://eur-lex\.europa\.eu/.*?CELEX(?::|%3A)[03](\d{4})([LRD])(\d{4})", re.IGNORECASE)
_ELI = re.compile(r"^https?://(?:eur-lex\.europa\.eu|data\.europa\.eu)/eli/(reg|dir|dec)/(\d{4})/(\d{1,4})(?:/|$)",
                  re.IGNORECASE)
_ELI_SECTOR = {"reg": "R", "dir": "L", "dec": "D"}
_ECFR = re.compile(r"^https?://(?:www\.)?(?:ecfr\.gov/current/title-(\d+)/(?:[^?#]*/)?part-(\d+)"
                   r"|law\.cornell\.edu/cfr/text/(\d+)/part-(\d+))(?:[/?#]|$)", re.IGNORECASE)


def pmid_in_link(iri: str) -> str | None:
    """The PubMed ID of a PubMed page's address."""
    found = _PUBMED.match(iri)
    return found.group(1).lstrip("0") or None if found else None


def act_identifier_in_link(iri: str) -> str | None:
    """The official identifier (as evkg's act register writes it) of an EUR-Lex, ELI or eCFR address."""
    text = unquote(iri)
    celex = _CELEX.match(text)
    if celex:
        year, sector, number = celex.groups()
        return f"CELEX 3{year}{sector.upper()}{number}"
    eli = _ELI.match(text)
    if eli:
        kind, year, number = eli.groups()
        return f"CELEX 3{year}{_ELI_SECTOR[kind.lower()]}{int(number):04d}"
    cfr = _ECFR.match(text)
    if cfr:
        title, part = (cfr.group(1), cfr.group(2)) if cfr.group(1) else (cfr.group(3), cfr.group(4))
        return f"{int(title)} CFR Part {int(part)}"
    return None


_ADDRESS_INDEXES: dict[int, tuple] = {}


def _acts_by_address(graph: Graph) -> tuple[dict, dict]:
    """Each act's own page and official identifier, to the act (never one of its provisions)."""
    kept = _ADDRESS_INDEXES.get(id(graph))
    if kept is not None and kept[0] is graph:
        return kept[1]
    pages, identifiers, shared = {}, {}, set()
    for act in graph.subjects(RDF.type, EVKG.LegalAct):
        for page in graph.objects(act, FOAF.page):
            # a site's home page, or a page several acts give, names none of them
            if urlsplit(str(page)).path in ("", "/") or pages.get(str(page), act) != act:
                shared.add(str(page))
            pages.setdefault(str(page), act)
        for identifier in graph.objects(act, EVKG.officialIdentifier):
            identifiers.setdefault(str(identifier), act)
    for page in shared:
        pages.pop(page, None)
    if len(_ADDRESS_INDEXES) > 8:           # graphs come and go (a user's references file is read again)
        _ADDRESS_INDEXES.clear()
    _ADDRESS_INDEXES[id(graph)] = (graph, (pages, identifiers))
    return pages, identifiers


def named_by_link(iri: str, graph: Graph) -> URIRef | None:
    """The paper or act of `graph` that the web address `iri` names, or None."""
    if not iri.startswith(("http://", "https://")):
        return None
    pmid = pmid_in_link(iri)
    if pmid:
        return next(iter(graph.subjects(FABIO.hasPubMedId, Literal(pmid))), None)
    pages, identifiers = _acts_by_address(graph)
    if iri in pages:
        return pages[iri]
    identifier = act_identifier_in_link(iri)
    return identifiers.get(identifier) if identifier else None
