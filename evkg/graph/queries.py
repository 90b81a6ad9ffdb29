"""The named-query catalogue: list, describe, bind parameters safely, and run on any store.

Each ``queries/<name>.rq`` starts with a header the catalogue reads::

    # title: Products by inferred regulatory category
    # description: For one jurisdiction, each product with its category, rule and legal source.
    # param: jurisdiction  EU, US or KR (or the jurisdiction's IRI), default EU
    # source: Lener et al. 2015 (doi:10.3402/jev.v4.30087)

A parameter is a variable of the query (``?jurisdiction``). Its value is parsed by kind (taken from its
name: jurisdiction, product, act, type/class/category, paper, trial, rule, year/limit … or any term), turned
into one validated RDF term, and bound with a ``VALUES`` clause at the start of the query's WHERE block:
user text never becomes SPARQL syntax.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from evkg.core.errors import UsageError
from evkg.core.namespaces import PREFIXES
from evkg.core.safe_text import shortened
from evkg.graph.parameters import (  # noqa: F401  (callers import the parameter kinds from here)
    ACCEPTED,
    BadValue,
    check_named_things,
    param_kind,
    parse_value,
)
from evkg.graph.store import DEFAULT_TIMEOUT, Results, mask, prefixed, refuse_updates, syntax_error

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    default: str | None

    @property
    def kind(self) -> str:
        return param_kind(self.name)

    @property
    def accepted(self) -> str:
        return ACCEPTED[self.kind]


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    params: list[Param]
    sources: list[str]
    path: Path
    text: str = field(repr=False)
    columns: dict = field(default_factory=dict)     # result variable -> column title for people

    @property
    def is_file(self) -> bool:
        """A user's .rq file (named by its path) rather than a catalogue query."""
        return self.name == str(self.path)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def column_title(self, variable: str) -> str:
        """The column title its header gives (`# columns: var=Title; …`), else the variable's own name."""
        return self.columns.get(variable) or variable


# --- header -------------------------------------------------------------------------------------------------
_HEADER_LINE = re.compile(r"#\s*(title|description|param|source|columns)\s*:\s*(.*)$", re.IGNORECASE)
_DEFAULT = re.compile(r"[,;]?\s*\(?\bdefault\s*:?\s+(\S+?)\)?\s*\.?$", re.IGNORECASE)


def parse_header(text: str) -> dict:
    """title, description, params and sources from the comment lines at the top of a query."""
    header = {"title": "", "description": "", "params": [], "sources": [], "columns": {}}
    last = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        if match:
            key, value = match.group(1).lower(), match.group(2).strip()
            last = key
            if key == "param":
                header["params"].append(_parse_param(value))
            elif key == "source":
                header["sources"].append(value)
            elif key == "columns":
                for pair in value.split(";"):
                    variable, _, title = pair.partition("=")
                    if variable.strip() and title.strip():
                        header["columns"][variable.strip().lstrip("?")] = title.strip()
            else:
                header[key] = value
        elif last in ("title", "description") and line.lstrip("#").strip():
            # a continuation line of a long description
            header[last] += " " + line.lstrip("#").strip()
    return header


def _parse_param(value: str) -> Param:
    name, _, rest = value.partition(" ")
    name = name.strip().lstrip("?$")
    rest = rest.strip()
    default = None
    match = _DEFAULT.search(rest)
    if match:
        default = match.group(1)
        rest = rest[:match.start()].strip()
    return Param(name=name, description=rest, default=default)


# --- the catalogue ------------------------------------------------------------------------------------------
def query_folder() -> Path:
    from evkg.core import resources

    return resources.folder("queries")


def load_query(path: Path, name: str | None = None, text: str | None = None) -> NamedQuery:
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the query file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    header = parse_header(text)
    return NamedQuery(name=name or path.stem, title=header["title"], description=header["description"],
                      params=header["params"], sources=header["sources"], path=path, text=text,
                      columns=header["columns"])


def _user_query_text(path: Path) -> str:
    """The text of a user's query file: a regular file (a folder, a device or a pipe named .rq was reported as
    missing; /dev/zero would be read for ever), in UTF-8."""
    from evkg.core.files import default_limit, read_limited

    if not path.exists() and not path.is_symlink():
        raise UsageError(f"the query file {path} does not exist")
    raw = read_limited(path, default_limit(), what="query file", stdin_ok=False,
                       limit_hint="A query is rarely over a few kilobytes: check that this is the query file.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"the query file {path}, line {line}: is not UTF-8 text (the byte 0x{raw[exc.start]:02x} is "
                         "not a character). Save the file as UTF-8 (most editors offer this under 'Save as' or "
                         "'Encoding').") from None


def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order."""
    return {path.stem: load_query(path) for path in sorted(query_folder().glob("*.rq"))}


def get_query(name_or_file: str) -> NamedQuery:
    """A catalogue query by name, or a user's .rq file by path."""
    path = Path(name_or_file)
    try:
        is_file = path.is_file()
    except OSError:                        # a name too long to be a file's (ENAMETOOLONG): a query's name, then
        is_file = False
    if name_or_file.endswith(".rq") or is_file:
        return load_query(path, name=str(path), text=_user_query_text(path))
    queries = catalogue()
    if name_or_file in queries:
        return queries[name_or_file]
    names = list(queries)
    close = difflib.get_close_matches(name_or_file, names, n=3, cutoff=0.5)
    close += [n for n in names if name_or_file.lower() in n and n not in close][:3]
    hint = (f" Did you mean: {', '.join(close)}?" if close else "") + " `evkg queries` lists them all."
    raise UsageError(f"there is no named query {shortened(name_or_file, 80)!r}.{hint}")


# --- preparing the text -------------------------------------------------------------------------------------
def _variables(text: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_]\w*)", mask(text)))


def accepted_parameters(query: NamedQuery) -> list[str]:
    """The parameters a query takes. A catalogue query takes exactly those its header declares (`# param:`):
    binding any other variable, such as a column it computes, would replace the graph's answer with the
    given text. A query file of the user's without `# param:` lines takes its variables, except those it
    assigns itself (`… AS ?v`)."""
    if query.params or not query.is_file:
        return [p.name for p in query.params]
    assigned = set(re.findall(r"(?i)\bAS\s+[?$]([A-Za-z_]\w*)", mask(query.text)))
    return sorted(_variables(query.text) - assigned)


def missing_prefixes(text: str) -> str:
    """PREFIX declarations for known prefixes the query uses without declaring, on one line."""
    masked = mask(text)
    declared = {m.lower() for m in re.findall(r"(?i)\bprefix\s+([\w-]*):", masked)}
    used = set(re.findall(r"(?<![\w?$:/#.-])([A-Za-z][\w-]*):", masked))
    needed = [p for p in PREFIXES if p in used and p.lower() not in declared]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in needed)


def _where_brace(masked: str) -> int:
    match = re.search(r"(?i)\bwhere\s*\{", masked)
    if match:
        return match.end()
    keyword = re.search(r"(?i)\b(select|ask|describe)\b", masked)
    if keyword:
        brace = masked.find("{", keyword.end())
        if brace >= 0:
            return brace + 1
    raise UsageError("parameters can be bound only in a query with a WHERE block")


# A comment line that marks where the parameters' VALUES go, for a query whose WHERE block is a UNION:
# Oxigraph evaluates a union before joining it with bindings outside it, so there they would filter the whole
# answer instead of narrowing each branch. Without a mark, VALUES open the WHERE block.
_BIND_HERE = re.compile(r"#[ \t]*parameters are bound here\b")


# where a wrong parameter name is told to look; the web service names its own page instead
PARAMETERS_LISTED = " `evkg queries` lists each query's parameters."


def prepare(query: NamedQuery, params: dict[str, str]) -> tuple[str, int]:
    """The runnable text (prefixes injected, parameters bound) and the number of characters added to line 1."""
    text = query.text
    declared = {p.name: p for p in query.params}
    accepted = accepted_parameters(query)
    unknown = [name for name in params if name not in accepted]
    if unknown:
        fix = (f"it accepts: {', '.join(accepted)}." if accepted else
               "it has no variable that can be given a value." if query.is_file else
               "it takes no parameters: run it without any.")
        raise UsageError(f"the query {query.name} has no parameter {shortened(unknown[0], 60)!r}; {fix}"
                         + ("" if query.is_file else PARAMETERS_LISTED))
    bindings: list[tuple[str, str]] = []
    for name in list(declared) + [n for n in params if n not in declared]:
        spec = declared.get(name) or Param(name, "", None)
        raw = params.get(name, spec.default)
        if raw is None:
            raise UsageError(f"the query {query.name} needs the parameter {name!r} ({spec.accepted}); "
                             f"give it a value ({name}=…).")
        try:
            term = parse_value(spec.kind, str(raw))
        except BadValue as exc:
            raise UsageError(f"parameter {shortened(name, 60)!r}: {exc}. Accepted: {spec.accepted}.") from None
        bindings.append((name, term))
    if bindings:
        values = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in bindings)
        marks = [m.start() for m in _BIND_HERE.finditer(text)]
        if marks:                                      # the query names where (e.g. in each UNION branch)
            for at in reversed(marks):
                text = text[:at] + values.lstrip() + " " + text[at:]
        else:
            at = _where_brace(mask(text))
            text = text[:at] + values + text[at:]
    prologue = missing_prefixes(text)
    return prologue + text, len(prologue)


# --- running ------------------------------------------------------------------------------------------------
def open_target(store=None, endpoint: str | None = None, timeout: float = DEFAULT_TIMEOUT, progress=None):
    from evkg.graph.build import open_store
    from evkg.graph.store import EmbeddedStore, RemoteEndpoint

    if isinstance(store, (EmbeddedStore, RemoteEndpoint)):
        return store
    if isinstance(store, ox.Store):
        return EmbeddedStore(store=store)
    return open_store(store, endpoint=endpoint, timeout=timeout, progress=progress)


def prepared_text(name_or_file: str, params: dict[str, str] | None = None) -> str:
    query = get_query(name_or_file)
    source = str(query.path) if query.is_file else f"the query {query.name}"
    if query.is_file and not mask(query.text).strip():
        raise UsageError(f"{query.path}: the query file is empty (it holds no SPARQL, only blank lines or "
                         "comments). Write a query in it that starts with SELECT, ASK, CONSTRUCT or DESCRIBE.")
    refuse_updates(query.text, source)
    text, shift = prepare(query, {k: v for k, v in (params or {}).items()})
    _syntax_check(text, source, shift)
    return text


@functools.lru_cache(maxsize=16)
def _syntax_check(text: str, source: str, shift: int) -> None:
    """Oxigraph has no parse-only call: the text is run on an empty store. Its SERVICE calls are read as GRAPH
    (the same grammar), so checking never contacts another host; a part needing no data (an aggregate over
    VALUES) is still computed, so callers with a time limit check within it. A text that passed is not run again."""
    try:
        ox.Store().query(_without_remote_calls(text))
    except SyntaxError as exc:
        message = str(exc)
        where = re.match(r"error at 1:(\d+):", message)
        if where and shift:   # the PREFIX lines evkg added sit before the user's first line
            message = message.replace(f"at 1:{where.group(1)}", f"at 1:{max(int(where.group(1)) - shift, 1)}", 1)
        raise syntax_error(message, source, sparql=text[shift:]) from None
    except OSError:
        pass  # valid syntax; the empty store just could not evaluate something


def _without_remote_calls(text: str) -> str:
    """``SERVICE [SILENT] x {…}`` written as ``GRAPH x {…}``, padded so that error lines and columns stay."""
    from evkg.classification.rule_checks import SERVICE_KEYWORD

    masked = mask(text)
    for hit in reversed(list(SERVICE_KEYWORD.finditer(masked))):
        silent = re.compile(r"\s+SILENT\b", re.IGNORECASE).match(masked, hit.end())
        end = silent.end() if silent else hit.end()
        text = text[:hit.start()] + "GRAPH" + re.sub(r"[^\n]", " ", text[hit.start() + 5:end]) + text[end:]
    return text


def run_named_query(name: str, store=None, endpoint: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                    **params) -> Results:
    """Run a catalogue query (or a .rq file) with parameters on the embedded store or an endpoint."""
    given = {k: str(v) for k, v in params.items()}
    text = prepared_text(name, given)
    target = open_target(store, endpoint, timeout)
    _require_loaded(target, text)
    check_named_things(get_query(name), given, target)
    return target.query(text)


def _require_loaded(target, text: str) -> None:
    """An endpoint asked for evkg's graphs must hold them; a query naming its own dataset (FROM) may ask any."""
    from evkg.graph.query_forms import has_dataset_clause
    from evkg.graph.store import RemoteEndpoint

    if isinstance(target, RemoteEndpoint) and not has_dataset_clause(text):
        target.require_evkg_graphs()


def run_serialized(name: str, fmt: str, store=None, endpoint: str | None = None,
                   timeout: float = DEFAULT_TIMEOUT, params: dict | None = None, progress=None) -> bytes | str:
    """The answer in a W3C results format (csv, tsv, json, xml), as a graph (ttl, nt: CONSTRUCT and DESCRIBE)
    or as a table for people."""
    from evkg.graph.query_forms import refuse_unfit_format

    if fmt not in OUTPUT_FORMATS:
        from evkg.core.safe_text import shortened, visible

        raise UsageError(f"unknown format {shortened(visible(repr(fmt)), 60)}; choose one of "
                         f"{', '.join(OUTPUT_FORMATS)}")
    text = prepared_text(name, params)
    refuse_unfit_format(text, fmt, f"the query {name}")
    target = open_target(store, endpoint, timeout, progress)
    _require_loaded(target, text)
    check_named_things(get_query(name), params, target)
    query = get_query(name)
    if fmt == "table":
        return render_table(target.query(text), query.column_title)
    if fmt in ("ttl", "nt"):
        return target.query_serialized(text, {"ttl": "turtle", "nt": "ntriples"}[fmt])
    answer = target.query_serialized(text, fmt)
    if fmt == "csv":
        # Column titles for people in the spreadsheet format; TSV, JSON and XML keep the W3C variable names
        # (readers of those formats parse `?var` headers back into results).
        return _retitle(answer, fmt, query.column_title)
    return answer


def _retitle(answer: bytes, fmt: str, title) -> bytes:
    """The CSV answer with its header row of variables replaced by column titles."""
    import csv
    import io

    head, newline, rest = answer.partition(b"\n")
    line = head.decode("utf-8").rstrip("\r")
    names = next(csv.reader([line]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([title(v) for v in names])
    titles = buffer.getvalue()
    ending = "\r" if head.endswith(b"\r") else ""
    return (titles + ending).encode("utf-8") + newline + rest


def unknown_names(text: str, target) -> list[str]:
    """The names a query uses (evkg:EVProduct, rdfs:label, <https://w3id.org/evkg#…>, with one of evkg's
    prefixes) that nothing in the graph uses, each with the closest known names: a query that answers nothing
    may just misspell a class or property (evkg:EVProdcut)."""
    used: set[tuple[str, str]] = set()
    for prefix, local in re.findall(r"(?<![\w:?$])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", mask(text)):
        if prefix in PREFIXES:
            used.add((prefix, local))
    for iri in re.findall(r"<([^<>\s]+)>", text):
        for prefix, base in PREFIXES.items():
            if iri.startswith(base) and re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(base):]):
                used.add((prefix, iri[len(base):]))
    notes = []
    for prefix, local in sorted(used):
        base = PREFIXES[prefix]
        if target.query(f"ASK {{ VALUES ?x {{ <{base}{local}> }} {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION "
                        "{ ?s ?p ?x } }").boolean:
            continue
        known = sorted({str(row[0].value)[len(base):] for row in target.query(
            f"SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION {{ ?s ?p ?x }} "
            f"FILTER (isIRI(?x) && STRSTARTS(STR(?x), \"{base}\")) }}").rows})
        close = difflib.get_close_matches(local, known, n=3, cutoff=0.75)
        notes.append(f"{prefix}:{local}" + (f" (did you mean {', '.join(prefix + ':' + c for c in close)}?)"
                                            if close else ""))
    return notes


def render_table(results: Results, title=str) -> str:
    from evkg.core.safe_text import visible

    if results.kind == "ask":
        return "yes\n" if results.boolean else "no\n"
    if results.kind == "graph":
        count = len(results.triples)
        return "".join(visible(f"{prefixed(t.subject)} {prefixed(t.predicate)} {prefixed(t.object)}") + "\n"
                       for t in results.triples) + f"({count} triple{'s' if count != 1 else ''})\n"
    header = [title(v) for v in results.variables]
    cells = [[_cell(prefixed(term)) for term in row] for row in results.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int = 70) -> str:
    from evkg.core.safe_text import visible

    text = visible(" ".join(text.split()))          # an endpoint's data may hold ESC sequences or overrides
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- documentation ------------------------------------------------------------------------------------------
def catalogue_markdown() -> str:
    """docs/queries.md: the catalogue, generated from the query headers."""
    lines = ["# Named queries", "",
             "Generated from the headers of `queries/*.rq` by `python -m evkg.publish.docs`; do not edit by hand.", "",
             "Run one with `evkg query NAME [--param name=value]... [--format table|csv|tsv|json|xml|ttl|nt]`: "
             "csv, tsv, json and xml are the SPARQL results formats of a SELECT or ASK; the graph a CONSTRUCT or "
             "DESCRIBE gives is written as ttl (Turtle) or nt (N-Triples), and a results format is refused. "
             "CSV values are written exactly, as the results format has them (the header row gives the columns' "
             "titles); a spreadsheet runs a value beginning with =, +, - or @ as a formula when it opens the file, "
             "so the command notes such values on stderr, and `--spreadsheet-safe` writes them with a leading ' "
             "for a spreadsheet (as `evkg whatif --format csv --spreadsheet-safe` does). "
             "Without `--endpoint` it reads the embedded store (built on first use); with `--endpoint URL` "
             "it asks a SPARQL 1.1 endpoint for the merge of evkg's named graphs (ontology, shapes, curated, "
             "inferred) through the protocol's `default-graph-uri`, so an Oxigraph, Fuseki or GraphDB server "
             "loaded with `evkg load` answers exactly like the embedded store, with no server option needed. "
             "The rules and outcomes of other rule sets (a law reform) stay in graphs of their own, named to the "
             "endpoint through `named-graph-uri`; the queries that compare rule sets read them with `GRAPH`. "
             "A query that names its own dataset (`FROM`, `FROM NAMED`) is answered on that dataset instead (evkg "
             "then sends no `default-graph-uri`), here and at `evkg serve`'s `/sparql`; a graph the store does "
             "not hold is refused with the list of the graphs it holds. `--timeout` (30 s) bounds the whole "
             "query, from checking its syntax to the last byte of its answer, on the embedded store or an endpoint "
             "(an endpoint that sends its answer a byte at a time is cut there too); past it the command stops with "
             "exit code 2. Checking a query's syntax never contacts the hosts its `SERVICE` blocks name; running "
             "it on the embedded store does, as written.",
             "", "Parameter values are read by kind:", ""]
    lines += [f"- **{kind}**: {text}" for kind, text in ACCEPTED.items()]
    lines += ["", "| name | title | parameters |", "|---|---|---|"]
    queries = catalogue()
    for query in queries.values():
        params = "<br>".join(f"`{p.name}`" + (f" (default `{p.default}`)" if p.default else " (required)")
                             for p in query.params) or "—"
        lines.append(f"| [`{query.name}`](#{query.name}) | {query.title} | {params} |")
    for query in queries.values():
        lines += ["", f"## {query.name}", "", f"**{query.title}**", "", query.description, ""]
        for p in query.params:
            default = f" Default: `{p.default}`." if p.default else " Required."
            lines.append(f"- parameter `{p.name}`: {p.description}.{default} Accepts {p.accepted}.")
        for source in query.sources:
            lines.append(f"- source: {source}")
    return "\n".join(lines).rstrip() + "\n"
