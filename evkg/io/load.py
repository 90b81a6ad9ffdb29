"""Read a user's RDF file safely into a new graph.

Nothing reaches outside unless asked: remote JSON-LD contexts are refused, RDF/XML external entities are
never resolved, owl:imports are never followed. Every failure is an InputError naming the file, and where the
parser knows it, the line and column, with a hint in plain words.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph

from evkg.core.errors import InputError, UsageError, line_and_column
from evkg.io.rdf import parse_as_written
from evkg.io.read_hints import (NOT_DESCRIPTIONS, prefix_hint, quote_hint, relative_iri, syntax_hint,
                              too_deep_to_read)
from evkg.io.written_form import written_form
from evkg.io.xml_entities import refuse_entity_expansion, refuse_external_entities

from evkg.core.files import DEFAULT_MAX_BYTES, default_limit  # noqa: F401  (DEFAULT_MAX_BYTES is public)

# rdflib logs a warning with a traceback for every IRI it finds odd and every literal whose lexical form its
# Python converter cannot read ("abc"^^xsd:decimal), whenever such a term is made, also long after parsing
# (validation, reports). Neither is for the user's screen: bad IRIs are refused by _check_terms, and a literal
# outside its datatype is a finding of the checks that expect a number, a date or a boolean there.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

FORMATS = {
    "turtle": "turtle", "ttl": "turtle", "ntriples": "nt", "nt": "nt", "nquads": "nquads", "nq": "nquads",
    "trig": "trig", "json-ld": "json-ld", "jsonld": "json-ld",
    "json": "json-ld",      # plain JSON without @context is read through the evkg context, as a .json file is
    "rdfxml": "xml", "xml": "xml", "n3": "n3", "yaml": "yaml", "yml": "yaml",
}

EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
    ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3", ".yaml": "yaml", ".yml": "yaml",
}

_QUAD_FORMATS = {"nquads", "trig", "json-ld"}   # JSON-LD too: a node with @graph names a graph
_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
                 "json-ld": "JSON-LD", "xml": "RDF/XML", "n3": "Notation3", "yaml": "YAML"}
_STRUCTURED_FORMATS = {"json-ld", "yaml"}      # read through evkg.io.structured and the evkg context
_DEFAULT_BASE = "urn:evkg:input:"


def is_structured_format(fmt: str) -> bool:
    """Whether an rdflib format name is one of the forms read through the evkg context (YAML, JSON-LD)."""
    return fmt in _STRUCTURED_FORMATS


def input_format_names() -> list[str]:
    """Every name an input format is known by (turtle and ttl, json-ld and jsonld, …)."""
    return sorted(FORMATS)


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
    if suffix in NOT_DESCRIPTIONS:
        raise InputError(
            f"is {NOT_DESCRIPTIONS[suffix]}, which evkg does not read: a description is written as YAML, JSON-LD "
            f"or Turtle.", path=str(path),
            hint="Start one with `evkg new -o my-product.yaml` and copy your facts into it (docs/authoring.md), or "
                 "fill in the form at /write of `evkg serve`.")
    if suffix in _PACKED_SUFFIXES:
        raise InputError(f"is a compressed ({suffix}) file; evkg reads descriptions unpacked.", path=str(path),
                         hint="Unpack it first (e.g. gunzip -k, unxz -k, unzip) and check the unpacked file.")
    raise InputError(
        f"cannot tell the RDF format from the extension {suffix or '(none)'!r}.", path=str(path),
        hint=f"Rename the file (.ttl, .yaml, .json, .jsonld, .nt, .nq, .trig, .rdf) or pass --input-format "
             f"({', '.join(input_format_names())}).")


def read_checked(path: str | Path, *, input_format: str | None = None,
                 max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes of a file and its rdflib format name, after the existence, kind, format and size checks.
    ``-`` reads standard input (YAML or JSON when it starts like them, else Turtle, unless a format is given)."""
    from evkg.core.files import STDIN, read_limited

    limit = default_limit() if max_bytes is None else max_bytes
    if str(path) == STDIN:               # no name to tell the form: its first lines do (Turtle by default)
        raw = read_limited(path, limit)
        return raw, guess_format("stdin.ttl", input_format or written_form(raw[:65536].decode("utf-8", "replace")))
    if input_format is None and Path(path).is_file():
        guess_format(path)                  # a wrong extension is reported before a large file is read
    return read_limited(path, limit), guess_format(path, input_format)


def _base_of(path: str | Path) -> str:
    from evkg.core.files import STDIN

    return "urn:evkg:stdin:" if str(path) == STDIN else Path(path).resolve().as_uri()


# an IRI written without a scheme that is more than a #fragment: <p>, <../q>, <?q> (a false find in a literal only
# sends the text to the slower reader)
_RELATIVE_REF = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:|#|>)[^<>\"{}|^`\\\s]*>")
_RELATIVE_REF_BYTES = re.compile(_RELATIVE_REF.pattern.encode())


def _oxigraph_base(base: str, text: str | bytes) -> str | None:
    """The base Oxigraph reads a text with. On the URN base of standard input or a request body Oxigraph would
    complete <p> to <urn:p>: when the text writes such an IRI it gets no base, refuses it, and the IRI is named
    at its line; a <#fragment> is completed on the base as the readers do."""
    if not base.startswith("urn:"):
        return base
    found = (_RELATIVE_REF_BYTES if isinstance(text, (bytes, bytearray)) else _RELATIVE_REF).search(text)
    return None if found else base


def load_rdf(path: str | Path, *, input_format: str | None = None, allow_remote: bool = False,
             max_bytes: int | None = None) -> Graph:
    """Parse one file into a new graph; raise InputError with file, line and column on any problem."""
    raw, fmt = read_checked(path, input_format=input_format, max_bytes=max_bytes)
    return parse_rdf_bytes(raw, fmt, source_name=str(path), base=_base_of(path), allow_remote=allow_remote)


def checked_text(raw: bytes, fmt: str, source_name: str, allow_remote: bool = False) -> str:
    """Decoded text that is safe to parse: not empty, no remote JSON-LD context, no external XML entity."""
    text = _decode(raw, source_name)
    if not text or text.isspace():                  # (not strip(): that copies a large file)
        if fmt in _STRUCTURED_FORMATS:
            from evkg.io.structured import EMPTY_DESCRIPTION, EMPTY_DESCRIPTION_HINT

            raise InputError(*EMPTY_DESCRIPTION, path=source_name, hint=EMPTY_DESCRIPTION_HINT)
        raise InputError("is empty: it holds no RDF statements.", path=source_name,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    _refuse_nul(text, source_name)
    if fmt in _NESTING_TOKENS:
        _refuse_deep_nesting(text, fmt, source_name)
    if fmt == "xml":
        refuse_external_entities(text, source_name)
        refuse_entity_expansion(text, source_name, len(raw))
    return text


def _format_named(fmt: str, source_name: str) -> str:
    """The rdflib format name of a format given as a name or an extension-like word (as --input-format takes)."""
    return fmt if fmt in _FORMAT_NAMES else guess_format(source_name, fmt)


def parse_rdf_bytes(raw: bytes, fmt: str, *, source_name: str = "input", base: str | None = None,
                    allow_remote: bool = False) -> Graph:
    """Parse RDF held in memory (an upload, a request body) with the same checks as load_rdf."""
    fmt = _format_named(fmt, source_name)
    return _parse_text(checked_text(raw, fmt, source_name, allow_remote), fmt, source_name, base, allow_remote)[0]


def parse_located(raw: bytes, fmt: str, *, source_name: str = "input", base: str | None = None,
                  allow_remote: bool = False):
    """(graph, SourceMap or None): parse_rdf_bytes that also says where a YAML/JSON description put each fact."""
    fmt = _format_named(fmt, source_name)
    text = checked_text(raw, fmt, source_name, allow_remote)
    graph, source_map = _parse_text(text, fmt, source_name, base, allow_remote)
    if fmt == "turtle":                         # where each node and property was written, for the findings
        from evkg.io.turtle_positions import source_map_of_graph
        source_map = source_map_of_graph(text, base or _DEFAULT_BASE, graph)
    return graph, source_map


def _parse_text(text: str, fmt: str, source_name: str, base: str | None, allow_remote: bool = False):
    """(graph, SourceMap or None)."""
    source_map, written = None, text
    if fmt in _STRUCTURED_FORMATS:
        from evkg.io.structured import read_structured

        document, source_map = read_structured(text, fmt, source_name, allow_remote=allow_remote)
        text, fmt_name = json.dumps(document), fmt
        fmt = "json-ld"
    else:
        fmt_name = fmt
    graph = Dataset(default_union=True) if fmt in _QUAD_FORMATS else Graph()
    try:
        parse_as_written(graph, data=text, format=fmt, publicID=base or _DEFAULT_BASE)
    except InputError:
        raise
    except SAXParseException as exc:
        raise InputError(f"is not well-formed RDF/XML ({exc.getMessage()}).", path=source_name,
                         line=exc.getLineNumber(), column=exc.getColumnNumber()) from exc
    except json.JSONDecodeError as exc:
        from evkg.core.json_reasons import json_problem

        reason, line, column = json_problem(exc)
        raise InputError(f"is not valid JSON: {reason}.", path=source_name, line=line, column=column) from None
    except RecursionError:
        reason, hint = too_deep_to_read(_FORMAT_NAMES[fmt_name])
        raise InputError(reason, path=source_name, hint=hint) from None
    except Exception as exc:  # rdflib raises many types; turn each into a located message
        _refuse_long_integer_at(exc, text, source_name)
        line, column, reason = _locate(exc, text)
        relative = relative_iri(reason, text)
        if relative:
            raise InputError(relative[0], path=source_name, line=relative[1], column=relative[2],
                             hint=relative[3]) from None
        raise InputError(f"is not valid {_FORMAT_NAMES[fmt_name]}: {reason}", path=source_name, line=line,
                         column=column, hint=prefix_hint(reason) or quote_hint(text, line) or syntax_hint(fmt)) from exc
    if isinstance(graph, Dataset):
        flat = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            flat.add((s, p, o))
        graph = flat
    if len(graph) == 0:
        raise InputError("holds no RDF statements.", path=source_name,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    _check_terms(graph, written, source_name)
    return graph, source_map


def _check_terms(graph: Graph, text: str, source_name: str) -> None:
    """Every term must be plain RDF that the store accepts: rdflib lets through IRIs with spaces or braces,
    bad language tags, and Notation3 formulas and variables, which no later step can use."""
    from rdflib import Literal, URIRef

    from evkg.io.rdf import refuse_misplaced_value, to_ox

    seen: set = set()
    for triple in graph:
        refuse_misplaced_value(triple, source_name)
        for term in triple:
            if term in seen:
                continue
            seen.add(term)
            if not isinstance(term, (URIRef, Literal)) and type(term).__name__ != "BNode":
                what = "a Notation3 formula ({ … })" if isinstance(term, Graph) else "a Notation3 variable"
                raise InputError(f"uses {what}, which is not RDF data.", path=source_name,
                                 hint="Write plain statements (subject predicate object .) without { } "
                                      "formulas or ?variables.")
            try:
                to_ox(term)
            except (ValueError, TypeError) as exc:
                shown = str(term)
                where = text.find(shown) if shown else -1
                line, column = line_and_column(text, where) if where >= 0 else (None, None)
                if isinstance(term, URIRef):
                    raise InputError(f"holds an IRI that is not valid: <{shown[:200]}> ({exc}).",
                                     path=source_name, line=line, column=column,
                                     hint="IRIs cannot contain spaces, braces, quotes, < > or control "
                                          "characters; write such characters percent-encoded (%20 for a "
                                          "space).") from None
                if re.search("[\ud800-\udfff]", shown):
                    raise InputError(f"holds a value with a character that is not valid Unicode (an unpaired "
                                     f"surrogate escape such as \\uD800): {shown[:200]!r}.", path=source_name,
                                     hint="Write the character itself, or escape it as one \\U0001XXXX code "
                                          "point.") from None
                raise InputError(f"holds a value that is not valid RDF: {shown[:200]!r} ({exc}).",
                                 path=source_name, line=line, column=column,
                                 hint="Check its language tag or datatype.") from None


_OXIGRAPH_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML"}
# Characters of a Turtle or N-Triples text that Oxigraph refused which rdflib reads again for its located message
# and hints; past it Oxigraph's own location is given (rdflib took 14 s and 640 MB to reach an error at the end of
# 18 MB).
REREAD_CHARACTERS = 2_000_000


def _checked_file_text(path, input_format, allow_remote, max_bytes) -> tuple[str, str]:
    """(text, rdflib format) of a file after the kind, size and content checks; the bytes are let go, so a
    large file is held once in memory."""
    raw, fmt = read_checked(path, input_format=input_format, max_bytes=max_bytes)
    return checked_text(raw, fmt, str(path), allow_remote), fmt


def ntriples_lines(path: str | Path, *, input_format: str | None = None, allow_remote: bool = False,
                   max_bytes: int | None = None) -> list[bytes] | None:
    """The statements of a Turtle, N-Triples or RDF/XML file as N-Triples lines, parsed as a stream (no store:
    a large file to be split costs a fraction of the memory), after the same checks as load_into_store.
    None when Oxigraph does not read the format or refuses the file: load_into_store then gives the message."""
    import pyoxigraph as ox

    raw, fmt = read_checked(path, input_format=input_format, max_bytes=max_bytes)
    checked_text(raw, fmt, str(path), allow_remote)          # the checks; Oxigraph reads the bytes themselves
    text = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    del raw
    shown = str(path)
    ox_format = _OXIGRAPH_FORMATS.get(fmt)
    if ox_format is None:
        return None
    lines: list[bytes] = []
    batch: list = []

    def written():
        # serialised a batch at a time and split: the lines come out packed (made one by one beside the
        # parse, they take twice the memory), and no second copy of the whole file is made
        lines.extend(ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES).split(b"\n")[:-1])
        batch.clear()

    try:
        base = _oxigraph_base(_base_of(path), text)
        for triple in ox.parse(text, format=getattr(ox.RdfFormat, ox_format), base_iri=base):
            batch.append(triple)
            if len(batch) == 20_000:
                written()
        written()
    except (SyntaxError, ValueError, OSError):
        return None
    del text
    if not lines:
        raise InputError("holds no RDF statements.", path=shown,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    return lines


def load_into_store(path: str | Path, store, graph_name, *, input_format: str | None = None,
                    allow_remote: bool = False, max_bytes: int | None = None):
    """Parse a file straight into a pyoxigraph store's named graph, with the same checks and messages;
    return the SourceMap of a YAML/JSON or Turtle description (None for other formats).

    Turtle, N-Triples and RDF/XML are parsed by Oxigraph (fast, for large batches); when Oxigraph refuses a
    file, rdflib parses it again, so the user gets the same located message as from load_rdf. Other formats
    go through rdflib.
    """
    text, fmt = _checked_file_text(path, input_format, allow_remote, max_bytes)
    return _load_text(text, fmt, store, graph_name, str(path), _base_of(path), allow_remote)


def load_bytes_into_store(raw: bytes, fmt: str, store, graph_name, *, source_name: str = "input",
                          allow_remote: bool = False):
    """load_into_store for a description held in memory (a request body): the same checks, readers and
    messages, so a description sent to the web service is read as `evkg check` reads it."""
    fmt = _format_named(fmt, source_name)
    return _load_text(checked_text(raw, fmt, source_name, allow_remote), fmt, store, graph_name, source_name,
                      _DEFAULT_BASE, allow_remote)


def _load_text(text: str, fmt: str, store, graph_name, shown: str, base: str, allow_remote: bool):
    import pyoxigraph as ox

    from evkg.core.store_loading import load_serialized
    from evkg.io.rdf import quads_of

    ox_format, source_map = _OXIGRAPH_FORMATS.get(fmt), None
    if ox_format is not None:
        try:
            load_serialized(store, text, getattr(ox.RdfFormat, ox_format), base_iri=_oxigraph_base(base, text),
                            to_graph=graph_name)
        except (SyntaxError, ValueError, OSError) as exc:
            if isinstance(exc, SyntaxError) and ox_format != "RDF_XML" and len(text) > REREAD_CHARACTERS:
                from evkg.io.read_hints import oxigraph_problem

                reason, line, column, hint = oxigraph_problem(exc, text, fmt, _FORMAT_NAMES[fmt])
                raise InputError(reason, path=shown, line=line, column=column, hint=hint) from None
            ox_format = None                    # rdflib gives the located message, or reads what Oxigraph would not
            store.clear_graph(graph_name)       # without what Oxigraph read before it stopped (its blank nodes)
    if ox_format == "TURTLE":                   # where each node and property was written, for the findings
        from evkg.io.turtle_positions import source_map_of
        source_map = source_map_of(text, base, store, graph_name)
    if ox_format is None:
        graph, source_map = _parse_text(text, fmt, shown, base, allow_remote)
        if fmt == "turtle":
            from evkg.io.turtle_positions import source_map_of_graph
            source_map = source_map_of_graph(text, base, graph)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph_name) for q in quads_of(graph))
    if next(iter(store.quads_for_pattern(None, None, None, graph_name)), None) is None:
        raise InputError("holds no RDF statements.", path=shown,
                         hint="Describe at least one evkg:EVProduct (see examples/valid/).")
    return source_map


_PACKED_SUFFIXES = (".gz", ".gzip", ".xz", ".bz2", ".zip", ".zst", ".tgz")
_PACKED_MAGIC = {b"\x1f\x8b": ("gzip", "gunzip -c"), b"\xfd7zXZ\x00": ("xz", "unxz -c"),
                 b"BZh": ("bzip2", "bunzip2 -c"), b"PK\x03\x04": ("zip", "unzip -p"), b"\x28\xb5\x2f\xfd": ("zstd", "unzstd -c")}


def _decode(raw: bytes, source_name: str) -> str:
    packed = next((kind for magic, kind in _PACKED_MAGIC.items() if raw.startswith(magic)), None)
    if packed:                   # named like a description, but packed: its bytes were reported as bad UTF-8
        raise InputError(f"is a compressed ({packed[0]}) file, not a description as such.", path=source_name,
                         hint=f"Unpack it first ({packed[1]} FILE > unpacked-FILE) and check the unpacked file.")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        width = "32" if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "16"
        raise InputError(f"is UTF-{width} text (it starts with a UTF-{width} byte-order mark), not UTF-8.",
                         path=source_name, hint="Save the file as UTF-8 (most editors offer this under 'Save as' or 'Encoding').")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - before.rfind(b"\n")
        raise InputError(f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded).",
                         path=source_name, line=line, column=column,
                         hint="Save the file as UTF-8 (most editors offer this under 'Save as').") from exc


_NUL = re.compile(r"\x00|\\u0000|\\U00000000|&#0+;|&#[xX]0+;")


def _refuse_nul(text: str, source_name: str) -> None:
    """A NUL character is not text: it breaks reports (XML cannot hold it) and hides what follows it."""
    match = _NUL.search(text)
    if match:
        line, column = line_and_column(text, match.start())
        raise InputError("holds a NUL character (code 0), which is not allowed in a description.",
                         path=source_name, line=line, column=column,
                         hint="Remove it; if the file was produced by a program, save it again as plain text.")


# Nesting deeper than this is refused before parsing: the parsers recurse once per level, and no description
# needs more than a few levels.
MAX_NESTING = 64
_NESTING_TOKENS = {
    fmt: re.compile(pattern, re.DOTALL) for fmt, pattern in {
        # a string's closing quote is optional, so an unterminated one is consumed once instead of being
        # tried again from every later quote (which would make the scan quadratic); the repetitions are
        # possessive, so a long string costs no backtracking memory (a 20 MB literal took 2.4 GB)
        "turtle": r'"""(?:[^"\\]|\\.|"(?!""))*+(?:""")?|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*+(?:\'\'\')?'
                  r'|"(?:[^"\\\n]|\\.)*+"?|\'(?:[^\'\\\n]|\\.)*+\'?|<[^<>"{}|^`\\\s]*>|#[^\n]*|[\[\](){}]',
        "json-ld": r'"(?:[^"\\]|\\.)*+"?|[\[\]{}]',
    }.items()}
_NESTING_TOKENS["trig"] = _NESTING_TOKENS["n3"] = _NESTING_TOKENS["turtle"]
_OPENERS = set("[({")


def _refuse_deep_nesting(text: str, fmt: str, source_name: str) -> None:
    depth = 0
    for match in _NESTING_TOKENS[fmt].finditer(text):
        token = match.group(0)
        if len(token) != 1:
            continue
        if token in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                line, column = line_and_column(text, match.start())
                what = "lists and objects" if fmt == "json-ld" else "brackets and collections"
                raise InputError(f"nests {what} more than {MAX_NESTING} levels deep.", path=source_name,
                                 line=line, column=column,
                                 hint="Describe deep structures with named nodes instead of nesting them.")
        else:
            depth = max(depth - 1, 0)


_LINE_PATTERNS = [re.compile(r"at line (\d+)"), re.compile(r"line (\d+)"), re.compile(r":(\d+):(\d+)")]


def _locate(exc: Exception, text: str) -> tuple[int | None, int | None, str]:
    """Line, column and a one-line reason from whatever rdflib raised."""
    # Turtle/N3/TriG: notation3.BadSyntax knows the character offset of the problem.
    argstr, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    why = getattr(exc, "_why", None)
    if isinstance(argstr, bytes):
        argstr = argstr.decode("utf-8", "replace")
    if isinstance(argstr, str) and isinstance(offset, int):
        # a negative offset means the parser ran off the end of the text
        line, column = line_and_column(argstr, offset if offset >= 0 else len(argstr.rstrip()))
        return line, column, (why or "syntax error").strip().rstrip(".") + "."
    if isinstance(exc, IndexError):
        # rdflib's Turtle parser indexes past the end of a text cut off inside a statement ("@prefix")
        line, column = line_and_column(text, len(text.rstrip()))
        return line, column, "the text ends in the middle of a statement."
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


def _refuse_long_integer_at(exc: Exception, text: str, source_name: str) -> None:
    """rdflib converts every plain whole number with int(), which refuses more digits than Python's limit: say
    so at the number, in words, instead of as a syntax error quoting Python."""
    import sys

    from evkg.io.numbers import NumberTooLong, refuse_long_integer

    limit = sys.get_int_max_str_digits()
    if not (isinstance(exc, ValueError) and limit and "integer string conversion" in str(exc)):
        return
    found = re.search(rf"[-+]?[0-9]{{{limit + 1},}}", text)
    if found is None:
        return
    try:
        refuse_long_integer(found.group(0))
    except NumberTooLong as too_long:
        line, column = line_and_column(text, found.start())
        raise InputError(too_long.reason, path=source_name, line=line, column=column, hint=too_long.hint) from None
