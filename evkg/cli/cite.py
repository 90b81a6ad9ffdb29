"""`evkg cite TERM|PRODUCT|RULE [--format text|bibtex|csl-json]`"""
from __future__ import annotations

import click

FORMATS = ("text", "bibtex", "csl-json")


@click.command(name="cite")
@click.argument("name")
@click.option("--format", "-f", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Bibliography format.")
def command(name, output_format):
    """Print the papers and legal acts behind a term, product, rule or shape.

    NAME is a term (evkg:EU_GTMP), a check id as a report shows it (Q-19, TERM-06) or its shape
    (evsh:Q-19-...), a rule id (EU-10), a curated product's id (exoflo), a citation key (lener2015), a
    paper's DOI (10.3402/jev.v4.30087) or PubMed ID (pmid:37356708), a source's name as a report prints it
    ("Lener et al. 2015", "Directive 2001/83/EC, Article 1(2)") or a full IRI. Exit code 0, or 2 when the
    name is unknown (the closest names are suggested).

    Example:  evkg cite exoflo --format bibtex > exoflo.bib
    """
    from evkg.core.safe_text import json_visible, visible_lines
    from evkg.literature.cite import citation_sources, format_bibtex, format_csl_json, format_text

    citation = citation_sources(name)
    render = {"text": format_text, "bibtex": format_bibtex, "csl-json": format_csl_json}[output_format]
    # imported references are the user's files: a right-to-left override or an invisible character in a title is
    # shown as an escape (JSON keeps the exact value, escaped by JSON), so a citation shows what is stored
    shown = json_visible if output_format == "csl-json" else visible_lines
    click.echo(shown(render(citation).rstrip("\n")))
    return 0
