"""PubMed XML exports, read with defusedxml so that no entity is ever resolved."""
from __future__ import annotations

import re

from evkg.core.errors import InputError
from evkg.literature.formats import NoReferences, _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, author_name, retraction_sign

AGAIN = "export the records again from PubMed (Send to > File > Format: PubMed XML)"

# expat's reasons, said as what is wrong in the file and how to mend it
_NOT_WELL_FORMED = {
    "no element found": "the file ends before its elements are closed (was it cut short?)",
    "unclosed token": "the file ends inside a tag (was it cut short?)",
    "mismatched tag": "a closing tag does not match the element opened before it",
    "undefined entity": "it uses the entity {entity}, which XML does not define; write the character itself, or "
                        "&amp; for '&'",
    "not well-formed (invalid token)": "a character here is not allowed (a '&' or '<' in text must be written "
                                       "&amp; or &lt;, and control characters are not allowed at all)",
    "reference to invalid character number": "it refers to a character XML cannot hold (such as &#0; or another "
                                             "control character); remove the reference",
    "junk after document element": "there is more after the end of the root element (two exports joined in one "
                                   "file?); put each export in a file of its own",
    "unbound prefix": "a tag uses a namespace prefix that is not declared",
    "duplicate attribute": "an element has the same attribute twice",
}


def _parse(path: str, text: str):
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ErrorString

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # Given as text (already decoded), expat ignores the encoding the declaration names: as UTF-8 bytes, a
        # file declared ISO-8859-1 was read as mojibake and one declaring an unknown encoding crashed.
        # Entities and external references are refused outright; the DOCTYPE line PubMed writes is allowed.
        return fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line, column = exc.position
        reason = ErrorString(exc.code) if isinstance(getattr(exc, "code", None), int) else ""
        here = text.splitlines()[line - 1][column:] if 0 < line <= text.count("\n") + 1 else ""
        entity = re.match(r"&[^;\s&<]{1,60};", here)
        said = _NOT_WELL_FORMED.get(reason, reason).format(entity=entity.group() if entity else "here")
        raise InputError(f"is not well-formed XML: {said}." if said else "is not well-formed XML.", path=path,
                         line=line, column=column + 1, hint=f"Fix the file there, or {AGAIN}.") from None
    except DefusedXmlException as exc:
        name = getattr(exc, "name", None)
        found = re.search(r"<!ENTITY\s+(?:%\s*)?" + re.escape(name), text) if name else None
        what = f"declares the XML entity '{name}'" if name else "declares an XML entity or external reference"
        raise InputError(f"{what}, which evkg refuses: entities can expand a few lines to gigabytes or reach files "
                         "and addresses elsewhere, and PubMed's exports use none.", path=path,
                         line=text.count("\n", 0, found.start()) + 1 if found else None,
                         hint=f"Remove the <!DOCTYPE … [ … ]> block, or {AGAIN}.") from None


def _lines_of(text: str, tag: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if f"<{tag}>" in line or f"<{tag} " in line]


def read_pubmed_xml(path: str, text: str):
    root = _parse(path, text)
    starts = _lines_of(text, "PubmedArticle")
    articles = root.findall(".//PubmedArticle") if root.tag != "PubmedArticle" else [root]
    books = root.findall(".//PubmedBookArticle") if root.tag != "PubmedBookArticle" else [root]
    if not articles and not books and root.tag != "PubmedArticleSet":
        raise NoReferences(f"no references found in {path}: it is XML, but its root element is <{root.tag[:60]}>, "
                           "where a PubMed export has <PubmedArticleSet>.", path=path, hint=f"To import, {AGAIN}.")
    refs, problems = [], []
    book_lines = _lines_of(text, "PubmedBookArticle")
    for index, book in enumerate(books):
        pmid = _clean(book.findtext("BookDocument/PMID"))
        problems.append(Problem(path, book_lines[index] if index < len(book_lines) else None,
                                f"PMID {pmid}" if pmid else None,
                                "is a PubMed book record (<PubmedBookArticle>); evkg reads journal articles from "
                                "PubMed XML. Export this record from PubMed as MEDLINE (.nbib) and import that."))
    for index, article in enumerate(articles):
        line = starts[index] if index < len(starts) else None
        citation = article.find("MedlineCitation")
        art = citation.find("Article") if citation is not None else None
        if art is None:
            pmid = _clean(citation.findtext("PMID")) if citation is not None else None
            problems.append(Problem(path, line, f"PMID {pmid}" if pmid else f"article {index + 1}",
                                    "has no <MedlineCitation>/<Article> element, so there is no paper to read in it "
                                    f"(a record cut short?); {AGAIN}."))
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
            pages=_clean(art.findtext("Pagination/MedlinePgn")), doi=doi, pmid=pmid, pmcid=_pmcid(ids.get("pmc")),
            retraction=retraction_sign(
                title, [f"Retraction in: {el.findtext('RefSource') or ''}"
                        for el in citation.findall("CommentsCorrectionsList/CommentsCorrections")
                        if el.get("RefType") == "RetractionIn"],
                [el.text for el in art.findall("PublicationTypeList/PublicationType")])))
    return refs, problems


