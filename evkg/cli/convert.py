"""`evkg convert FILE --to ttl|jsonld|yaml`"""
from __future__ import annotations

from pathlib import Path

import click

from evkg.cli.options import NamedPath

from evkg.io.load import input_format_names
from evkg.io.write import OUTPUT_FORMATS


@click.command(name="convert")
@click.argument("file", type=NamedPath(dir_okay=False, path_type=str))
@click.option("--to", "to_format", required=True, type=click.Choice(OUTPUT_FORMATS, case_sensitive=False),
              help="Form to write: ttl (Turtle), jsonld (JSON-LD with the evkg context) or yaml.")
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="Format of FILE (default: from its extension).")
@click.option("--output", "-o", type=NamedPath(dir_okay=False, writable=True),
              help="Write to this file instead of the screen.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input file accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES).")
def command(file, to_format, input_format, output, max_bytes):
    """Convert a description between Turtle, JSON-LD and YAML without losing any statement.

    YAML and JSON-LD use the evkg context: plain keys (intendedUse), plain value names (Treatment) and
    CURIEs (MONDO:0005178). Reading the output back gives the same graph, so `evkg check` gives the same
    findings and classification for every form.

    Example:  evkg convert examples/valid/e1-ucmsc-sev-neonatal-lung.ttl --to yaml -o e1.yaml
    """
    from evkg.io.load import load_rdf
    from evkg.io.write import serialise

    graph = load_rdf(file, input_format=input_format, max_bytes=max_bytes)
    text = serialise(graph, to_format.lower())
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Written to {output}.", err=True)
    else:
        click.echo(text, nl=False)
    return 0
