"""Every source a description cites must be one a reviewer can look up: a paper or act the graph knows (bundled or
imported by the user), a curated trial, or a trial registry record. The bibliography is not part of the submitted
data, so this check runs here; its shape (SRC-01) carries the general wording, severity and source."""
from __future__ import annotations

import re
from urllib.parse import unquote

from rdflib import Literal, URIRef
from rdflib.namespace import SH

from evkg.core import resources
from evkg.core.namespaces import DCT, EVD, EVSH

UNRESOLVED_SOURCE_SHAPE = EVSH["SRC-01-UnresolvedSource"]


def unresolved_source_results(submitted) -> list:
    """A warning for every cited source the bibliography, act register and user references lack."""
    from evkg.literature.sources import is_known_source, registry_link
    from evkg.validation.compiled import RawResult

    shapes = resources.shapes_graph()
    messages = frozenset(str(m) for m in shapes.objects(UNRESOLVED_SOURCE_SHAPE, SH.message))

    def said(source) -> frozenset:   # text names no paper; a trial evkg lacks is cited by its registry record
        link = None if isinstance(source, Literal) else registry_link(source)
        doi = None if isinstance(source, Literal) else _doi_written_as_a_name(str(source))
        if doi:                        # `source: 10.1002/jev2.12404` in YAML reads as a name, not the paper
            link = f"https://doi.org/{doi}"
            known = ("evkg knows this paper" if is_known_source(URIRef(link)) else
                     "then import the paper if evkg does not know it, with `evkg literature import refs.bib`")
            return frozenset({DOI_AS_NAME.format(doi=doi, link=link, known=known)})
        if isinstance(source, Literal):
            return frozenset({SOURCE_AS_TEXT})
        if link:
            return frozenset({TRIAL_NOT_CURATED.format(link=link)})
        paper = _paper_named(str(source))
        if paper:
            return frozenset({PAPER_NOT_HELD.format(paper=paper)})
        act = _act_named(str(source))
        if act:
            return frozenset({ACT_NOT_HELD.format(name=act)})
        return frozenset({WEB_PAGE}) if str(source).startswith(("http://", "https://")) else messages
    return [RawResult(focus=subject, path=DCT.source, value=source, shape=UNRESOLVED_SOURCE_SHAPE,
                      severity=SH.Warning, messages=said(source), component=SH.SPARQLConstraintComponent)
            for subject, source in submitted.cited_sources()
            if isinstance(source, Literal) or not is_known_source(source)]


TRIAL_NOT_CURATED = ("This trial is not among the trials evkg holds (a trial: name refers to a curated trial "
                     "record), so reviewers cannot see what it is. Cite its registry record instead: {link}")
SOURCE_AS_TEXT = ("This source is written as text, which names no paper or act, so nobody can look it up. Give it "
                  "as a link: the paper's DOI link (https://doi.org/10.…) or another web address, without spaces "
                  "(write a space as %20). Import references the graph lacks with `evkg literature import refs.bib`.")
WEB_PAGE = ("This web page is not a paper or legal act evkg holds, so reports can give only its address, not what it "
            "is. A paper: cite its DOI link (https://doi.org/10.…) or PubMed page, and import it with `evkg literature "
            "import refs.bib` if evkg does not know it. A law or guideline: find the name evkg gives it with `evkg "
            "cite \"Regulation (EC) No 1394/2007\"` (its title as reports print it) and cite that name; an EUR-Lex, "
            "ELI or eCFR address of an act evkg holds is understood as that act.")
PAPER_NOT_HELD = ("This paper ({paper}) is cited in a form evkg reads, but it is not among the papers evkg holds or "
                  "you imported, so reports can name it only by that identifier, not by its authors, title and year. "
                  "Import its "
                  "reference with `evkg literature import refs.bib` (BibTeX, RIS, CSL-JSON or MEDLINE, e.g. exported "
                  "from PubMed or the publisher's page).")
ACT_NOT_HELD = ("evkg holds no law or guideline named {name}. `evkg cite {name}` lists the closest names it holds, "
                "and `evkg cite \"Regulation (EC) No 1394/2007\"` finds an act by its title as reports print it; cite "
                "the act by that name.")
DOI_AS_NAME = ("This source is the DOI {doi} written so that it reads as a name, not as the paper. Write it as its "
               "link, {link} ({known}).")


def _paper_named(iri: str) -> str | None:
    """"DOI …" or "PMID …" when the IRI names a paper: a DOI link, a PubMed page or evkg's paper IRI."""
    from evkg.literature.identifiers import PAPER_DOI_BASE, PAPER_PMID_BASE
    from evkg.literature.web_addresses import pmid_in_link

    doi = re.match(r"https?://(?:dx\.)?doi\.org/(10\.\S+)", iri)
    if doi or iri.startswith(PAPER_DOI_BASE):
        return "DOI " + unquote(doi.group(1) if doi else iri[len(PAPER_DOI_BASE):])
    pmid = iri[len(PAPER_PMID_BASE):] if iri.startswith(PAPER_PMID_BASE) else pmid_in_link(iri)
    return f"PMID {pmid}" if pmid else None


def _act_named(iri: str) -> str | None:
    """"act:…" when the IRI is evkg's name for a law or guideline (one the graph lacks, as a typing error makes)."""
    name = iri.removeprefix(f"{EVD}act/")
    return f"act:{name}" if name and name != iri else None


def _doi_written_as_a_name(iri: str) -> str | None:
    """The DOI inside a source IRI that is not a DOI link: doi:10.…, or a bare 10.… that the YAML reader made an
    evkg name (…#10.1002/jev2.12404)."""
    found = re.fullmatch(r"(?:doi:|info:doi/|[^#]*#)(10\.\d{4,9}/\S+)", iri, re.IGNORECASE)
    return found.group(1) if found else None
