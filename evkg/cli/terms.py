"""`evkg terms search WORDS`: find ontology terms to use in a description."""
from __future__ import annotations

import json

import click


@click.group(name="terms")
def command():
    """Look up the ontology terms a description can use (diseases, cell types, tissues, taxa, proteins …)."""


@command.command(name="search")
@click.argument("words", nargs=-1, required=True)
@click.option("--for", "for_property", metavar="PROPERTY",
              help="Only terms of the kind this property takes, e.g. --for indication or --for producerCellType.")
@click.option("--space", "spaces", multiple=True, metavar="PREFIX",
              help="Only terms with this CURIE prefix (MONDO, CL, UBERON, NCBITaxon, up …); repeatable.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(words, for_property, spaces, limit, fmt):
    """Print matching terms with the CURIE to write in a description.

    Example:  evkg terms search osteoarthritis --for indication
    """
    from evkg.authoring.terms import search_terms

    matches = search_terms(" ".join(words), spaces=list(spaces), for_property=for_property, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(matches, indent=2, ensure_ascii=False))
        return 0
    if not matches:
        click.echo("No term matches. Try fewer or other words, or drop --for / --space.")
        return 1
    width = max(len(m["curie"]) for m in matches)
    for match in matches:
        extra = f"  (matched: {match['matched']})" if match["matched"] != match["label"] else ""
        click.echo(f"{match['curie']:{width}}  {match['label']}{extra}")
    return 0
