"""`evkg check FILE...`"""
from __future__ import annotations

import sys

import click

from evkg.cli.options import (format_option, input_format_option, jurisdiction_option, output_option, rules_option,
                              write_output)
from evkg.report.render import REPORT_FORMATS


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@format_option(REPORT_FORMATS, "text", "Report format (ttl: a SHACL-style results graph).")
@input_format_option()
@output_option()
@jurisdiction_option()
@click.option("--explain", is_flag=True, help="Also print the full derivation of each classification.")
@click.option("--no-classify", is_flag=True, help="Validate only; skip the regulatory classification.")
@click.option("--allow-remote", is_flag=True,
              help="Allow remote JSON-LD contexts (off by default: nothing is fetched).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input file accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES).")
@rules_option()
@click.option("--profile", type=click.Choice(["submission", "published"]), default="submission", show_default=True,
              help="submission: the facts a regulator needs and the MISEV minimal requirements are violations; "
                   "published: for products described from the literature, the same gaps are warnings.")
@click.option("--fail-on", "fail_on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Exit with 1 when a finding of this severity or a worse one is reported.")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def command(files, fmt, input_format, output, jurisdictions, explain, no_classify, allow_remote, max_bytes, rules,
            profile, fail_on, quiet):
    """Validate EV product descriptions (Turtle, YAML, JSON, JSON-LD, RDF/XML …) and infer their regulatory
    classification. YAML and JSON use the evkg context (plain keys, value names, CURIEs; see `evkg new`), and
    their findings name the line and key.

    Each FILE is checked on its own (give - to read one description from standard input, as Turtle unless
    --input-format says otherwise); a file that cannot be read gets its own error and the others are
    still checked. Exit code: 0 no finding at the --fail-on level or above (by default: every product
    conforms), 1 some finding is, 2 a file could not be read or the command was misused, 3 internal error.

    \b
    Finding ids say what kind of check spoke:
      Q-…     MISEV-based quality of the description (characterisation, separation, release tests)
      V-…     consistency between stated facts (EV role against composition, …)
      F-…     a fact the classification needs is missing
      S-…     the shape of a value: its kind, count, unit or range (e.g. one positive number)
      TERM-…  a term the ontology or the term index does not know, an obsolete term, a term of the wrong
              kind, or an identifier written as text (with the closest names)
      C-…     an organism or source that contradicts the stated origin or source material
      TRUST-… a conclusion (classification outcome, rule, validation result) stated in the description
      SRC-…   a source (dct:source) that resolves to no known paper or act

    Example:  evkg check examples/valid/*.ttl --format markdown -o report.md
    """
    from evkg.pipeline import check_files
    from evkg.report.render import render

    show_progress = not quiet and len(files) > 1 and sys.stderr.isatty()

    def progress(index, total, path):
        if show_progress:
            click.echo(f"[{index}/{total}] {path}", err=True)

    run = check_files(files, input_format=input_format, allow_remote=allow_remote, max_bytes=max_bytes,
                      classify=not no_classify, progress=progress, jurisdictions=jurisdictions or None,
                      rules=rules, profile=profile, fail_on=fail_on)
    report_format = fmt
    text = render(run, report_format)
    if explain and not no_classify:
        from evkg.classification.explain import explain_run

        text += "\n" + explain_run(run)
    write_output(text, output, quiet)
    for file in run.files:
        if file.error and report_format != "text":
            click.echo(f"error: {file.error}", err=True)
    return run.exit_code
