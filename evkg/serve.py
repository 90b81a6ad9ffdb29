"""`evkg serve`: the submission service and web page, a thin HTTP layer over the library.

Every answer comes from a library call: `check` for submissions, `report` for rendering, `queries` for the
named catalogue, the store for SPARQL, `resources` for the curated graph and the ontology. This module only
reads requests, enforces limits, negotiates formats and turns errors into clear JSON (or HTML pages).

Safety: the store is an in-memory copy made at start-up (no file lock held, nothing to corrupt), only ever
queried (updates and SERVICE calls refused); submissions never touch it; RDF is parsed with remote fetching
off; every request body is capped; every check and query runs in a worker thread under a time limit.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from evkg import __version__
from evkg.errors import EvkgError, InputError, UsageError
from evkg.namespaces import CITO, DCT, EVD, EVKG, PREFIXES, bind_prefixes

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
WEB_FOLDER = Path(__file__).with_name("web")

# request Content-Type -> rdflib format name understood by evkg.load.parse_rdf_bytes
CONTENT_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
# the format choices of the web form: (value, label, rdflib format, file suffix)
FORM_FORMATS = [("turtle", "Turtle", "turtle", ".ttl"), ("json-ld", "JSON-LD", "json-ld", ".jsonld"),
                ("rdfxml", "RDF/XML", "xml", ".rdf"), ("ntriples", "N-Triples", "nt", ".nt")]
# report media type -> evkg.report format
REPORT_MEDIA = {"application/json": "json", "text/html": "html", "text/markdown": "markdown",
                "text/turtle": "ttl", "text/plain": "text"}
SPARQL_RESULT_MEDIA = {"application/sparql-results+json": "json", "application/json": "json",
                       "text/csv": "csv", "text/tab-separated-values": "tsv",
                       "application/sparql-results+xml": "xml"}
SPARQL_GRAPH_MEDIA = {"text/turtle": "turtle", "application/n-triples": "ntriples"}
JURISDICTIONS = ("EU", "US", "KR")


# ------------------------------------------------------------------------------------------- errors

class ServiceError(Exception):
    """An error answered as JSON (or an HTML page for browsers) with a status code."""

    def __init__(self, status: int, code: str, message: str, **detail):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.detail = {k: v for k, v in detail.items() if v is not None}

    def as_dict(self) -> dict:
        return {"status": self.status, "error": self.code, "message": self.message, **self.detail}


def _input_error(exc: InputError, status: int, code: str) -> ServiceError:
    return ServiceError(status, code, str(exc), reason=exc.reason, line=exc.line, column=exc.column,
                        hint=exc.hint)


# ------------------------------------------------------------------------------------------- state

@dataclass
class CuratedProduct:
    id: str
    check: object                      # evkg.check.ProductCheck
    evidence: list[dict] = field(default_factory=list)
    trials: list[dict] = field(default_factory=list)


class Service:
    """What the app serves: the store copy, the checked curated products, limits and the check lock."""

    def __init__(self, store_path: str | Path | None, max_bytes: int, timeout: float,
                 progress: Callable[[str], None], url: str | None = None):
        self.store_path = store_path
        self.url = url
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.progress = progress
        self.store = None
        self.products: dict[str, CuratedProduct] = {}
        self.ready = False
        # pySHACL and rdflib graphs are not made for concurrent use: one check at a time, in a worker thread
        self.check_lock = threading.Lock()

    # --- start-up --------------------------------------------------------------------------------------
    def prepare(self) -> None:
        from evkg import resources

        started = time.perf_counter()
        resources.ontology_graph()
        resources.data_graph()
        self.store = self._open_store()
        self.products = self._check_curated()
        self.ready = True
        where = f" at {self.url}" if self.url else ""
        self.progress(f"evkg serve: ready{where} ({len(self.products)} curated products, "
                      f"{time.perf_counter() - started:.1f} s)")

    def _open_store(self):
        """An in-memory copy of the built graph: queries never hold the on-disk store's lock."""
        import pyoxigraph as ox

        from evkg.store import EmbeddedStore, open_store

        memory = EmbeddedStore(None)
        if self.store_path is None:
            from evkg.build import build_into

            build_into(memory, progress=self.progress)
        else:
            disk = open_store(self.store_path, progress=self.progress)
            quads = disk.store.dump(format=ox.RdfFormat.N_QUADS)
            disk.store = None  # release the directory lock now
            del disk
            memory.store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
            self.progress(f"evkg serve: serving a copy of the store at {self.store_path}")
        return memory

    def _check_curated(self) -> dict[str, CuratedProduct]:
        from evkg import resources
        from evkg.check import check
        from evkg.validate import product_iris

        data = resources.data_graph()
        if not product_iris(data):
            return {}
        checked, _ = check(data)
        products = {}
        for product in checked:
            product_id = product_id_of(product.iri)
            products[product_id] = CuratedProduct(product_id, product, _evidence(data, URIRef(product.iri)),
                                                  _trials(data, URIRef(product.iri)))
        return dict(sorted(products.items(), key=lambda kv: kv[1].check.label.lower()))

    # --- work in threads under the time limit ------------------------------------------------------------
    async def run(self, what: str, function, *args, serialize: bool = False):
        deadline = time.monotonic() + self.timeout

        def work():
            if not serialize:
                return function(*args)
            if not self.check_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
                raise TimeoutError
            try:
                if time.monotonic() > deadline:
                    raise TimeoutError
                return function(*args)
            finally:
                self.check_lock.release()

        try:
            return await asyncio.wait_for(asyncio.to_thread(work), timeout=self.timeout)
        except (TimeoutError, asyncio.TimeoutError):
            raise ServiceError(504, "timeout", f"the {what} did not finish within {self.timeout:g} s. "
                               "Try a smaller description or a narrower query, or ask the operator to raise "
                               "the limit (evkg serve --timeout).", timeout_seconds=self.timeout) from None

    # --- checking a submission -------------------------------------------------------------------------
    def check_bytes(self, raw: bytes, fmt: str, source_name: str):
        """Parse and check one submitted description; the same run `evkg check FILE` makes."""
        from evkg.check import CheckRun, FileCheck, check
        from evkg.load import parse_rdf_bytes

        try:
            graph = parse_rdf_bytes(raw, fmt, source_name=source_name, allow_remote=False)
        except InputError as exc:
            raise _input_error(exc, 400, "bad-rdf") from None
        try:
            products, others = check(graph)
        except InputError as exc:
            raise _input_error(exc, 422, "no-product") from None
        return CheckRun(files=[FileCheck(path=source_name, products=products, other_results=others)])

    # --- the curated graph -----------------------------------------------------------------------------
    def product(self, product_id: str) -> CuratedProduct:
        if product_id not in self.products:
            raise ServiceError(404, "unknown-product", f"there is no curated product {product_id!r}. "
                               "GET /products lists them.", known=sorted(self.products))
        return self.products[product_id]

    def product_dict(self, curated: CuratedProduct) -> dict:
        from evkg.check import CheckRun, FileCheck
        from evkg.report import to_dict

        run = CheckRun(files=[FileCheck(path="data/products", products=[curated.check])])
        entry = to_dict(run)["files"][0]["products"][0]
        return {"id": curated.id, **entry, "evidence": curated.evidence, "trials": curated.trials}

    def product_summary(self, curated: CuratedProduct) -> dict:
        from evkg.report import outcome_dict

        from evkg import resources

        negatives = {str(c) for c in resources.ontology_graph().objects(None, EVKG.negativeCategory)}
        concluded: dict[str, list] = {j: [] for j in JURISDICTIONS}
        for outcome in curated.check.classifications:
            if outcome.status in ("undecided", "superseded") or outcome.jurisdiction not in concluded:
                continue
            entry = outcome_dict(outcome)
            concluded[outcome.jurisdiction].append({"category": entry["category"], "label": entry["category_label"],
                                                     "status": entry["status"],
                                                     "negative": entry["category"] in negatives})
        for entries in concluded.values():  # what it is first, then what it is not
            entries.sort(key=lambda e: e["negative"])
        return {"id": curated.id, "iri": curated.check.iri, "label": curated.check.label,
                "conforms": curated.check.conforms, "completeness": curated.check.completeness,
                "classification": concluded, "url": f"/products/{curated.id}"}

    def sample(self, product_id: str | None = None) -> tuple[str, str]:
        """(product id, Turtle) of one curated product's own description, for "try a sample"."""
        from evkg import resources

        if not self.products:
            raise ServiceError(404, "no-sample", "no curated product is available as a sample.")
        product_id = product_id if product_id in self.products else next(iter(self.products))
        return product_id, description_turtle(resources.data_graph(), URIRef(self.products[product_id].check.iri))

    def trials(self) -> list[dict]:
        from evkg import resources

        data = resources.data_graph()
        trials = [_trial_dict(data, t) for t in set(data.subjects(RDF.type, EVKG.ClinicalTrial))]
        return sorted(trials, key=lambda t: (t["registry_id"] or t["iri"]))

    # --- the named queries and SPARQL ------------------------------------------------------------------
    @staticmethod
    def catalogue() -> dict:
        from evkg.queries import catalogue

        return catalogue()

    def named_query(self, name: str):
        queries = self.catalogue()
        if name not in queries:
            import difflib

            close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
            raise ServiceError(404, "unknown-query", f"there is no named query {name!r}."
                               + (f" Did you mean: {', '.join(close)}?" if close else "")
                               + " GET /queries lists them.")
        return queries[name]

    def run_named(self, name: str, params: dict, fmt: str):
        """SPARQL results (bytes) of a catalogue query in fmt, or a Results object when fmt is None."""
        from evkg.queries import run_named_query, run_serialized

        self.named_query(name)
        try:
            if fmt is None:
                return run_named_query(name, store=self.store, **params)
            return run_serialized(name, fmt, store=self.store, params=params)
        except UsageError as exc:
            raise ServiceError(400, "bad-parameter", str(exc)) from None

    def run_sparql(self, sparql: str, fmt: str | None):
        from evkg.store import StoreError

        try:
            if fmt is None:
                return self.store.query(sparql)
            return self.store.query_serialized(sparql, fmt)
        except UsageError as exc:
            raise ServiceError(400, "bad-query", str(exc), line=getattr(exc, "line", None),
                               column=getattr(exc, "column", None)) from None
        except (StoreError, OSError, ValueError) as exc:
            raise ServiceError(400, "query-failed", f"the query could not be answered: {exc}") from None


def product_id_of(iri: str) -> str:
    base = f"{EVD}product/"
    return iri[len(base):] if iri.startswith(base) else iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


_SHARED = tuple(f"{EVD}{kind}/" for kind in ("paper", "act", "jurisdiction", "trial"))


def description_turtle(data: Graph, product: URIRef) -> str:
    """The product node and the nodes that belong to its description (preparations, sources, cargo …),
    leaving out shared records (papers, acts, jurisdictions, trials, other products) it only refers to."""
    products = set(data.subjects(RDF.type, EVKG.EVProduct))
    out = Graph()
    bind_prefixes(out)
    seen, frontier = {product}, [product]
    while frontier:
        node = frontier.pop()
        for p, o in data.predicate_objects(node):
            out.add((node, p, o))
            own = isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(str(EVD))
                                            and not str(o).startswith(_SHARED) and o not in products)
            if own and o not in seen:
                seen.add(o)
                frontier.append(o)
    return out.serialize(format="turtle")


def _evidence(data: Graph, product: URIRef) -> list[dict]:
    from evkg.report import source_info

    sources = set(data.objects(product, CITO.citesAsEvidence)) | set(data.objects(product, DCT.source))
    return sorted((source_info(str(s)) for s in sources if isinstance(s, URIRef)), key=lambda s: s["label"])


def _label_of(node) -> str | None:
    from evkg import resources

    if node is None:
        return None
    for graph in (resources.ontology_graph(), resources.data_graph(), resources.rules_graph()):
        label = graph.value(node, RDFS.label)
        if label is not None:
            return str(label)
    return curie(str(node))


def _trial_dict(data: Graph, trial: URIRef) -> dict:
    from evkg.report import source_info

    products = sorted(str(p) for p in data.objects(trial, EVKG.investigatesProduct))
    registry = data.value(trial, EVKG.trialRegistryId)
    return {
        "iri": str(trial),
        "registry_id": str(registry) if registry else None,
        "label": str(data.value(trial, RDFS.label) or registry or curie(str(trial))),
        "phase": _label_of(data.value(trial, EVKG.phase)),
        "status": _label_of(data.value(trial, EVKG.trialStatus)),
        "sponsor": str(data.value(trial, EVKG.sponsor) or "") or None,
        "indications": sorted(_label_of(i) for i in data.objects(trial, EVKG.indication)),
        "products": [{"id": product_id_of(p), "iri": p, "label": _label_of(URIRef(p))} for p in products],
        "sources": [source_info(str(s)) for s in sorted(data.objects(trial, DCT.source)) if isinstance(s, URIRef)],
    }


def _trials(data: Graph, product: URIRef) -> list[dict]:
    return sorted((_trial_dict(data, t) for t in data.subjects(EVKG.investigatesProduct, product)),
                  key=lambda t: t["registry_id"] or t["iri"])


# ------------------------------------------------------------------------------------------- terms

def curie(iri: str) -> str:
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda pn: len(pn[1]),
               default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def expand_curie(text: str) -> str | None:
    if text.startswith(("http://", "https://")):
        return text
    prefix, sep, local = text.partition(":")
    if not sep:
        return PREFIXES["evkg"] + text
    return PREFIXES[prefix] + local if prefix in PREFIXES else None


def term_dict(curie_text: str) -> dict:
    """Label, definition, sources and neighbours of an ontology term (or a curated individual)."""
    from evkg import resources
    from evkg.report import source_info

    iri = expand_curie(curie_text)
    if iri is None:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise ServiceError(404, "unknown-term", f"{curie_text!r} uses a prefix evkg does not know ({known}).")
    node = URIRef(iri)
    graphs = (resources.ontology_graph(), resources.data_graph(), resources.rules_graph(),
              resources.shapes_graph())
    graph = next((g for g in graphs if (node, None, None) in g), None)
    if graph is None:
        raise ServiceError(404, "unknown-term", f"{curie(iri)} is not defined in the evkg ontology or the "
                           "curated data. Check the spelling (names are case-sensitive).")

    def terms(nodes):
        return sorted(({"iri": str(n), "curie": curie(str(n)), "label": _label_of(n)}
                       for n in set(nodes) if isinstance(n, URIRef) and n != OWL.Thing),
                      key=lambda t: (t["label"] or t["curie"]).lower())

    sources = set(graph.objects(node, DCT.source)) | set(graph.objects(node, RDFS.isDefinedBy))
    definition = graph.value(node, SKOS.definition) or graph.value(node, RDFS.comment)
    return {
        "iri": iri, "curie": curie(iri), "label": _label_of(node),
        "definition": str(definition) if definition else None,
        "types": terms(graph.objects(node, RDF.type)),
        "superclasses": terms(graph.objects(node, RDFS.subClassOf)),
        "subclasses": terms(graph.subjects(RDFS.subClassOf, node)),
        "superproperties": terms(graph.objects(node, RDFS.subPropertyOf)),
        "domain": terms(graph.objects(node, RDFS.domain)),
        "range": terms(graph.objects(node, RDFS.range)),
        "members": terms(graph.subjects(RDF.type, node)) if (node, RDF.type, OWL.Class) in graph else [],
        "sources": sorted((source_info(str(s)) for s in sources if isinstance(s, URIRef)),
                          key=lambda s: s["label"]),
    }


# ------------------------------------------------------------------------------------------- HTTP helpers

def _accept(request, offers: list[str]) -> str:
    """The offered media type the client prefers (q-values, exact before wildcard); the first on a tie."""
    ranges = []
    for part in request.headers.get("accept", "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))

    def score(offer):
        kind = offer.split("/")[0]
        best = None
        for media, q in ranges:
            rank = 3 if media == offer else 2 if media == f"{kind}/*" else 1 if media == "*/*" else 0
            if rank and (best is None or rank > best[1]):
                best = (q, rank)
        return best or (0.0, 0)

    scored = [(score(o), -i, o) for i, o in enumerate(offers)]
    (q, rank), _, offer = max(scored, key=lambda s: (s[0][0], s[0][1] if s[0][0] > 0 else 0, s[1]))
    return offer if q > 0 else offers[0]


def _wants_html(request) -> bool:
    if request.query_params.get("format") == "json":
        return False
    return _accept(request, ["application/json", "text/html"]) == "text/html"


def _media_type(request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _format_for_upload(filename: str, chosen: str | None) -> str:
    from evkg.load import guess_format

    if chosen:
        for value, _, fmt, _ in FORM_FORMATS:
            if chosen == value:
                return fmt
        raise ServiceError(415, "unsupported-format", f"unknown format {chosen!r}; choose one of "
                           + ", ".join(v for v, *_ in FORM_FORMATS) + ".")
    try:
        return guess_format(filename or "upload")
    except InputError as exc:
        raise ServiceError(415, "unsupported-format", exc.reason, hint=exc.hint) from None


class BodyLimit:
    """ASGI middleware: refuse a request body over max_bytes with 413, whether or not it declares its length."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, receive, send, int(declared))
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await self._too_large(scope, receive, send, size)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send, size):
        from starlette.requests import Request

        error = ServiceError(413, "too-large", f"the request is larger than the limit of {self.max_bytes:,} "
                             "bytes. Split the description into several submissions, or ask the operator to "
                             "raise the limit (evkg serve --max-bytes).", max_bytes=self.max_bytes)
        response = _error_response(Request(scope), error)
        await response(scope, receive, send)


# ------------------------------------------------------------------------------------------- the app

def _templates():
    import jinja2
    from starlette.templating import Jinja2Templates

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB_FOLDER / "templates")), autoescape=True)
    env.globals.update(version=__version__, curie=curie, jurisdiction_names={"EU": "European Union",
                                                                             "US": "United States",
                                                                             "KR": "South Korea"})
    return Jinja2Templates(env=env)


_TEMPLATES = None


def _page(request, name: str, context: dict, status: int = 200):
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = _templates()
    return _TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def _error_response(request, error: ServiceError):
    from starlette.responses import JSONResponse

    if _wants_html(request):
        return _page(request, "error.html", {"error": error}, status=error.status)
    return JSONResponse(error.as_dict(), status_code=error.status)


def create_app(store_path: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
               timeout: float = DEFAULT_TIMEOUT, progress: Callable[[str], None] | None = None,
               url: str | None = None):
    """The ASGI application. ``store_path``: a built store to serve a copy of (None: build the graph in
    memory from the bundled data). Start-up (store, checking the curated products) completes before the
    server accepts requests."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    if max_bytes < 1:
        raise UsageError("--max-bytes must be at least 1")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    service = Service(store_path, max_bytes, timeout,
                      progress or (lambda message: print(message, file=sys.stderr, flush=True)), url)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(service.prepare)
        yield

    routes = _routes(service)
    routes.append(Mount("/static", app=StaticFiles(directory=str(WEB_FOLDER / "static")), name="static"))

    async def service_error(request, exc: ServiceError):
        return _error_response(request, exc)

    async def http_error(request, exc: HTTPException):
        codes = {404: "not-found", 405: "method-not-allowed"}
        message = {404: f"there is nothing at {request.url.path}. GET /openapi.json lists the endpoints.",
                   405: f"{request.method} is not accepted at {request.url.path}."}.get(exc.status_code,
                                                                                       str(exc.detail))
        return _error_response(request, ServiceError(exc.status_code, codes.get(exc.status_code, "error"),
                                                     message))

    async def evkg_error(request, exc: EvkgError):
        return _error_response(request, ServiceError(400, "bad-request", str(exc)))

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(BodyLimit, max_bytes=max_bytes)],
                    exception_handlers={ServiceError: service_error, HTTPException: http_error,
                                        EvkgError: evkg_error})
    app.state.service = service
    return app


# ------------------------------------------------------------------------------------------- routes

def _cell(term) -> dict:
    """A result cell for the HTML table: its short text and, for IRIs, where to look it up."""
    import pyoxigraph as ox

    from evkg.store import prefixed

    text = prefixed(term)
    href = None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(f"{EVD}product/"):
            href = f"/products/{product_id_of(iri)}"
        elif iri.startswith((PREFIXES["evkg"], PREFIXES["evsh"], str(EVD))):
            href = f"/terms/{curie(iri)}"
        elif iri.startswith(("http://", "https://")):
            href = iri
    return {"text": text, "href": href}


def _table(results) -> dict:
    if results.kind == "ask":
        return {"kind": "ask", "boolean": results.boolean, "variables": [], "rows": []}
    if results.kind == "graph":
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in results.triples]
        return {"kind": "graph", "variables": ["subject", "predicate", "object"], "rows": rows}
    return {"kind": "select", "variables": results.variables, "rows": [[_cell(t) for t in row] for row in results.rows]}


def _query_dict(query) -> dict:
    return {"name": query.name, "title": query.title, "description": query.description,
            "params": [{"name": p.name, "description": p.description, "default": p.default, "kind": p.kind,
                        "accepted": p.accepted, "required": p.default is None} for p in query.params],
            "sources": list(query.sources), "url": f"/queries/{query.name}"}


def _routes(service: Service) -> list:
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from evkg import report

    def json_response(data, status: int = 200):
        return JSONResponse(data, status_code=status)

    # --- submissions ------------------------------------------------------------------------------------
    async def submission(request) -> tuple[bytes, str, str]:
        """(raw bytes, rdflib format, name) of a description sent as a body, an upload or a form field."""
        media = _media_type(request)
        if media in CONTENT_TYPES:
            fmt = CONTENT_TYPES[media]
            suffix = {"turtle": ".ttl", "json-ld": ".jsonld", "xml": ".rdf", "nt": ".nt", "nquads": ".nq",
                      "trig": ".trig"}[fmt]
            return await request.body(), fmt, "submission" + suffix
        if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.form(max_part_size=service.max_bytes)
            chosen = str(form.get("format") or "").strip() or None
            upload = form.get("file")
            if upload is not None and not isinstance(upload, str) and upload.filename:
                raw = await upload.read()
                if raw:
                    return raw, _format_for_upload(upload.filename, chosen), Path(upload.filename).name
            text = str(form.get("text") or "")
            if text.strip():
                fmt = _format_for_upload("", chosen or "turtle")
                suffix = next(s for _, _, f, s in FORM_FORMATS if f == fmt)
                return text.encode("utf-8"), fmt, "submission" + suffix
            raise ServiceError(400, "no-description", "the form holds no description: paste it into the text "
                               "box (field 'text') or choose a file (field 'file').")
        accepted = ", ".join(list(CONTENT_TYPES) + ["multipart/form-data"])
        raise ServiceError(415, "unsupported-media-type",
                           f"cannot read a description sent as {media or 'no Content-Type'!r}. Send RDF as one "
                           f"of: {accepted}.", accepted=list(CONTENT_TYPES) + ["multipart/form-data"])

    async def checked(request):
        raw, fmt, name = await submission(request)
        return await service.run("check", service.check_bytes, raw, fmt, name, serialize=True)

    async def post_check(request):
        media = _accept(request, list(REPORT_MEDIA))
        run = await checked(request)
        if REPORT_MEDIA[media] == "json":
            return json_response(report.to_dict(run))
        text = await service.run("report", report.render, run, REPORT_MEDIA[media])
        return Response(text, media_type=media)

    # --- web pages --------------------------------------------------------------------------------------
    def home_context(request, **extra) -> dict:
        context = {"formats": FORM_FORMATS, "samples": [(p.id, p.check.label) for p in service.products.values()],
                   "text": "", "chosen_format": "", "error": None, "max_bytes": service.max_bytes}
        context.update(extra)
        return context

    async def home(request):
        wanted = request.query_params.get("sample")
        extra = {}
        if wanted is not None and service.products:
            sample_id, text = service.sample(wanted)
            extra = {"text": text, "chosen_format": "turtle", "sample_id": sample_id}
        return _page(request, "home.html", home_context(request, **extra))

    async def post_report(request):
        form_text, chosen = "", ""
        if _media_type(request) in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.form(max_part_size=service.max_bytes)
            form_text, chosen = str(form.get("text") or ""), str(form.get("format") or "")
        try:
            run = await checked(request)
        except ServiceError as error:
            if error.status not in (400, 415, 422):
                raise
            return _page(request, "home.html", home_context(request, text=form_text, chosen_format=chosen,
                                                            error=error), status=error.status)
        file = run.files[0]
        fragments = [report.product_html(p) for p in file.products]
        return _page(request, "report.html", {"file": file, "fragments": fragments, "summary": run.summary(),
                                              "others": [r for r in file.other_results]})

    # --- curated products and trials -------------------------------------------------------------------
    async def list_products(request):
        summaries = [service.product_summary(p) for p in service.products.values()]
        if _wants_html(request):
            return _page(request, "products.html", {"products": summaries})
        return json_response({"products": summaries})

    async def get_product(request):
        curated = service.product(request.path_params["product_id"])
        if _wants_html(request):
            return _page(request, "product.html", {"product": curated, "summary": service.product_summary(curated),
                                                   "fragment": report.product_html(curated.check)})
        return json_response(service.product_dict(curated))

    async def get_description(request):
        curated = service.product(request.path_params["product_id"])
        _, text = service.sample(curated.id)
        return Response(text, media_type="text/turtle")

    async def list_trials(request):
        trials = service.trials()
        if _wants_html(request):
            return _page(request, "trials.html", {"trials": trials})
        return json_response({"trials": trials})

    # --- named queries ----------------------------------------------------------------------------------
    async def list_queries(request):
        queries = [_query_dict(q) for q in service.catalogue().values()]
        if _wants_html(request):
            return _page(request, "queries.html", {"queries": queries})
        return json_response({"queries": queries})

    async def get_query(request):
        from evkg.store import query_kind

        name = request.path_params["name"]
        query = service.named_query(name)
        params = {k: v for k, v in request.query_params.items() if k != "format" and v.strip()}
        graph_result = query_kind(query.text) in ("construct", "describe")
        forced = {"csv": "text/csv", "json": "application/sparql-results+json", "tsv": "text/tab-separated-values",
                  "xml": "application/sparql-results+xml", "html": "text/html"}.get(request.query_params.get("format", ""))
        media = forced or _accept(request, ["application/sparql-results+json", "text/csv", "text/html",
                                            "application/json", "text/tab-separated-values",
                                            "application/sparql-results+xml"])
        if media == "text/html":
            context = {"query": _query_dict(query), "values": params, "table": None, "error": None}
            try:
                results = await service.run("query", service.run_named, name, params, None)
                context["table"] = _table(results)
            except ServiceError as error:
                if error.status != 400:
                    raise
                context["error"] = error
            return _page(request, "query.html", context, status=400 if context["error"] else 200)
        if graph_result:
            body = await service.run("query", service.run_named, name, params, "ntriples")
            return Response(body, media_type="application/n-triples")
        fmt = SPARQL_RESULT_MEDIA[media]
        body = await service.run("query", service.run_named, name, params, fmt)
        return Response(body, media_type="application/sparql-results+json" if media == "application/json" else media)

    # --- SPARQL protocol --------------------------------------------------------------------------------
    def refuse_update():
        return ServiceError(403, "update-refused", "this endpoint only answers queries: SPARQL updates (INSERT, "
                            "DELETE, LOAD, CLEAR, DROP …) are refused. Use SELECT, ASK, CONSTRUCT or DESCRIBE.")

    async def sparql(request):
        from evkg.store import mask, query_kind

        sparql_text = None
        if request.method == "GET":
            if "update" in request.query_params:
                raise refuse_update()
            sparql_text = request.query_params.get("query")
        else:
            media = _media_type(request)
            if media == "application/sparql-update":
                raise refuse_update()
            if media == "application/sparql-query":
                sparql_text = (await request.body()).decode("utf-8", "replace")
            elif media in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.form(max_part_size=service.max_bytes)
                if "update" in form:
                    raise refuse_update()
                sparql_text = form.get("query")
            else:
                raise ServiceError(415, "unsupported-media-type", f"send the query as application/sparql-query "
                                   f"or as a form field 'query', not as {media or 'no Content-Type'!r}.")
        html = _wants_html(request) and request.query_params.get("format") is None
        if not sparql_text or not str(sparql_text).strip():
            if html and request.method == "GET":
                return _page(request, "sparql.html", {"sparql": "", "table": None, "error": None})
            raise ServiceError(400, "missing-query", "no query given: pass it as the 'query' parameter, as a form "
                               "field 'query', or as an application/sparql-query body.")
        sparql_text = str(sparql_text)
        kind = query_kind(sparql_text)
        if kind == "update":
            raise refuse_update()
        import re

        if re.search(r"(?i)\bSERVICE\b", mask(sparql_text)):
            raise ServiceError(403, "remote-refused", "federated queries (SERVICE) are refused: this endpoint "
                               "never contacts other servers. Query the local graph only.")
        if html:
            context = {"sparql": sparql_text, "table": None, "error": None}
            try:
                context["table"] = _table(await service.run("query", service.run_sparql, sparql_text, None))
            except ServiceError as error:
                if error.status != 400:
                    raise
                context["error"] = error
            return _page(request, "sparql.html", context, status=400 if context["error"] else 200)
        if kind in ("construct", "describe"):
            media = _accept(request, list(SPARQL_GRAPH_MEDIA))
            body = await service.run("query", service.run_sparql, sparql_text, SPARQL_GRAPH_MEDIA[media])
        else:
            media = _accept(request, list(SPARQL_RESULT_MEDIA))
            body = await service.run("query", service.run_sparql, sparql_text, SPARQL_RESULT_MEDIA[media])
            if media == "application/json":
                media = "application/sparql-results+json"
        return Response(body, media_type=media)

    # --- terms, health, API description -----------------------------------------------------------------
    async def get_term(request):
        term = term_dict(request.path_params["curie"])
        if _wants_html(request):
            return _page(request, "term.html", {"term": term})
        return json_response(term)

    async def health(request):
        return json_response({"status": "ok" if service.ready else "starting", "version": __version__,
                              "products": len(service.products), "queries": len(service.catalogue()),
                              "max_bytes": service.max_bytes, "timeout_seconds": service.timeout})

    async def openapi(request):
        spec = json.loads((WEB_FOLDER / "openapi.json").read_text(encoding="utf-8"))
        spec["info"]["version"] = __version__
        spec["servers"] = [{"url": str(request.base_url).rstrip("/")}]
        spec["info"]["description"] += (f" Limits of this server: request bodies up to {service.max_bytes:,} bytes, "
                                        f"{service.timeout:g} s per check or query.")
        return json_response(spec)

    async def api_page(request):
        return _page(request, "api.html", {"max_bytes": service.max_bytes, "timeout": service.timeout})

    return [
        Route("/", home, methods=["GET"]),
        Route("/check", post_check, methods=["POST"]),
        Route("/report", post_report, methods=["POST"]),
        Route("/products", list_products, methods=["GET"]),
        Route("/products/{product_id}", get_product, methods=["GET"]),
        Route("/products/{product_id}/description", get_description, methods=["GET"]),
        Route("/trials", list_trials, methods=["GET"]),
        Route("/queries", list_queries, methods=["GET"]),
        Route("/queries/{name}", get_query, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/terms/{curie:path}", get_term, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/api", api_page, methods=["GET"]),
    ]


# ------------------------------------------------------------------------------------------- a child server

@contextlib.contextmanager
def running_server(*options: str, startup_timeout: float = 300.0):
    """Run `evkg serve` in a child process on 127.0.0.1 and a free port; yield its base URL once /health
    answers; stop the process afterwards. For tests, benchmarks and scripts."""
    import os
    import subprocess
    import tempfile
    import urllib.error
    import urllib.request

    from evkg.oxigraph_server import free_port, stop_process

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--host", "127.0.0.1",
                                "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"evkg serve exited with code {process.returncode}:\n{log.read()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if json.loads(answer.read()).get("status") == "ok":
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"evkg serve did not answer on {url} within {startup_timeout:g} s")
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process)
        log.close()
