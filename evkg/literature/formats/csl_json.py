"""CSL-JSON exports (Zotero, Mendeley, citation.js)."""
from __future__ import annotations

import json
import re

from evkg.core.errors import InputError
from evkg.core.json_reasons import json_problem
from evkg.literature.formats import _clean, _pmcid, _year
from evkg.literature.records import Problem, Reference, author_name, retraction_sign


MAX_DEPTH = 64          # a CSL-JSON export nests about 4 levels deep


def _refuse_deep_or_long(text: str, path: str) -> None:
    """Nesting and whole numbers json.loads fails on with a RecursionError or a ValueError, said in words."""
    import sys
    from itertools import accumulate

    outside_strings = re.sub(r'"(?:[^"\\]|\\.)*+"?', '""', text)
    brackets = re.sub(r"[^\[\]{}]", "", outside_strings)
    if brackets and max(accumulate(1 if b in "[{" else -1 for b in brackets)) > MAX_DEPTH:
        raise InputError(f"nests lists and objects more than {MAX_DEPTH} levels deep, which no CSL-JSON export "
                         "does.", path=path, hint="Export the library again from the reference manager.")
    limit = sys.get_int_max_str_digits()
    longest = max((len(m) for m in re.findall(r"\d+", outside_strings)), default=0)
    if limit and longest > limit:
        raise InputError(f"holds a number of {longest:,} digits; evkg reads numbers of up to {limit:,} digits.",
                         path=path, hint="Check the file: no year, volume or page runs to that many digits.")


_KINDS = {str: "text", int: "number", float: "number", bool: "true or false", type(None): "null"}


def read_csl_json(path: str, text: str):
    _refuse_deep_or_long(text, path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason, line, column = json_problem(exc, {"Extra data": "there is more after the end of the list (two "
                                                                 "exports joined in one file?)"})
        raise InputError(f"is not valid JSON: {reason}.", path=path, line=line,
                         column=column, hint="Fix the file there, or export the library again; a CSL-JSON export "
                                                "is a list of objects, one per reference.") from None
    items = data if isinstance(data, list) else data.get("items", [data]) if isinstance(data, dict) else None
    if not isinstance(items, list):
        held = "an 'items' that is not a list" if isinstance(data, dict) else f"a single {_KINDS[type(data)]}"
        raise InputError(f"holds {held}, where a CSL-JSON export has a list of reference objects.", path=path,
                         hint="Export the library again as CSL-JSON: [{\"id\": …, \"title\": …}, …].")
    first_line = _id_lines(text)

    def line_of(item_id) -> int | None:
        return first_line.get(str(item_id))

    refs, problems = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(path, None, f"item {index + 1}", "is not an object with reference fields."))
            continue
        key = str(item.get("id") or f"item {index + 1}")
        line = line_of(item.get("id")) if item.get("id") is not None else None
        try:
            _check_kinds(item)
            refs.append(_reference(path, item, key, line))
        except WrongKind as exc:
            problems.append(Problem(path, line, key, f"could not be read: {exc}. Fix the entry in the export, or "
                                                     "export it again from the reference manager."))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            # one entry of the wrong shape used to make the whole export 'not a bibliography'
            problems.append(Problem(path, line, key, "could not be read: one of its fields holds a value of the "
                                    "wrong kind. CSL-JSON writes 'author' as a list of {\"family\": …, \"given\": …} "
                                    "objects and 'issued' as {\"date-parts\": [[2020, 5]]}; fix the entry in the "
                                    "export, or export it again from the reference manager."))
    return refs, problems


_TEXT_FIELDS = ("type", "title", "container-title", "container-title-short", "journalAbbreviation", "volume",
                "issue", "page", "DOI", "PMID", "PMCID", "URL", "note")
_CONTAINERS = {dict: "an object", list: "a list", bool: "true or false"}


class WrongKind(ValueError):
    """A field that holds an object, a list or true/false where CSL-JSON has a text or a number."""


def _check_kinds(item: dict) -> None:
    """Text fields written as objects or lists were saved as their Python spelling ("{'a': 1}" as a title)."""
    people = item.get("author") if isinstance(item.get("author"), list) else []
    named = [(f"field '{name}'", item.get(name)) for name in _TEXT_FIELDS] + [
        (f"field '{part}' of author {n}", person.get(part))
        for n, person in enumerate(people, 1) if isinstance(person, dict)
        for part in ("family", "given", "suffix", "literal")]
    for name, value in named:
        if type(value) in _CONTAINERS:
            raise WrongKind(f"its {name} holds {_CONTAINERS[type(value)]}, where CSL-JSON has a text")


def _reference(path: str, item: dict, key: str, line: int | None) -> Reference:
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
    return Reference(
        path=path, line=line, key=key,
        kind=str(item.get("type") or "article-journal"), title=_clean(item.get("title")), authors=authors,
        year=year, journal=_clean(item.get("container-title")),
        journal_abbrev=_clean(item.get("container-title-short") or item.get("journalAbbreviation")),
        volume=_clean(item.get("volume")), issue=_clean(item.get("issue")), pages=_clean(item.get("page")),
        doi=_clean(item.get("DOI")), pmid=_clean(item.get("PMID")), pmcid=_pmcid(item.get("PMCID")),
        url=_clean(item.get("URL")),
        retraction=retraction_sign(item.get("title"), [item.get("note")]))


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\\n]|\\.)*"|-?[0-9]+)')


def _id_lines(text: str) -> dict[str, int]:
    """The line each item id is first written on, in one pass (looking each id up line by line took minutes
    for an export of 40,000 items)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if '"id"' in line:
            for match in _ID.finditer(line):
                try:
                    found.setdefault(str(json.loads(match.group(1))), number)
                except ValueError:
                    continue
    return found


# PubMed MEDLINE (.nbib) ----------------------------------------------------------------------------


