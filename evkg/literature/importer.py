"""Import references into a FaBiO/BIBO graph, de-duplicated by DOI and PubMed ID."""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from evkg.core.errors import InputError
from evkg.core.namespaces import BIBO, DCT, EVKG, FABIO, bind_prefixes
from evkg.literature.formats import NoReferences, read_references
from evkg.literature.identifiers import PAPER_PMID_BASE, PRISM, normalise_doi, normalise_pmid, paper_iri
from evkg.literature.records import ImportReport, Notice, Problem, Reference, _family, _label
from evkg.literature.sources import _user_graph, user_references_path

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


# characters an IRI may not hold raw (RFC 3987); a link written with them stopped the import at saving
_IRI_UNSAFE = set('<>"{}|\\^`')


def _iri_safe(url: str) -> str:
    """A link with the characters an IRI may not hold percent-encoded, as a browser sends it."""
    return "".join("".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                   if ch in _IRI_UNSAFE or ord(ch) < 0x21 or 0x7F <= ord(ch) <= 0x9F else ch for ch in url)


RETRACTED = "Retracted according to the imported export"


def _write_reference(graph: Graph, node: URIRef, ref: Reference) -> None:
    if (node, RDF.type, None) not in graph:
        graph.add((node, RDF.type, _KIND_CLASS.get(ref.kind, FABIO.JournalArticle)))
    _set_if_missing(graph, node, RDFS.label, Literal(_label([_family(a) for a in ref.authors], ref.year,
                                                                ref.more_authors)))
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
    if ref.key and graph.value(node, EVKG.citationKey) is None and re.fullmatch(r"[\w:./+-]{1,100}", ref.key):
        graph.add((node, EVKG.citationKey, Literal(ref.key)))
    if ref.url and graph.value(node, RDFS.seeAlso) is None and re.fullmatch(r"https?://\S+", ref.url):
        graph.add((node, RDFS.seeAlso, URIRef(_iri_safe(ref.url))))
    if ref.retraction and not any(str(c).startswith(RETRACTED) for c in graph.objects(node, RDFS.comment)):
        graph.add((node, RDFS.comment, Literal(f"{RETRACTED} ({ref.retraction}).")))


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

    def remember(self, node, doi, pmid, renamed=None):
        if doi:
            self.by_doi[doi] = node
        if pmid:
            self.by_pmid[pmid] = node
        if renamed is not None:     # only then: a pass over every paper per entry took hours for a large export
            for table in (self.by_doi, self.by_pmid):
                for key, value in list(table.items()):
                    if value == renamed:
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


def _too_long(ref, report) -> bool:
    """An entry with a field longer than any bibliography holds (BibTeX's limit, for every format): reported and
    left out, as a RIS title of 5 MB was saved whole in the references file."""
    from evkg.literature.formats.bibtex import MAX_FIELD_CHARACTERS

    fields = {name: getattr(ref, name) for name in ("title", "journal", "journal_abbrev", "volume", "issue",
                                                     "pages", "doi", "pmid", "pmcid", "url", "year")}
    fields["author"] = "; ".join(ref.authors)
    name, value = max(fields.items(), key=lambda item: len(item[1] or ""))
    if len(value or "") <= MAX_FIELD_CHARACTERS:
        return False
    report.skipped.append(Problem(ref.path, ref.line, ref.key,
                                  f"has a field '{name}' of {len(value):,} characters; evkg reads fields of up to "
                                  f"{MAX_FIELD_CHARACTERS:,}. Check the entry."))
    return True


# control characters that are not white space (NUL, BEL, ESC, DEL, C1) and halves of UTF-16 surrogate pairs: no
# bibliographic text holds one, and saved they hid the rest of a title or garbled a terminal showing it
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")
_CHARACTER_NAMES = {0: "NUL", 7: "BEL", 8: "backspace", 0x1B: "ESC", 0x7F: "DEL"}


def _not_text(ref, report) -> bool:
    """An entry with a control character or half a surrogate pair in any field (every format): reported and left
    out, as BibTeX, RIS, CSL-JSON and MEDLINE alike saved a NUL in a title or an author's name."""
    ref.authors = [" ".join(a.split()) for a in ref.authors if a and a.strip()]   # 'AU  -' saved an author ""
    fields = {label: getattr(ref, name) for name, label in (
        ("title", "title"), ("journal", "journal"), ("journal_abbrev", "journal abbreviation"), ("volume", "volume"),
        ("issue", "issue"), ("pages", "pages"), ("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"),
        ("url", "link"), ("year", "year"), ("retraction", "note saying it is retracted"))}
    fields.update({f"author {n}": a for n, a in enumerate(ref.authors, 1)})
    for name, value in fields.items():
        found = _NOT_TEXT.search(value or "")
        if found:
            code = ord(found.group())
            if 0xD800 <= code <= 0xDFFF:
                what = (f"U+{code:04X} at character {found.start() + 1}, half of a UTF-16 surrogate pair, which is "
                        "no character at all and cannot be saved as text")
            else:
                what = (f"the control character U+{code:04X}" + (f" ({_CHARACTER_NAMES[code]})" if code in
                        _CHARACTER_NAMES else "") + f" at character {found.start() + 1}, which no bibliographic "
                        "text holds")
            report.skipped.append(Problem(ref.path, ref.line, ref.key,
                                          f"its {name} holds {what}; a damaged export is the usual cause. Remove it "
                                          "from the entry, or export the entry again."))
            return True
    return False


def import_references(paths, graph: Graph | None = None, bundled: Graph | None = None) -> ImportReport:
    """Read reference exports into `graph` (a new graph if None), one node per paper.

    Entries that name the same paper (same DOI or PMID, within the files or already in `graph`) are merged
    into one node: fields the node lacks are filled in, fields it has are kept. A malformed entry is reported
    with its file, line and key, and the other entries are imported all the same. A paper that `bundled` (the
    bibliography shipped with evkg) already holds is reported as already present and not copied.
    """
    graph = Graph() if graph is None else graph
    bind_prefixes(graph)
    graph.bind("prism", PRISM)
    report = ImportReport(graph=graph)
    index = _PaperIndex(graph)
    shipped = _PaperIndex(bundled) if bundled is not None else None
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        try:
            refs, problems = read_references(path)
        except NoReferences as exc:
            report.skipped.append(Problem(exc.path or str(path), exc.line, None,
                                          exc.reason + (f" {exc.hint}" if exc.hint else "")))
            continue
        except InputError as exc:
            report.file_errors.append(Problem(exc.path or str(path), exc.line, None,
                                              exc.reason + (f" {exc.hint}" if exc.hint else ""), exc.column))
            continue
        report.skipped.extend(p for p in problems if not isinstance(p, Notice))
        report.warnings.extend(p for p in problems if isinstance(p, Notice))
        for ref in refs:
            if _too_long(ref, report) or _not_text(ref, report):
                continue
            ids = _checked_identifiers(ref, report)
            if ids is None:
                continue
            doi, pmid = ids
            if ref.retraction:
                report.warnings.append(Problem(ref.path, ref.line, ref.key,
                                               f"is marked as retracted ({ref.retraction}). A retracted paper "
                                               "should not support a claim: read the retraction notice before "
                                               "citing it. The record is imported and says it is retracted."))
            if not ref.title:
                report.warnings.append(Problem(ref.path, ref.line, ref.key, "has no title; add one so that "
                                               "citations of it can be read."))
            ref.doi, ref.pmid = doi, pmid
            known = shipped.find(doi, pmid) if shipped is not None else None
            if known is not None:
                from evkg.core.namespaces import curie

                label = bundled.value(known, RDFS.label)
                report.present.append(Problem(ref.path, ref.line, ref.key,
                                              f"already present in evkg's bibliography as {curie(str(known))}"
                                              + (f" ({label})" if label else "") + "; cite it by that name."))
                continue
            node, renamed = index.find(doi, pmid), None
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
                    renamed = node
                    report.added = [preferred if n == node else n for n in report.added]
                    report.merged = [preferred if n == node else n for n in report.merged]
                    node = preferred
                _write_reference(graph, node, ref)
                report.merged.append(node)
            index.remember(node, doi, pmid, renamed)
    return report



def import_into_file(paths, target=None) -> tuple[ImportReport, Path]:
    """Import reference exports and save the result in `target` (default: the user's references file)."""
    target = Path(target) if target else user_references_path()
    graph = Graph()
    if target.exists() and not target.is_file():
        raise InputError("is not a regular file; --into needs a Turtle file to keep the references in.",
                         path=str(target), hint="Name a .ttl file, e.g. --into my-references.ttl.")
    if target.suffix.lower() != ".ttl":
        raise InputError("is not a Turtle (.ttl) file: --into names the Turtle file evkg keeps the imported "
                         "references in, not an export to read.", path=str(target),
                         hint=f"Name a .ttl file, e.g. --into my-references.ttl; to import {target.name}, give it "
                              "without --into.")
    with _folder_locked(target):
        report = _import_locked(paths, target, graph)
    _user_graph.cache_clear()
    return report, target


@contextlib.contextmanager
def _folder_locked(target: Path):
    """Hold the folder of ``target`` locked (flock) while its file is read, added to and written: imports into
    one file run at once each saved only what it had read, so all but the last were lost, each said 'added'."""
    try:
        import fcntl
    except ImportError:                   # no flock (Windows): as before
        yield
        return
    folder = target.parent
    while not folder.is_dir() and folder != folder.parent:  # not made yet: its nearest existing folder
        folder = folder.parent
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)                  # releases the lock


def _import_locked(paths, target: Path, graph: Graph) -> ImportReport:
    from evkg.core.files import default_limit, read_limited, write_text_file
    from evkg.literature.sources import bibliographic_graph

    if target.exists():
        raw = read_limited(target, default_limit(), what="references file", stdin_ok=False)
        try:
            graph.parse(data=raw.decode("utf-8"), format="turtle")
        except Exception as exc:  # the file is the user's; say which one is damaged, and where
            where = re.search(r"at line (\d+)", str(exc))
            raise InputError("the references file is not valid Turtle"
                             + (f" (line {where.group(1)})" if where else "") + ".", path=str(target),
                             hint="Fix or move it, then import again.") from None
    report = import_references(paths, graph, bundled=bibliographic_graph())
    if report.added or report.merged:
        if not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        write_text_file(target, graph.serialize(format="turtle"), what="the references")
    return report


