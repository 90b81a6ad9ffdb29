"""PubMed XML exports, read with defusedxml so that no entity is ever resolved."""
from __future__ import annotations

from evkg.core.errors import InputError
from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, author_name, retraction_sign


def read_pubmed_xml(path: str, text: str):
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

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
            pages=_clean(art.findtext("Pagination/MedlinePgn")), doi=doi, pmid=pmid, pmcid=_pmcid(ids.get("pmc")),
            retraction=retraction_sign(
                title, [f"Retraction in: {el.findtext('RefSource') or ''}"
                        for el in citation.findall("CommentsCorrectionsList/CommentsCorrections")
                        if el.get("RefType") == "RetractionIn"],
                [el.text for el in art.findall("PublicationTypeList/PublicationType")])))
    return refs, problems


