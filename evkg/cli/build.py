"""`evkg build`: assemble ontology, shapes, curated data and inferred classifications into the store."""
from __future__ import annotations

import click


@click.command("build")
@click.option("--store", "store_path", metavar="PATH", type=click.Path(file_okay=False),
              help="Embedded store folder (default: the user's data folder).")
@click.option("--out", metavar="FILE.nq|FILE.trig", type=click.Path(dir_okay=False),
              help="Also export the whole graph (N-Quads or TriG, by extension).")
def command(store_path, out):
    """Build the knowledge graph into the store, one named graph each for the ontology, shapes and rules,
    curated data and inferred classifications. Progress goes to stderr."""
    from evkg.graph.build import build

    build(store_path, out)
    return 0
