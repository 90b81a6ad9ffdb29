"""The service behind `evkg serve`: the in-memory store, curated products, checks and queries under limits.

Errors become ServiceError with an HTTP status and a code the routes turn into JSON or an HTML page.
"""
from __future__ import annotations

import asyncio
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import URIRef
from rdflib.namespace import RDF

from evkg.core.namespaces import EVKG
from evkg.core.safe_text import shortened
from evkg.report.views import description_turtle, evidence_of, product_id_of, trial_view, trials_of
from evkg.web.errors import ServiceError  # noqa: F401  (the routes import it from here)

DEFAULT_TIMEOUT = 30.0
DEFAULT_WORKERS = 2                  # check workers; as many again answer queries
DEFAULT_WORKER_MEMORY_MB = 3072      # address-space ceiling of each worker process
DEFAULT_MAX_ANSWER_BYTES = 50 * 1024 * 1024
MAX_PAGE_ANSWER_BYTES = 2 * 1024 * 1024   # an answer shown as an HTML table: built in a worker, sent as one page
RETRY_AFTER_SECONDS = 5
DISCONNECT_POLL_SECONDS = 0.25       # how often work for a request looks whether its client is still there
# For the request being served: an async function answering whether its client has closed the connection
# (set by the ClientWatch middleware), so that work done for nobody is stopped.
CLIENT_GONE: ContextVar[Callable | None] = ContextVar("evkg_client_gone", default=None)
WEB_FOLDER = Path(__file__).parent

# request Content-Type -> rdflib format name understood by evkg.io.load.parse_rdf_bytes
CONTENT_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",       # plain JSON, read through the evkg context as a .json file is
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/yaml": "yaml",
    "text/yaml": "yaml",
    "application/x-yaml": "yaml",        # the older names, still sent by many clients
    "text/x-yaml": "yaml",
}
# the format choices of the web form: (value, label, rdflib format, file suffix)
FORM_FORMATS = [("turtle", "Turtle", "turtle", ".ttl"), ("yaml", "YAML", "yaml", ".yaml"),
                ("json-ld", "JSON-LD", "json-ld", ".jsonld"), ("rdfxml", "RDF/XML", "xml", ".rdf"),
                ("ntriples", "N-Triples", "nt", ".nt")]
# report media type -> evkg.report.render format
REPORT_MEDIA = {"application/json": "json", "text/html": "html", "text/markdown": "markdown",
                "text/turtle": "ttl", "text/plain": "text"}
SPARQL_RESULT_MEDIA = {"application/sparql-results+json": "json", "application/json": "json",
                       "text/csv": "csv", "text/tab-separated-values": "tsv",
                       "application/sparql-results+xml": "xml"}
SPARQL_GRAPH_MEDIA = {"text/turtle": "turtle", "application/n-triples": "ntriples"}
JURISDICTIONS = ("EU", "US", "KR")


# ------------------------------------------------------------------------------------------- errors

# ------------------------------------------------------------------------------------------- state

@dataclass
class CuratedProduct:
    id: str
    check: object                      # evkg.pipeline.ProductCheck
    evidence: list[dict] = field(default_factory=list)
    trials: list[dict] = field(default_factory=list)


class Service:
    """What the app serves: the store copy, the checked curated products, limits and the check lock."""

    def __init__(self, store_path: str | Path | None, max_bytes: int, timeout: float,
                 progress: Callable[[str], None], url: str | None = None, *, workers: int = DEFAULT_WORKERS,
                 query_workers: int | None = None, worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB,
                 max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES):
        self.store_path = store_path
        self.url = url
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.progress = progress
        self.store = None
        self.products: dict[str, CuratedProduct] = {}
        self.ready = False
        self.workers = workers
        self.query_workers = query_workers or workers
        self.worker_memory = worker_memory_mb * 1024 * 1024 if worker_memory_mb else None
        self.max_answer_bytes = max_answer_bytes
        # checks and queries run in worker processes that are killed when they overrun (evkg.core.workers)
        self.check_pool = None
        self.query_pool = None
        # threads that wait on the worker processes (the default executor is too small to queue checks in)
        from concurrent.futures import ThreadPoolExecutor

        self._waiters = ThreadPoolExecutor(max_workers=64, thread_name_prefix="evkg-wait")
        # what-if comparisons of the bundled rule sets, computed in a check worker once per name
        self.whatif_cache: dict[str, dict] = {}
        # light steps run in threads of this process (Service.run): how many now, and how many were stopped
        self.light_work = {"running": 0, "stopped_for_overrunning": 0}

    # --- start-up --------------------------------------------------------------------------------------
    def prepare(self) -> None:
        from evkg.core import resources

        started = time.perf_counter()
        resources.ontology_graph()
        resources.data_graph()
        from evkg.authoring.terms import search_terms
        from evkg.terms.index import default_index

        # the term index, the description model and the shapes are read now: a term search's time limit is
        # for the search alone
        default_index()
        search_terms("ev", for_property="particleKind")
        self.store = self._open_store()
        self._start_workers()
        self.products = self._check_curated()
        self.check_pool.wait_ready()
        self.query_pool.wait_ready()
        self.ready = True
        where = f" at {self.url}" if self.url else ""
        self.progress(f"evkg serve: ready{where} ({len(self.products)} curated products, "
                      f"{time.perf_counter() - started:.1f} s)")

    def _open_store(self):
        """An in-memory copy of the built graph: queries never hold the on-disk store's lock."""
        import pyoxigraph as ox

        from evkg.core.store_loading import load_serialized
        from evkg.graph.build import open_store
        from evkg.graph.store import EmbeddedStore

        memory = EmbeddedStore(None)
        if self.store_path is None:
            from evkg.graph.build import build_into

            build_into(memory, progress=self.progress)
        else:
            disk = open_store(self.store_path, progress=self.progress)
            quads = disk.store.dump(format=ox.RdfFormat.N_QUADS)
            disk.store = None  # release the directory lock now
            del disk
            load_serialized(memory.store, quads, ox.RdfFormat.N_QUADS)
            self.progress(f"evkg serve: serving a copy of the store at {self.store_path}")
        return memory

    def _start_workers(self) -> None:
        import pyoxigraph as ox

        from evkg.core.workers import WorkerPool
        from evkg.web import jobs

        nquads = self.store.store.dump(format=ox.RdfFormat.N_QUADS)
        self.check_pool = WorkerPool(self.workers, initializer=jobs.warm_checker, memory_limit=self.worker_memory,
                                     name="evkg-check")
        # queries yield to checks for the CPU: an analyst's heavy query must not slow a reviewer's check
        self.query_pool = WorkerPool(self.query_workers, initializer=jobs.open_query_store, initargs=(nquads,),
                                     memory_limit=self.worker_memory, nice=5, name="evkg-query")
        self.check_pool.start()
        self.query_pool.start()

    def close(self) -> None:
        for pool in (self.check_pool, self.query_pool):
            if pool is not None:
                pool.close()
        self._waiters.shutdown(wait=False, cancel_futures=True)

    def _check_curated(self) -> dict[str, CuratedProduct]:
        from evkg.core import resources
        from evkg.pipeline import check
        from evkg.validation.engine import product_iris

        data = resources.data_graph()
        if not product_iris(data):
            return {}
        checked, _ = check(data, profile="published")          # curated products are described from the literature
        products = {}
        for product in checked:
            product_id = product_id_of(product.iri)
            products[product_id] = CuratedProduct(product_id, product, evidence_of(data, URIRef(product.iri)),
                                                  trials_of(data, URIRef(product.iri)))
        return dict(sorted(products.items(), key=lambda kv: kv[1].check.label.lower()))

    # --- work under the time limit ------------------------------------------------------------------------
    def _timeout_error(self, what: str) -> ServiceError:
        narrower = {"term search": "Search with more precise words or for one kind of term (for=…)",
                    "query": "Narrow the query (fewer patterns matched at once, a LIMIT)",
                    "check": "Check fewer products at a time (split the description)",
                    "conversion": "Convert fewer products at a time (split the description)"}.get(
            what, "Try a smaller description or a narrower query")
        return ServiceError(504, "timeout", f"the {what} did not finish within {self.timeout:g} s and was stopped. "
                            f"{narrower}, or ask the operator to raise the limit (evkg serve --timeout).",
                            timeout_seconds=self.timeout)

    async def run(self, what: str, function, *args, deadline: float | None = None):
        """A light step (a term search) in a thread of this process under the time limit. A thread cannot be
        killed: at the limit, or when the client leaves, the step is stopped at its next stop point
        (evkg.core.stop_points) and the 504 is sent once it has ended, so no work goes on after it.
        ``deadline`` (time.monotonic()): the end of the request's time, shared by its steps."""
        from evkg.core.stop_points import WorkStopped, stoppable

        left = self.timeout if deadline is None else deadline - time.monotonic()
        if left <= 0:
            raise self._timeout_error(what)

        stop, lock, started = threading.Event(), threading.Lock(), []

        def step():
            with lock:
                if stop.is_set():
                    raise WorkStopped             # given up while it waited for a thread
                started.append(True)
                self.light_work["running"] += 1
            try:
                with stoppable(stop):
                    return function(*args)
            finally:
                with lock:
                    self.light_work["running"] -= 1

        client_gone = CLIENT_GONE.get()
        watcher = asyncio.ensure_future(_watch_client(client_gone, stop)) if client_gone else None
        job = asyncio.ensure_future(asyncio.to_thread(step))
        job.add_done_callback(lambda done: done.cancelled() or done.exception())   # read, so none is logged
        try:
            return await asyncio.wait_for(asyncio.shield(job), timeout=left)
        except (TimeoutError, asyncio.TimeoutError):
            with lock:
                stop.set()
                running = bool(started)
            if running:
                await asyncio.wait([job])         # ends at its next stop point
            self.light_work["stopped_for_overrunning"] += 1
            raise self._timeout_error(what) from None
        except WorkStopped:
            raise ServiceError(499, "client-gone", f"the client closed the connection; the {what} was "
                               "stopped.") from None
        finally:
            stop.set()                            # a request cancelled (Ctrl+C) must not leave its step running
            if watcher is not None:
                watcher.cancel()

    async def _in_worker(self, pool, what: str, function, *args, wait: float):
        """Run the job in a worker of ``pool`` under the time limit. A client that closes its connection
        meanwhile stops the job (its worker is killed), as does the request's own end for any other reason."""
        from evkg.core.workers import WorkerBusy, WorkerCancelled, WorkerCrashed, WorkerTimeout

        import functools

        cancelled = threading.Event()
        call = functools.partial(pool.call, function, *args, timeout=self.timeout, wait=wait, cancelled=cancelled)
        client_gone = CLIENT_GONE.get()
        watcher = asyncio.ensure_future(_watch_client(client_gone, cancelled)) if client_gone else None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._waiters, call)
        except WorkerCancelled:
            raise ServiceError(499, "client-gone", f"the client closed the connection; the {what} was "
                               "stopped.") from None
        except WorkerTimeout:
            raise self._timeout_error(what) from None
        except WorkerBusy:
            raise ServiceError(503, "busy", f"the server is busy with other {what}s; try again in a few seconds.",
                               headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                               retry_after_seconds=RETRY_AFTER_SECONDS) from None
        except WorkerCrashed as crash:
            if not crash.out_of_memory:
                raise ServiceError(500, "worker-crashed", f"the {what} stopped unexpectedly: the process running "
                                   f"it failed ({crash.signal_name}). Other requests are not affected; please "
                                   "report it to the operator with the description or query that caused it.") from None
            raise ServiceError(413, "too-complex", f"the {what} needed more memory than one request may use and "
                               "was stopped. Split the description or narrow the query.") from None
        finally:
            cancelled.set()               # a request ended early (cancelled) must not leave its job running
            if watcher is not None:
                watcher.cancel()

    def _answer_limit(self, fmt: str | None) -> int:
        return self.max_answer_bytes if fmt else min(self.max_answer_bytes, MAX_PAGE_ANSWER_BYTES)

    async def in_check_worker(self, what: str, function, *args):
        """Run a check-like job (a module-level function of evkg.web) in a check worker, under the limits."""
        return await self._in_worker(self.check_pool, what, function, *args, wait=self.timeout)

    async def check_report(self, raw: bytes, fmt: str, source_name: str, profile: str, report_format: str):
        """Check one submission and render its report (dict for JSON, text otherwise), all in a worker."""
        from evkg.web.jobs import rendered_check

        return await self._in_worker(self.check_pool, "check", rendered_check, raw, fmt, source_name, profile,
                                     report_format, self.max_answer_bytes, wait=self.timeout)

    async def check_page(self, raw: bytes, fmt: str, source_name: str, profile: str):
        """(run, HTML fragment of each product) for the report page, made in a worker."""
        from evkg.web.jobs import checked_page

        return await self._in_worker(self.check_pool, "check", checked_page, raw, fmt, source_name, profile,
                                     self.max_answer_bytes, wait=self.timeout)

    async def sparql(self, sparql: str, graph_fmt: str, results_fmt: str, dataset=None):
        """(query form, answer) of a client's query: bytes in ``graph_fmt`` (CONSTRUCT, DESCRIBE) or
        ``results_fmt`` (SELECT, ASK). Reading the text happens in the worker too. Past the number of query
        workers, a query is refused at once (503 with Retry-After). ``dataset``: the graphs named by the
        protocol's default-graph-uri and named-graph-uri."""
        from evkg.web.jobs import client_sparql_answer

        return await self._in_worker(self.query_pool, "query", client_sparql_answer, sparql, graph_fmt,
                                     results_fmt, self._answer_limit(results_fmt), dataset, wait=0)

    async def sparql_table(self, sparql: str, dataset=None):
        """A client's query answered as the HTML table of the SPARQL page, built in the worker."""
        from evkg.web.jobs import sparql_table

        return await self._in_worker(self.query_pool, "query", sparql_table, sparql, self._answer_limit(None),
                                     dataset, wait=0)

    async def named(self, name: str, params: dict, fmt: str, spreadsheet_safe: bool = False) -> bytes:
        """A catalogue query's answer, made in a worker (with `spreadsheet_safe`, CSV cells a spreadsheet would run
        as formulas written as text: rewriting a large answer here would hold up every other client)."""
        from evkg.web.jobs import named_answer

        self.named_query(name)
        return await self._in_worker(self.query_pool, "query", named_answer, name, params, fmt,
                                     self._answer_limit(fmt), spreadsheet_safe, wait=0)

    async def named_table(self, name: str, params: dict):
        """A catalogue query answered as the HTML table of its page, built in the worker."""
        from evkg.web.jobs import named_table

        self.named_query(name)
        return await self._in_worker(self.query_pool, "query", named_table, name, params, self._answer_limit(None),
                                     wait=0)

    # --- the curated graph -----------------------------------------------------------------------------
    def product(self, product_id: str) -> CuratedProduct:
        if product_id not in self.products:
            raise ServiceError(404, "unknown-product", f"there is no curated product {shortened(product_id, 80)!r}. "
                               "GET /products lists them.", known=sorted(self.products))
        return self.products[product_id]

    def product_dict(self, curated: CuratedProduct) -> dict:
        from evkg.pipeline import CheckRun, FileCheck
        from evkg.report.render import to_dict

        run = CheckRun(files=[FileCheck(path="data/products", products=[curated.check])])
        entry = to_dict(run)["files"][0]["products"][0]
        return {"id": curated.id, **entry, "evidence": curated.evidence, "trials": curated.trials}

    def product_summary(self, curated: CuratedProduct) -> dict:
        from evkg.core import resources
        from evkg.classification.outcomes import outcome_dict

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
        from evkg.core import resources

        if not self.products:
            raise ServiceError(404, "no-sample", "no curated product is available as a sample.")
        product_id = product_id if product_id in self.products else next(iter(self.products))
        return product_id, description_turtle(resources.data_graph(), URIRef(self.products[product_id].check.iri))

    def trials(self) -> list[dict]:
        from evkg.core import resources

        data = resources.data_graph()
        trials = [trial_view(data, t) for t in set(data.subjects(RDF.type, EVKG.ClinicalTrial))]
        return sorted(trials, key=lambda t: (t["registry_id"] or t["iri"]))

    # --- what if the law changes -------------------------------------------------------------------------
    async def whatif(self, rule_set: str) -> dict:
        """The curated products under a bundled rule set against the law in force, computed once per name in
        a check worker (so the time limit stops the work, not only the answer)."""
        from evkg.classification.rule_sets import bundled_rule_sets
        from evkg.web.jobs import whatif_comparison

        known = bundled_rule_sets()
        if rule_set not in known:
            raise ServiceError(404, "unknown-rule-set", f"there is no rule set {shortened(rule_set, 80)!r}. Known rule sets: "
                               f"{', '.join(known)}.", known=sorted(known))
        if rule_set not in self.whatif_cache:
            self.whatif_cache[rule_set] = await self.in_check_worker("what-if comparison", whatif_comparison,
                                                                     rule_set)
        return self.whatif_cache[rule_set]

    @staticmethod
    def rule_sets() -> list[dict]:
        from evkg.classification.knowledge import source_info
        from evkg.classification.rule_sets import bundled_rule_sets

        return [{"name": r.name, "label": r.label, "default": r.default, "law_status": r.law_status,
                 "text_version": r.text_version, "overlay": r.overlay,
                 "legal_basis": [source_info(a) for a in r.legal_basis]} for r in bundled_rule_sets().values()]

    # --- the named queries and SPARQL ------------------------------------------------------------------
    @staticmethod
    def catalogue() -> dict:
        from evkg.graph.queries import catalogue

        return catalogue()

    def named_query(self, name: str):
        queries = self.catalogue()
        if name not in queries:
            import difflib

            close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
            raise ServiceError(404, "unknown-query", f"there is no named query {shortened(name, 80)!r}."
                               + (f" Did you mean: {', '.join(close)}?" if close else "")
                               + " GET /queries lists them.")
        return queries[name]


async def _watch_client(client_gone, cancelled: threading.Event) -> None:
    """Set ``cancelled`` once the client has closed its connection."""
    while not cancelled.is_set():
        if await client_gone():
            cancelled.set()
            return
        await asyncio.sleep(DISCONNECT_POLL_SECONDS)
