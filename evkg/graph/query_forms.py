"""What a SPARQL text is: a query of one of the four forms, an update (refused: evkg only reads), or neither
(a located syntax error naming the closest query form), read from the first keyword after the prologue; and
pyoxigraph's syntax errors as messages with line and column."""
from __future__ import annotations

import re

from evkg.core.errors import UsageError, line_and_column
from evkg.core.safe_text import shortened
from evkg.graph.limits import mask, refuse_deep_nesting


# A word of the text; a lone ":" is the empty prefix name of `PREFIX : <…>`.
_WORD = re.compile(r"[A-Za-z_][\w-]*:?|:")
QUERY_FORMS = ("select", "ask", "construct", "describe")
# The words an operation of SPARQL 1.1 Update starts with (WITH opens a DELETE/INSERT … WHERE).
UPDATE_WORDS = frozenset({"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"})


def _opening_word(sparql: str) -> tuple[re.Match | None, bool]:
    """The first word after the prologue (BASE and PREFIX declarations), and whether the prologue before it
    reads as declarations (a PREFIX followed by a prefix name ending in ':')."""
    words = _WORD.finditer(mask(sparql))
    well_formed = True
    for match in words:
        word = match.group(0).lower()
        if word == "base":
            continue                                   # its IRI is masked
        if word == "prefix":
            name = next(words, None)
            well_formed = well_formed and name is not None and name.group(0).endswith(":")
            continue
        return match, well_formed
    return None, well_formed


def first_keyword(sparql: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations), lower-cased."""
    match, _ = _opening_word(sparql)
    return match.group(0).lower().rstrip(":") if match else None


def syntax_error(message: str, source: str = "the query", line_offset: int = 0,
                 sparql: str | None = None) -> UsageError:
    """A pyoxigraph syntax error as a message with line and column, the long list of expected characters cut;
    an undeclared prefix (given the query text) named as such."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not match:
        return UsageError(f"{source} is not valid SPARQL: {_first_line(message)}")
    line, column, detail = int(match.group(1)) - line_offset, int(match.group(2)), match.group(3)
    if "Prefix not found" in detail and sparql is not None:
        undeclared = _undeclared_prefix_error(sparql, int(match.group(1)), column, source, line)
        if undeclared is not None:
            return undeclared
    detail = " ".join(detail.split())
    if len(detail) > 120:
        detail = detail[:120].rsplit(" ", 1)[0] + " …"
    error = UsageError(f"{source}, line {line}, column {column}: not valid SPARQL here ({detail}). "
                       "Check the spelling, braces and dots around that place.")
    error.line, error.column = line, column
    return error


def _undeclared_prefix_error(sparql: str, text_line: int, column: int, source: str,
                             shown_line: int) -> UsageError | None:
    """The parser stops just after a prefixed name whose prefix no PREFIX line declares: name that prefix,
    the line to add, and the known prefix it may be a misspelling of."""
    import difflib

    from evkg.core.namespaces import PREFIXES

    lines = sparql.split("\n")
    if not 0 < text_line <= len(lines):
        return None
    before = lines[text_line - 1][:column - 1]
    name = re.search(r"([A-Za-z][\w.-]*)?:[\w.:%-]*$", before)
    if name is None:
        return None
    prefix = name.group(1) or ""
    start = name.start() + 1
    close = difflib.get_close_matches(prefix, list(PREFIXES), n=1, cutoff=0.75)
    hint = (f" If you meant {close[0]}:, write {close[0]}:{name.group(0)[len(prefix) + 1:]} (evkg's own "
            "prefixes need no PREFIX line)." if close and close[0] != prefix else "")
    error = UsageError(f"{source}, line {shown_line}, column {start}: the prefix '{prefix}:' of "
                       f"{name.group(0)} is not declared. Add a line PREFIX {prefix}: <the namespace IRI> at the "
                       f"top of the query.{hint}")
    error.line, error.column = shown_line, start
    return error


def query_kind(sparql: str) -> str:
    """'select', 'ask', 'construct', 'describe', 'update' (the text opens with a SPARQL Update operation) or
    'unknown' (neither: a misspelt query form or no SPARQL at all), read from the first keyword after the
    prologue."""
    keyword = first_keyword(sparql)
    if keyword in QUERY_FORMS:
        return keyword
    return "update" if keyword in UPDATE_WORDS else "unknown"


def refuse_updates(sparql: str, source: str = "the query") -> None:
    """Refuse what is not a query: an update, or text whose first word is no query form (a located syntax
    error naming the closest form)."""
    refuse_deep_nesting(sparql)
    if not mask(sparql).strip():
        raise UsageError(f"{source} is empty: it holds no SPARQL (only blank lines or comments). Write a query "
                         "that starts with SELECT, ASK, CONSTRUCT or DESCRIBE.")
    refuse_unbalanced_braces(sparql, source)
    kind = query_kind(sparql)
    if kind == "update":
        raise UsageError("this is a SPARQL update (it would change the data), not a query: `evkg query` only "
                         "reads. Use SELECT, ASK, CONSTRUCT or DESCRIBE.")
    if kind == "unknown":
        _refuse_unknown_form(sparql, source)


# What each form's answer can be written as: a table of results (the W3C SPARQL results formats) or a graph.
RESULT_FORMATS = ("csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"ttl": "Turtle", "nt": "N-Triples"}


def unfit_answer(kind: str, written_as: str) -> str:
    """Why the answer of a query of this form cannot be written `written_as` (the middle of a refusal)."""
    if kind in ("construct", "describe"):
        return (f"is a {kind.upper()} query: its answer is a graph (RDF triples), not a table of results, so it "
                f"cannot be written as {written_as}")
    answer = "yes or no" if kind == "ask" else "a table of results"
    return f"is a {kind.upper()} query: its answer is {answer}, not a graph, so it cannot be written as {written_as}"


def refuse_unfit_format(sparql: str, fmt: str, source: str = "the query") -> None:
    """Refuse a format that cannot hold the answer: a CONSTRUCT's triples written as JSON came out as N-Triples,
    unsaid, and broke the reader of SPARQL results JSON they were meant for."""
    kind = query_kind(sparql)
    if kind in ("construct", "describe") and fmt in RESULT_FORMATS:
        raise UsageError(f"{source} {unfit_answer(kind, f'{fmt.upper()}, a SPARQL results format')}. Write it as "
                         "ttl (Turtle), nt (N-Triples) or table (to read on screen): --format ttl.")
    if kind in ("select", "ask") and fmt in GRAPH_FORMATS:
        raise UsageError(f"{source} {unfit_answer(kind, GRAPH_FORMATS[fmt])}. Write it as table, csv, tsv, json or "
                         "xml: --format csv.")


def refuse_unbalanced_braces(sparql: str, source: str = "the query") -> None:
    """A located error on the first '}' that closes nothing, or on the last '{' that is never closed (braces in
    strings, IRIs and comments do not count): the parser would only report the place where it gave up."""
    masked = mask(sparql)
    opened: list[int] = []
    for match in re.finditer(r"[{}]", masked):
        if match.group(0) == "{":
            opened.append(match.start())
        elif opened:
            opened.pop()
        else:
            line, column = line_and_column(masked, match.start())
            error = UsageError(f"{source}: a '}}' at line {line}, column {column} closes nothing (there is no "
                               "'{' open before it). Remove it, or add the '{' it should close.")
            error.line, error.column = line, column
            raise error
    if opened:
        line, column = line_and_column(masked, opened[-1])
        more = f" ({len(opened)} '{{' are not closed)" if len(opened) > 1 else ""
        error = UsageError(f"{source}: a '{{' opened at line {line}, column {column} is never closed{more}. Add "
                           "the '}' that ends its group.")
        error.line, error.column = line, column
        raise error


def _refuse_unknown_form(sparql: str, source: str) -> None:
    """A located error on the word that should have been SELECT, ASK, CONSTRUCT or DESCRIBE. Without such a
    word (empty text, a broken PREFIX line) the parser's own error says where the text goes wrong."""
    import difflib

    match, well_formed = _opening_word(sparql)
    if match is None or not well_formed:
        return
    word = sparql[match.start():match.end()]
    line, column = line_and_column(sparql, match.start())
    close = difflib.get_close_matches(word.upper(), [f.upper() for f in QUERY_FORMS] + ["PREFIX", "BASE"], n=1,
                                      cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else ""
    error = UsageError(f"{source}, line {line}, column {column}: not valid SPARQL here ({shortened(word, 60)!r} is "
                       "not a query form). A query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, after any PREFIX "
                       f"and BASE lines.{hint}")
    error.line, error.column = line, column
    raise error


def _first_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "") if text else "no details given"



# FROM as a keyword: not the local part of a prefixed name (ex:from), a variable (?from) or inside a word.
_DATASET_CLAUSE = re.compile(r"(?<![\w:?$\-.])FROM(\s+NAMED)?(?![\w:\-])", re.IGNORECASE)
_PREFIX_DECLARATION = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_PREFIXED_NAME = re.compile(r"([\w.-]*):([\w.:%-]*)")


def dataset_clause(sparql: str) -> list[tuple[str, str]]:
    """The graphs the query names as its dataset: ("FROM" or "FROM NAMED", IRI) for each FROM clause, in order.
    A query that has them is answered on that dataset, not on evkg's default graph (SPARQL 1.1 Query, 13.2)."""
    masked = mask(sparql)
    matches = list(_DATASET_CLAUSE.finditer(masked))
    if not matches:
        return []
    prefixes = dict(_PREFIX_DECLARATION.findall(sparql))
    clauses = []
    for match in matches:
        kind = "FROM NAMED" if match.group(1) else "FROM"
        rest = sparql[match.end():].lstrip()
        if rest.startswith("<"):
            iri = rest[1:rest.find(">")] if ">" in rest else rest[1:]
        elif name := _PREFIXED_NAME.match(rest):
            iri = prefixes.get(name.group(1), name.group(1) + ":") + name.group(2)
        else:
            iri = rest.split(None, 1)[0] if rest.strip() else ""
        clauses.append((kind, iri))
    return clauses


def has_dataset_clause(sparql: str) -> bool:
    return bool(_DATASET_CLAUSE.search(mask(sparql)))
