"""What to tell a person whose file could not be read: the prefix line a Turtle file lacks, the typographic
quotes a word processor put in it, and that a spreadsheet or document is not a description."""
from __future__ import annotations

import re

# files people keep product facts in that are not descriptions: said so, rather than "rename the file"
NOT_DESCRIPTIONS = {".csv": "a table (CSV)", ".tsv": "a table (TSV)", ".xlsx": "a spreadsheet",
                    ".xls": "a spreadsheet", ".ods": "a spreadsheet", ".docx": "a word-processor document",
                    ".doc": "a word-processor document", ".pdf": "a PDF document", ".txt": "plain text"}


def prefix_hint(reason: str) -> str:
    """For a prefix evkg knows but the file does not declare, the line that declares it."""
    found = (re.search(r'Prefix "([A-Za-z][\w.-]*):" not bound', reason)             # rdflib's words
             or re.search(r"The prefix ([A-Za-z][\w.-]*): has not been declared", reason))   # Oxigraph's
    if not found:
        return ""
    from evkg.core.namespaces import PREFIXES
    from evkg.io.context import bundled_context

    known = {**{k: v for k, v in bundled_context()["@context"].items() if isinstance(v, str) and k[:1] != "@"},
             **{k: v["@id"] for k, v in bundled_context()["@context"].items()
                if isinstance(v, dict) and v.get("@prefix") and isinstance(v.get("@id"), str)}, **PREFIXES}
    iri = known.get(found.group(1))
    if not iri or iri.startswith("@"):             # `id:`, `type:`: keywords of the YAML form, not prefixes
        return ""
    return f"Declare the prefix at the top of the file: @prefix {found.group(1)}: <{iri}> ."


TYPOGRAPHIC_QUOTES = "“”‘’„«»"


def quote_hint(text: str, line: int | None, first_line: int = 1) -> str:
    """For a file that could not be read where a typographic quote stands (on the line of the problem or the
    one before), that RDF texts are enclosed in straight quotes: text copied from a word processor has
    “…”, which no RDF reader takes as quotes. ``first_line``: the number of the text's first line (a part of a
    file)."""
    if not line:
        return ""
    lines = text.splitlines()
    for number in (line, line - 1):
        if 0 <= number - first_line < len(lines):
            found = next((c for c in lines[number - first_line] if c in TYPOGRAPHIC_QUOTES), None)
            if found:
                return (f"Line {number} holds the typographic quote {found}, as a word processor writes it; texts "
                        "are enclosed in straight quotes (\"Knee EVs\"): replace it with \", or write the file in a "
                        "plain-text editor.")
    return ""


def syntax_hint(fmt: str) -> str:
    """What usually breaks a file of this format, for a syntax error with no better hint."""
    if fmt in ("turtle", "trig", "n3"):
        return ("Common causes: a missing '.' or ';' at the end of a statement, an undeclared prefix, "
                "or an unclosed quote or bracket.")
    if fmt in ("nt", "nquads"):
        return "Each line must be one statement: <subject> <predicate> object ."
    return ""


def relative_iri(reason: str, text: str) -> tuple[str, int | None, int | None, str] | None:
    """(reason, line, column, hint) for a relative IRI the reader could not complete (text pasted or sent
    without a file's address), said as such rather than as the reader's 'Base <urn:…> has no slash after
    colon'; None for any other problem."""
    found = re.search(r"has no slash after colon - with relative '([^']*)'", reason)
    if not found:
        return None
    written = found.group(1)
    place = text.find(f"<{written}>")
    line = text.count("\n", 0, place) + 1 if place >= 0 else None
    column = place - (text.rfind("\n", 0, place) + 1) + 1 if place >= 0 else None
    return _relative_iri_words(written, line, column)


def _relative_iri_words(written: str, line: int | None, column: int | None) -> tuple:
    from evkg.core.safe_text import shortened, visible

    return (f"uses the relative IRI <{shortened(visible(written), 80)}>, which names nothing by itself: it has no "
            "scheme such as https:, and a description sent without a file has no address to complete it from.",
            line, column, "Write the full IRI, e.g. <https://example.org/products/knee-ev>, or declare a base at "
                          "the top: @base <https://example.org/products/> .")


def _lines_at(text: str, line: int, before: int = 1) -> str:
    """Lines `line - before` to `line` of a text (a large one is not split whole)."""
    start, number = 0, 1
    while number < line - before:
        found = text.find("\n", start)
        if found < 0:
            return ""
        start, number = found + 1, number + 1
    end = start
    for _ in range(min(before, line - 1) + 1):
        found = text.find("\n", end)
        end = len(text) if found < 0 else found + 1
    return text[start:end]


def oxigraph_problem(exc: SyntaxError, text: str, fmt: str, format_name: str) -> tuple:
    """(reason, line, column, hint) from Oxigraph's own message, for a text too large to read again with rdflib:
    the same words for a relative IRI and the same hints for a prefix, a typographic quote or the format."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    reason = re.sub(r"^Parser error [^:]*: ", "", str(exc))
    reason = re.sub(r" \(line \d+\)$", "", reason).rstrip(".")
    nearby = _lines_at(text, line) if line else ""
    if reason.startswith("No scheme found in an absolute IRI") and line and column:
        written = re.match(r"<([^>]*)>", _lines_at(text, line, before=0)[column - 1:])
        if written:
            return _relative_iri_words(written.group(1), line, column)
    quote = quote_hint(nearby, line, first_line=max(line - 1, 1)) if line else ""
    hint = prefix_hint(reason) or quote or syntax_hint(fmt)
    return f"is not valid {format_name}: {reason}.", line, column, hint


def too_deep_to_read(format_name: str) -> tuple[str, str]:
    """(reason, hint) for a file whose reader went deeper than Python allows; in JSON-LD, after the nesting
    check, that is terms of @context objects defined through one another (across nested contexts)."""
    if format_name == "JSON-LD":
        return ("could not be read as JSON-LD: its @context terms are defined through one another more deeply "
                "than evkg follows (a loop, or a long chain, across nested @context objects).",
                "Define each term of your @context by its full IRI, or by a CURIE whose prefix is defined by "
                "an IRI.")
    return (f"is structured too deeply to read as {format_name}.",
            "Describe deep structures with named nodes instead of nesting them.")
