"""Where a Turtle description wrote each node and each of its properties, so findings point to lines.

Parsers give no positions, so the text is scanned once more, lightly: prefixes, IRIs, prefixed names, strings,
comments and the punctuation that nests statements ([ ] ( ) ; , .). A named node is found by its IRI; a
bracketed node ([ … ]) is matched to the blank node the parser made of it by where it hangs (the node and
property it is the value of) and, among several, by the values it states. A file the scanner cannot follow
gets no positions rather than wrong ones.
"""
from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

from evkg.io.structured import Located, SourceMap

# a description of up to some 80 products gets positions; a larger register is checked without them (the scan
# costs about 2 ms per product)
MAX_SCANNED_CHARS = 500_000
# bracketed parts hanging from one node by one property, beyond which they are left without lines
MAX_SIBLINGS = 64
# bracket-to-blank-node comparisons in one file, beyond which the remaining brackets are left without lines (a
# file of thousands of groups of alike brackets took tens of seconds)
MAX_COMPARISONS = 200_000

_NAME = r'''(?:[^\s<>"'\[\]();,#.\\]|\\[^\s])'''     # a character of a prefixed name, or one escaped (\#)
_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<directive>@prefix|@base|PREFIX\b|BASE\b)
  | (?P<punct>\^\^|[\[\]();,]|\.(?![0-9]))
  | (?P<word>[+-]?\.[0-9]+(?:[eE][+-]?[0-9]+)?|NAME+(?:\.NAME+)*)
'''.replace("NAME", _NAME), re.VERBOSE)

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class _Unreadable(Exception):
    """The scanner lost its way: give no positions."""


def _tokens(text: str):
    position, line = 0, 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _Unreadable
        kind, value = match.lastgroup, match.group()
        if kind not in ("ws", "comment"):
            yield kind, value, line
        line += value.count("\n") + value.count("\r") - value.count("\r\n")   # LF, CRLF or a lone CR
        position = match.end()


def resolve(base: str, reference: str) -> str:
    """A reference completed against the base as the readers do: urljoin leaves `#part` as it is on a base of a
    scheme it does not know (urn:), where the readers append it."""
    if reference.startswith("#") and base:
        return base.split("#", 1)[0] + reference
    return urljoin(base, reference)


class _Scan:
    def __init__(self, base: str):
        self.base = base
        self.prefixes: dict[str, str] = {}
        self.named: dict[str, int] = {}                       # IRI -> line where it is first a subject
        self.keys: dict[tuple, int] = {}                      # (node, property IRI) -> line of the property
        self.brackets: list[dict] = []                        # each [ … ]: parent, property, line, stated pairs

    def term(self, kind: str, value: str) -> str | None:
        """The IRI a token stands for, or None for a literal or a word that is none."""
        if kind == "iri":
            return resolve(self.base, value[1:-1])
        if kind == "word":
            if value == "a":
                return _RDF_TYPE
            if ":" in value and not value.startswith(("_:", '"')):
                prefix, local = value.split(":", 1)
                if prefix in self.prefixes:
                    return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None


def scan(text: str, base: str) -> _Scan | None:
    """The positions of a Turtle text, or None when the text is too large or the scanner cannot follow it."""
    if len(text) > MAX_SCANNED_CHARS:
        return None
    state = _Scan(base)
    try:
        _statements(list(_tokens(text)), state)
    except (_Unreadable, IndexError):
        return None
    return state


def _statements(tokens: list, state: _Scan) -> None:
    i = 0
    while i < len(tokens):
        kind, value, line = tokens[i]
        if kind == "directive":
            if value.lower().endswith("prefix"):
                name, iri = tokens[i + 1][1], tokens[i + 2]
                state.prefixes[name.rstrip(":")] = resolve(state.base, iri[1][1:-1])
                i += 3
            else:
                state.base = resolve(state.base, tokens[i + 1][1][1:-1])
                i += 2
            if value.startswith("@"):
                i += 1                                          # the closing '.'
            continue
        i = _predicate_list(tokens, i + 1, _subject(kind, value, line, state), state, None)
        if tokens[i][1] != ".":
            raise _Unreadable
        i += 1


def _subject(kind: str, value: str, line: int, state: _Scan):
    """The IRI of a subject, or a placeholder for one written as a labelled blank node (not followed)."""
    if value.startswith("_:"):
        return ("label", value)
    iri = state.term(kind, value)
    if iri is None:
        raise _Unreadable                                       # a bracketed subject or a collection
    state.named.setdefault(iri, line)
    return iri


def _predicate_list(tokens: list, i: int, node, state: _Scan, bracket: dict | None) -> int:
    """Read `p o, o ; p o` about `node` (an IRI, or the dict of a bracket) from token i; return the index of
    the token that ends it ('.' or ']')."""
    node_key = node["id"] if isinstance(node, dict) else node
    while True:
        kind, value, line = tokens[i]
        if value in (".", "]"):
            return i
        predicate = state.term(kind, value)
        if predicate is None:
            raise _Unreadable
        state.keys.setdefault((node_key, predicate), line)
        i += 1
        while True:
            i, stated = _object(tokens, i, node_key, predicate, state)
            if bracket is not None and stated is not None:
                bracket["stated"].add((predicate, stated))
            if tokens[i][1] != ",":
                break
            i += 1
        while tokens[i][1] == ";":
            i += 1


def _object(tokens: list, i: int, node_key, predicate: str, state: _Scan):
    """(index after the object, what it states as a comparable value, or None)."""
    kind, value, line = tokens[i]
    if value == "[":
        # numbered in text order: an id() is reused once its object is freed, joining two nodes' lines
        bracket = {"id": len(state.brackets), "parent": node_key, "property": predicate, "line": line,
                   "stated": set()}
        state.brackets.append(bracket)
        end = _predicate_list(tokens, i + 1, bracket, state, bracket)
        if tokens[end][1] != "]":
            raise _Unreadable
        return end + 1, None
    if value == "(":
        depth, i = 1, i + 1
        while depth:
            depth += {"(": 1, ")": -1}.get(tokens[i][1], 0)
            i += 1
        return i, None
    if kind == "string":
        i += 1
        if tokens[i][1] == "^^":
            i += 2
        elif tokens[i][0] == "word" and tokens[i][1].startswith("@"):
            i += 1
        return i, ("text", _unquoted(value))
    iri = state.term(kind, value)
    return i + 1, (("iri", iri) if iri is not None else ("text", value))


def _unquoted(value: str) -> str:
    quote = 3 if value[:3] in ('"""', "'''") else 1
    return value[quote:-quote]


# --------------------------------------------------------------------------------------------- to a SourceMap

def source_map_of(text: str, base: str, store, graph) -> SourceMap | None:
    """A SourceMap of a Turtle description loaded into `store` (its statements in `graph`), or None: lines are a
    help to the reader, and a text the scan cannot follow is checked all the same."""
    try:
        return _source_map(text, base, store, graph)
    except Exception:                           # noqa: BLE001
        return None


def source_map_of_graph(text: str, base: str, graph) -> SourceMap | None:
    """A SourceMap of a Turtle description parsed by rdflib into `graph` (the web service's path): its blank
    nodes keep their ids in the store the check makes, so the lines found here are the findings' lines."""
    if len(text) > MAX_SCANNED_CHARS:
        return None
    import pyoxigraph as ox

    from evkg.io.rdf import quads_of

    store = ox.Store()
    store.bulk_extend(quads_of(graph))
    return source_map_of(text, base, store, ox.DefaultGraph())


def _source_map(text: str, base: str, store, graph) -> SourceMap | None:
    state = scan(text, base)
    if state is None:
        return None
    source = SourceMap(form=False)
    for iri, line in state.named.items():
        source.nodes[iri] = Located(line, 1, "/" + _local(iri))
    for (node, predicate), line in state.keys.items():
        if isinstance(node, str):
            source.keys[(node, predicate)] = Located(line, 1, f"/{_local(node)}/{_local(predicate)}")
    _place_brackets(state, store, graph, source)
    return source


def _place_brackets(state: _Scan, store, graph, source: SourceMap) -> None:
    """Match each [ … ] to its blank node: by the node and property it hangs from and, among several, by the
    values it states; record its line and the lines of its properties under the blank node's id."""
    import pyoxigraph as ox

    placed: dict[int, str] = {}                               # id of a bracket -> blank node id
    siblings: dict[tuple, list] = {}                          # (parent, property) -> [blank node id, its values]
    pointers: dict[int, str] = {}
    budget = MAX_COMPARISONS
    for bracket in state.brackets:                            # in text order: parents come before children
        parent = bracket["parent"]                            # a bracket's number, an IRI or a labelled node
        parent_node = placed.get(parent) if isinstance(parent, int) else parent if isinstance(parent, str) else None
        if parent_node is None:
            continue
        hung_from = (parent_node, bracket["property"])
        if hung_from not in siblings:
            subject = ox.BlankNode(parent_node) if isinstance(parent, int) else ox.NamedNode(parent_node)
            found = [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(bracket["property"]), None,
                                                               graph) if isinstance(q.object, ox.BlankNode)]
            # each blank node's values are read once, not once per bracket compared with it
            siblings[hung_from] = ([[b.value, _values(b, store, graph)] for b in found]
                                   if len(found) <= MAX_SIBLINGS else None)   # past it: siblings squared
        candidates = siblings[hung_from]
        if not candidates or len(candidates) > budget:
            continue
        budget -= len(candidates)
        best = _best_match(bracket, candidates)
        if best is None:
            continue
        candidates.remove(best)                               # placed: no other bracket is this node
        placed[bracket["id"]] = best[0]
        parent_pointer = pointers.get(parent, "") if isinstance(parent, int) else "/" + _local(parent)
        pointers[bracket["id"]] = f"{parent_pointer}/{_local(bracket['property'])}"
        source.nodes[best[0]] = Located(bracket["line"], 1, pointers[bracket["id"]])
    for (node, predicate), line in state.keys.items():
        if isinstance(node, int) and node in placed:
            source.keys[(placed[node], predicate)] = Located(line, 1, f"{pointers[node]}/{_local(predicate)}")


def _values(node, store, graph) -> set:
    """What a blank node states, comparable with what a bracket states."""
    import pyoxigraph as ox

    return {(q.predicate.value, ("iri" if isinstance(q.object, ox.NamedNode) else "text", q.object.value))
            for q in store.quads_for_pattern(node, None, None, graph)}


def _best_match(bracket: dict, candidates: list):
    """The candidate (blank node id, values) stating the bracket's values; None when two fit equally (no
    guessing)."""
    scored = sorted(((len(bracket["stated"] & values), i) for i, (_, values) in enumerate(candidates)),
                    reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return candidates[scored[0][1]]


@functools.lru_cache(maxsize=4096)
def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]
