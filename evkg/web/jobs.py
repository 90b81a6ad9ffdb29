"""What `evkg serve` runs inside its worker processes (evkg.core.workers): checks of submissions, their
reports, what-if comparisons and queries.

Each function is called in a child process that the server kills when it overruns, so nothing here needs to
watch the clock. Errors are ServiceError (pickled back to the server) or EvkgError.
"""
from __future__ import annotations

from evkg.core.errors import VALUE_OVER_PARSER_LIMIT, InputError, UsageError, value_over_parser_limit
from evkg.web.errors import UNFIT, ServiceError, input_error, remote_refused, unfit_format, update_refused

_STORE = None          # the query worker's own in-memory copy of the store
SAMPLE = """@prefix evkg: <https://w3id.org/evkg#> .
<urn:evkg:warm-up> a evkg:EVProduct .
"""


# --- checks --------------------------------------------------------------------------------------------------
def warm_checker() -> None:
    """Load the ontology, shapes and rules and run one small check, so the first real check is fast."""
    from evkg.core import resources

    resources.ontology_graph()
    resources.data_graph()
    try:
        check_description(SAMPLE.encode(), "turtle", "warm-up.ttl")
    except ServiceError:
        pass


def check_description(raw: bytes, fmt: str, source_name: str, profile: str = "submission"):
    """Read and check one submitted description: the same run `evkg check FILE` makes, with the same readers
    (Oxigraph first: rdflib took a quarter of a small check and far longer for a large one)."""
    from evkg.io.load import load_bytes_into_store
    from evkg.pipeline import CheckRun, FileCheck
    from evkg.pipeline.check import check_store, in_the_words_of_the_form
    from evkg.validation.store import DATA_GRAPH, working_store

    with working_store() as store:
        try:
            source_map = load_bytes_into_store(raw, fmt, store, DATA_GRAPH, source_name=source_name)
        except InputError as exc:
            raise input_error(exc, 400, "bad-rdf") from None
        except (RecursionError, MemoryError) as exc:
            raise _too_complex(exc, source_name, "deeply structured to read") from None
        try:
            products, others = check_store(store, profile=profile)
        except InputError as exc:
            named = InputError(exc.reason or "", path=exc.path or source_name, hint=exc.hint)
            code = "no-product" if (exc.reason or "").startswith("describes no product") else "cannot-classify"
            raise input_error(named, 422, code) from None
        except (RecursionError, MemoryError) as exc:
            raise _too_complex(exc, source_name, "complex to check") from None
    if source_map is not None and source_map.form:   # written in YAML or JSON: findings in the words of that form
        products, others = in_the_words_of_the_form(products, others)
    return CheckRun(files=[FileCheck(path=source_name, products=products, other_results=others,
                                     source_map=source_map)], profile=profile)


def _too_complex(exc: BaseException, source_name: str, doing: str) -> ServiceError:
    """400 for a value longer than the parser holds; 413 for a description too large or too deep or complex."""
    if value_over_parser_limit(exc):
        return ServiceError(400, "bad-rdf", f"{source_name}: {VALUE_OVER_PARSER_LIMIT}")
    return ServiceError(413, "too-complex", f"{source_name}: the description is too large or too {doing} "
                        f"({type(exc).__name__}). Split it into smaller ones.")


def rendered_check(raw: bytes, fmt: str, source_name: str, profile: str, report_format: str,
                   max_bytes: int | None = None) -> bytes:
    """A submission checked and its report rendered (UTF-8 bytes), both in the worker, so the time limit stops
    the rendering of a hostile description's report too; a report over ``max_bytes`` is refused."""
    from evkg.report import render

    run = check_description(raw, fmt, source_name, profile)
    if report_format == "json":
        return capped_json(render.to_dict(run), max_bytes)
    return capped(render.render(run, report_format).encode("utf-8"), max_bytes)


def capped_json(answer, max_bytes: int | None) -> bytes:
    """An answer as the JSON the server sends (Starlette's JSONResponse form), refused over ``max_bytes``."""
    import json

    return capped(json.dumps(answer, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8"),
                  max_bytes)


def capped(body: bytes, max_bytes: int | None) -> bytes:
    """The body, or a 413 when it is over ``max_bytes``: a few kilobytes of small products give a report a
    thousand times larger (48 kB, 87 MB), which the server held and sent whole."""
    refuse_over(len(body), max_bytes)
    return body


def refuse_over(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise ServiceError(413, "answer-too-large", f"the answer would be {size:,} bytes, over the "
                           f"{max_bytes:,} bytes this server sends at once. Check fewer products at a time (split "
                           "the description into several submissions), or ask the operator to raise the limit "
                           "(evkg serve --max-answer-bytes).", max_answer_bytes=max_bytes)


def checked_page(raw: bytes, fmt: str, source_name: str, profile: str, max_bytes: int | None = None):
    """A submission checked, with each product's report as an HTML fragment for the report page; refused when
    the fragments are over ``max_bytes`` (the page is put together in the server itself)."""
    from evkg.report import render

    run = check_description(raw, fmt, source_name, profile)
    fragments = [render.product_html(p, level=2) for p in run.files[0].products]
    refuse_over(sum(len(f.encode("utf-8")) for f in fragments), max_bytes)
    return run, fragments


def whatif_comparison(rule_set: str) -> dict:
    """The curated products and worked examples under a bundled rule set against the law in force."""
    import json

    from evkg.pipeline import whatif
    from evkg.report.whatif import render_json

    return json.loads(render_json(whatif(rule_set)))


# --- queries -------------------------------------------------------------------------------------------------
def open_query_store(nquads: bytes) -> None:
    """Load this worker's copy of the served store and run one query to warm it up."""
    import pyoxigraph as ox

    from evkg.core.store_loading import load_serialized
    from evkg.graph.store import EmbeddedStore

    global _STORE
    _STORE = EmbeddedStore(None)
    load_serialized(_STORE.store, nquads, ox.RdfFormat.N_QUADS)
    _STORE.query("ASK { ?s ?p ?o }")


def sparql_answer(sparql: str, fmt: str, max_bytes: int, dataset=None) -> bytes:
    """A read-only SPARQL query's answer in ``fmt`` (a results or graph format), at most ``max_bytes``."""
    from evkg.graph.store import StoreError

    try:
        return _STORE.query_serialized(sparql, fmt, max_bytes=max_bytes, dataset=dataset)
    except UsageError as exc:
        raise ServiceError(400, "bad-query", str(exc), line=getattr(exc, "line", None),
                           column=getattr(exc, "column", None)) from None
    except (StoreError, OSError, ValueError) as exc:
        raise ServiceError(400, "query-failed", f"the query could not be answered: {exc}") from None


def client_sparql_answer(sparql: str, graph_fmt: str, results_fmt: str, max_bytes: int,
                         dataset=None) -> tuple[str, bytes]:
    """(query form, answer) of a query a client sent: read here, in the worker, so that the time limit also
    covers reading a hostile text (masking a query of a million characters takes a second of CPU). Updates and
    SERVICE calls are refused; CONSTRUCT and DESCRIBE answer in ``graph_fmt``, the others in ``results_fmt`` (UNFIT:
    refused, the client asked for a format of the other forms)."""
    from evkg.classification.rule_checks import SERVICE_KEYWORD
    from evkg.graph.store import mask, query_kind

    kind = query_kind(sparql)
    if kind == "update":
        raise update_refused()
    if SERVICE_KEYWORD.search(mask(sparql)):      # a variable ?service or a name ex:service is no call
        raise remote_refused()
    fmt = graph_fmt if kind in ("construct", "describe") else results_fmt
    if fmt == UNFIT:                              # ?format= asked for a form of answer this query has not
        raise unfit_format(kind)
    return kind, sparql_answer(sparql, fmt, max_bytes, dataset)


def named_answer(name: str, params: dict, fmt: str, max_bytes: int, spreadsheet_safe: bool = False) -> bytes:
    """A catalogue query's answer with its parameters bound; `spreadsheet_safe`: CSV cells a spreadsheet would run
    as formulas begin with ' (evkg.core.spreadsheet)."""
    from evkg.graph.queries import PARAMETERS_LISTED, _retitle, check_named_things, get_query, prepared_text
    from evkg.graph.store import query_kind

    try:
        text = prepared_text(name, params)
        check_named_things(get_query(name), params, _STORE)
    except UsageError as exc:
        # a web client has no `evkg queries` to run: it is pointed to the catalogue of this service
        raise ServiceError(400, "bad-parameter", str(exc).replace(
            PARAMETERS_LISTED, " GET /queries lists each query's parameters.")) from None
    if query_kind(text) in ("construct", "describe"):
        fmt = "ntriples"
    answer = sparql_answer(text, fmt, max_bytes)
    if fmt == "csv":                  # column titles for people, as `evkg query --format csv` gives
        answer = _retitle(answer, fmt, get_query(name).column_title)
        if spreadsheet_safe:
            from evkg.core.spreadsheet import made_inert

            answer = made_inert(answer.decode("utf-8")).encode("utf-8")
    return answer


# --- query answers as the HTML table of a page ---------------------------------------------------------------
def sparql_table(sparql: str, max_bytes: int, dataset=None) -> str:
    """A client's query answered as the HTML table of the SPARQL page. The table is built and rendered here, in
    the worker: built in the server, 6,000 rows held every other client up for half a second."""
    kind, answer = client_sparql_answer(sparql, "ntriples", "json", max_bytes, dataset)
    return _table_html(answer, "ntriples" if kind in ("construct", "describe") else "json")


def named_table(name: str, params: dict, max_bytes: int) -> str:
    """A catalogue query answered as the HTML table of its page, with the query's column titles."""
    from evkg.graph.queries import get_query
    from evkg.graph.store import query_kind

    wire = "ntriples" if query_kind(get_query(name).text) in ("construct", "describe") else "json"
    return _table_html(named_answer(name, params, wire, max_bytes), wire, get_query(name).column_title)


def _table_html(answer: bytes, wire: str, title=None) -> str:
    import pyoxigraph as ox

    from evkg.graph.store import Results
    from evkg.web.templating import page_fragment, table

    if wire == "ntriples":
        results = Results(kind="graph", triples=list(ox.parse(answer, format=ox.RdfFormat.N_TRIPLES)))
    else:
        results = Results.from_pyoxigraph(ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON))
    return page_fragment("_table.html", {"table": table(results, title)})
