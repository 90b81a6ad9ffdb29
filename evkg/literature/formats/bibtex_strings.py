"""BibTeX values as BibTeX reads them: `"Minimal information for " # jev`, abbreviations defined with @string and
the month names jan to dec, expanded to the text they stand for (bibtexparser leaves a joined value as written,
so a DOI written in two pieces was refused as 'not a DOI', and a title kept its '#').

Abbreviations can stand for others, so a few lines could expand to gigabytes (a = b # b, b = c # c, ...): each
value is cut at the field limit, and the whole file's expansion at a budget in proportion to its size."""
from __future__ import annotations

import re

from evkg.core.errors import InputError

MONTHS = dict(zip(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
                  ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December")))
_NUMBER = re.compile(r"[0-9]+")
_NAME = re.compile(r"[^\s#\"{}(),=%]+")


class ValueProblem(ValueError):
    """A value that cannot be expanded: an abbreviation no @string defines, or text past the field limit."""


def parts(raw: str) -> list[tuple[str, str]] | None:
    """The pieces of a value joined by '#': ("text", contents) for a {braced} or "quoted" piece or a number,
    ("name", abbreviation) for a bare name; None when the value is not written that way."""
    found, i, n = [], 0, len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return None                              # nothing before or after a '#'
        if raw[i] in "{\"":
            end = _closing(raw, i)
            if end is None:
                return None
            found.append(("text", raw[i + 1:end]))
            i = end + 1
        else:
            name = _NAME.match(raw, i)
            if name is None:
                return None
            found.append(("text" if _NUMBER.fullmatch(name.group()) else "name", name.group()))
            i = name.end()
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return found
        if raw[i] != "#":
            return None
        i += 1


def runs_on(raw: str) -> str | None:
    """The next field's name when a value runs on into it for want of a comma (`title = {A} doi = {…}`, which
    bibtexparser reads as the title 'A doi = …' and no DOI); None otherwise."""
    start = len(raw) - len(raw.lstrip())
    end = _closing(raw, start) if raw[start:start + 1] in ("{", '"') else None
    found = re.match(r"\s*([A-Za-z][\w-]*)\s*=", raw[end + 1:]) if end is not None else None
    return found.group(1) if found else None


def _closing(raw: str, start: int) -> int | None:
    """The index of the brace or quote that closes the piece opened at ``start`` (braces inside balanced)."""
    depth = 0
    for j in range(start + 1, len(raw)):
        c = raw[j]
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return j if raw[start] == "{" else None
            depth -= 1
        elif c == '"' and raw[start] == '"' and depth == 0:
            return j
    return None


class Expander:
    """Expands values against the file's @string abbreviations, within ``limit`` characters a value and
    ``budget`` characters in all."""

    def __init__(self, limit: int, budget: int, path: str):
        self.limit, self.budget, self.path = limit, budget, path
        self.strings: dict[str, str | ValueProblem] = {}

    def define(self, name: str, raw: str) -> None:
        try:
            self.strings[name.lower()] = self.expand(raw)
        except ValueProblem as exc:
            self.strings[name.lower()] = exc         # reported where it is used

    def expand(self, raw: str) -> str:
        pieces = parts(raw)
        if pieces is None:
            return raw                               # not BibTeX's syntax for a value: kept as written
        text = []
        size = 0
        for kind, piece in pieces:
            if kind == "name":
                value = self.strings.get(piece.lower(), MONTHS.get(piece.lower()))
                if value is None:
                    raise ValueProblem(f"uses the abbreviation {piece[:60]!r}, which no @string in the file "
                                       f"defines. Add @string{{{piece[:60]} = {{...}}}} before the entry, or write "
                                       "the value itself in braces.")
                if isinstance(value, ValueProblem):
                    raise value
                piece = value
            size += len(piece)
            if size > self.limit and (len(pieces) > 1 or kind == "name"):   # one long text: the reader says
                raise ValueProblem(f"has a value over {self.limit:,} characters once its @string abbreviations "
                                   "are expanded; no reference needs one that long. Check the @string definitions.")
            text.append(piece)
        if len(pieces) > 1 or pieces[0][0] == "name":
            self.budget -= size
            if self.budget < 0:
                raise InputError("its @string abbreviations expand to far more text than the file holds, as "
                                 "abbreviations defined by repeating others do; evkg stopped expanding them.",
                                 path=self.path, hint="Check the @string definitions, or export the library "
                                                      "again with abbreviations written out.")
        return "".join(text)
