"""One interface over the embedded store (pyoxigraph, persistent directory) and remote SPARQL 1.1 endpoints.

Both answer the same queries with the same results: the default graph is the merge of evkg's main named
graphs (GRAPHS), on a remote endpoint through the SPARQL 1.1 Protocol (``default-graph-uri``), so no server
setting is needed. The graphs of other rule sets (their rules and outcomes) stay out of that merge, so that
queries about the law in force never mix in another rule set's answers; queries reach them with GRAPH (on a
remote endpoint through ``named-graph-uri``). Remote calls have a timeout and fail with a plain message.
"""
from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from evkg.core.errors import EvkgError, UsageError
from evkg.core.namespaces import PREFIXES
from evkg.core.store_loading import load_serialized
from evkg.graph.limits import (  # noqa: F401  (other modules import mask from here)
    _CappedBuffer,
    mask,
    max_response_bytes,
)
from evkg.graph.query_forms import (_first_line, dataset_clause, has_dataset_clause, query_kind, refuse_updates,
                                    syntax_error)
from evkg.graph.remote_http import Deadline, http_message, reason_text, sparql_client

GRAPH_BASE = "https://w3id.org/evkg/graph/"
GRAPHS = {
    "ontology": GRAPH_BASE + "ontology",
    "shapes": GRAPH_BASE + "shapes",
    "curated": GRAPH_BASE + "curated",
    "inferred": GRAPH_BASE + "inferred",
}
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 86_400


@dataclass(frozen=True)
class Dataset:
    """The graphs of a query named through the SPARQL protocol (default-graph-uri, named-graph-uri)."""
    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def rule_set_graphs() -> list[str]:
    """Named graphs outside the default graph: each bundled overlay rule set's rules and outcomes."""
    from evkg.classification.rule_sets import bundled_rule_sets

    main = set(GRAPHS.values())
    return sorted({g for r in bundled_rule_sets().values() for g in (r.rule_graph, r.outcome_graph)
                   if g and g not in main})


def all_graphs() -> list[str]:
    """Every named graph evkg builds, the main ones first."""
    return list(GRAPHS.values()) + rule_set_graphs()

RESULT_FORMATS = {
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
}
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
}


def _graph_format(fmt: str) -> tuple:
    """A graph format; a results format for a CONSTRUCT's answer is refused, never replaced by N-Triples."""
    if fmt not in GRAPH_FORMATS:
        raise UsageError(f"format {fmt!r} is for results; a CONSTRUCT or DESCRIBE query gives a graph, written as "
                         f"{' or '.join(GRAPH_FORMATS)}")
    return GRAPH_FORMATS[fmt]


class StoreError(EvkgError):
    """The store or endpoint could not be opened, reached or read."""


class StoreDamaged(StoreError):
    """The store's files contradict each other (RocksDB reports corruption): it cannot be opened as it is."""


class EndpointError(StoreError):
    """A remote SPARQL endpoint is unreachable, too slow, or answered with an HTTP error."""


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("evkg")) / "store"


@dataclass
class Results:
    """A query's answer, the same shape whichever store gave it."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # pyoxigraph terms, None where unbound
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    @classmethod
    def from_pyoxigraph(cls, answer) -> "Results":
        if isinstance(answer, ox.QueryBoolean):
            return cls(kind="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(solution) for solution in answer]   # in variable order; far faster than by name
            return cls(kind="select", variables=variables, rows=rows)
        return cls(kind="graph", triples=list(answer))

    def row_set(self) -> list[tuple]:
        """Rows as sorted tuples of N-Triples terms: for comparing answers of different stores."""
        if self.kind == "ask":
            return [(str(self.boolean),)]
        if self.kind == "graph":
            return sorted((str(t.subject), str(t.predicate), str(t.object)) for t in self.triples)
        return sorted(tuple("" if term is None else str(term) for term in row) for row in self.rows)

    def column(self, name: str) -> list[str]:
        """The plain values (IRI or lexical form) of one column, sorted; unbound cells are skipped."""
        index = self.variables.index(name)
        return sorted(row[index].value for row in self.rows if row[index] is not None)

    def records(self) -> list[dict[str, str]]:
        return [{v: row[i].value for i, v in enumerate(self.variables) if row[i] is not None}
                for row in self.rows]


def prefixed(term) -> str:
    """A human-friendly rendering of a term for tables: CURIEs for known namespaces, plain literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda pn: len(pn[1]),
                   default=None)
        if best:
            local = iri[len(best[1]):]
            if local and all(c.isalnum() or c in "_-.%/" for c in local):
                return f"{best[0]}:{local}"
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


_OPEN_STORES: dict[tuple, ox.Store] = {}


def _open_directory(path: Path, read_only: bool = False) -> ox.Store:
    """One pyoxigraph Store per folder, mode and process. Opened for writing, the folder is locked while open;
    opened read-only, any number of processes may read it at once."""
    key = (path.resolve(), read_only)
    if key not in _OPEN_STORES:
        _OPEN_STORES[key] = ox.Store.read_only(str(key[0])) if read_only else ox.Store(str(key[0]))
    return _OPEN_STORES[key]


def release_directory(path: Path) -> None:
    """Forget this process's handles on a store folder (they close once nothing else holds them)."""
    import gc

    for read_only in (False, True):
        _OPEN_STORES.pop((Path(path).resolve(), read_only), None)
    gc.collect()


class EmbeddedStore:
    """The local pyoxigraph store (a persistent directory, or in memory when path is None)."""

    def __init__(self, path: str | Path | None = None, *, store: ox.Store | None = None, read_only: bool = False):
        """``read_only``: for a built store that is only queried, so that several evkg processes can query it at
        once (a store opened for writing is locked to one process)."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        if store is not None:
            self.store = store
        elif self.path is None:
            self.store = ox.Store()
        else:
            try:
                if not read_only:
                    self.path.mkdir(parents=True, exist_ok=True)
                self.store = _open_directory(self.path, read_only)
            except OSError as exc:
                text = str(exc)
                if "lock" in text.lower():
                    raise StoreError(f"the store at {self.path} is in use by another evkg process; wait for it "
                                     "to finish or choose another folder with --store") from None
                raise StoreError(f"the store at {self.path} could not be opened ({text}); check the folder "
                                 "is writable, run `evkg build` to rebuild it, or choose another folder with "
                                 "--store") from None
            except RuntimeError as exc:        # RocksDB's "Corruption: …" (a file of the store is missing)
                if "corruption" not in str(exc).lower():
                    raise
                raise StoreDamaged(f"the store at {self.path} is damaged ({' '.join(str(exc).split())[:200]})"
                                   ) from None

    def reopen(self) -> None:
        """Open the folder again (after a rebuild swapped a new store in)."""
        if self.path is not None:
            self.store = _open_directory(self.path, self.read_only)

    def describe(self) -> str:
        return f"the store at {self.path}" if self.path else "the in-memory store"

    def _run(self, sparql: str, dataset: "Dataset | None" = None):
        """``dataset``: the graphs a client named with the protocol's default-graph-uri and named-graph-uri,
        which take precedence over FROM and FROM NAMED; a query naming its own dataset gets that one; any other
        query gets evkg's default graph (the merge of GRAPHS) and every named graph."""
        refuse_updates(sparql)
        if dataset is not None:
            self._refuse_unknown_graphs([("default-graph-uri", g) for g in dataset.default]
                                        + [("named-graph-uri", g) for g in dataset.named])
            graphs = {"default_graph": [ox.NamedNode(g) for g in dataset.default],
                      "named_graphs": [ox.NamedNode(g) for g in dataset.named]}
        elif clauses := dataset_clause(sparql):
            self._refuse_unknown_graphs(clauses)
            graphs = {}
        else:
            graphs = {"default_graph": [ox.NamedNode(g) for g in GRAPHS.values()]}
        try:
            return self.store.query(sparql, **graphs)
        except SyntaxError as exc:
            raise syntax_error(str(exc), sparql=sparql) from None

    def _refuse_unknown_graphs(self, named: list[tuple[str, str]]) -> None:
        """A dataset naming a graph the store lacks would answer nothing: say which is unknown, which exist."""
        for where, iri in named:
            try:
                known = self.store.contains_named_graph(ox.NamedNode(iri))
            except ValueError:
                known = False
            if not known:
                from evkg.core.safe_text import visible

                held = sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
                raise UsageError(f"{where} names the graph <{visible(iri)[:300]}>, which {self.describe()} does "
                                 f"not hold, so the query would find nothing there. Its graphs are: "
                                 f"{', '.join(f'<{g}>' for g in held) or 'none'}. Name one of these, or leave "
                                 "the dataset out to query the default graph (ontology, shapes, curated data "
                                 "and inferred classifications together).")

    def query(self, sparql: str) -> Results:
        return Results.from_pyoxigraph(self._run(sparql))

    def query_serialized(self, sparql: str, fmt: str, max_bytes: int | None = None,
                         dataset: "Dataset | None" = None) -> bytes:
        """The answer in ``fmt``; with ``max_bytes``, evaluation stops (ResultTooLarge) once the answer grows
        past it, so an endless result never fills the memory."""
        answer = self._run(sparql, dataset)
        sink = _CappedBuffer(max_bytes) if max_bytes else None
        if isinstance(answer, ox.QueryTriples):
            rdf_format = _graph_format(fmt)[0]
            prefixes = PREFIXES if fmt == "turtle" else None
            if sink is None:
                return ox.serialize(answer, format=rdf_format, prefixes=prefixes)
            ox.serialize(answer, sink, format=rdf_format, prefixes=prefixes)
            return sink.value()
        if fmt not in RESULT_FORMATS:
            raise UsageError(f"format {fmt!r} is for graphs; a SELECT or ASK query gives results as "
                             f"{', '.join(RESULT_FORMATS)} or table")
        if sink is None:
            return answer.serialize(format=RESULT_FORMATS[fmt][0])
        answer.serialize(sink, format=RESULT_FORMATS[fmt][0])
        return sink.value()

    def clear(self) -> None:
        self.store.clear()

    def bulk_load_graph(self, data: bytes, graph_iri: str, rdf_format=ox.RdfFormat.N_TRIPLES) -> None:
        load_serialized(self.store, data, rdf_format, to_graph=ox.NamedNode(graph_iri), parallel=True)

    def graph_counts(self) -> dict[str, int]:
        answer = self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {s["g"].value: int(s["n"].value) for s in answer}

    def graph_ntriples(self, graph_iri: str) -> bytes:
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph_iri))

    def dump(self, path: Path) -> None:
        suffix = path.suffix.lower()
        formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
        if suffix not in formats:
            raise UsageError(f"cannot export to {path.name}: name the file .nq (N-Quads) or .trig (TriG)")
        prefixes = PREFIXES if suffix == ".trig" else None
        try:
            self.store.dump(str(path), format=formats[suffix], prefixes=prefixes)
        except OSError as exc:
            raise StoreError(f"could not write {path}: {exc.strerror or exc}") from None

    def flush(self) -> None:
        self.store.flush()


class RemoteEndpoint:
    """A SPARQL 1.1 endpoint: queries through SPARQLWrapper, loading through the Graph Store Protocol or
    SPARQL Update. Every call gives up after ``timeout`` seconds, to the last byte of its answer."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, graph_store: str | None = None,
                 union_of_graphs: bool = True):
        for what, address, example in (("endpoint", url, "http://localhost:7878/query (/update to load)"),
                                       ("graph store", graph_store, "http://localhost:7878/store")):
            if address is not None and not re.match(r"https?://[^/?#\s]", address, re.IGNORECASE):
                raise UsageError(f"the {what} {address!r} is not an http(s) URL; give one like {example}")
        if not 0 < timeout <= MAX_TIMEOUT:             # past a day, the system's clocks overflow
            raise UsageError(f"the timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:,} (a day) "
                             f"for an endpoint, not {timeout:g}; e.g. --timeout 300")
        self.url = url
        self.timeout = timeout
        self.graph_store = graph_store
        self.union_of_graphs = union_of_graphs

    def describe(self) -> str:
        return f"the endpoint {self.url}"

    # --- queries -------------------------------------------------------------------------------------------
    def _request(self, sparql: str, accept: str) -> bytes:
        from SPARQLWrapper import POST, URLENCODED

        with Deadline(self.timeout) as deadline:
            client = sparql_client(self.url, deadline, self.timeout)
            client.setMethod(POST)
            client.setRequestMethod(URLENCODED)
            client.setQuery(sparql)
            # SPARQLWrapper guesses the query form with a regex that mistakes names such as loadedCargo for LOAD
            client.queryType = query_kind(sparql).upper()
            client.setOnlyConneg(True)
            client.addCustomHttpHeader("Accept", accept)
            if self.union_of_graphs and not has_dataset_clause(sparql):    # the protocol's graphs would override
                for iri in GRAPHS.values():
                    client.addDefaultGraph(iri)
                for iri in all_graphs():
                    client.addNamedGraph(iri)
            return self._within(deadline, lambda: self._read_capped(client.query().response))

    def _within(self, deadline: Deadline, action):
        """``action()``, or the time-limit error when the deadline cut it short (a cut read looks like an end)."""
        try:
            result = self._call(action)
        except EndpointError:
            if not deadline.expired:
                raise
        if deadline.expired:
            raise EndpointError(f"{self.describe()} did not answer within {self.timeout:g} s (to the last byte of "
                                "its answer); check it is running, or allow more time with --timeout") from None
        return result

    def _read_capped(self, response) -> bytes:
        """The whole answer, or EndpointError once it grows past the byte cap (an endless stream stops there)."""
        limit = max_response_bytes()
        chunks, size = [], 0
        try:
            while True:
                chunk = response.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise EndpointError(f"{self.describe()} sent more than {limit:,} bytes for one answer; evkg "
                                        "stopped reading. Narrow the query (LIMIT, filters) or raise "
                                        "EVKG_MAX_RESPONSE_BYTES.")
        finally:
            response.close()
        return b"".join(chunks)

    def _call(self, action):
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return action()
        except SPARQLWrapperException as exc:
            raise EndpointError(http_message(exc, self.describe(), self.url)) from None
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace") if exc.fp else ""
            raise EndpointError(f"{self.describe()} answered HTTP {exc.code} {exc.reason}: "
                                f"{_first_line(body)}") from None
        except (TimeoutError, socket.timeout):
            raise EndpointError(f"{self.describe()} did not answer within {self.timeout:g} s; check it is "
                                "running, or allow more time with --timeout") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise EndpointError(f"{self.describe()} did not answer within {self.timeout:g} s; check it "
                                    "is running, or allow more time with --timeout") from None
            raise EndpointError(f"cannot reach {self.describe()} ({reason_text(reason)}); check the URL and "
                                "that the server is running") from None
        except (ConnectionError, OSError) as exc:
            raise EndpointError(f"cannot reach {self.describe()} ({exc}); check the URL and that the server "
                                "is running") from None
        except http.client.HTTPException as exc:
            raise EndpointError(f"{self.describe()} broke off or garbled its answer ({type(exc).__name__}); "
                                "try again, or check the server") from None

    def query(self, sparql: str) -> Results:
        kind = query_kind(sparql)
        refuse_updates(sparql)
        graph = kind in ("construct", "describe")
        data = self._request(sparql, "application/n-triples" if graph else "application/sparql-results+json")
        try:       # the parsers are lazy: a fault deep in the answer is met while reading it, here too
            if graph:
                return Results(kind="graph", triples=list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
            return Results.from_pyoxigraph(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
        except (SyntaxError, ValueError) as exc:
            what = "N-Triples" if graph else "SPARQL JSON results"
            raise EndpointError(f"{self.describe()} sent an answer that is not {what} ({_first_line(str(exc))}); "
                                "check that the URL is the endpoint's query service") from None

    def query_serialized(self, sparql: str, fmt: str) -> bytes:
        kind = query_kind(sparql)
        refuse_updates(sparql)
        if kind in ("construct", "describe"):
            return self._request(sparql, _graph_format(fmt)[1])
        if fmt not in RESULT_FORMATS:
            raise UsageError(f"format {fmt!r} is for graphs; a SELECT or ASK query gives results as "
                             f"{', '.join(RESULT_FORMATS)} or table")
        return self._request(sparql, RESULT_FORMATS[fmt][1])

    def require_evkg_graphs(self) -> None:
        """Refuse an endpoint holding none of evkg's main graphs: every answer would be 'no such products'."""
        values = " ".join(f"<{g}>" for g in GRAPHS.values())
        saved, self.union_of_graphs = self.union_of_graphs, False
        try:
            loaded = self.query(f"ASK {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}").boolean
        finally:
            self.union_of_graphs = saved
        if not loaded:
            update = re.sub(r"/query$", "/update", self.url) if self.url.endswith("/query") else "UPDATE-URL"
            raise UsageError(f"the endpoint {self.url} holds none of evkg's graphs (ontology, shapes, curated, "
                             f"inferred), so every query would answer with no rows. Load the knowledge graph into "
                             f"it with evkg load --endpoint {update} (its SPARQL Update service), or check the URL.")

    def graph_counts(self) -> dict[str, int]:
        sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        saved, self.union_of_graphs = self.union_of_graphs, False
        try:
            results = self.query(sparql)
        finally:
            self.union_of_graphs = saved
        return {row[0].value: int(row[1].value) for row in results.rows}

    # --- loading -------------------------------------------------------------------------------------------
    def put_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace one named graph through the SPARQL 1.1 Graph Store Protocol (HTTP PUT)."""
        if not self.graph_store:
            raise UsageError("no Graph Store Protocol URL given (--graph-store)")
        target = self.graph_store + ("&" if "?" in self.graph_store else "?") + urllib.parse.urlencode(
            {"graph": graph_iri})
        request = urllib.request.Request(target, data=ntriples, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        where = f"the graph store {self.graph_store}"

        with Deadline(self.timeout) as deadline:
            def send():
                with deadline.opener().open(request, timeout=self.timeout) as response:
                    response.read()

            try:
                self._within(deadline, send)
            except EndpointError as exc:
                raise EndpointError(str(exc).replace(self.describe(), where)) from None

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request to the endpoint URL."""
        from SPARQLWrapper import POST, URLENCODED

        with Deadline(self.timeout) as deadline:
            client = sparql_client(self.url, deadline, self.timeout, updateEndpoint=self.url)
            client.setMethod(POST)
            client.setRequestMethod(URLENCODED)
            client.setQuery(sparql)
            self._within(deadline, lambda: client.query().response.read())
