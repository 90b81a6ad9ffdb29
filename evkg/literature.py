"""The literature layer: mint paper IRIs, import reference exports, resolve and collect the sources of claims.

Papers are named by DOI (``evd:paper/doi/<lower-case DOI>``) or, when no DOI is known, by PubMed ID
(``evd:paper/pmid/<PMID>``); :func:`paper_iri` is the only place that mints these IRIs. Reference exports in
BibTeX, RIS, CSL-JSON, PubMed MEDLINE (.nbib) and PubMed XML are read into one record shape, de-duplicated by
DOI and PMID, and written as FaBiO/BIBO/PRISM records. Reading never resolves XML entities and never reaches
the network.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from evkg.errors import InputError
from evkg.namespaces import BIBO, CITO, DCT, EVD, EVKG, FABIO, FOAF, bind_prefixes

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


# ---------------------------------------------------------------------------------------------- records


@dataclass
class Reference:
    """One bibliographic entry as read from an export, before it becomes RDF."""

    path: str
    line: int | None
    key: str
    kind: str = "article"
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    journal: str | None = None
    journal_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}, line {self.line}" if self.line else self.path


@dataclass
class Problem:
    """Something wrong with one entry (or one file): where it is, which entry, and what to do."""

    path: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.path + (f", line {self.line}" if self.line else "")
        entry = f"entry {self.key!r}: " if self.key else ""
        return f"{where}: {entry}{self.message}"


@dataclass
class ImportReport:
    """What an import did: new papers, entries merged into papers already known, entries rejected."""

    graph: Graph
    added: list[URIRef] = field(default_factory=list)
    merged: list[URIRef] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    file_errors: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.file_errors:
            return 2
        return 1 if self.skipped else 0

    def summary(self) -> str:
        lines = [f"{len(self.added)} added, {len(self.merged)} merged, {len(self.skipped)} skipped"]
        for problem in self.file_errors:
            lines.append(f"error: {problem}")
        for problem in self.skipped:
            lines.append(f"skipped: {problem}")
        for problem in self.warnings:
            lines.append(f"warning: {problem}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- names


def _initials(given: str) -> str:
    given = given.strip()
    if not given:
        return ""
    if re.fullmatch(r"[A-Z]{1,4}", given):  # already initials, as in MEDLINE "Lener T"
        return given
    parts = re.split(r"[\s.\-]+", given)
    return "".join(p[0].upper() for p in parts if p and p[0].isalpha())


def author_name(family: str, given: str = "", suffix: str = "") -> str:
    """'Family Initials' as PubMed writes it: ('Witwer', 'Kenneth W.') -> 'Witwer KW'."""
    name = " ".join(part for part in (family.strip(), _initials(given)) if part)
    return f"{name} {suffix.strip()}".strip() if suffix else name


def _split_free_name(text: str) -> str:
    """A name written 'Family, Given' or 'Family GI' (RIS, MEDLINE) -> 'Family Initials'."""
    text = " ".join(text.split())
    if "," in text:
        family, _, rest = text.partition(",")
        given, _, suffix = rest.partition(",")
        return author_name(family, given, suffix)
    return text


def _label(ref_authors: list[str], year) -> str:
    families = [a.split(" ")[0] if not a.endswith("Consortium") else a for a in ref_authors]
    if not families:
        head = "Anonymous"
    elif len(families) == 1:
        head = families[0]
    elif len(families) == 2:
        head = f"{families[0]} and {families[1]}"
    else:
        head = f"{families[0]} et al."
    return f"{head} {year}" if year else head


def _family(author: str) -> str:
    """The family name of a 'Family Initials' string ('Escudé Martinez de Castilla P' keeps all words)."""
    parts = author.split(" ")
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}|Jr|Sr|I{2,3}", parts[-1]):
        if parts[-1] in ("Jr", "Sr") and len(parts) > 2:
            return " ".join(parts[:-2])
        return " ".join(parts[:-1])
    return author


# ---------------------------------------------------------------------------------------------- readers

READERS: dict[str, str] = {
    ".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".csl": "csl-json",
    ".nbib": "medline", ".medline": "medline", ".txt": "medline", ".xml": "pubmed-xml",
}


def detect_format(path: Path, text: str) -> str:
    fmt = READERS.get(path.suffix.lower())
    head = text.lstrip()[:200]
    if fmt == "medline" and path.suffix.lower() == ".txt" and not re.match(r"PMID-|[A-Z]{2,4}\s*-", head):
        fmt = None
    if fmt:
        return fmt
    if head.startswith("@"):
        return "bibtex"
    if re.match(r"TY  -", head):
        return "ris"
    if head[:1] in "[{":
        return "csl-json"
    if head.startswith("PMID-"):
        return "medline"
    if head.startswith("<"):
        return "pubmed-xml"
    raise InputError("the reference format could not be recognised", path=str(path),
                     hint="Use a .bib (BibTeX), .ris, .json (CSL-JSON), .nbib (PubMed MEDLINE) or .xml "
                          "(PubMed XML) export.")


def read_references(path) -> tuple[list[Reference], list[Problem]]:
    """Read every entry of one export. Raises InputError when the file as a whole cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"the file could not be read ({exc.strerror})", path=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    fmt = detect_format(path, text)
    reader = {"bibtex": _read_bibtex, "ris": _read_ris, "csl-json": _read_csl_json,
              "medline": _read_medline, "pubmed-xml": _read_pubmed_xml}[fmt]
    return reader(str(path), text)


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _year(value) -> str | None:
    match = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", str(value or ""))
    return match.group(1) if match else None


def _pmcid(value) -> str | None:
    match = re.search(r"PMC\d+", str(value or ""), re.IGNORECASE)
    return match.group(0).upper() if match else None


# BibTeX ---------------------------------------------------------------------------------------------


def _read_bibtex(path: str, text: str):
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # we report failed blocks ourselves
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()])
    refs, problems = [], []
    for entry in library.entries:
        fields = {k.lower(): f.value for k, f in entry.fields_dict.items()}
        authors = []
        for name in fields.get("author") or []:
            if hasattr(name, "last"):
                family = " ".join(name.von + name.last).strip("{} ")
                authors.append(author_name(family, " ".join(name.first), " ".join(name.jr)))
            else:
                authors.append(_split_free_name(str(name)))
        pmid = fields.get("pmid")
        if not pmid and str(fields.get("eprinttype", "")).lower() == "pubmed":
            pmid = fields.get("eprint")
        refs.append(Reference(
            path=path, line=entry.start_line + 1, key=entry.key, kind=entry.entry_type.lower(),
            title=_clean(str(fields["title"]).replace("{", "").replace("}", "")) if fields.get("title") else None,
            authors=authors, year=_year(fields.get("year") or fields.get("date")),
            journal=_clean(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")),
            volume=_clean(fields.get("volume")), issue=_clean(fields.get("number") or fields.get("issue")),
            pages=_clean(str(fields.get("pages", "")).replace("--", "-")) or None,
            doi=_clean(fields.get("doi")), pmid=_clean(pmid), pmcid=_pmcid(fields.get("pmcid")),
            url=_clean(fields.get("url"))))
    for block in library.failed_blocks:
        raw = getattr(block, "raw", "") or ""
        match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", raw)
        key = match.group(1) if match else None
        error_lines = str(getattr(block, "error", "") or "").strip().splitlines()
        detail = error_lines[-1].strip() if error_lines else "it is not valid BibTeX"
        problems.append(Problem(path, block.start_line + 1, key,
                                f"could not be read ({detail}). Check that every field value is closed with "
                                "a matching brace or quote and fields are separated by commas."))
    return refs, problems


# RIS ------------------------------------------------------------------------------------------------


def _read_ris(path: str, text: str):
    import rispy

    refs, problems = [], []
    lines = text.splitlines()
    start, chunk = None, []
    records: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, 1):
        if re.match(r"^TY  -", line):
            if start is not None:
                problems.append(Problem(path, start, None, "record has no closing 'ER  -' line before the "
                                        "next record starts; add 'ER  -' at its end."))
            start, chunk = number, [line]
        elif start is not None:
            chunk.append(line)
            if re.match(r"^ER  -", line):
                records.append((start, chunk))
                start, chunk = None, []
        elif line.strip():
            problems.append(Problem(path, number, None, "text outside any record (records start with 'TY  -')"))
    if start is not None:
        problems.append(Problem(path, start, None, "record has no closing 'ER  -' line; add one at its end."))
    for start, chunk in records:
        try:
            parsed = rispy.loads("\n".join(chunk) + "\n")
        except Exception as exc:  # rispy raises plain exceptions on malformed tags
            problems.append(Problem(path, start, None, f"could not be read as RIS ({exc})."))
            continue
        for rec in parsed:
            key = rec.get("id") or rec.get("label") or f"record at line {start}"
            authors = [_split_free_name(a) for a in (rec.get("authors") or rec.get("first_authors") or [])]
            pmid = None
            accession = str(rec.get("accession_number") or "")
            if re.fullmatch(r"\d{1,9}", accession.strip()):
                pmid = accession.strip()
            for note in (rec.get("notes") or []) + [rec.get("note") or ""]:
                match = re.search(r"PMID:?\s*(\d+)", str(note))
                pmid = pmid or (match.group(1) if match else None)
            pmcid = None
            for value in (rec.get("custom2"), rec.get("notes")):
                pmcid = pmcid or _pmcid(value)
            pages = rec.get("start_page")
            if pages and rec.get("end_page"):
                pages = f"{pages}-{rec['end_page']}"
            urls = rec.get("urls") or []
            refs.append(Reference(
                path=path, line=start, key=str(key), kind=str(rec.get("type_of_reference", "JOUR")).lower(),
                title=_clean(rec.get("title") or rec.get("primary_title")), authors=authors,
                year=_year(rec.get("year") or rec.get("publication_year") or rec.get("date")),
                journal=_clean(rec.get("secondary_title") or rec.get("journal_name") or rec.get("alternate_title3")),
                journal_abbrev=_clean(rec.get("alternate_title1") or rec.get("alternate_title2")),
                volume=_clean(rec.get("volume")), issue=_clean(rec.get("number")), pages=_clean(pages),
                doi=_clean(rec.get("doi")), pmid=pmid, pmcid=pmcid, url=_clean(urls[0]) if urls else None))
    return refs, problems


# CSL-JSON -------------------------------------------------------------------------------------------


def _read_csl_json(path: str, text: str):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno, column=exc.colno,
                         hint="A CSL-JSON export is a list of objects, one per reference.") from None
    items = data if isinstance(data, list) else data.get("items", [data]) if isinstance(data, dict) else None
    if items is None:
        raise InputError("a CSL-JSON export must be a list of reference objects", path=path)
    lines = text.splitlines()

    def line_of(item_id) -> int | None:
        needle = json.dumps(str(item_id))
        for number, line in enumerate(lines, 1):
            if '"id"' in line and needle in line:
                return number
        return None

    refs, problems = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(path, None, f"item {index + 1}", "is not an object with reference fields."))
            continue
        key = str(item.get("id") or f"item {index + 1}")
        authors = []
        for person in item.get("author") or []:
            if not isinstance(person, dict):
                continue
            if person.get("literal"):
                authors.append(str(person["literal"]))
            else:
                authors.append(author_name(str(person.get("family", "")), str(person.get("given", "")),
                                           str(person.get("suffix", ""))))
        issued = item.get("issued") or {}
        year = None
        if isinstance(issued, dict):
            parts = issued.get("date-parts") or [[]]
            year = _year(parts[0][0]) if parts and parts[0] else _year(issued.get("raw") or issued.get("literal"))
        refs.append(Reference(
            path=path, line=line_of(item.get("id")) if item.get("id") is not None else None, key=key,
            kind=str(item.get("type") or "article-journal"), title=_clean(item.get("title")), authors=authors,
            year=year, journal=_clean(item.get("container-title")),
            journal_abbrev=_clean(item.get("container-title-short") or item.get("journalAbbreviation")),
            volume=_clean(item.get("volume")), issue=_clean(item.get("issue")), pages=_clean(item.get("page")),
            doi=_clean(item.get("DOI")), pmid=_clean(item.get("PMID")), pmcid=_pmcid(item.get("PMCID")),
            url=_clean(item.get("URL"))))
    return refs, problems


# PubMed MEDLINE (.nbib) ----------------------------------------------------------------------------


def _read_medline(path: str, text: str):
    from Bio import Medline

    refs, problems = [], []
    blocks: list[tuple[int, list[str]]] = []
    start, chunk = None, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if chunk:
                blocks.append((start, chunk))
            start, chunk = None, []
            continue
        if start is None:
            start = number
        chunk.append(line + "\n")
    if chunk:
        blocks.append((start, chunk))
    for start, chunk in blocks:
        if not re.match(r"^[A-Z]{2,4}\s*- ", chunk[0]):
            problems.append(Problem(path, start, None, "is not a MEDLINE record (each line starts with a tag "
                                                       "such as 'PMID- ' or 'TI  - ')."))
            continue
        record = Medline.read(iter(chunk))
        pmid = record.get("PMID")
        doi = None
        for aid in list(record.get("AID", [])) + [record.get("LID", "")]:
            if str(aid).strip().endswith("[doi]"):
                doi = str(aid).replace("[doi]", "").strip()
                break
        refs.append(Reference(
            path=path, line=start, key=f"PMID {pmid}" if pmid else f"record at line {start}",
            title=_clean(record.get("TI")), authors=[_clean(a) for a in record.get("AU", []) if _clean(a)],
            year=_year(record.get("DP")), journal=_clean(record.get("JT")), journal_abbrev=_clean(record.get("TA")),
            volume=_clean(record.get("VI")), issue=_clean(record.get("IP")), pages=_clean(record.get("PG")),
            doi=doi, pmid=_clean(pmid), pmcid=_pmcid(record.get("PMC"))))
    return refs, problems


# PubMed XML ----------------------------------------------------------------------------------------


def _read_pubmed_xml(path: str, text: str):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from xml.etree.ElementTree import ParseError

    try:
        # Entities and external references are refused outright; the DOCTYPE line PubMed writes is allowed.
        root = fromstring(text.encode("utf-8"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line, column = exc.position
        raise InputError("not well-formed XML", path=path, line=line, column=column + 1,
                         hint="Export the records again from PubMed (Send to > File > XML).") from None
    except DefusedXmlException as exc:
        raise InputError(f"refused: the XML declares entities or external references ({type(exc).__name__})",
                         path=path, hint="PubMed XML needs neither; export the records again from PubMed.") from None
    starts = [n for n, line in enumerate(text.splitlines(), 1) if "<PubmedArticle>" in line or "<PubmedArticle " in line]
    articles = root.findall(".//PubmedArticle") if root.tag != "PubmedArticle" else [root]
    refs, problems = [], []
    for index, article in enumerate(articles):
        line = starts[index] if index < len(starts) else None
        citation = article.find("MedlineCitation")
        art = citation.find("Article") if citation is not None else None
        if art is None:
            problems.append(Problem(path, line, None, "has no <MedlineCitation>/<Article> element."))
            continue
        pmid = _clean(citation.findtext("PMID"))
        authors = []
        for author in art.findall("AuthorList/Author"):
            if author.findtext("CollectiveName"):
                authors.append(_clean(author.findtext("CollectiveName")))
            elif author.findtext("LastName"):
                authors.append(author_name(author.findtext("LastName"), author.findtext("Initials")
                                           or author.findtext("ForeName") or "", author.findtext("Suffix") or ""))
        ids = {el.get("IdType"): _clean(el.text) for el in article.findall("PubmedData/ArticleIdList/ArticleId")}
        doi = ids.get("doi")
        if not doi:
            for el in art.findall("ELocationID"):
                if el.get("EIdType") == "doi":
                    doi = _clean(el.text)
        journal = art.find("Journal")
        year = None
        if journal is not None:
            year = _year(journal.findtext("JournalIssue/PubDate/Year")
                         or journal.findtext("JournalIssue/PubDate/MedlineDate"))
        title = "".join(art.find("ArticleTitle").itertext()) if art.find("ArticleTitle") is not None else None
        refs.append(Reference(
            path=path, line=line, key=f"PMID {pmid}" if pmid else f"article {index + 1}",
            title=_clean(title), authors=authors, year=year,
            journal=_clean(journal.findtext("Title")) if journal is not None else None,
            journal_abbrev=_clean(journal.findtext("ISOAbbreviation")) if journal is not None else None,
            volume=_clean(journal.findtext("JournalIssue/Volume")) if journal is not None else None,
            issue=_clean(journal.findtext("JournalIssue/Issue")) if journal is not None else None,
            pages=_clean(art.findtext("Pagination/MedlinePgn")), doi=doi, pmid=pmid, pmcid=_pmcid(ids.get("pmc"))))
    return refs, problems


# ---------------------------------------------------------------------------------------------- import

_KIND_CLASS = {
    "article": FABIO.JournalArticle, "article-journal": FABIO.JournalArticle, "jour": FABIO.JournalArticle,
    "ejour": FABIO.JournalArticle, "book": FABIO.Book, "chapter": FABIO.BookChapter,
    "inbook": FABIO.BookChapter, "chap": FABIO.BookChapter, "incollection": FABIO.BookChapter,
    "inproceedings": FABIO.ConferencePaper, "paper-conference": FABIO.ConferencePaper,
    "conf": FABIO.ConferencePaper, "cpaper": FABIO.ConferencePaper, "report": FABIO.ReportDocument,
    "rprt": FABIO.ReportDocument, "techreport": FABIO.ReportDocument, "thesis": FABIO.Thesis,
    "phdthesis": FABIO.DoctoralThesis, "misc": FABIO.Expression,
}


def _citation_text(ref: Reference) -> str | None:
    journal = ref.journal_abbrev or ref.journal
    if not journal:
        return None
    text = journal + (f" {ref.year}" if ref.year else "")
    if ref.volume:
        text += f";{ref.volume}" + (f"({ref.issue})" if ref.issue else "")
        if ref.pages:
            text += f":{ref.pages}"
    return text


def _set_if_missing(graph: Graph, node, prop, value) -> None:
    if value is not None and graph.value(node, prop) is None:
        graph.add((node, prop, value))


def _write_reference(graph: Graph, node: URIRef, ref: Reference) -> None:
    if (node, RDF.type, None) not in graph:
        graph.add((node, RDF.type, _KIND_CLASS.get(ref.kind, FABIO.JournalArticle)))
    _set_if_missing(graph, node, RDFS.label, Literal(_label([_family(a) for a in ref.authors], ref.year)))
    _set_if_missing(graph, node, DCT.title, Literal(ref.title) if ref.title else None)
    if ref.authors and graph.value(node, BIBO.authorList) is None:
        head = BNode()
        Collection(graph, head, [Literal(a) for a in ref.authors])
        graph.add((node, BIBO.authorList, head))
        for author in ref.authors:
            graph.add((node, DCT.creator, Literal(author)))
    if ref.year:
        _set_if_missing(graph, node, FABIO.hasPublicationYear, Literal(ref.year, datatype=XSD.gYear))
    _set_if_missing(graph, node, PRISM.publicationName, Literal(ref.journal) if ref.journal else None)
    citation = _citation_text(ref)
    _set_if_missing(graph, node, DCT.bibliographicCitation, Literal(citation) if citation else None)
    _set_if_missing(graph, node, BIBO.volume, Literal(ref.volume) if ref.volume else None)
    _set_if_missing(graph, node, BIBO.issue, Literal(ref.issue) if ref.issue else None)
    _set_if_missing(graph, node, BIBO.pages, Literal(ref.pages) if ref.pages else None)
    _set_if_missing(graph, node, BIBO.doi, Literal(ref.doi) if ref.doi else None)
    _set_if_missing(graph, node, FABIO.hasPubMedId, Literal(ref.pmid) if ref.pmid else None)
    _set_if_missing(graph, node, FABIO.hasPubMedCentralId, Literal(ref.pmcid) if ref.pmcid else None)
    if ref.url and graph.value(node, RDFS.seeAlso) is None and re.match(r"https?://\S+$", ref.url):
        graph.add((node, RDFS.seeAlso, URIRef(ref.url)))


def _rename(graph: Graph, old: URIRef, new: URIRef) -> None:
    for s, p, o in list(graph.triples((old, None, None))):
        graph.remove((s, p, o))
        graph.add((new, p, o))
    for s, p, o in list(graph.triples((None, None, old))):
        graph.remove((s, p, o))
        graph.add((s, p, new))


class _PaperIndex:
    """Which node holds which DOI and PMID, so that the same paper always lands on one node."""

    def __init__(self, graph: Graph):
        self.by_doi: dict[str, URIRef] = {}
        self.by_pmid: dict[str, URIRef] = {}
        for node, doi in graph.subject_objects(BIBO.doi):
            try:
                self.by_doi[normalise_doi(doi)] = node
            except ValueError:
                pass
        for node, pmid in graph.subject_objects(FABIO.hasPubMedId):
            try:
                self.by_pmid[normalise_pmid(pmid)] = node
            except ValueError:
                pass

    def find(self, doi, pmid):
        return (doi and self.by_doi.get(doi)) or (pmid and self.by_pmid.get(pmid)) or None

    def remember(self, node, doi, pmid):
        if doi:
            self.by_doi[doi] = node
        if pmid:
            self.by_pmid[pmid] = node
        for table in (self.by_doi, self.by_pmid):
            for key, value in list(table.items()):
                if value != node and value in (self.by_doi.get(doi), self.by_pmid.get(pmid)):
                    table[key] = node


def _checked_identifiers(ref: Reference, report: ImportReport) -> tuple[str | None, str | None] | None:
    doi = pmid = None
    if ref.doi:
        try:
            doi = normalise_doi(ref.doi)
        except ValueError as exc:
            report.warnings.append(Problem(ref.path, ref.line, ref.key, f"{exc}; the DOI was left out."))
    if ref.pmid:
        try:
            pmid = normalise_pmid(ref.pmid)
        except ValueError as exc:
            report.warnings.append(Problem(ref.path, ref.line, ref.key, f"{exc}; the PMID was left out."))
    if not doi and not pmid:
        report.skipped.append(Problem(ref.path, ref.line, ref.key,
                                      "has no usable DOI or PubMed ID, so it cannot be given a stable name; add "
                                      "its DOI (or PMID) to the entry and import it again."))
        return None
    return doi, pmid


def import_references(paths, graph: Graph | None = None) -> ImportReport:
    """Read reference exports into `graph` (a new graph if None), one node per paper.

    Entries that name the same paper (same DOI or PMID, within the files or already in `graph`) are merged
    into one node: fields the node lacks are filled in, fields it has are kept. A malformed entry is reported
    with its file, line and key, and the other entries are imported all the same.
    """
    graph = Graph() if graph is None else graph
    bind_prefixes(graph)
    graph.bind("prism", PRISM)
    report = ImportReport(graph=graph)
    index = _PaperIndex(graph)
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        try:
            refs, problems = read_references(path)
        except InputError as exc:
            report.file_errors.append(Problem(exc.path or str(path), exc.line, None,
                                              exc.reason + (f" {exc.hint}" if exc.hint else "")))
            continue
        report.skipped.extend(problems)
        for ref in refs:
            ids = _checked_identifiers(ref, report)
            if ids is None:
                continue
            doi, pmid = ids
            if not ref.title:
                report.warnings.append(Problem(ref.path, ref.line, ref.key, "has no title; add one so that "
                                               "citations of it can be read."))
            ref.doi, ref.pmid = doi, pmid
            node = index.find(doi, pmid)
            if node is None:
                node = paper_iri(doi=doi, pmid=pmid)
                _write_reference(graph, node, ref)
                report.added.append(node)
            else:
                known_doi = graph.value(node, BIBO.doi)
                if doi and known_doi and normalise_doi(known_doi) != doi:
                    report.warnings.append(Problem(
                        ref.path, ref.line, ref.key,
                        f"PMID {pmid} is already recorded with DOI {known_doi}, not {doi}; the recorded DOI was "
                        "kept. Check which DOI is right."))
                    ref.doi = None
                preferred = paper_iri(doi=doi or (normalise_doi(known_doi) if known_doi else None),
                                      pmid=pmid or graph.value(node, FABIO.hasPubMedId))
                if preferred != node and str(node).startswith(PAPER_PMID_BASE):
                    _rename(graph, node, preferred)  # a DOI became known: the DOI name wins
                    report.added = [preferred if n == node else n for n in report.added]
                    report.merged = [preferred if n == node else n for n in report.merged]
                    node = preferred
                _write_reference(graph, node, ref)
                report.merged.append(node)
            index.remember(node, doi, pmid)
    return report


def user_references_path() -> Path:
    """The user's imported references: references.ttl in the same folder as the user's store."""
    import platformdirs

    return Path(platformdirs.user_data_dir("evkg")) / "references.ttl"


def import_into_file(paths, target=None) -> tuple[ImportReport, Path]:
    """Import reference exports and save the result in `target` (default: the user's references file)."""
    target = Path(target) if target else user_references_path()
    graph = Graph()
    if target.exists():
        try:
            graph.parse(target, format="turtle")
        except Exception as exc:  # the file is the user's; say which one is damaged
            raise InputError(f"the references file could not be read ({exc})", path=str(target),
                             hint="Fix or move it, then import again.") from None
    report = import_references(paths, graph)
    if report.added or report.merged:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        graph.serialize(temporary, format="turtle")
        temporary.replace(target)
    _user_graph.cache_clear()
    return report, target


# ---------------------------------------------------------------------------------------------- resolving


@functools.cache
def bibliographic_graph() -> Graph:
    """The bundled literature (data/literature/*.ttl) and act register (data/acts.ttl). Read-only."""
    from evkg import resources

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
    }


def resolve_source(iri, user_references=None) -> dict | None:
    """Look a source IRI up among the bundled literature, the act register and the user's references.

    Also accepts a DOI resolver link (https://doi.org/…), which is looked up as the paper it names, and links
    to trial registry records (ClinicalTrials.gov, EU CTR, ISRCTN). Returns None when nothing describes it.
    """
    text = str(iri)
    doi = _doi_from_resolver(text)
    node = paper_iri(doi=doi) if doi else URIRef(text)
    for graph in (bibliographic_graph(), user_references_graph(user_references)):
        if (node, None, None) in graph:
            return describe(graph, node)
    if text.startswith(TRIAL_BASE):
        from evkg import resources

        data = resources.data_graph()
        if (node, RDF.type, EVKG.ClinicalTrial) in data:
            record = describe(data, node)
            record["label"] = str(data.value(node, RDFS.label) or data.value(node, EVKG.trialRegistryId) or text)
            return record
    for pattern, registry in _REGISTRY_PATTERNS:
        match = pattern.match(text)
        if match:
            return {"iri": text, "kind": "registry-record", "label": f"{registry} {match.group(1)}",
                    "identifier": match.group(1), "url": text, "title": None, "authors": [], "year": None,
                    "journal": None, "citation": None, "doi": None, "pmid": None, "pmcid": None,
                    "part_of": None, "note": None}
    return None


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
        if isinstance(source, URIRef) and resolve_source(source, user_references) is None:
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


# ---------------------------------------------------------------------------------------------- citing

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Citation:
    """The sources behind one term, product, rule or paper, ready to render."""

    thing: URIRef
    label: str
    kind: str
    sources: list[dict]


def _bundled_graphs() -> list[Graph]:
    from evkg import resources

    graphs = []
    for load in (resources.ontology_graph, resources.shapes_graph, resources.rules_graph, resources.data_graph):
        try:
            graphs.append(load())
        except (FileNotFoundError, RuntimeError):  # a folder not yet populated holds nothing to cite
            continue
    return graphs


def _expand_curie(name: str) -> URIRef | None:
    from evkg.namespaces import PREFIXES

    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return URIRef(PREFIXES[prefix] + local)
    return None


def _curie(iri: str) -> str:
    from evkg.namespaces import PREFIXES

    best = None
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and (best is None or len(base) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def _known_names(graphs: list[Graph]) -> dict[str, URIRef]:
    """Every name a user may type for something citable: CURIEs, product ids, rule ids, citation keys."""
    names: dict[str, URIRef] = {}
    for graph in graphs + [bibliographic_graph()]:
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef) and str(subject).startswith(("https://w3id.org/evkg",)):
                names.setdefault(_curie(str(subject)), subject)
        for subject, rule_id in graph.subject_objects(EVKG.ruleId):
            names.setdefault(str(rule_id), subject)
        for subject, key in graph.subject_objects(EVKG.citationKey):
            names.setdefault(str(key), subject)
        for subject in graph.subjects(RDF.type, EVKG.EVProduct):
            if str(subject).startswith(str(EVD) + "product/"):
                names.setdefault(str(subject)[len(str(EVD) + "product/"):], subject)
    return names


def find_citable(name: str) -> URIRef:
    """The IRI a user means by `name` (CURIE, IRI, product id, rule id or citation key); UsageError if none."""
    from evkg.errors import UsageError

    graphs = _bundled_graphs()
    everything = graphs + [bibliographic_graph()]

    def known(iri) -> bool:
        return any((iri, None, None) in g for g in everything)

    name = name.strip()
    candidates = []
    if re.match(r"^https?://", name):
        doi = _doi_from_resolver(name)
        candidates.append(paper_iri(doi=doi) if doi else URIRef(name))
    expanded = _expand_curie(name)
    if expanded is not None:
        candidates.append(expanded)
    names = _known_names(graphs)
    if name in names:
        candidates.append(names[name])
    candidates += [EVD["product/" + name], EVKG[name], EVSH_NS[name]]
    for candidate in candidates:
        if known(candidate):
            return candidate
    import difflib

    lowered = name.lower()
    close = sorted(n for n in names if n.lower().startswith(lowered))[:5]
    close += [n for n in difflib.get_close_matches(name, list(names), n=5, cutoff=0.5) if n not in close]
    close = close[:5]
    hint = f" Closest names: {', '.join(close)}." if close else (
        " Give a product id (e.g. exoflo), a rule id (e.g. EU-10), a term (e.g. evkg:EU_GTMP) or a full IRI.")
    raise UsageError(f"nothing called {name!r} is in the knowledge graph.{hint}")


EVSH_NS = Namespace("https://w3id.org/evkg/shapes#")


def _label_of(graphs: list[Graph], thing) -> str:
    for graph in graphs:
        value = graph.value(thing, RDFS.label)
        if value is not None:
            return str(value)
    return _curie(str(thing))


def citation_sources(name: str) -> Citation:
    """Collect the papers, acts and records behind a term, product, rule, shape or paper."""
    thing = find_citable(name)
    graphs = _bundled_graphs()
    found: list[URIRef] = []

    def add(values):
        for value in values:
            if value not in found:
                found.append(value)

    kind = "term"
    if resolve_source(thing) is not None:  # a paper or act: its own record is the citation
        resolved = resolve_source(thing)
        return Citation(thing=thing, label=resolved["label"], kind=resolved["kind"], sources=[resolved])
    for graph in graphs:
        add(sources_of(graph, thing))
        if (thing, RDF.type, EVKG.EVProduct) in graph:
            kind = "product"
            for trial in graph.subjects(EVKG.investigatesProduct, thing):
                add(sources_of(graph, trial))
            for determination in graph.objects(thing, EVKG.agencyDetermination):
                add(sources_of(graph, determination))
        if (thing, EVKG.ruleId, None) in graph:
            kind = "rule"
        for shape_part in (SH.property, SH.sparql, SH.rule):
            for part in graph.objects(thing, shape_part):
                kind = "shape" if kind == "term" else kind
                add(sources_of(graph, part))
    records = []
    for iri in found:
        if any((iri, RDF.type, OWL.Ontology) in g for g in graphs):  # defined by an ontology, not a paper
            records.append({"iri": str(iri), "kind": "ontology", "label": _label_of(graphs, iri), "url": str(iri),
                            "identifier": None, "authors": [], "title": None, "year": None, "journal": None,
                            "citation": None, "doi": None, "pmid": None, "pmcid": None, "part_of": None,
                            "note": None})
            continue
        record = resolve_source(iri) or {"iri": str(iri), "kind": "unresolved", "label": str(iri), "title": None,
                                          "authors": [], "year": None, "journal": None, "citation": None,
                                          "doi": None, "pmid": None, "pmcid": None, "identifier": None,
                                          "url": str(iri) if str(iri).startswith("http") else None,
                                          "part_of": None, "note": None}
        records.append(record)
        if record["kind"] == "provision" and record.get("part_of"):  # a rule cites a provision: name its act
            act = resolve_source(record["part_of"])
            if act and all(r["iri"] != act["iri"] for r in records) and URIRef(act["iri"]) not in found:
                records.append(act)
    order = {"paper": 0, "trial": 1, "registry-record": 2, "act": 3, "provision": 3, "ontology": 4, "unresolved": 5}
    records.sort(key=lambda r: order.get(r["kind"], 5))  # stable: papers first, in the order cited
    return Citation(thing=thing, label=_label_of(graphs + [bibliographic_graph()], thing), kind=kind,
                    sources=records)


def _authors_text(authors: list[str], limit: int = 6) -> str:
    if not authors:
        return ""
    shown = authors[:limit]
    return ", ".join(shown) + (", et al." if len(authors) > limit else "")


def format_text(citation: Citation) -> str:
    lines = [f"Sources for {citation.label} ({_curie(str(citation.thing))}):"]
    if not citation.sources:
        lines.append("  none recorded")
    for number, record in enumerate(citation.sources, 1):
        lines.append(f"  [{number}] {format_record(record)}")
    return "\n".join(lines)


def format_record(record: dict) -> str:
    """One readable bibliography line."""
    kind = record["kind"]
    if kind == "paper":
        parts = []
        head = _authors_text(record["authors"])
        if head:
            parts.append(head + (f" ({record['year']})." if record["year"] else "."))
        elif record["year"]:
            parts.append(f"({record['year']}).")
        parts.append((record["title"] or record["label"]).rstrip(".") + ".")
        if record["citation"] or record["journal"]:
            parts.append((record["citation"] or record["journal"]).rstrip(".") + ".")
        if record["doi"]:
            parts.append(f"doi:{record['doi']}.")
        if record["pmid"]:
            parts.append(f"PMID {record['pmid']}.")
        if record["pmcid"]:
            parts.append(f"{record['pmcid']}.")
        if record.get("note") and "unverified" in record["note"]:
            parts.append("[some details unverified]")
        return " ".join(parts)
    if kind in ("act", "provision"):
        text = record["label"].rstrip(".") + "."
        if record.get("identifier"):
            text += f" {record['identifier']}."
        if record.get("url"):
            text += f" {record['url']}"
        return text
    if kind == "registry-record":
        return f"{record['label']}. {record['url']}"
    if kind == "ontology":
        return f"{record['label']} (ontology). {record['url']}"
    if kind == "trial":
        return f"Clinical trial {record['label']}."
    return f"{record['iri']} (not found in the bibliography or the act register)"


def _bibtex_author(author: str) -> str:
    family = _family(author)
    initials = author[len(family):].strip()
    if not initials or not re.fullmatch(r"[A-Z]{1,4}", initials):
        return "{" + author + "}"
    return f"{family}, " + " ".join(f"{letter}." for letter in initials)


def _ascii_key(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower()) or "ref"


def format_bibtex(citation: Citation) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    used: set[str] = set()
    for record in citation.sources:
        if record["kind"] == "paper":
            base = _ascii_key(_family(record["authors"][0]) if record["authors"] else record["label"].split()[0])
            base += record["year"] or ""
            entry_type = "article"
            fields = [("author", " and ".join(_bibtex_author(a) for a in record["authors"])),
                      ("title", record["title"] or record["label"]), ("journal", record["journal"]),
                      ("year", record["year"]), ("doi", record["doi"]), ("pmid", record["pmid"]),
                      ("pmcid", record["pmcid"]), ("note", record["citation"])]
        else:
            base = _ascii_key(record.get("identifier") or record["label"])[:30]
            entry_type = "misc"
            fields = [("title", record["label"]), ("note", record.get("identifier")), ("url", record.get("url"))]
        key, suffix = base, ord("a")
        while key in used:
            key, suffix = f"{base}{chr(suffix)}", suffix + 1
        used.add(key)
        library.add(Entry(entry_type, key, [Field(name, value.replace("{", "(").replace("}", ")")
                                                  if name != "author" else value)
                                            for name, value in fields if value]))
    return bibtexparser.write_string(library)


def format_csl_json(citation: Citation) -> str:
    items = []
    for record in citation.sources:
        if record["kind"] == "paper":
            item = {"id": record["iri"], "type": "article-journal", "title": record["title"] or record["label"]}
            authors = []
            for author in record["authors"]:
                family = _family(author)
                given = author[len(family):].strip()
                authors.append({"family": family, "given": given} if given else {"literal": author})
            if authors:
                item["author"] = authors
            if record["year"]:
                item["issued"] = {"date-parts": [[int(record["year"])]]}
            for key, field_name in (("journal", "container-title"), ("doi", "DOI"), ("pmid", "PMID"),
                                    ("pmcid", "PMCID"), ("url", "URL")):
                if record.get(key):
                    item[field_name] = record[key]
        else:
            item = {"id": record["iri"], "type": "legislation" if record["kind"] in ("act", "provision")
                    else "webpage", "title": record["label"]}
            if record.get("identifier"):
                item["number"] = record["identifier"]
            if record.get("url"):
                item["URL"] = record["url"]
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2)
