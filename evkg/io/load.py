"""Read a user's RDF file safely into a new graph.

Nothing reaches outside unless asked: remote JSON-LD contexts are refused, RDF/XML external entities are
never resolved, owl:imports are never followed. Every failure is an InputError naming the file, and where the
parser knows it, the line and column, with a hint in plain words.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph

from evkg.core.errors import InputError, UsageError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "nt",
    "nt": "nt",
    "nquads": "nquads",
    "nq": "nquads",
    "trig": "trig",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "xml": "xml",
    "n3": "n3",
}

EXTENSIONS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
}

_QUAD_FORMATS = {"nquads", "trig"}
_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
                 "json-ld": "JSON-LD", "xml": "RDF/XML", "n3": "Notation3"}


def input_format_names() -> list[str]:
    """Every name an input format is known by (turtle and ttl, json-ld and jsonld, …)."""
    return sorted(FORMATS)


def max_bytes_default() -> int:
    env = os.environ.get("EVKG_MAX_BYTES")
    return int(env) if env and env.isdigit() else DEFAULT_MAX_BYTES


def guess_format(path: str | Path, explicit: str | None = None) -> str:
    """rdflib format name for a file, from --format or the file extension."""
    if explicit:
        key = explicit.lower()
        if key not in FORMATS:
            raise UsageError(f"unknown input format {explicit!r}; use one of: {', '.join(input_format_names())}")
        return FORMATS[key]
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    raise InputError(
        f"cannot tell the RDF format from the extension {suffix or '(none)'!r}.", path=str(path),
        hint=f"Rename the file (.ttl, .nt, .nq, .trig, .jsonld, .rdf) or pass --input-format "
             f"({', '.join(input_format_names())}).")


def read_checked(path: str | Path, *, input_format: str | None = None,
                 max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes of a file and its rdflib format name, after the existence, format and size checks."""
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise InputError("no such file.", path=shown, hint="Check the path and spelling.")
    if path.is_dir():
        raise InputError("is a folder, not a file.", path=shown,
                         hint="Name the files inside it, e.g. folder/*.ttl.")
    fmt = guess_format(path, input_format)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"is {size:,} bytes, over the size limit of {limit:,} bytes.", path=shown,
                         hint="Split the file, or raise the limit with --max-bytes (or EVKG_MAX_BYTES).")
    try:
        return path.read_bytes(), fmt
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror}).", path=shown) from exc


def load_rdf(path: str | Path, *, input_format: str | None = None, allow_remote: bool = False,
             max_bytes: int | None = None) -> Graph:
    """Parse one file into a new graph; raise InputError with file, line and column on any problem."""
    raw, fmt = read_checked(path, input_format=input_format, max_bytes=max_bytes)
    return parse_rdf_bytes(raw, fmt, source_name=str(path), base=Path(path).resolve().as_uri(),
                           allow_remote=allow_remote)


def checked_text(raw: bytes, fmt: str, source_name: str, allow_remote: bool = False) -> str:
    """Decoded text that is safe to parse: not empty, no remote JSON-LD context, no external XML entity."""
    text = _decode(raw, source_name)
    if not text.strip():
        raise InputError("is empty: it holds no RDF statements.", path=source_name,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    if fmt == "json-ld" and not allow_remote:
        _refuse_remote_jsonld(text, source_name)
    if fmt == "xml":
        _refuse_external_entities(text, source_name)
    return text


def parse_rdf_bytes(raw: bytes, fmt: str, *, source_name: str = "input", base: str | None = None,
                    allow_remote: bool = False) -> Graph:
    """Parse RDF held in memory (an upload, a request body) with the same checks as load_rdf."""
    if fmt not in _FORMAT_NAMES:
        fmt = guess_format(source_name, fmt)
    return _parse_text(checked_text(raw, fmt, source_name, allow_remote), fmt, source_name, base)


def _parse_text(text: str, fmt: str, source_name: str, base: str | None) -> Graph:
    graph = Dataset(default_union=True) if fmt in _QUAD_FORMATS else Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=base or "urn:evkg:input:")
    except InputError:
        raise
    except SAXParseException as exc:
        raise InputError(f"is not well-formed RDF/XML ({exc.getMessage()}).", path=source_name,
                         line=exc.getLineNumber(), column=exc.getColumnNumber()) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON ({exc.msg}).", path=source_name, line=exc.lineno,
                         column=exc.colno) from exc
    except Exception as exc:  # rdflib raises many types; turn each into a located message
        line, column, reason = _locate(exc, text)
        raise InputError(f"is not valid {_FORMAT_NAMES[fmt]}: {reason}", path=source_name, line=line,
                         column=column, hint=_hint(fmt)) from exc
    if isinstance(graph, Dataset):
        flat = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            flat.add((s, p, o))
        graph = flat
    if len(graph) == 0:
        raise InputError("holds no RDF statements.", path=source_name,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    return graph


_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML"}


def load_into_store(path: str | Path, store, graph_name, *, input_format: str | None = None,
                    allow_remote: bool = False, max_bytes: int | None = None) -> None:
    """Parse a file straight into a pyoxigraph store's named graph, with the same checks and messages.

    Turtle, N-Triples and RDF/XML are parsed by Oxigraph (fast, for large batches); when Oxigraph refuses a
    file, rdflib parses it again, so the user gets the same located message as from load_rdf. Other formats
    go through rdflib.
    """
    import pyoxigraph as ox

    from evkg.io.rdf import quads_of

    raw, fmt = read_checked(path, input_format=input_format, max_bytes=max_bytes)
    shown, base = str(path), Path(path).resolve().as_uri()
    text = checked_text(raw, fmt, shown, allow_remote)
    ox_format = _OXIGRAPH_FORMATS.get(fmt)
    if ox_format is not None:
        try:
            store.bulk_load(text.encode("utf-8"), format=getattr(ox.RdfFormat, ox_format), base_iri=base,
                            to_graph=graph_name)
        except (SyntaxError, ValueError, OSError):
            ox_format = None                    # rdflib gives the located message, or reads what Oxigraph would not
    if ox_format is None:
        graph = _parse_text(text, fmt, shown, base)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph_name) for q in quads_of(graph))
    if next(iter(store.quads_for_pattern(None, None, None, graph_name)), None) is None:
        raise InputError("holds no RDF statements.", path=shown,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")


def _decode(raw: bytes, source_name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded).",
                         path=source_name, line=line, column=column,
                         hint="Save the file as UTF-8 (most editors offer this under 'Save as').") from exc


def _refuse_remote_jsonld(text: str, source_name: str) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON ({exc.msg}).", path=source_name, line=exc.lineno,
                         column=exc.colno) from exc

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    yield from remote_refs(value)
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    def remote_refs(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from remote_refs(item)
        elif isinstance(value, dict):
            if isinstance(value.get("@import"), str):
                yield value["@import"]

    remote = next(walk(doc), None)
    if remote is not None:
        raise InputError(f"refers to a remote JSON-LD context ({remote}), which evkg does not fetch.",
                         path=source_name,
                         hint="Inline the context in the file, or pass --allow-remote if you trust that address.")


_ENTITY = re.compile(r"<!ENTITY\s+%?\s*[\w.-]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def _refuse_external_entities(text: str, source_name: str) -> None:
    match = _ENTITY.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise InputError("declares an external XML entity, which evkg never resolves.", path=source_name,
                         line=line, hint="Remove the <!ENTITY … SYSTEM/PUBLIC …> declaration.")


_LINE_PATTERNS = [re.compile(r"at line (\d+)"), re.compile(r"line (\d+)"), re.compile(r":(\d+):(\d+)")]


def _locate(exc: Exception, text: str) -> tuple[int | None, int | None, str]:
    """Line, column and a one-line reason from whatever rdflib raised."""
    # Turtle/N3/TriG: notation3.BadSyntax knows the character offset of the problem.
    argstr, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    why = getattr(exc, "_why", None)
    if isinstance(argstr, bytes):
        argstr = argstr.decode("utf-8", "replace")
    if isinstance(argstr, str) and isinstance(offset, int):
        line = argstr.count("\n", 0, offset) + 1
        column = offset - (argstr.rfind("\n", 0, offset) + 1) + 1
        return line, column, (why or "syntax error").strip().rstrip(".") + "."
    message = " ".join(str(exc).split())
    # N-Triples/N-Quads: the parser quotes the bad line.
    quoted = re.search(r"Invalid line[^:]*:\s*(.*)$", message)
    if quoted:
        rest = quoted.group(1).strip().strip("'\"")
        for number, candidate in enumerate(text.splitlines(), start=1):
            if rest and candidate.rstrip().endswith(rest):
                column = len(candidate.rstrip()) - len(rest) + 1
                return number, column, f"cannot read {rest!r} here."
    for pattern in _LINE_PATTERNS:
        found = pattern.search(message)
        if found:
            groups = found.groups()
            return int(groups[0]), (int(groups[1]) if len(groups) > 1 else None), message[:300]
    return None, None, message[:300] or type(exc).__name__


def _hint(fmt: str) -> str:
    if fmt in ("turtle", "trig", "n3"):
        return ("Common causes: a missing '.' or ';' at the end of a statement, an undeclared prefix, "
                "or an unclosed quote or bracket.")
    if fmt in ("nt", "nquads"):
        return "Each line must be one statement: <subject> <predicate> object ."
    return ""
