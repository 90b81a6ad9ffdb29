"""PubMed MEDLINE (.nbib) exports (Biopython's Bio.Medline)."""
from __future__ import annotations

import re

from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, retraction_sign


# A MEDLINE line is a tag padded to four characters, '- ' and the value, or a continuation that starts with six
# spaces; Bio.Medline takes any other line as a tag of its own (the first four characters), so the value of
# 'TI - A title' or 'foo bar' was lost without a word.
_LINE = re.compile(r"(?=.{4}-)[A-Z]{2,4} *-( |$)|      ")


def read_medline(path: str, text: str):
    from evkg.core.errors import import_extra

    Medline = import_extra("Bio.Medline", f"{path}: reading MEDLINE (.nbib) files needs Biopython", "literature")

    refs, problems = [], []
    blocks: list[tuple[int, list[str]]] = []
    start, chunk = None, []
    for number, line in enumerate(text.splitlines(), 1):
        # a blank line ends a record, and so does the next PMID line: every record begins with one, and two
        # records run together were one record with the PMID '1 2' (not a PubMed ID, so neither was imported)
        if not line.strip() or (line.startswith("PMID-") and chunk):
            if chunk:
                blocks.append((start, chunk))
            start, chunk = None, []
            if not line.strip():
                continue
        if start is None:
            start = number
        if line[:1] in (" ", "\t"):      # going on from the line before, however indented (an editor's tab)
            line = "      " + line.strip()
        chunk.append(line + "\n")
    if chunk:
        blocks.append((start, chunk))
    for start, chunk in blocks:
        if not re.match(r"^[A-Z]{2,4}\s*- ", chunk[0]):
            problems.append(Problem(path, start, None, "is not a MEDLINE record (each line starts with a tag "
                                                       "such as 'PMID- ' or 'TI  - ')."))
            continue
        wrong = next((n for n, line in enumerate(chunk, start) if not _LINE.match(line.rstrip("\n"))), None)
        if wrong is not None:
            problems.append(Problem(path, wrong, None, f"{chunk[wrong - start].rstrip()[:60]!r} is not a MEDLINE line: "
                                    "each line is a tag padded to four characters, '- ' and the value ('TI  - …', "
                                    "'PMID- …'), or goes on from the line before, indented by six spaces. The "
                                    f"record that starts at line {start} was left out; fix the line and import "
                                    "the file again."))
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


