"""RIS exports (rispy)."""
from __future__ import annotations

import re

from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, _split_free_name, retraction_sign


# A line that starts like a tag but is not spaced as RIS spaces one ('TI - x', 'TI', 'ti  - x') is read by rispy
# as going on from the line before: its value joined another field ('AU - Doe, K' became an author named so).
_TAG_LINE = re.compile(r"[A-Z][A-Z0-9]  -( |$)")
# a capital tag with a hyphen spaced otherwise, or alone on its line ('AU-rich elements' and 'Ti-based' going on
# from the line before are words, not tags); a tag in small letters only as RIS spaces one
_LIKE_A_TAG = re.compile(r"([A-Z][A-Z0-9])(\s+-|\s*-(\s|$)|\s*$)|([a-z][a-z0-9])  -( |$)")


def _misspaced_tag(line: str) -> str | None:
    """What is wrong with a line that starts like an RIS tag but is not written as one; None for other lines."""
    import rispy

    match = _LIKE_A_TAG.match(line)
    written = match and (match.group(1) or match.group(4))
    # 'UK' is rispy's name for tags it does not know, not an RIS tag ('UK - based study' goes on a line before)
    if _TAG_LINE.match(line) or not written or written.upper() not in set(rispy.TAG_KEY_MAPPING) - {"UK"}:
        return None
    tag = written.upper()
    if written != tag:
        return f"its tag {written!r} is in small letters; RIS writes tags in capitals ({tag!r})"
    return (f"it is not written as an RIS tag line, which is the tag, two spaces, a hyphen and a space, then the "
            f"value ('{tag}  - …')")


def _joined(chunk: list[str]) -> list[str]:
    """The record's lines with each line that goes on from the one before joined to it: rispy makes such a line a
    value of its own for a tag that may repeat, so a wrapped 'AU  - Smith,' / 'John' became two authors."""
    lines: list[str] = []
    for line in chunk:
        if lines and line.strip() and not _TAG_LINE.match(line):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return lines


def read_ris(path: str, text: str):
    import rispy

    refs, problems = [], []
    misspaced: set[int] = set()      # records (by first line) with a line that starts like a tag but is not one
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
            wrong = _misspaced_tag(line)
            if wrong:
                misspaced.add(start)
                problems.append(Problem(path, number, None, f"{line[:60]!r}: {wrong}. Read as it is, its value "
                                        "would join the line before, so the record that starts at line "
                                        f"{start} was left out. Fix the line and import the file again."))
            if re.match(r"^ER  -", line):
                if start not in misspaced:
                    records.append((start, chunk))
                start, chunk = None, []
        elif line.strip():
            stray[1:] = [number] if stray else [number, number]
    flush_stray()
    if start is not None:
        problems.append(Problem(path, start, None, "record has no closing 'ER  -' line; add one at its end."))
    for start, chunk in records:
        try:
            parsed = rispy.loads("\n".join(_joined(chunk)) + "\n")
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


