"""`evkg literature import FILE... [--into PATH.ttl]`"""
from __future__ import annotations

from pathlib import Path

import click

from evkg.cli.options import NamedPath, OneValueGroup


@click.group(name="literature", cls=OneValueGroup)
def command():
    """Manage your own references (papers you cite in product descriptions)."""


@command.command(name="import")
@click.argument("files", nargs=-1, required=True, type=NamedPath(dir_okay=False, path_type=str))
@click.option("--into", "target", type=NamedPath(dir_okay=False, path_type=str), default=None,
              help="Turtle file to add the references to (default: references.ttl in your evkg data folder, "
                   "the same folder as the store, which is the file evkg check and evkg cite read).")
def import_command(files, target):
    """Import references from BibTeX (.bib), RIS (.ris), CSL-JSON (.json), PubMed MEDLINE (.nbib) or
    PubMed XML (.xml) exports.

    Each paper becomes one record named by its DOI (or PMID); the same paper found twice is merged into
    one record. A malformed entry is reported with its file, line and key, and the others are imported.
    Exit code: 0 all imported, 1 some entries were rejected, 2 a file could not be read.

    Example:  evkg literature import my-library.bib pubmed-export.nbib
    """
    from evkg.core.safe_text import visible_lines
    from evkg.literature.importer import import_into_file

    report, path = import_into_file(files, target)
    # what an export holds is shown, never obeyed: escape sequences, overrides and the like as escapes
    if len(report.file_errors) == len(files):       # not one file read: the errors, not a count of nothing
        for problem in report.file_errors:
            click.echo(visible_lines(f"error: {problem}"), err=True)
        return report.exit_code
    click.echo(visible_lines(report.summary()))
    if report.added or report.merged:
        click.echo(f"References saved in {path}.")
        from evkg.literature.sources import user_references_path

        if Path(path).resolve() != user_references_path().resolve():
            # a file of one's own is not read by check and cite: say so, or the papers look lost
            click.echo(f"evkg check and evkg cite read your references from {user_references_path()} only: to cite "
                       f"these papers in descriptions, import them again without --into.")
    else:
        click.echo("Nothing was saved.")
    return report.exit_code
