"""One reference as read from any export, the problems met while reading, and author names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

# ---------------------------------------------------------------------------------------------- records


@dataclass
class Reference:
    """One bibliographic entry as read from an export, before it becomes RDF."""

    path: str
    line: int | None
    key: str
    kind: str = "article"
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    journal: str | None = None
    journal_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    more_authors: bool = False          # the list ends in "and others" (et al.)
    retraction: str | None = None       # what in the export marks the paper as retracted

    @property
    def where(self) -> str:
        return f"{self.path}, line {self.line}" if self.line else self.path


def retraction_sign(title=None, notes=(), publication_types=()) -> str | None:
    """What in an export says a paper was retracted: PubMed's publication type, a 'Retraction in' note, or a
    title that begins 'Retracted'. None when nothing does."""
    if any(str(kind).strip().lower() == "retracted publication" for kind in publication_types):
        return "PubMed lists it as a Retracted Publication"
    for note in notes:
        note = " ".join(str(note or "").split())
        if re.search(r"\bretract(ed|ion)\b", note, re.IGNORECASE):
            return f"note: {note[:120]}"
    if title and re.match(r"\W*retracted\b", str(title), re.IGNORECASE):
        return "its title says it is retracted"
    return None


@dataclass
class Problem:
    """Something wrong with one entry (or one file): where it is, which entry, and what to do."""

    path: str
    line: int | None
    key: str | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.path + (f", line {self.line}" if self.line else "") + (
            f", column {self.column}" if self.line and self.column else "")
        entry = f"entry {self.key!r}: " if self.key else ""
        return f"{where}: {entry}{self.message}"


class Notice(Problem):
    """Something to check in what was read (an encoding guessed): a warning, not an entry left out."""


@dataclass
class ImportReport:
    """What an import did: new papers, entries merged into papers already known, entries rejected."""

    graph: Graph
    added: list[URIRef] = field(default_factory=list)
    merged: list[URIRef] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    file_errors: list[Problem] = field(default_factory=list)
    present: list[Problem] = field(default_factory=list)     # papers the bundled bibliography already holds

    @property
    def exit_code(self) -> int:
        if self.file_errors:
            return 2
        return 1 if self.skipped else 0

    def summary(self) -> str:
        lines = [f"{len(self.added)} added, {len(self.merged)} merged, "
                 + (f"{len(self.present)} already present, " if self.present else "")
                 + f"{len(self.skipped)} skipped"]
        for problem in self.present:
            lines.append(f"already present: {problem}")
        for problem in self.file_errors:
            lines.append(f"error: {problem}")
        for problem in self.skipped:
            lines.append(f"skipped: {problem}")
        for problem in self.warnings:
            lines.append(f"warning: {problem}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- names


def is_initials(word: str) -> bool:
    """One to four capital letters of any script ('KW', 'Å', 'ÇM'): the initials of a 'Family Initials' name."""
    return 1 <= len(word) <= 4 and word.isalpha() and word.isupper()


def _initials(given: str) -> str:
    given = given.strip()
    if not given:
        return ""
    if is_initials(given):  # already initials, as in MEDLINE "Lener T"
        return given
    parts = re.split(r"[\s.\-]+", given)
    return "".join(p[0].upper() for p in parts if p and p[0].isalpha())


def author_name(family: str, given: str = "", suffix: str = "") -> str:
    """'Family Initials' as PubMed writes it: ('Witwer', 'Kenneth W.') -> 'Witwer KW'."""
    name = " ".join(part for part in (family.strip(), _initials(given)) if part)
    return f"{name} {suffix.strip()}".strip() if suffix else name


def _split_free_name(text: str) -> str:
    """A name written 'Family, Given' or 'Family GI' (RIS, MEDLINE) -> 'Family Initials'."""
    text = " ".join(text.split())
    if "," in text:
        family, _, rest = text.partition(",")
        given, _, suffix = rest.partition(",")
        return author_name(family, given, suffix)
    return text


def _label(ref_authors: list[str], year, more_authors: bool = False) -> str:
    families = [a.split(" ")[0] if not a.endswith("Consortium") else a for a in ref_authors]
    if not families:
        head = "Anonymous"
    elif more_authors:
        head = f"{families[0]} et al."
    elif len(families) == 1:
        head = families[0]
    elif len(families) == 2:
        head = f"{families[0]} and {families[1]}"
    else:
        head = f"{families[0]} et al."
    return f"{head} {year}" if year else head


def _family(author: str) -> str:
    """The family name of a 'Family Initials' string ('Escudé Martinez de Castilla P' keeps all words)."""
    parts = author.split(" ")
    if len(parts) > 1 and (is_initials(parts[-1]) or parts[-1] in ("Jr", "Sr")):
        if parts[-1] in ("Jr", "Sr") and len(parts) > 2:
            return " ".join(parts[:-2])
        return " ".join(parts[:-1])
    return author


