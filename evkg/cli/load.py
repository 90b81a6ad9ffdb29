"""`evkg load`: push the built graph to a remote SPARQL store."""
from __future__ import annotations

import click

from evkg.cli.options import DEFAULT_STORE_WORDS, NamedPath, Seconds


@click.command("load")
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL endpoint; without --graph-store it must accept SPARQL Update (Oxigraph: /update).")
@click.option("--graph-store", metavar="URL",
              help="SPARQL Graph Store Protocol URL (Oxigraph: /store); each named graph is replaced by PUT.")
@click.option("--store", "store_path", metavar="PATH", type=NamedPath(file_okay=False),
              help=f"Embedded store folder to read from (default: {DEFAULT_STORE_WORDS}; built if needed).")
@click.option("--timeout", default=30.0, show_default=True, type=Seconds(min=0, min_open=True), metavar="S",
              help="Seconds allowed for each request to the server, to the last byte of its answer.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or messages.")
def command(endpoint, graph_store, store_path, timeout, quiet):
    """Push the built graph (ontology, shapes, curated, inferred) to a SPARQL 1.1 store, replacing each of
    evkg's named graphs there, and report the triples sent. A progress bar goes to stderr when it is a
    terminal.

    \b
    Example (an Oxigraph server on this machine):
      evkg load --endpoint http://localhost:7878/update --graph-store http://localhost:7878/store
    """
    from evkg.cli.progress import Progress
    from evkg.graph.build import push_to_endpoint

    messages: list[str] = []
    with Progress("evkg load", quiet=quiet) as bar:
        def steps(done, total, triples):
            bar.update(done, total, items=triples, unit="triples")

        def progress(message):
            messages.append(message)
            bar.update(0, 4, note=message.removeprefix("evkg load: "), force=True)

        sent = push_to_endpoint(endpoint, graph_store=graph_store, store_path=store_path, timeout=timeout,
                                progress=progress, steps=steps)
    if messages and not quiet:
        click.echo(messages[-1], err=True)          # the summary: triples sent, and where
    for graph_iri, count in sent.items():
        click.echo(f"{graph_iri}\t{count}")
    click.echo(f"total\t{sum(sent.values())}")
    return 0
