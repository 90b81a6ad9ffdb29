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
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from evkg.core.errors import UsageError
from evkg.core.namespaces import PREFIXES
from evkg.graph.store import DEFAULT_TIMEOUT, Results, mask, prefixed, refuse_updates, syntax_error

EVD = PREFIXES["evd"]
EVKG = PREFIXES["evkg"]
JURISDICTIONS = ("EU", "US", "KR")
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml")


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


def load_query(path: Path, name: str | None = None) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the query file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    header = parse_header(text)
    return NamedQuery(name=name or path.stem, title=header["title"], description=header["description"],
                      params=header["params"], sources=header["sources"], path=path, text=text,
                      columns=header["columns"])


def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order."""
    return {path.stem: load_query(path) for path in sorted(query_folder().glob("*.rq"))}


def get_query(name_or_file: str) -> NamedQuery:
    """A catalogue query by name, or a user's .rq file by path."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.exists() and path.is_file():
        if not path.is_file():
            raise UsageError(f"the query file {name_or_file} does not exist")
        return load_query(path, name=str(path))
    queries = catalogue()
    if name_or_file in queries:
        return queries[name_or_file]
    names = list(queries)
    close = difflib.get_close_matches(name_or_file, names, n=3, cutoff=0.5)
    close += [n for n in names if name_or_file.lower() in n and n not in close][:3]
    hint = (f" Did you mean: {', '.join(close)}?" if close else "") + " `evkg queries` lists them all."
    raise UsageError(f"there is no named query {name_or_file!r}.{hint}")


# --- parameter values ---------------------------------------------------------------------------------------
_KIND_BY_NAME = {
    "jurisdiction": "jurisdiction", "product": "product", "act": "act", "type": "class", "class": "class",
    "category": "class", "paper": "paper", "trial": "trial", "rule": "rule", "year": "integer",
    "limit": "integer", "text": "string", "author": "string", "keyword": "string", "status": "status",
    "role": "role",
}
ACCEPTED = {
    "jurisdiction": "EU, US or KR, or a jurisdiction IRI",
    "product": "a product id such as exoflo, a CURIE such as evd:product/exoflo, or an IRI",
    "act": "an act id such as eu-dir-2001-83 (or a provision such as eu-dir-2001-83/art-1-2), a CURIE or an IRI",
    "class": "an evkg class name such as Exosome, a CURIE such as evkg:Exosome, or an IRI",
    "paper": "a DOI such as 10.3402/jev.v4.30087, pmid:<number>, a CURIE or an IRI",
    "trial": "a registry id such as NCT04493242, a CURIE or an IRI",
    "rule": "a rule id such as EU-10, a CURIE such as evsh:EU-10, or an IRI",
    "status": "Settled, Provisional or Contested (or evkg:Settled …)",
    "role": "ActiveSubstance, DeliveryVehicle, Combined or NotApplicable (or evkg:DeliveryVehicleRole …)",
    "integer": "a whole number",
    "string": "any text",
    "term": "an IRI (<…> or http…), a CURIE with a known prefix (evkg:, evd:, …), a number, or text",
}


def param_kind(name: str) -> str:
    lowered = name.lower()
    if lowered in _KIND_BY_NAME:
        return _KIND_BY_NAME[lowered]
    for suffix, kind in (("jurisdiction", "jurisdiction"), ("product", "product"), ("act", "act"),
                         ("type", "class"), ("class", "class"), ("category", "class"), ("paper", "paper"),
                         ("year", "integer")):
        if lowered.endswith(suffix):
            return kind
    if lowered.startswith(("min", "max")):
        return "integer"
    return "term"


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CURIE = re.compile(r"^([A-Za-z][\w-]*)?:(\S*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class BadValue(ValueError):
    pass


def _iri_term(iri: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        raise BadValue("an IRI cannot contain spaces or any of < > \" { } | ^ ` \\")
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise BadValue(f"{iri!r} is not a valid IRI ({exc})") from None


def _as_iri(raw: str) -> str | None:
    """The IRI a value names, if it is written as <IRI>, http(s)/urn IRI or a CURIE with a known prefix."""
    if raw.startswith("<") and raw.endswith(">"):
        return raw[1:-1]
    if re.match(r"^(https?|urn|ftp):", raw, re.IGNORECASE):
        return raw
    match = _CURIE.match(raw)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    if match and match.group(1) and not re.match(r"^\d", match.group(2) or "x"):
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise BadValue(f"the prefix {match.group(1)}: is not known (known: {known})")
    return None


def parse_value(kind: str, raw: str) -> str:
    """One parameter value as a validated SPARQL term, or BadValue saying what is wrong."""
    value = raw.strip()
    if not value:
        raise BadValue("the value is empty")
    if kind == "string":
        return str(ox.Literal(value))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise BadValue(f"{value!r} is not a whole number")
        return str(ox.Literal(str(int(value)), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))
    if kind == "paper" and re.match(r"^(doi:)?10\.\d{4,9}/\S+$", value, re.IGNORECASE):
        doi = re.sub(r"^doi:", "", value, flags=re.IGNORECASE).lower()
        return _iri_term(f"{EVD}paper/doi/{doi}")
    if kind == "paper" and re.match(r"^pmid:\d+$", value, re.IGNORECASE):
        return _iri_term(f"{EVD}paper/pmid/{value.split(':', 1)[1]}")
    iri = _as_iri(value)
    if iri is not None:
        return _iri_term(iri)
    if kind == "jurisdiction":
        if value.upper() in JURISDICTIONS:
            return _iri_term(f"{EVD}jurisdiction/{value.upper()}")
        raise BadValue(f"{value!r} is not a jurisdiction evkg knows")
    if kind == "product":
        if _SLUG.match(value.lower()):
            return _iri_term(f"{EVD}product/{value.lower()}")
        raise BadValue(f"{value!r} is not a product id (lower-case letters, digits and hyphens)")
    if kind == "act":
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?", value.lower()):
            return _iri_term(f"{EVD}act/{value.lower()}")
        raise BadValue(f"{value!r} is not an act id")
    if kind == "class":
        if re.fullmatch(r"[A-Za-z_][\w-]*", value):
            return _iri_term(EVKG + value)
        raise BadValue(f"{value!r} is not a class name")
    if kind == "trial":
        if re.fullmatch(r"[A-Za-z0-9][\w.-]*", value):
            return _iri_term(f"{EVD}trial/{value}")
        raise BadValue(f"{value!r} is not a trial registry id")
    if kind == "rule":
        if re.fullmatch(r"[A-Za-z]+-[\w-]+", value):
            return _iri_term(PREFIXES["evsh"] + value)
        raise BadValue(f"{value!r} is not a rule id")
    if kind == "status":
        names = {"settled": "Settled", "provisional": "Provisional", "contested": "Contested"}
        if value.lower() in names:
            return _iri_term(EVKG + names[value.lower()])
        raise BadValue(f"{value!r} is not a rule status")
    if kind == "role":
        names = {"activesubstance": "ActiveSubstanceRole", "deliveryvehicle": "DeliveryVehicleRole",
                 "combined": "CombinedRole", "notapplicable": "NotApplicableRole"}
        key = re.sub(r"[\s_-]", "", value.lower()).removesuffix("role")
        if key in names:
            return _iri_term(EVKG + names[key])
        raise BadValue(f"{value!r} is not an EV role")
    if kind == "paper":
        raise BadValue(f"{value!r} is not a DOI or pmid:<number>")
    # any term: numbers and booleans as typed literals, anything else as text
    if re.fullmatch(r"[+-]?\d{1,18}", value):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "decimal")))
    if value in ("true", "false"):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean")))
    return str(ox.Literal(value))


# --- preparing the text -------------------------------------------------------------------------------------
def _variables(text: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_]\w*)", mask(text)))


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


def prepare(query: NamedQuery, params: dict[str, str]) -> tuple[str, int]:
    """The runnable text (prefixes injected, parameters bound) and the number of characters added to line 1."""
    text = query.text
    variables = _variables(text)
    declared = {p.name: p for p in query.params}
    unknown = [name for name in params if name not in declared and (declared or name not in variables)]
    if unknown:
        accepted = ", ".join(declared) if declared else ", ".join(sorted(variables)) or "none"
        raise UsageError(f"the query {query.name} has no parameter {unknown[0]!r}; it accepts: {accepted}")
    bindings: list[tuple[str, str]] = []
    for name in list(declared) + [n for n in params if n not in declared]:
        spec = declared.get(name) or Param(name, "", None)
        raw = params.get(name, spec.default)
        if raw is None:
            raise UsageError(f"the query {query.name} needs the parameter {name!r} ({spec.accepted}); "
                             f"give it with --param {name}=…")
        try:
            term = parse_value(spec.kind, str(raw))
        except BadValue as exc:
            raise UsageError(f"parameter {name!r}: {exc}. Accepted: {spec.accepted}.") from None
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
    refuse_updates(query.text)
    text, shift = prepare(query, {k: v for k, v in (params or {}).items()})
    source = str(query.path) if query.name == str(query.path) else f"the query {query.name}"
    _syntax_check(text, source, shift)
    return text


def _syntax_check(text: str, source: str, shift: int) -> None:
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        error = syntax_error(str(exc), source)
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        if line == 1 and shift and column is not None:
            error = syntax_error(str(exc).replace(f"at 1:{column}", f"at 1:{max(column - shift, 1)}", 1), source)
        raise error from None
    except OSError:
        pass  # valid syntax; the empty store just could not evaluate something (e.g. SERVICE)


def run_named_query(name: str, store=None, endpoint: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                    **params) -> Results:
    """Run a catalogue query (or a .rq file) with parameters on the embedded store or an endpoint."""
    text = prepared_text(name, {k: str(v) for k, v in params.items()})
    return open_target(store, endpoint, timeout).query(text)


def run_serialized(name: str, fmt: str, store=None, endpoint: str | None = None,
                   timeout: float = DEFAULT_TIMEOUT, params: dict | None = None, progress=None) -> bytes | str:
    """The answer in a W3C results format (csv, tsv, json, xml) or as a table for people."""
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    text = prepared_text(name, params)
    target = open_target(store, endpoint, timeout, progress)
    query = get_query(name)
    if fmt == "table":
        return render_table(target.query(text), query.column_title)
    from evkg.graph.store import query_kind

    if query_kind(text) in ("construct", "describe"):
        return target.query_serialized(text, "turtle" if fmt == "table" else "ntriples")
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


def render_table(results: Results, title=str) -> str:
    if results.kind == "ask":
        return "yes\n" if results.boolean else "no\n"
    if results.kind == "graph":
        return "".join(f"{prefixed(t.subject)} {prefixed(t.predicate)} {prefixed(t.object)}\n"
                       for t in results.triples)
    header = [title(v) for v in results.variables]
    cells = [[_cell(prefixed(term)) for term in row] for row in results.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- documentation ------------------------------------------------------------------------------------------
def catalogue_markdown() -> str:
    """docs/queries.md: the catalogue, generated from the query headers."""
    lines = ["# Named queries", "",
             "Generated from the headers of `queries/*.rq` by `python -m evkg.publish.docs`; do not edit by hand.", "",
             "Run one with `evkg query NAME [--param name=value]... [--format table|csv|tsv|json|xml]`. "
             "Without `--endpoint` it reads the embedded store (built on first use); with `--endpoint URL` "
             "it asks a SPARQL 1.1 endpoint for the merge of evkg's named graphs (ontology, shapes, curated, "
             "inferred) through the protocol's `default-graph-uri`, so an Oxigraph, Fuseki or GraphDB server "
             "loaded with `evkg load` answers exactly like the embedded store, with no server option needed. "
             "The rules and outcomes of other rule sets (a law reform) stay in graphs of their own, named to the "
             "endpoint through `named-graph-uri`; the queries that compare rule sets read them with `GRAPH`.",
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
