"""`evkg whatif --rules NAME|FILE.ttl [FILE...]`"""
from __future__ import annotations

import click

from evkg.cli.options import (NamedPath, apply_rule_limits, format_for_output, format_option, input_format_option,
                               output_option, rule_limit_options, write_output)
from evkg.core.spreadsheet import SAFE_OPTION_HELP
from evkg.report.whatif import WHATIF_FORMATS


@click.command(name="whatif")
@click.argument("files", nargs=-1, type=NamedPath(dir_okay=False, path_type=str))
@click.option("--rules", "-r", "rules", default=None, metavar="NAME|FILE.ttl",
              help="The rule set to try: a name from `evkg rules` or a Turtle file of your own overlay rules.")
@click.option("--against", "baseline", default=None, metavar="NAME|FILE.ttl",
              help="The rule set to compare with (default: the law in force).")
@format_option(WHATIF_FORMATS, "text", "Report format.")
@click.option("--no-curated", is_flag=True, help="Leave out the curated products.")
@click.option("--no-examples", is_flag=True, help="Leave out the worked examples (examples/valid/).")
@input_format_option()
@output_option(WHATIF_FORMATS)
@click.option("--spreadsheet-safe", is_flag=True, help=SAFE_OPTION_HELP)
@rule_limit_options
def command(files, rules, baseline, fmt, no_curated, no_examples, input_format, output, spreadsheet_safe,
            rule_timeout, rule_memory):
    """Show which classification answers change if the law changes.

    Classifies the curated products, the worked examples and each FILE given under the law in force and under the rule set
    chosen with --rules, and lists every answer that changes, before and after, with the rules and legal
    sources on each side. Answers that stay the same are not listed.

    \b
    Examples:
      evkg whatif --rules eu-reform-proposal-2023
      evkg whatif --rules my-overlay.ttl examples/valid/*.ttl --format markdown
    """
    from evkg.core.errors import UsageError
    from evkg.pipeline import whatif
    from evkg.report.whatif import render_whatif

    if not rules:                # which rule sets there are to try, not only that the option is missing
        from evkg.classification.rule_sets import bundled_rule_sets

        overlays = sorted(name for name, rule_set in bundled_rule_sets().items() if not rule_set.default)
        raise UsageError(f"say which rule set to try with --rules: {', '.join(overlays)}, or a Turtle file of "
                         f"your own rules, e.g. evkg whatif --rules {overlays[0] if overlays else 'my-rules.ttl'} "
                         "(`evkg rules` lists them with their legal basis).")
    if no_curated and no_examples and not files:
        raise UsageError("--no-curated and --no-examples leave nothing to compare; give product description files.")
    fmt = format_for_output(fmt, output)
    if spreadsheet_safe and fmt != "csv":
        raise UsageError(f"--spreadsheet-safe changes CSV cells, and this report is {fmt}; add --format csv, or "
                         "leave the option out.")
    apply_rule_limits(rule_timeout, rule_memory)
    run = whatif(rules, files, baseline=baseline, curated=not no_curated, examples=not no_examples,
                 input_format=input_format)
    if fmt == "csv":
        from evkg.core.spreadsheet import formula_cells, formula_note
        from evkg.report.whatif import render_csv

        text = render_csv(run, spreadsheet_safe)
        write_output(text, output)
        if not spreadsheet_safe and formula_cells(text):
            click.echo(formula_note(formula_cells(text), "evkg whatif … --format csv",
                                    "so that other tools read the same rule ids and labels"), err=True)
    else:
        write_output(render_whatif(run, fmt), output)
    from evkg.core.safe_text import visible_lines
    from evkg.report.whatif import error_line

    for path, message in run.errors.items():
        if fmt != "text":
            click.echo(visible_lines(error_line(path, message)), err=True)
    return 2 if run.errors else 0
