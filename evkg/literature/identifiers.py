"""Paper, act and trial IRIs: the one place that mints them from DOIs and PubMed IDs."""
from __future__ import annotations

import re
from urllib.parse import unquote

from rdflib import Namespace, URIRef

from evkg.core.namespaces import CITO, DCT, EVD

PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

PAPER_DOI_BASE = str(EVD) + "paper/doi/"
PAPER_PMID_BASE = str(EVD) + "paper/pmid/"
ACT_BASE = str(EVD) + "act/"
TRIAL_BASE = str(EVD) + "trial/"

# Properties through which a curated statement names its evidence.
SOURCE_PROPERTIES = (DCT.source, CITO.citesAsEvidence, CITO.citesAsAuthority, CITO.cites,
                     CITO.citesAsDataSource, CITO.usesMethodIn, CITO.obtainsSupportFrom)

# ---------------------------------------------------------------------------------------------- identifiers

_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
# Characters that may not appear raw in an IRI (RFC 3987), plus the delimiters that would change the
# meaning of the path ('#', '?') and '%' itself, so that a DOI containing '%' stays unambiguous.
_IRI_UNSAFE = set(' <>"{}|\\^`#?%')


def normalise_doi(doi: str) -> str:
    """The bare, lower-case DOI: 'https://doi.org/10.3402/JEV.V4.30087' -> '10.3402/jev.v4.30087'."""
    text = str(doi).strip()
    text = _DOI_PREFIXES.sub("", text).strip()
    if "%" in text:  # DOIs copied from a resolver link arrive percent-encoded
        text = unquote(text)
    text = text.strip().rstrip(".").lower()
    if not re.match(r"^10\.\d{3,9}(\.\d+)*/\S+$", text):
        raise ValueError(f"{doi!r} is not a DOI (a DOI starts with '10.', then a registrant number, a slash "
                         "and the item's suffix, e.g. 10.3402/jev.v4.30087)")
    return text


def normalise_pmid(pmid) -> str:
    """The PubMed ID as digits only: 'PMID: 26725829' -> '26725829'."""
    text = re.sub(r"^(?:pmid:?|pubmed:?)\s*", "", str(pmid).strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(f"{pmid!r} is not a PubMed ID (PMIDs are whole numbers, e.g. 26725829)")
    return text.lstrip("0") or "0"


def _iri_encode(text: str) -> str:
    out = []
    for ch in text:
        if ch in _IRI_UNSAFE or ord(ch) < 0x21 or 0x7F <= ord(ch) <= 0x9F:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def paper_iri(doi: str | None = None, pmid=None) -> URIRef:
    """THE IRI of a paper: by DOI when it has one, else by PubMed ID.

    >>> str(paper_iri(doi="https://doi.org/10.3402/JEV.V4.30087"))
    'https://w3id.org/evkg/data/paper/doi/10.3402/jev.v4.30087'
    """
    if doi:
        return URIRef(PAPER_DOI_BASE + _iri_encode(normalise_doi(doi)))
    if pmid:
        return URIRef(PAPER_PMID_BASE + normalise_pmid(pmid))
    raise ValueError("a paper needs a DOI or a PubMed ID to be named")


