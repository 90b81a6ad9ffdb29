"""`evkg whatif --rules NAME|FILE.ttl [FILE...]`"""
from __future__ import annotations

import click

from evkg.io.load import input_format_names
from evkg.report.whatif import WHATIF_FORMATS


@click.command(name="whatif")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--rules", "-r", "rules", required=True, metavar="NAME|FILE.ttl",
              help="The rule set to try: a name from `evkg rules` or a Turtle file of your own overlay rules.")
@click.option("--against", "baseline", default=None, metavar="NAME|FILE.ttl",
              help="The rule set to compare with (default: the law in force).")
@click.option("--format", "-f", "report_format", default="text", show_default=True,
              type=click.Choice(WHATIF_FORMATS), help="Report format.")
@click.option("--no-curated", is_flag=True, help="Compare only the FILES given, not the curated products.")
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="RDF format of the input files (default: from each file's extension).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of the screen.")
def command(files, rules, baseline, report_format, no_curated, input_format, output):
    """Show which classification answers change if the law changes.

    Classifies the curated products (and each FILE given) under the law in force and under the rule set
    chosen with --rules, and lists every answer that changes, before and after, with the rules and legal
    sources on each side. Answers that stay the same are not listed.

    Examples:  evkg whatif --rules eu-reform-proposal-2023
               evkg whatif --rules my-overlay.ttl examples/valid/*.ttl --format markdown
    """
    from evkg.core.errors import UsageError
    from evkg.pipeline import whatif
    from evkg.report.whatif import render_whatif

    if no_curated and not files:
        raise UsageError("--no-curated leaves nothing to compare; give product description files too.")
    run = whatif(rules, files, baseline=baseline, curated=not no_curated, input_format=input_format)
    text = render_whatif(run, report_format)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Report written to {output}.", err=True)
    else:
        click.echo(text, nl=False)
    for path, message in run.errors.items():
        if report_format != "text":
            click.echo(f"error: {path}: {message}", err=True)
    return 2 if run.errors else 0
