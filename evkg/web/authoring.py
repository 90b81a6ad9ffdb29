"""The writing page of `evkg serve`: a form generated from the description model, a text editor, term look-up,
and a check that answers with findings pointing at fields and lines, the description in every form and the
report in every format. Routes only; the work is done by evkg.authoring, evkg.io and evkg.pipeline.

    GET  /write             the page
    GET  /context.jsonld    the evkg JSON-LD context (the copy evkg ships; documents may name its public URL)
    GET  /api/form          the description model (slots, fields, allowed values) and the kinds of product
    GET  /api/terms         term look-up: ?q=osteoarthritis&for=indication
    GET  /api/new           a starting description: ?kind=msc-ev&format=yaml
    POST /api/describe      {"text", "format"}: findings, classification, the description as YAML, Turtle,
                            JSON-LD and as the form's tree, and the report as HTML, Markdown and JSON
    POST /api/convert       {"text", "format", "to"}: the description in another form (yaml, ttl, jsonld, tree)
"""
from __future__ import annotations

import json
import time

from evkg.core.errors import VALUE_OVER_PARSER_LIMIT, EvkgError, InputError, UsageError, value_over_parser_limit
from evkg.validation.engine import shown
from evkg.web.errors import ServiceError

EDITOR_FORMATS = {"yaml": "yaml", "json": "json-ld", "jsonld": "json-ld", "ttl": "turtle", "turtle": "turtle"}
MAX_TERM_RESULTS = 50
CONVERT_TARGETS = ("yaml", "ttl", "jsonld", "tree")
_TARGET_ALIASES = {"turtle": "ttl", "json-ld": "jsonld"}      # the names the input formats accept too


def _located_error(exc: InputError, status: int = 400, code: str = "bad-description") -> ServiceError:
    return ServiceError(status, code, str(exc), reason=exc.reason, line=exc.line, column=exc.column, hint=exc.hint)


def _too_complex(exc: Exception) -> ServiceError:
    if value_over_parser_limit(exc):
        return ServiceError(400, "bad-description", f"the description {VALUE_OVER_PARSER_LIMIT}")
    return ServiceError(413, "too-complex", f"the description is too large or too deeply structured to read "
                        f"({type(exc).__name__}). Split it into smaller ones.")


# describe and convert run in the server's check workers (evkg.core.workers), which are killed when they
# overrun: they read what a person typed, so they get the same limits as any submission.
def describe(raw: bytes, fmt: str, profile: str = "submission") -> dict:
    """Check a description from the page and return everything the page shows and offers for download."""
    from evkg.io.write import serialise, to_tree
    from evkg.pipeline import check_text
    from evkg.report import render

    rdf_format = EDITOR_FORMATS.get(fmt)
    if rdf_format is None:
        raise ServiceError(400, "unknown-format", f"unknown description format {shown(repr(fmt))}; use one of: "
                           f"{', '.join(EDITOR_FORMATS)}.")
    try:
        run, graph = check_text(raw, rdf_format, source_name=f"description.{fmt}", profile=profile)
    except InputError as exc:
        raise _located_error(exc, 422 if "describes no product" in str(exc) else 400) from None
    except (RecursionError, MemoryError) as exc:
        raise _too_complex(exc) from None
    report = render.to_dict(run)
    return {
        "file": report["files"][0],
        "summary": report["summary"],
        "tree": to_tree(graph),
        "description": {"yaml": serialise(graph, "yaml"), "ttl": serialise(graph, "ttl"),
                        "jsonld": serialise(graph, "jsonld")},
        "report": {"html": render.render(run, "html"), "markdown": render.render(run, "markdown"),
                   "json": json.dumps(report, indent=2, ensure_ascii=False) + "\n"},
    }


def described(raw: bytes, fmt: str, profile: str, max_bytes: int | None = None) -> bytes:
    """describe() as the JSON the page receives, refused over ``max_bytes`` (in the worker, like a report)."""
    from evkg.web.jobs import capped_json

    return capped_json(describe(raw, fmt, profile), max_bytes)


def convert(raw: bytes, fmt: str, to: str) -> dict:
    from evkg.io.load import parse_rdf_bytes
    from evkg.io.write import serialise, to_tree

    rdf_format = EDITOR_FORMATS.get(fmt)
    to = _TARGET_ALIASES.get(to, to)
    if rdf_format is None:
        raise ServiceError(400, "unknown-format", f"unknown format {shown(repr(fmt))} of the description to "
                           f"convert; use one of: {', '.join(EDITOR_FORMATS)}.")
    if to not in CONVERT_TARGETS:
        raise ServiceError(400, "unknown-format", f"unknown format {shown(repr(to))} to convert to; use one of: "
                           f"{', '.join(CONVERT_TARGETS)}.")
    try:
        graph = parse_rdf_bytes(raw, rdf_format, source_name=f"description.{fmt}")
    except InputError as exc:
        raise _located_error(exc) from None
    except (RecursionError, MemoryError) as exc:
        raise _too_complex(exc) from None
    return {"tree": to_tree(graph)} if to == "tree" else {"text": serialise(graph, to)}


def converted(raw: bytes, fmt: str, to: str, max_bytes: int | None = None) -> bytes:
    """convert() as the JSON the page receives, refused over ``max_bytes`` in the worker, as a report is."""
    from evkg.web.jobs import capped_json

    return capped_json(convert(raw, fmt, to), max_bytes)


def _envelope(body: bytes) -> tuple[dict, bytes, str]:
    """The JSON object {"text": …, "format": …} a page sends. Read in the check worker: JSON of a few megabytes
    can stand for a gigabyte of objects ([{}, {}, …]), which the server process would have held."""
    wanted = "Send a JSON object {\"text\": the description, \"format\": \"yaml\", \"ttl\" or \"jsonld\"}."
    try:
        envelope = json.loads(body)
    except UnicodeDecodeError as exc:
        raise ServiceError(400, "bad-request", f"the request body is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                           f"at position {exc.start:,} cannot be read). {wanted[:-1]}, in UTF-8.") from None
    except json.JSONDecodeError as exc:
        from evkg.core.json_reasons import json_problem

        reason, line, column = json_problem(exc)
        raise ServiceError(400, "bad-request", f"the request body is not valid JSON: {reason} (line {line}, column "
                           f"{column}). {wanted}", line=line, column=column) from None
    except (ValueError, RecursionError):   # nested too deeply, or a number too long to read
        raise ServiceError(400, "bad-request", f"the request body could not be read as JSON (nested too deeply, or a "
                           f"number too long). {wanted}") from None
    kinds = {str: "a text", int: "a number", float: "a number", bool: "true or false", list: "a list",
             dict: "an object", type(None): "null"}
    if not isinstance(envelope, dict):
        raise ServiceError(400, "bad-request", f"the request body is {kinds[type(envelope)]} in JSON, not an object. "
                           + wanted)
    if not isinstance(envelope.get("text"), str):
        held = "has no field \"text\"" if "text" not in envelope else \
            f"has {kinds[type(envelope['text'])]} in \"text\", where the description goes as one text"
        raise ServiceError(400, "bad-request", f"the JSON object {held}. {wanted}")
    if not envelope["text"].strip():
        raise ServiceError(400, "empty-description", "the description is empty: fill in the form or paste "
                           "a description into the editor.")
    return envelope, envelope["text"].encode("utf-8"), str(envelope.get("format") or "yaml").lower()


def described_request(body: bytes, max_bytes: int | None = None) -> bytes:
    """POST /api/describe's answer for its request body (in a check worker)."""
    envelope, raw, fmt = _envelope(body)
    profile = str(envelope.get("profile") or "submission")
    if profile not in ("submission", "published"):
        raise ServiceError(400, "bad-profile", f"unknown profile {shown(repr(profile))}: use submission (the "
                           "default) or published.")
    return described(raw, fmt, profile, max_bytes)


def converted_request(body: bytes, max_bytes: int | None = None) -> bytes:
    """POST /api/convert's answer for its request body (in a check worker)."""
    envelope, raw, fmt = _envelope(body)
    return converted(raw, fmt, str(envelope.get("to") or "yaml").lower(), max_bytes)


def authoring_routes(service) -> list:
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from evkg.web.http import _page

    async def write_page(request):
        from evkg.authoring.template import kinds

        return _page(request, "write.html", {"kinds": kinds(), "max_bytes": service.max_bytes})

    async def context(request):
        from evkg.io.context import bundled_context_text

        return Response(bundled_context_text(), media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"})

    async def form_model(request):
        from evkg.authoring.model import description_model
        from evkg.authoring.template import kinds

        model = await service.run("form model", description_model)
        return JSONResponse({**model.as_dict(), "kinds": kinds()})

    async def terms(request):
        from evkg.authoring.terms import search_terms

        from evkg.web.http import single_values

        values = single_values(request, known=("q", "space", "for", "limit"), repeatable=("space",))
        query = values.get("q", "")
        if len(query) > 200:
            raise ServiceError(400, "query-too-long", f"the search words (q) are {len(query):,} characters long; a "
                               "term search takes at most 200. Search with a few words of the term's name, e.g. "
                               "q=mesenchymal stem cell.")
        spaces = [s for s in request.query_params.getlist("space") if s]
        try:
            limit = int(values.get("limit", "20"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_TERM_RESULTS:
            raise ServiceError(400, "bad-limit", f"limit must be a whole number from 1 to {MAX_TERM_RESULTS}.")
        deadline = time.monotonic() + service.timeout       # one limit for the search and what it says
        try:
            matches = await service.run("term search", lambda: search_terms(
                query, spaces=spaces, for_property=values.get("for"), limit=limit), deadline=deadline)
        except UsageError as exc:
            raise ServiceError(400, "bad-term-search", str(exc)) from None
        answer = {"query": query, "terms": matches}
        if not matches:
            from evkg.authoring.terms import no_match_message

            answer["message"] = await service.run("term search", no_match_message, query, values.get("for"),
                                                  deadline=deadline)
        return JSONResponse(answer)

    async def new(request):
        from evkg.authoring.template import template

        from evkg.web.http import single_values

        values = single_values(request, known=("kind", "format"))     # a second kind would silently win
        kind, fmt = values.get("kind", "generic"), values.get("format", "yaml")
        try:
            text = await service.run("template", template, kind, fmt)
        except EvkgError as exc:
            raise ServiceError(400, "bad-template", str(exc)) from None
        return JSONResponse({"kind": kind, "format": fmt, "text": text})

    async def post_describe(request):
        answer = await service.in_check_worker("check", described_request, await request.body(),
                                               service.max_answer_bytes)
        return Response(answer, media_type="application/json")

    async def post_convert(request):
        answer = await service.in_check_worker("conversion", converted_request, await request.body(),
                                               service.max_answer_bytes)
        return Response(answer, media_type="application/json")

    return [
        Route("/write", write_page, methods=["GET"]),
        Route("/context.jsonld", context, methods=["GET"]),
        Route("/api/form", form_model, methods=["GET"]),
        Route("/api/terms", terms, methods=["GET"]),
        Route("/api/new", new, methods=["GET"]),
        Route("/api/describe", post_describe, methods=["POST"]),
        Route("/api/convert", post_convert, methods=["POST"]),
    ]
