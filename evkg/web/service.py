"""The service behind `evkg serve`: the in-memory store, curated products, checks and queries under limits.

Errors become ServiceError with an HTTP status and a code the routes turn into JSON or an HTML page.
"""
from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import URIRef
from rdflib.namespace import RDF

from evkg.core.errors import InputError, UsageError
from evkg.core.namespaces import EVKG
from evkg.report.views import description_turtle, evidence_of, product_id_of, trial_view, trials_of

DEFAULT_TIMEOUT = 30.0
WEB_FOLDER = Path(__file__).parent

# request Content-Type -> rdflib format name understood by evkg.io.load.parse_rdf_bytes
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
# report media type -> evkg.report.render format
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
    check: object                      # evkg.pipeline.ProductCheck
    evidence: list[dict] = field(default_factory=list)
    trials: list[dict] = field(default_factory=list)


class Service:
    """What the app serves: the store copy, the checked curated products, limits and the check lock."""

    def __init__(self, store_path: str | Path | None, max_bytes: int, timeout: float,
                 progress: Callable[[str], None], url: str | None = None, jobs: int = 1):
        self.store_path = store_path
        self.url = url
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.progress = progress
        self.store = None
        self.products: dict[str, CuratedProduct] = {}
        self.ready = False
        # pySHACL and rdflib graphs are not made for concurrent use: without worker processes, one check at
        # a time, in a worker thread; with them (jobs > 1), checks run side by side, one per process
        self.check_lock = threading.Lock()
        self.jobs = jobs
        self.pool = None
        self.whatif_lock = threading.Lock()
        self.whatif_cache: dict[str, dict] = {}

    # --- start-up --------------------------------------------------------------------------------------
    def prepare(self) -> None:
        from evkg.core import resources

        started = time.perf_counter()
        if self.jobs > 1:
            from evkg.pipeline.batch import CheckPool

            # forkserver: this process already runs threads, which must not be forked
            self.pool = CheckPool(self.jobs, start_method="forkserver")
            self.pool.start()
        resources.ontology_graph()
        resources.data_graph()
        self.store = self._open_store()
        self.products = self._check_curated()
        self.ready = True
        where = f" at {self.url}" if self.url else ""
        self.progress(f"evkg serve: ready{where} ({len(self.products)} curated products, "
                      f"{time.perf_counter() - started:.1f} s)")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _open_store(self):
        """An in-memory copy of the built graph: queries never hold the on-disk store's lock."""
        import pyoxigraph as ox

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
            memory.store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
            self.progress(f"evkg serve: serving a copy of the store at {self.store_path}")
        return memory

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
    def check_bytes(self, raw: bytes, fmt: str, source_name: str, profile: str = "submission"):
        """Parse and check one submitted description; the same run `evkg check FILE` makes."""
        from evkg.pipeline import CheckRun, FileCheck
        from evkg.pipeline.batch import check_bytes

        if self.pool is not None:
            outcome, found = self.pool.submit(check_bytes, raw, fmt, source_name, profile).result()
        else:
            outcome, found = check_bytes(raw, fmt, source_name, profile)
        if outcome != "ok":
            raise _input_error(found, 400 if outcome == "bad-rdf" else 422, outcome) from None
        products, others = found
        return CheckRun(files=[FileCheck(path=source_name, products=products, other_results=others)], profile=profile)

    # --- the curated graph -----------------------------------------------------------------------------
    def product(self, product_id: str) -> CuratedProduct:
        if product_id not in self.products:
            raise ServiceError(404, "unknown-product", f"there is no curated product {product_id!r}. "
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
    def whatif(self, rule_set: str) -> dict:
        """The curated products under a bundled rule set against the law in force (computed once per name)."""
        from evkg.classification.rule_sets import bundled_rule_sets

        known = bundled_rule_sets()
        if rule_set not in known:
            raise ServiceError(404, "unknown-rule-set", f"there is no rule set {rule_set!r}. Known rule sets: "
                               f"{', '.join(known)}.", known=sorted(known))
        with self.whatif_lock:
            if rule_set not in self.whatif_cache:
                import json

                from evkg.pipeline import whatif
                from evkg.report.whatif import render_json

                self.whatif_cache[rule_set] = json.loads(render_json(whatif(rule_set)))
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
            raise ServiceError(404, "unknown-query", f"there is no named query {name!r}."
                               + (f" Did you mean: {', '.join(close)}?" if close else "")
                               + " GET /queries lists them.")
        return queries[name]

    def run_named(self, name: str, params: dict, fmt: str):
        """SPARQL results (bytes) of a catalogue query in fmt, or a Results object when fmt is None."""
        from evkg.graph.queries import run_named_query, run_serialized

        self.named_query(name)
        try:
            if fmt is None:
                return run_named_query(name, store=self.store, **params)
            return run_serialized(name, fmt, store=self.store, params=params)
        except UsageError as exc:
            raise ServiceError(400, "bad-parameter", str(exc)) from None

    def run_sparql(self, sparql: str, fmt: str | None):
        from evkg.graph.store import StoreError

        try:
            if fmt is None:
                return self.store.query(sparql)
            return self.store.query_serialized(sparql, fmt)
        except UsageError as exc:
            raise ServiceError(400, "bad-query", str(exc), line=getattr(exc, "line", None),
                               column=getattr(exc, "column", None)) from None
        except (StoreError, OSError, ValueError) as exc:
            raise ServiceError(400, "query-failed", f"the query could not be answered: {exc}") from None


