"""RIS exports (rispy)."""
from __future__ import annotations

import re

from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, _split_free_name, retraction_sign


def read_ris(path: str, text: str):
    import rispy

    refs, problems = [], []
    lines = text.splitlines()
    start, chunk = None, []
    records: list[tuple[int, list[str]]] = []
    stray: list[int] = []            # first and last line of text outside any record, reported once per stretch

    def flush_stray():
        if stray:
            where = f"line {stray[0]}" if stray[0] == stray[-1] else f"lines {stray[0]} to {stray[-1]}"
            problems.append(Problem(path, stray[0], None, f"text outside any record ({where}; records start "
                                    "with 'TY  -')"))
            stray.clear()

    for number, line in enumerate(lines, 1):
        if re.match(r"^TY  -", line):
            flush_stray()
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
            stray[1:] = [number] if stray else [number, number]
    flush_stray()
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
                doi=_clean(rec.get("doi")), pmid=pmid, pmcid=pmcid, url=_clean(urls[0]) if urls else None,
                retraction=retraction_sign(rec.get("title") or rec.get("primary_title"),
                                           (rec.get("notes") or []) + [rec.get("note") or ""])))
    return refs, problems


# CSL-JSON -------------------------------------------------------------------------------------------


