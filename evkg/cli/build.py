"""`evkg build`: assemble ontology, shapes, curated data and inferred classifications into the store."""
from __future__ import annotations

import click

from evkg.cli.options import DEFAULT_STORE_WORDS, NamedPath


@click.command("build")
@click.option("--store", "store_path", metavar="PATH", type=NamedPath(file_okay=False),
              help=f"Embedded store folder to build (default: {DEFAULT_STORE_WORDS}).")
@click.option("--out", metavar="FILE.nq|FILE.trig", type=NamedPath(dir_okay=False),
              help="Also export the whole graph (N-Quads or TriG, by extension).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary line.")
def command(store_path, out, quiet):
    """Build the knowledge graph into the store, one named graph each for the ontology, shapes and rules,
    curated data and inferred classifications. `evkg query` builds the store on first use and again when the
    bundled data changed, so run this only to build ahead of time, into another folder, or to export. A
    progress bar goes to stderr when it is a terminal, one line per stage otherwise; the summary line goes to
    stderr unless --quiet.

    Example:  evkg build --out evkg-graph.nq
    """
    from evkg.cli.progress import Progress
    from evkg.graph.build import build

    with Progress("evkg build", quiet=quiet) as bar:
        state = {"done": 0, "total": 0, "triples": 0, "note": ""}

        def show():
            bar.update(state["done"], state["total"], items=state["triples"], unit="triples", note=state["note"],
                       force=True)

        def progress(message):
            state["note"] = message.removeprefix("evkg build: ")
            if bar.enabled:
                show()
            elif not quiet:          # in a log or pipe: one line per stage, so a reader sees where a build stopped
                click.echo(message, err=True)

        def steps(done, total, triples):
            state.update(done=done, total=total, triples=triples)
            show()

        summary = build(store_path, out, progress=progress, steps=steps)
    if not quiet:
        from evkg.graph.build import graph_counts

        click.echo(f"evkg build: {summary.total} triples in {len(summary.triples)} graphs "
                   f"({graph_counts(summary.triples)}) "
                   f"in {summary.seconds:.1f} s" + (f"; exported to {out}" if out else ""), err=True)
    return 0
