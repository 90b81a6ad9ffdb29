"""`evkg literature import FILE... [--into PATH.ttl]`"""
from __future__ import annotations

import click

from evkg.cli.options import NamedPath


@click.group(name="literature")
def command():
    """Manage your own references (papers you cite in product descriptions)."""


@command.command(name="import")
@click.argument("files", nargs=-1, required=True, type=NamedPath(dir_okay=False, path_type=str))
@click.option("--into", "target", type=NamedPath(dir_okay=False, path_type=str), default=None,
              help="Turtle file to add the references to (default: references.ttl in your evkg data folder, "
                   "the same folder as the store).")
def import_command(files, target):
    """Import references from BibTeX (.bib), RIS (.ris), CSL-JSON (.json), PubMed MEDLINE (.nbib) or
    PubMed XML (.xml) exports.

    Each paper becomes one record named by its DOI (or PMID); the same paper found twice is merged into
    one record. A malformed entry is reported with its file, line and key, and the others are imported.
    Exit code: 0 all imported, 1 some entries were rejected, 2 a file could not be read.

    Example:  evkg literature import my-library.bib pubmed-export.nbib
    """
    from evkg.literature.importer import import_into_file

    report, path = import_into_file(files, target)
    click.echo(report.summary())
    if report.added or report.merged:
        click.echo(f"References saved in {path}.")
    else:
        click.echo("Nothing was saved.")
    return report.exit_code
