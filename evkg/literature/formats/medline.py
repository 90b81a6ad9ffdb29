"""PubMed MEDLINE (.nbib) exports (Biopython's Bio.Medline)."""
from __future__ import annotations

import re

from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, retraction_sign


def read_medline(path: str, text: str):
    from evkg.core.errors import import_extra

    Medline = import_extra("Bio.Medline", f"{path}: reading MEDLINE (.nbib) files needs Biopython", "literature")

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
            doi=doi, pmid=_clean(pmid), pmcid=_pmcid(record.get("PMC")),
            retraction=retraction_sign(record.get("TI"), record.get("RIN", []), record.get("PT", []))))
    return refs, problems


# PubMed XML ----------------------------------------------------------------------------------------


