"""`evkg query NAME|FILE.rq`: run a named query or a SPARQL file on the store or a remote endpoint."""
from __future__ import annotations

import sys

import click

from evkg.cli.options import NamedPath, format_option, output_option, write_output
from evkg.core.errors import UsageError


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {pair!r} is not name=value; write it like --param jurisdiction=EU")
        if name.strip() in params:
            raise UsageError(f"the parameter {name.strip()!r} is given twice")
        params[name.strip()] = value
    return params


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@format_option(("table", "csv", "tsv", "json", "xml"), "table",
               "table for people; csv, tsv, json, xml are the W3C SPARQL results formats.")
@output_option()
@click.option("--endpoint", metavar="URL", help="A SPARQL 1.1 endpoint to ask instead of the embedded store.")
@click.option("--store", "store_path", metavar="PATH", type=NamedPath(file_okay=False),
              help="Embedded store folder (default: the user's data folder; built on first use).")
@click.option("--timeout", default=30.0, show_default=True, type=float, metavar="S",
              help="Seconds to wait for an endpoint (connecting and each read).")
def command(name, pairs, fmt, output, endpoint, store_path, timeout):
    """Run the named query NAME (see `evkg queries`) or the SPARQL query in FILE.rq.

    \b
    Examples:
      evkg query products-by-category --param jurisdiction=US
      evkg query evidence-for-product --param product=exoflo --format csv
      evkg query my-question.rq --endpoint http://localhost:7878/query
    """
    from evkg.graph.queries import run_serialized

    result = run_serialized(name, fmt, store=store_path, endpoint=endpoint, timeout=timeout,
                            params=parse_params(pairs))
    if isinstance(result, bytes):
        if output:
            with open(output, "wb") as handle:
                handle.write(result)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(result)
            sys.stdout.buffer.flush()
    else:
        write_output(result, output, quiet=True)
    return 0
