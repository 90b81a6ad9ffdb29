"""`evkg query NAME|FILE.rq`: run a named query or a SPARQL file on the store or a remote endpoint."""
from __future__ import annotations

import sys
import threading
import time

import click

from evkg.cli.options import (DEFAULT_STORE_WORDS, NamedPath, Seconds, format_for_output, format_option,
                               output_option, write_output)
from evkg.core.errors import UsageError
from evkg.core.safe_text import shortened
from evkg.core.spreadsheet import SAFE_OPTION_HELP


def _extra_words(name: str, extra: tuple[str, ...]) -> str:
    """`evkg query evidence-for-product exoflo`: a value given without --param, said with the line to type."""
    import shlex

    from evkg.graph.queries import get_query

    params = [p.name for p in get_query(name).params]       # an unknown name is reported as such first
    if not params:
        return f"`evkg query` takes one query name, and {name} takes no parameters: run evkg query {shlex.quote(name)}"
    pairs = [w if "=" in w else f"{params[0]}={w}" if len(params) == 1 and len(extra) == 1 else None for w in extra]
    example = (" ".join(f"--param {shlex.quote(p)}" for p in pairs) if all(pairs) else
               f"--param {params[0] if params else 'NAME'}=VALUE")
    accepts = f" (it accepts: {', '.join(params)})" if params else ""
    return (f"`evkg query` takes one query name; give the query's parameters with --param{accepts}: "
            f"evkg query {shlex.quote(name)} {example}")


def _param_example(query_name: str | None, written: str) -> str:
    """`role=DeliveryVehicle`: the parameter written (or the query's first) with its default, as an example."""
    from evkg.graph.queries import get_query

    query = get_query(query_name) if query_name else None          # an unknown name is reported as such first
    if query is not None and not query.params and not query.is_file:
        raise UsageError(f"the query {query_name} takes no parameters: run it without --param "
                         f"(evkg query {query_name}).")
    params = query.params if query is not None else []
    chosen = next((p for p in params if p.name == written.strip()), params[0] if params else None)
    return f"{chosen.name}={chosen.default or 'VALUE'}" if chosen else "NAME=VALUE"


def parse_params(pairs: tuple[str, ...], query_name: str | None = None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {shortened(repr(pair), 80)} is not name=value; write it like --param "
                             f"{_param_example(query_name, pair)}")
        if name.strip() in params:
            raise UsageError(f"the parameter {shortened(repr(name.strip()), 80)} is given twice")
        params[name.strip()] = value
    return params


QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")


@click.command("query")
@click.argument("name")
@click.argument("extra", nargs=-1, metavar="")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@format_option(QUERY_FORMATS, "table",
               "table for people; csv, tsv, json, xml are the W3C SPARQL results formats (SELECT, ASK); ttl "
               "(Turtle) and nt (N-Triples) write the graph a CONSTRUCT or DESCRIBE gives.")
@output_option(QUERY_FORMATS)
@click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 endpoint to ask instead of the embedded store.")
@click.option("--store", "store_path", metavar="PATH", type=NamedPath(file_okay=False),
              help=f"Embedded store folder to ask (default: {DEFAULT_STORE_WORDS}; built on first use).")
@click.option("--timeout", default=30.0, show_default=True, type=Seconds(min=0, min_open=True), metavar="S",
              help="Seconds allowed to run the query, on the embedded store or an endpoint, to the last byte of "
                   "its answer (building the store on first use is not counted).")
@click.option("--spreadsheet-safe", is_flag=True, help=SAFE_OPTION_HELP)
def command(name, extra, pairs, fmt, output, endpoint, store_path, timeout, spreadsheet_safe):
    """Run the named query NAME (see `evkg queries`) or the SPARQL query in FILE.rq.

    \b
    Examples:
      evkg query products-by-category --param jurisdiction=US
      evkg query evidence-for-product --param product=exoflo --format csv
      evkg query my-question.rq --endpoint http://localhost:7878/query
    """
    from evkg.graph.queries import open_target, prepared_text, run_serialized

    if extra:
        raise UsageError(_extra_words(name, extra))
    if not timeout > 0:
        raise UsageError(f"the timeout must be a positive number of seconds, not {timeout}")
    fmt = format_for_output(fmt, output)
    if spreadsheet_safe and fmt != "csv":
        raise UsageError(f"--spreadsheet-safe changes CSV cells, and this answer is {fmt}; add --format csv, or "
                         "leave the option out.")
    params = parse_params(pairs, name)
    # a bad name, parameter or syntax is reported before any build; checking the syntax computes what needs no
    # data (an aggregate over VALUES), so it runs within the time limit too
    started = time.monotonic()
    text = _stoppable(lambda: prepared_text(name, params), timeout)
    from evkg.graph.query_forms import refuse_unfit_format

    refuse_unfit_format(text, fmt, f"the query {name}")      # before the store is built
    spent = time.monotonic() - started
    target = open_target(store_path, endpoint, timeout)    # built on first use, outside the time limit
    try:
        result = _stoppable(lambda: run_serialized(name, fmt, store=target, timeout=timeout, params=params),
                            max(timeout - spent, 0.01), said=timeout,
                            abandon=endpoint and f"{endpoint} did not answer within {timeout:g} s (to the last byte "
                                                 "of its answer); check it is running, narrow the query, or allow "
                                                 "more time with --timeout")
    except OSError as exc:
        called = _remote_endpoints(prepared_text(name, params))
        if not called:
            raise
        raise UsageError(f"the query's SERVICE call to {' or '.join(called)} failed: {exc}. The embedded store "
                         "makes such calls as written; check the address, or remove the SERVICE block.") from None
    formulas = 0
    if fmt == "csv":
        from evkg.core.spreadsheet import formula_cells, made_inert

        answer = result.decode("utf-8", errors="replace")      # an endpoint may send other bytes
        if spreadsheet_safe:
            result = made_inert(answer).encode("utf-8")
        else:
            formulas = formula_cells(answer)
    if isinstance(result, bytes):
        if output:
            from evkg.core.files import write_text_file

            write_text_file(output, result, what="the answer")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(result)
            sys.stdout.buffer.flush()
    else:
        write_output(result, output, quiet=True)
        if fmt == "table" and result.endswith("(0 rows)\n") and name.endswith(".rq"):
            _say_unknown_names(name, target)
    if formulas:
        from evkg.core.spreadsheet import formula_note

        click.echo(formula_note(formulas, f"evkg query {name} … --format csv",
                                "as the SPARQL 1.1 CSV results format has them"), err=True)
    return 0


def _remote_endpoints(sparql: str) -> list[str]:
    """The endpoints a query's SERVICE blocks name, as written (comments and strings left out)."""
    import re

    from evkg.classification.rule_checks import SERVICE_KEYWORD
    from evkg.graph.store import mask

    target = re.compile(r"\s+(?:SILENT\s+)?(<[^>\s]*>|[^\s{]+)", re.IGNORECASE)
    found = (target.match(sparql, hit.end()) for hit in SERVICE_KEYWORD.finditer(mask(sparql)))
    return list(dict.fromkeys(match.group(1)[:200] for match in found if match))


def _say_unknown_names(name: str, target) -> None:
    """After an empty answer, name the evkg terms the query uses that the graph does not hold."""
    from evkg.graph.queries import prepared_text, unknown_names

    unknown = unknown_names(prepared_text(name), target)
    if unknown:
        click.echo(f"note: no rows, and {name} uses names the knowledge graph does not hold: "
                   f"{'; '.join(unknown)}. Check their spelling (`evkg terms search` finds ontology terms).",
                   err=True)


def _stoppable(run, timeout: float | None, said: float | None = None, *, abandon: str | None = None):
    """The answer of ``run()``, computed in a thread so that Ctrl+C and the time limit stop it: Oxigraph cannot
    be cancelled and does not look at signals, so a runaway query (a cartesian product) ignored Ctrl+C and kept
    a core busy for hours. On either, the process exits at once, which ends the query. ``said``: the limit the
    user gave, when ``timeout`` is what is left of it. ``abandon``: for a query sent to an endpoint, the message
    of the error raised at the time limit instead; the thread waiting for the answer ends with it, as the
    endpoint's connection is shut at the same limit, and the query's work is the server's."""
    import os

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = run()
        except BaseException as exc:  # noqa: BLE001  (handed to the main thread and raised there)
            # the frames' variables are let go here: an Oxigraph answer may be freed only by its own thread
            # (freed by the main thread, it printed "RuntimeError: … is unsendable" under the message)
            import traceback

            seen = exc
            while seen is not None:
                traceback.clear_frames(seen.__traceback__)
                seen = seen.__cause__ or seen.__context__
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="evkg-query")
    worker.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while worker.is_alive():
            worker.join(0.1)
            if deadline is not None and time.monotonic() > deadline and worker.is_alive():
                if abandon:
                    from evkg.graph.store import EndpointError

                    raise EndpointError(abandon)
                click.echo(f"error: the query did not finish within {said or timeout:g} s and was stopped. Narrow it "
                           "(fewer unbound patterns, a LIMIT) or allow more time with --timeout.", err=True)
                sys.stderr.flush()
                os._exit(2)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: the query was stopped.", err=True)
        sys.stderr.flush()
        os._exit(130)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
