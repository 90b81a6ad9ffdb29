"""`evkg serve`: the submission service and web page, a thin HTTP layer over the library.

Every answer comes from a library call: `check` for submissions, `report` for rendering, `queries` for the
named catalogue, the store for SPARQL, `resources` for the curated graph and the ontology. This module only
reads requests, enforces limits, negotiates formats and turns errors into clear JSON (or HTML pages).

Safety: the store is an in-memory copy made at start-up (no file lock held, nothing to corrupt), only ever
queried (updates and SERVICE calls refused); submissions never touch it; RDF is parsed with remote fetching
off; every request body is capped; every check and query runs in a worker process that is killed when it
overruns its time limit (evkg.core.workers).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Callable

from evkg import __version__
from evkg.core.errors import EvkgError, UsageError
from evkg.core.files import default_limit
from evkg.core.safe_text import shortened
from evkg.report.views import term_dict, term_index
from evkg.web.answers import AnswerBudget, AnswerLimit
from evkg.web.errors import UNFIT, update_refused
from evkg.web.results import sparql_media
from evkg.web.http import (
    SPREADSHEET_SAFE,
    BodyLimit,
    ClientWatch,
    TrailingSlashRedirect,
    UploadBudget,
    _accept,
    _error_response,
    _format_for_upload,
    _media_type,
    _page,
    pasted_format,
    _wants_html,
    protocol_dataset,
    read_form,
    single_values,
    yes_or_no,
)
from evkg.web.service import (
    CONTENT_TYPES,
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKER_MEMORY_MB,
    DEFAULT_WORKERS,
    FORM_FORMATS,
    REPORT_MEDIA,
    SPARQL_GRAPH_MEDIA,
    SPARQL_RESULT_MEDIA,
    WEB_FOLDER,
    Service,
    ServiceError,
)


MAX_QUERY_CHARACTERS = 1_000_000
# what to do with a body that is not what its Content-Type says
RESEND = ("Send the form again as a browser makes it (the file in the field 'file', under a short name), or send "
          "the description itself as the body with its Content-Type (text/turtle, application/yaml, "
          "application/ld+json).")


def create_app(store_path: str | Path | None = None, *, max_bytes: int | None = None,
               timeout: float = DEFAULT_TIMEOUT, progress: Callable[[str], None] | None = None,
               url: str | None = None, workers: int = DEFAULT_WORKERS,
               worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB, read_timeout: float = 10.0,
               max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES, max_held_answer_bytes: int | None = None):
    """The ASGI application. ``store_path``: a built store to serve a copy of (None: build the graph in
    memory from the bundled data). Start-up (store, checking the curated products) completes before the
    server accepts requests.
    ``workers``: the worker processes that check submissions side by side (as many again answer queries).
    ``max_held_answer_bytes``: the bytes of answers their clients have not read yet that the server holds at
    once, over all connections (default: four answers of ``max_answer_bytes``); past it, 503."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    if max_bytes is None:
        max_bytes = default_limit()
    if max_bytes < 1:
        raise UsageError("--max-bytes must be at least 1")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if max_held_answer_bytes is None:
        max_held_answer_bytes = 4 * max_answer_bytes
    if max_held_answer_bytes < max_answer_bytes:
        raise UsageError(f"--max-held-answer-bytes ({max_held_answer_bytes:,}) is smaller than --max-answer-bytes "
                         f"({max_answer_bytes:,}), so the largest answer allowed could never be sent. Give it at "
                         f"least {max_answer_bytes}, or lower --max-answer-bytes.")
    service = Service(store_path, max_bytes, timeout,
                      progress or (lambda message: print(message, file=sys.stderr, flush=True)), url,
                      workers=workers, worker_memory_mb=worker_memory_mb, max_answer_bytes=max_answer_bytes)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(service.prepare)
        try:
            yield
        finally:
            service.close()

    routes = _routes(service)
    from evkg.web.authoring import authoring_routes

    routes.extend(authoring_routes(service))
    routes.append(Mount("/static", app=StaticFiles(directory=str(WEB_FOLDER / "static")), name="static"))

    async def service_error(request, exc: ServiceError):
        return _error_response(request, exc)

    async def http_error(request, exc: HTTPException):
        # 400: Starlette's own refusal of a form it cannot read (a part header longer than it takes)
        codes = {400: "bad-request", 404: "not-found", 405: "method-not-allowed"}
        message = {400: f"the request could not be read as the {_media_type(request) or 'form'} it says it is: "
                        f"{exc.detail}. {RESEND}",
                   404: f"there is nothing at {shortened(request.url.path, 120)}. GET /openapi.json lists the endpoints.",
                   405: f"{request.method} is not accepted at {shortened(request.url.path, 120)}; it takes "
                        f"{', '.join(sorted((exc.headers or {}).get('Allow', 'other methods').split(', ')))}."}.get(exc.status_code,
                                                                                       str(exc.detail))
        return _error_response(request, ServiceError(exc.status_code, codes.get(exc.status_code, "error"),
                                                     message))

    async def evkg_error(request, exc: EvkgError):
        return _error_response(request, ServiceError(400, "bad-request", str(exc)))

    async def malformed(request, exc: Exception):
        # a body that is not what its Content-Type says (broken multipart, bad form encoding, bad UTF-8)
        sent = _media_type(request) or "no Content-Type"
        return _error_response(request, ServiceError(400, "bad-request", f"the request could not be read as the "
                                                     f"{sent} it says it is: {exc}. {RESEND}"))

    from starlette.formparsers import MultiPartException

    uploads = UploadBudget(max_bytes * (workers + 2))     # a body for each check worker and two waiting
    answers = AnswerBudget(max_held_answer_bytes)          # the server's protocol registers its connections
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(BodyLimit, max_bytes=max_bytes, read_timeout=read_timeout,
                                       budget=uploads),
                                Middleware(AnswerLimit, budget=answers)],
                    exception_handlers={ServiceError: service_error, HTTPException: http_error,
                                        EvkgError: evkg_error, MultiPartException: malformed,
                                        UnicodeDecodeError: malformed})
    # Redirects name the configured address (or stay relative), never the Host header a client sent.
    app.router.redirect_slashes = False
    app.add_middleware(TrailingSlashRedirect, base=(url or "").rstrip("/"))
    app.add_middleware(ClientWatch)                    # outermost: sees the connection's own messages
    app.state.service = service
    app.state.uploads = uploads
    app.state.answers = answers
    return app


# ------------------------------------------------------------------------------------------- routes

def _query_dict(query) -> dict:
    return {"name": query.name, "title": query.title, "description": query.description,
            "params": [{"name": p.name, "description": p.description, "default": p.default, "kind": p.kind,
                        "accepted": p.accepted, "required": p.default is None} for p in query.params],
            "sources": list(query.sources), "url": f"/queries/{query.name}"}


def _routes(service: Service) -> list:
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from evkg.report import render as report

    def json_response(data, status: int = 200):
        return JSONResponse(data, status_code=status)

    # --- submissions ------------------------------------------------------------------------------------
    async def submission(request) -> tuple[bytes, str, str]:
        """(raw bytes, rdflib format, name) of a description sent as a body, an upload or a form field."""
        media = _media_type(request)
        if media in CONTENT_TYPES:
            fmt = CONTENT_TYPES[media]
            suffix = {"turtle": ".ttl", "json-ld": ".jsonld", "xml": ".rdf", "nt": ".nt", "nquads": ".nq",
                      "trig": ".trig", "yaml": ".yaml"}[fmt]
            return await request.body(), fmt, "submission" + suffix
        if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await read_form(request, service.max_bytes)
            chosen = str(form.get("format") or "").strip() or None
            upload = form.get("file")
            if upload is not None and not isinstance(upload, str) and upload.filename:
                raw = await upload.read()
                if raw:
                    return raw, _format_for_upload(upload.filename, chosen), Path(upload.filename).name
            text = str(form.get("text") or "")
            if text.strip():
                fmt = _format_for_upload("", chosen or pasted_format(text))
                shown = next(name for _, name, f, _ in FORM_FORMATS if f == fmt)
                return text.encode("utf-8"), fmt, f"the pasted description ({shown})"
            raise ServiceError(400, "no-description", "the form holds no description: paste it into the text "
                               "box (field 'text') or choose a file (field 'file').")
        accepted = ", ".join(list(CONTENT_TYPES) + ["multipart/form-data"])
        raise ServiceError(415, "unsupported-media-type",
                           f"cannot read a description sent as {media or 'no Content-Type'!r}. Send it as one of: "
                           f"{accepted}.", accepted=list(CONTENT_TYPES) + ["multipart/form-data"])

    async def submission_and_profile(request) -> tuple[bytes, str, str, str]:
        raw, fmt, name = await submission(request)
        if len(request.query_params.getlist("profile")) > 1:      # the last one would silently win
            raise ServiceError(400, "bad-parameter", "the parameter profile is given more than once; give it once.")
        profile = request.query_params.get("profile", "submission")
        if profile not in ("submission", "published"):
            raise ServiceError(400, "bad-profile", f"unknown profile {shortened(profile, 60)!r}: use submission (the default) "
                               "or published.")
        return raw, fmt, name, profile

    async def post_check(request):
        media = _accept(request, list(REPORT_MEDIA))
        answer = await service.check_report(*await submission_and_profile(request), REPORT_MEDIA[media])
        return Response(answer, media_type=media)

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
            form = await read_form(request, service.max_bytes)
            form_text, chosen = str(form.get("text") or ""), str(form.get("format") or "")
        try:
            run, fragments = await service.check_page(*await submission_and_profile(request))
        except ServiceError as error:
            if error.status not in (400, 415, 422):
                raise
            return _page(request, "home.html", home_context(request, text=form_text, chosen_format=chosen,
                                                            error=error), status=error.status)
        file = run.files[0]
        return _page(request, "report.html", {"file": file, "fragments": fragments, "summary": run.summary(),
                                              "others": [r for r in file.other_results]})

    # --- curated products and trials -------------------------------------------------------------------
    def _page_wanted(request) -> bool:
        """?format=json or html (anything else is refused: format=csv answered with JSON), else Accept."""
        single_values(request, formats=("json", "html"))
        return _wants_html(request)

    async def list_products(request):
        summaries = [service.product_summary(p) for p in service.products.values()]
        if _page_wanted(request):
            return _page(request, "products.html", {"products": summaries})
        return json_response({"products": summaries})

    async def get_product(request):
        curated = service.product(request.path_params["product_id"])
        if _page_wanted(request):
            return _page(request, "product.html", {"product": curated, "summary": service.product_summary(curated),
                                                   "fragment": report.product_html(curated.check, level=2,
                                                                                   show_title=False)})
        return json_response(service.product_dict(curated))

    async def get_description(request):
        curated = service.product(request.path_params["product_id"])
        _, text = service.sample(curated.id)
        return Response(text, media_type="text/turtle")

    async def list_trials(request):
        trials = service.trials()
        if _page_wanted(request):
            return _page(request, "trials.html", {"trials": trials})
        return json_response({"trials": trials})

    # --- what if the law changes -------------------------------------------------------------------------
    async def get_whatif(request):
        name = single_values(request, formats=("json", "html")).get("rules", "eu-reform-proposal-2023")
        diff = await service.whatif(name)
        if _wants_html(request):
            return _page(request, "whatif.html", {"diff": diff, "chosen": name,
                                                  "rule_sets": [r for r in service.rule_sets() if r["overlay"]]})
        return json_response(diff)

    # --- named queries ----------------------------------------------------------------------------------
    async def list_queries(request):
        queries = [_query_dict(q) for q in service.catalogue().values()]
        if _page_wanted(request):
            return _page(request, "queries.html", {"queries": queries})
        return json_response({"queries": queries})

    async def get_query(request):
        from evkg.graph.store import query_kind

        name = request.path_params["name"]
        query = service.named_query(name)
        offered = {"csv": "text/csv", "json": "application/sparql-results+json", "tsv": "text/tab-separated-values",
                   "xml": "application/sparql-results+xml", "html": "text/html"}
        params = single_values(request, formats=offered)
        forced = offered.get(params.pop("format", ""))
        spreadsheet_safe = yes_or_no(params.pop(SPREADSHEET_SAFE, None), SPREADSHEET_SAFE)
        graph_result = query_kind(query.text) in ("construct", "describe")
        media = forced or _accept(request, ["application/sparql-results+json", "text/csv", "text/html",
                                            "application/json", "text/tab-separated-values",
                                            "application/sparql-results+xml"])
        if spreadsheet_safe and (media != "text/csv" or graph_result):
            raise ServiceError(400, "bad-parameter", f"{SPREADSHEET_SAFE} changes the cells of a CSV answer, and this "
                               "answer is not CSV; add format=csv, or leave spreadsheet-safe out.")
        if media == "text/html":
            context = {"query": _query_dict(query), "values": params, "table": None, "error": None}
            try:
                context["table"] = await service.named_table(name, params)
            except ServiceError as error:
                if error.status != 400:
                    raise
                context["error"] = error
            return _page(request, "query.html", context, status=400 if context["error"] else 200)
        if graph_result:
            body = await service.named(name, params, "ntriples")
            return Response(body, media_type="application/n-triples")
        fmt = SPARQL_RESULT_MEDIA[media]
        body = await service.named(name, params, fmt, spreadsheet_safe)
        return Response(body, media_type="application/sparql-results+json" if media == "application/json" else media)

    # --- SPARQL protocol --------------------------------------------------------------------------------
    def one_query(texts: list):
        """The protocol takes exactly one query: of several, none is silently chosen."""
        if len(texts) > 1:
            raise ServiceError(400, "bad-parameter", f"'query' is given {len(texts)} times; send one query per "
                               "request.")
        return texts[0] if texts else None

    async def sparql(request):
        sparql_text = None
        dataset_sources = [request.query_params]
        if request.method in ("GET", "HEAD"):          # HEAD: a GET whose body is not sent
            if "update" in request.query_params:
                raise update_refused()
            sparql_text = one_query(request.query_params.getlist("query"))
        else:
            media = _media_type(request)
            if media == "application/sparql-update":
                raise update_refused()
            if media == "application/sparql-query":
                sparql_text = (await request.body()).decode("utf-8", "replace")
            elif media in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await read_form(request, service.max_bytes)
                if "update" in form:
                    raise update_refused()
                sparql_text = one_query(form.getlist("query"))
                dataset_sources.append(form)
            else:
                raise ServiceError(415, "unsupported-media-type", f"send the query as application/sparql-query "
                                   f"or as a form field 'query', not as {media or 'no Content-Type'!r}.")
        graph_media, results_media, html = sparql_media(request, list(SPARQL_GRAPH_MEDIA), list(SPARQL_RESULT_MEDIA))
        if not sparql_text or not str(sparql_text).strip():
            if html and request.method in ("GET", "HEAD"):
                return _page(request, "sparql.html", {"sparql": "", "table": None, "error": None})
            raise ServiceError(400, "missing-query", "no query given: pass it as the 'query' parameter, as a form "
                               "field 'query', or as an application/sparql-query body.")
        sparql_text = str(sparql_text)
        dataset = protocol_dataset(*dataset_sources)
        if len(sparql_text) > MAX_QUERY_CHARACTERS:       # before it is copied to a worker
            raise ServiceError(413, "query-too-long", f"the query is {len(sparql_text):,} characters long; this "
                               f"endpoint takes queries up to {MAX_QUERY_CHARACTERS:,}. Query for less at a time.")
        # what the query is (an update, a SERVICE call) is read in the query worker, under the time limit
        if html:
            context = {"sparql": sparql_text, "table": None, "error": None}
            try:
                context["table"] = await service.sparql_table(sparql_text, dataset)
            except ServiceError as error:
                if error.status != 400:
                    raise
                context["error"] = error
            return _page(request, "sparql.html", context, status=400 if context["error"] else 200)
        kind, body = await service.sparql(sparql_text, SPARQL_GRAPH_MEDIA.get(graph_media, UNFIT),
                                          SPARQL_RESULT_MEDIA.get(results_media, UNFIT), dataset)
        if kind in ("construct", "describe"):
            media = graph_media
        else:
            media = "application/sparql-results+json" if results_media == "application/json" else results_media
        return Response(body, media_type=media)

    # --- terms (Linked Data), health, API description ------------------------------------------------------
    async def list_terms(request):
        groups = term_index()
        if _page_wanted(request):
            return _page(request, "terms.html", {"groups": groups})
        return json_response({"groups": groups})

    def term_routes():
        from evkg.web.linked_data import routes

        def not_found(request, message):
            return _error_response(request, ServiceError(404, "unknown-term", message))

        return routes(lambda iri: json_response(term_dict(iri)),
                      lambda request, iri: _page(request, "term.html", {"term": term_dict(iri)}), not_found)

    async def health(request):
        pools = {name: {"workers": pool.size, "idle": pool.idle, "killed_for_overrunning": pool.killed,
                        "stopped_for_gone_clients": pool.cancelled}
                 for name, pool in (("checks", service.check_pool), ("queries", service.query_pool)) if pool}
        return json_response({"status": "ok" if service.ready else "starting", "version": __version__,
                              "products": len(service.products), "queries": len(service.catalogue()),
                              "max_bytes": service.max_bytes, "timeout_seconds": service.timeout,
                              "workers": pools, "light_work": dict(service.light_work),
                              "uploads": {"bytes_held": request.app.state.uploads.held,
                                          "max_bytes_held": request.app.state.uploads.limit},
                              "answers": {"bytes_held": request.app.state.answers.held,
                                          "max_bytes_held": request.app.state.answers.limit}})

    async def openapi(request):
        spec = json.loads((WEB_FOLDER / "openapi.json").read_text(encoding="utf-8"))
        spec["info"]["version"] = __version__
        spec["servers"] = [{"url": service.url.rstrip("/") if service.url else "/"}]
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
        Route("/whatif", get_whatif, methods=["GET"]),
        Route("/queries", list_queries, methods=["GET"]),
        Route("/queries/{name}", get_query, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/terms", list_terms, methods=["GET"]),
        *term_routes(),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/api", api_page, methods=["GET"]),
    ]


# ------------------------------------------------------------------------------------------- a child server

@contextlib.contextmanager
def running_server(*options: str, startup_timeout: float = 300.0, host: str = "127.0.0.1"):
    """Run `evkg serve` in a child process on `host` (127.0.0.1; `0.0.0.0` or `::` for every address of this
    machine) and a free port; yield its base URL, on 127.0.0.1, once /health answers; stop the process
    afterwards. For tests, benchmarks and scripts."""
    import os
    import subprocess
    import tempfile
    import urllib.error
    import urllib.request

    from evkg.graph.oxigraph_server import free_port, stop_process

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--host", host,
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
