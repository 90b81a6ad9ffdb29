"""`evkg check FILE...`"""
from __future__ import annotations

import sys

import click

from evkg.io.load import input_format_names
from evkg.report.render import REPORT_FORMATS


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "-f", "report_format", default="text", show_default=True,
              type=click.Choice(REPORT_FORMATS), help="Report format.")
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="RDF format of the input files (default: from each file's extension).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of the screen.")
@click.option("--explain", is_flag=True, help="Also print the full derivation of each classification.")
@click.option("--no-classify", is_flag=True, help="Validate only; skip the regulatory classification.")
@click.option("--allow-remote", is_flag=True,
              help="Allow remote JSON-LD contexts (off by default: nothing is fetched).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input file accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def command(files, report_format, input_format, output, explain, no_classify, allow_remote, max_bytes, quiet):
    """Validate EV product descriptions (RDF) and infer their regulatory classification.

    Each FILE is checked on its own; a file that cannot be read gets its own error and the others are
    still checked. Exit code: 0 every product conforms, 1 some product does not conform, 2 a file could
    not be read or the command was misused, 3 internal error.

    Example:  evkg check examples/valid/*.ttl --format markdown -o report.md
    """
    from evkg.pipeline import check_files
    from evkg.report.render import render

    show_progress = not quiet and len(files) > 1 and sys.stderr.isatty()

    def progress(index, total, path):
        if show_progress:
            click.echo(f"[{index}/{total}] {path}", err=True)

    run = check_files(files, input_format=input_format, allow_remote=allow_remote, max_bytes=max_bytes,
                      classify=not no_classify, progress=progress)
    text = render(run, report_format)
    if explain and not no_classify:
        from evkg.classification.explain import explain_run

        text += "\n" + explain_run(run)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        if not quiet:
            click.echo(f"Report written to {output}.", err=True)
    else:
        click.echo(text, nl=False)
    for file in run.files:
        if file.error and report_format != "text":
            click.echo(f"error: {file.error}", err=True)
    return run.exit_code
