"""`evkg queries`: list the named queries with their titles and parameters."""
from __future__ import annotations

import json

import click


@click.command("queries")
@click.option("--format", "-f", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]),
              help="table for people; json with each query's description, parameters and sources.")
def command(fmt):
    """List the named SPARQL queries: name, title and parameters.

    \b
    Example:
      evkg queries
      evkg query ev-role --param role=ActiveSubstance
    """
    from evkg.graph.queries import catalogue

    queries = catalogue()
    if fmt == "json":
        click.echo(json.dumps([
            {"name": q.name, "title": q.title, "description": q.description,
             "params": [{"name": p.name, "description": p.description, "default": p.default,
                         "accepts": p.accepted} for p in q.params],
             "sources": q.sources} for q in queries.values()], indent=2))
        return 0
    width = max((len(n) for n in queries), default=4)
    for query in queries.values():
        click.echo(f"{query.name.ljust(width)}  {query.title}")
        for p in query.params:
            default = f"default {p.default}" if p.default else "required"
            click.echo(f"{''.ljust(width)}    --param {p.name}=…  ({default}; {p.accepted})")
    click.echo(f"\n{len(queries)} queries. Run one with: evkg query NAME [--param name=value]")
    return 0
