"""BibTeX exports (bibtexparser)."""
from __future__ import annotations

import logging
import re

from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.formats.bibtex_strings import Expander, ValueProblem, runs_on
from evkg.literature.records import Problem, Reference, _split_free_name, author_name, retraction_sign


MAX_FIELD_CHARACTERS = 100_000   # an author list of some 3,000 names; abstracts run to a few thousand


def read_bibtex(path: str, text: str):
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # we report failed blocks ourselves
    # read as written: the values are expanded here (bibtexparser's own step leaves `a # b` as written)
    library = bibtexparser.parse_string(text, parse_stack=[])
    refs, problems = [], []
    expander = Expander(MAX_FIELD_CHARACTERS, max(10 * len(text), 1_000_000), path)
    for string in library.strings:
        expander.define(string.key, str(string.value))
    for entry in list(library.entries):
        for field in entry.fields:
            following = runs_on(str(field.value))
            if following:
                library.remove(entry)
                problems.append(Problem(path, entry.start_line + 1, entry.key,
                                        f"its field '{field.key}' runs on into '{following} = …': a comma is missing "
                                        f"between the two fields. Add it after the value of '{field.key}'."))
                break
            try:
                field.value = expander.expand(str(field.value))
            except ValueProblem as exc:
                library.remove(entry)
                problems.append(Problem(path, entry.start_line + 1, entry.key, f"its field '{field.key}' {exc}"))
                break
    # LaTeX decoding takes time growing with the square of a field's length (a 20 MB title ran for hours), so
    # an entry with a field longer than any bibliography holds is reported and left out before decoding
    for entry in list(library.entries):
        longest = max(entry.fields, key=lambda f: len(str(f.value)), default=None)
        if longest is not None and len(str(longest.value)) > MAX_FIELD_CHARACTERS:
            library.remove(entry)
            problems.append(Problem(path, entry.start_line + 1, entry.key,
                                    f"has a field '{longest.key}' of {len(str(longest.value)):,} characters; evkg "
                                    f"reads fields of up to {MAX_FIELD_CHARACTERS:,}. Check the entry."))
    for middleware in (LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()):
        library = middleware.transform(library)
    for entry in library.entries:
        fields = {k.lower(): f.value for k, f in entry.fields_dict.items()}
        authors, more_authors = [], False
        for name in fields.get("author") or []:
            if _is_others(name):
                more_authors = True     # BibTeX "and others" means "et al.", not an author named others
                continue
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
            url=_clean(fields.get("url")), more_authors=more_authors,
            retraction=retraction_sign(fields.get("title"), [fields.get(k) for k in ("note", "annote", "annotation",
                                                                                   "keywords", "pubstate")])))
    for block in library.failed_blocks:
        raw = getattr(block, "raw", "") or ""
        match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", raw)
        problems.append(Problem(path, block.start_line + 1, match.group(1) if match else None, _failure(block)))
    return refs, problems


_SYNTAX_HINT = ("Check that every field value is closed with a matching brace or quote and fields are separated by "
                "commas.")


def _failure(block) -> str:
    """Why bibtexparser could not read a block, in the words of the file rather than of the library (it said 'Note:
    The entry (containing duplicates) is available as `failed_block.ignore_error_block`')."""
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    error = getattr(block, "error", None)
    if isinstance(block, DuplicateFieldKeyBlock):
        fields = ", ".join(f"'{key}'" for key in sorted(block.duplicate_keys))
        return f"has the field {fields} more than once; keep one and import the file again."
    if isinstance(block, DuplicateBlockKeyBlock):
        first = getattr(block.previous_block, "start_line", None)
        where = f"the entry at line {first + 1}" if first is not None else "an earlier entry"
        return f"uses the key {block.key!r}, which {where} already uses; give each entry a key of its own."
    name = re.match(r"Cannot split the following name `(.*)` into parts: (.*)", str(error or ""), re.DOTALL)
    if name:
        return (f"has the author name {' '.join(name.group(1).split())[:80]!r}, which cannot be split into family "
                f"and given names ({name.group(2).strip().lower()}). Write each name 'Family, Given' and separate "
                "names with 'and'.")
    reason = str(getattr(error, "abort_reason", "") or "")
    for start, said in _ABORTED.items():
        if reason.startswith(start):
            return f"could not be read: {said}. {_SYNTAX_HINT}"
    lines = [line.strip() for line in (reason or str(error or "")).strip().splitlines() if line.strip()]
    detail = lines[-1].replace("`", "'") if lines and not lines[-1].startswith("Middleware") else "not valid BibTeX"
    return f"could not be read ({detail}). {_SYNTAX_HINT}"


_ABORTED = {   # bibtexparser's reasons for giving up on an entry, said as what is wrong in it
    "Unexpectedly reached end of file": "the file ends before the entry is closed (a '}' is missing)",
    "Unexpected block start": "the next entry starts before this one is closed (a brace or quote of a field value "
                              "is not closed, or a '}' is missing)",
    "Expected a `=` after entry key": "a field name is not followed by '=' (write 'title = {…}')",
    "Expected comma after entry key": "the key is not followed by a comma ('@article{key, title = {…}')",
    "Expected equals sign after field key": "a field name is not followed by '=' (write 'title = {…}')",
}


def _is_others(name) -> bool:
    if hasattr(name, "last"):
        text = " ".join(name.first + name.von + name.last + name.jr)
    else:
        text = str(name)
    return text.strip().strip("{}").strip().lower() in ("others", "et al.", "et al")


# RIS ------------------------------------------------------------------------------------------------


