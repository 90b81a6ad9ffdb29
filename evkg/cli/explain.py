"""`evkg explain FILE...`: the full derivation of every classification answer, in plain words."""
from __future__ import annotations

import click

from evkg.io.load import input_format_names


@click.command(name="explain")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=False, dir_okay=False, path_type=str))
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="RDF format of the input files (default: from each file's extension).")
@click.option("--jurisdiction", "-j", "jurisdictions", multiple=True, type=click.Choice(["EU", "US", "KR"]),
              help="Only these jurisdictions (repeat the option; default: all).")
def command(files, input_format, jurisdictions):
    """Print, for each product and jurisdiction, every classification question with its answer and the full
    derivation: rule, facts used, earlier conclusions, status and why, legal sources, alternatives and the
    facts still missing.

    Example:  evkg explain examples/valid/*.ttl -j EU
    """
    from rdflib import RDFS

    from evkg.classification.engine import classify
    from evkg.classification.explain import explain_text
    from evkg.io.load import load_rdf

    for path in files:
        graph = load_rdf(path, input_format=input_format)
        result = classify(graph, jurisdictions=tuple(jurisdictions) or ("EU", "US", "KR"))
        labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
        click.echo(f"== {path}")
        if not result.products:
            click.echo("No product found: add `a evkg:EVProduct` to the product node.")
            continue
        click.echo(explain_text(result, labels))
    return 0
