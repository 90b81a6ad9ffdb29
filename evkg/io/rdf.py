"""Moving RDF between rdflib graphs and in-memory pyoxigraph stores, keeping blank-node identity.

The hot paths (validation, classification, queries) run SPARQL on pyoxigraph; rdflib stays the library's
public graph type. Blank nodes keep their ids in both directions, so results can point back into the caller's
graph.
"""
from __future__ import annotations

import contextlib
import threading
import warnings

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Graph, Literal, URIRef

_AS_WRITTEN = threading.Lock()


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@contextlib.contextmanager
def quiet_about_ill_typed_booleans():
    """rdflib warns ("Parsing weird boolean", with its own file and line) on "yes"^^xsd:boolean; the checks
    report such a value at its line and in the user's words, so on stderr the warning is only noise."""
    with warnings.catch_warnings():
        ignore_ill_typed_boolean_warnings()
        yield


def ignore_ill_typed_boolean_warnings() -> None:
    """From now on (a command's whole run): results read back from worker processes rebuild their literals,
    and rdflib warns again then, outside any parse."""
    warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)


@contextlib.contextmanager
def literals_as_written():
    """While active, rdflib keeps every literal's lexical form as written (parsing, SPARQL updates).

    rdflib normalises literals by default: an ill-typed "yes"^^xsd:boolean would become "false" and pass
    validation, and "0200"^^xsd:integer would lose its spelling. The Oxigraph loader keeps ill-typed
    literals as written; this gives the rdflib path the same data."""
    with _AS_WRITTEN, quiet_about_ill_typed_booleans():
        before = rdflib.NORMALIZE_LITERALS
        rdflib.NORMALIZE_LITERALS = False
        try:
            yield
        finally:
            rdflib.NORMALIZE_LITERALS = before


def parse_as_written(graph: Graph, **parse_arguments) -> Graph:
    """graph.parse(...) keeping every literal's lexical form as written."""
    with literals_as_written():
        return graph.parse(**parse_arguments)


def to_ox(term):
    """rdflib term -> pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term):
    """pyoxigraph term -> rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        # As written: rdflib would otherwise rewrite an ill-typed "yes"^^xsd:boolean as "false".
        if datatype == _BOOLEAN and term.value not in ("true", "false"):
            with quiet_about_ill_typed_booleans():
                return Literal(term.value, datatype=URIRef(datatype), normalize=False)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


class RdflibTerms(dict):
    """to_rdflib remembered for the length of one check: `as_rdflib[ox_term]` converts each term once.

    A check meets the same nodes over and over (a product in every finding and tally); one rdflib object per
    term also lets dict look-ups by it stop at identity instead of calling rdflib's Python __eq__."""

    def __missing__(self, term):
        converted = self[term] = to_rdflib(term)
        return converted


def quads_of(graph: Graph):
    cache: dict = {}

    def convert(term):
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_ox(term)
        return found

    for s, p, o in graph:
        yield ox.Quad(convert(s), convert(p), convert(o))


def add_graph(store: ox.Store, graph: Graph) -> None:
    """Copy an rdflib graph into the store's default graph, blank nodes included."""
    store.bulk_extend(quads_of(graph))


def add_bounded_description(source: Graph, roots, out: Graph) -> bool:
    """Add to `out` the statements about each root and, recursively, about the blank nodes they lead to (the
    roots' concise bounded description in `source`). Returns whether there was any statement."""
    pending, seen, found = list(roots), set(), False
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            found = True
            out.add((node, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    return found


def refuse_misplaced_value(triple, source_name: str) -> None:
    """A text value as the subject of a statement, or anything but an IRI as its property: rdflib builds such
    statements (JSON-LD `@reverse` with a text value, Notation3 `"x" <p> <o>`), which RDF has no room for."""
    from evkg.core.errors import InputError

    s, p, _ = triple
    if isinstance(s, Literal) or isinstance(p, (Literal, BNode)):
        # not located: a short text value is found in too many places of the file to point at the right one
        value = s if isinstance(s, Literal) else p
        place = f"the subject of a statement with the property <{p}>" if value is s else "the property of a statement"
        raise InputError(f"uses the value {str(value)[:200]!r} as {place}, where only an IRI can stand (RDF "
                         "describes things named by IRIs, not text).", path=source_name,
                         hint="In JSON-LD or YAML, give '@reverse' (and every key) IRIs of things, not text; in "
                              "Turtle or Notation3, start each statement with an IRI or a blank node.")
