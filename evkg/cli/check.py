"""`evkg check FILE...`"""
from __future__ import annotations

import click

from evkg.cli.options import (
    NamedPath,
    format_for_output,
    format_option,
    input_format_option,
    jurisdiction_option,
    output_option,
    rule_limit_options,
    rules_option,
)
from evkg.report.lines import STREAM_FORMATS
from evkg.report.render import REPORT_FORMATS


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=NamedPath(dir_okay=True, path_type=str))
@format_option(REPORT_FORMATS + STREAM_FORMATS, "text",
               "Report format (ttl: a SHACL-style results graph; jsonl: one JSON line per product, as checked).")
@input_format_option()
@output_option(REPORT_FORMATS + STREAM_FORMATS)
@jurisdiction_option()
@click.option("--explain", is_flag=True,
              help="Also give the full derivation of each classification: after the report in text and "
                   "markdown, inside each product's entry in json, jsonl, html and ttl.")
@click.option("--no-classify", is_flag=True, help="Validate only; skip the regulatory classification.")
@click.option("--allow-remote", is_flag=True,
              help="Allow remote JSON-LD contexts (off by default: nothing is fetched).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input file accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES).")
@rules_option()
@rule_limit_options
@click.option("--profile", type=click.Choice(["submission", "published"]), default="submission", show_default=True,
              help="submission: the facts a regulator needs and the MISEV minimal requirements are violations; "
                   "published: for products described from the literature, the same gaps are warnings.")
@click.option("--fail-on", "fail_on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Exit with 1 when a finding of this severity or a worse one is reported.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for large files and many files (default and most: the number of cores).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or messages.")
def command(files, fmt, input_format, output, jurisdictions, explain, no_classify, allow_remote, max_bytes, rules,
            rule_timeout, rule_memory, profile, fail_on, jobs, quiet):
    """Validate EV product descriptions (Turtle, YAML, JSON, JSON-LD, RDF/XML …) and infer their regulatory
    classification. YAML and JSON use the evkg context (plain keys, value names, CURIEs; see `evkg new`), and
    their findings name the line and key.

    Each FILE is checked on its own (a folder stands for the RDF and YAML descriptions in it, a YAML twin of
    an RDF file beside it left out; give - to read one description
    from standard input, as YAML or JSON when it starts like them, else as Turtle, unless --input-format says
    otherwise); a file that cannot be read gets its
    own error and the others are still checked. A large file is checked in chunks of whole products, spread
    over --jobs worker processes; the results are the same, in the same order, whatever the number of jobs.
    With --format jsonl each product is written as one line of JSON as soon as it is checked. Exit code:
    0 no finding at the --fail-on level or above (by default: every product conforms), 1 some finding is,
    2 a file could not be read or the command was misused, 3 internal error, 141 the output's reader stopped
    reading (`| head -1`) and the check was stopped.

    \b
    Finding ids say what kind of check spoke:
      Q-…     MISEV-based quality of the description (characterisation, separation, release tests)
      V-…     consistency between stated facts (EV role against composition, …)
      F-…     a fact the classification needs is missing
      S-…     the shape of a value: its kind, count, unit or range (e.g. one positive number)
      TERM-…  a term the ontology or the term index does not know, an obsolete term, a term of the wrong
              kind, or an identifier written as text (with the closest names)
      C-…     an organism or source that contradicts the stated origin or source material
      TRUST-… a conclusion (classification outcome, rule, validation result, regulatory category as a
              type) stated in the description
      SRC-…   a source (dct:source) that resolves to no known paper or act

    Example:  evkg check examples/valid/*.ttl --format markdown -o report.md
    """
    from evkg.cli.progress import Progress
    from evkg.core.files import write_text_file
    from evkg.core.safe_text import visible_lines
    from evkg.pipeline.batch import default_jobs, folder_notes, stream_checks

    from evkg.pipeline.check import check_fail_on, rule_files_of, rule_set_words
    from evkg.validation.engine import check_profile

    cores = default_jobs()
    if jobs and jobs > cores:
        # each worker holds the compiled shapes and rules (hundreds of MB): --jobs 5000 on a folder of 5000
        # files started 5000 of them, and the checks are CPU-bound, so more workers than cores gain nothing
        if not quiet:
            click.echo(f"evkg check: --jobs {jobs} is more than the {cores} core(s) this process may use; "
                       f"checking with {cores} worker process(es).", err=True)
        jobs = cores
    jobs = jobs or cores
    if not quiet:
        for note in folder_notes(files):
            click.echo(visible_lines(f"evkg check: {note}"), err=True)
    classify = not no_classify
    report_format = format_for_output(fmt, output)
    check_profile(profile)
    check_fail_on(fail_on)
    if classify and rules:
        from evkg.cli.options import apply_rule_limits

        apply_rule_limits(rule_timeout, rule_memory)      # before the rules are read and the workers forked
    rule_files = rule_files_of(rules) if classify else ()
    settings = {"profile": profile, "fail_on": fail_on,
                "rule_set": rule_set_words(rules) if rule_files else None}
    with Progress("evkg check", quiet=quiet) as bar:
        def progress(files_done, files_total, products_done, path):
            bar.update(files_done, files_total, items=products_done, unit="products")

        events = stream_checks(files, input_format=input_format, allow_remote=allow_remote, max_bytes=max_bytes,
                               classify=classify, explain=explain and classify, jobs=jobs, progress=progress,
                               keep_products=report_format != "jsonl", jurisdictions=jurisdictions or None,
                               rule_files=rule_files, profile=profile)
        if report_format == "jsonl":
            code, errors = _jsonl_to(output, events, settings)
        else:
            pieces: list[str] = []
            code, errors = _render_all(events, report_format, pieces.append, explain and classify, settings)
            text = "".join(pieces)
            if output:
                write_text_file(output, text, what="the output")
            else:
                click.echo(text, nl=False)
    if output and not quiet:
        click.echo(f"Written to {output}.", err=True)
    for error in errors:
        if report_format != "text":
            click.echo(visible_lines(f"error: {error}"), err=True)
    return code


def _jsonl_to(output: str | None, events, settings: dict):
    """Stream JSON Lines to standard output or to OUTPUT; a failed write says where and why."""
    if not output:
        return _stream_jsonl(events, lambda text: click.echo(text, nl=False), settings)
    from pathlib import Path

    from evkg.core.files import OutputError, describe_os_error

    path = Path(output)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write the output to {path}: the folder {path.parent} does not exist. "
                          "Create it first or choose another place.")
    try:
        with open(path, "w", encoding="utf-8") as handle:
            return _stream_jsonl(events, handle.write, settings)
    except OSError as exc:
        raise OutputError(f"cannot write the output to {path}: {describe_os_error(exc)}") from None


def _stream_jsonl(events, write, settings: dict):
    """Write each product as soon as it is checked; keep only the counts."""
    from evkg.pipeline.check import FileCheck, Tally
    from evkg.report.lines import file_line, product_line, summary_line

    tally, errors, written_at = Tally(settings["profile"], settings["fail_on"]), [], {}
    for kind, path, item in events:
        if kind == "source":
            written_at[path] = FileCheck(path=path, source_map=item)
            continue
        if kind == "product":
            tally.add_product(item)
            write(product_line(path, item, written_at.get(path)))
            continue
        written_at.pop(path, None)
        tally.add_file(item)
        write(file_line(item))
        if item.error:
            errors.append(item.error)
    write(summary_line(tally.summary()))
    return tally.exit_code, errors


# Formats that end with the derivations as plain text; json, html and ttl embed them per product.
_APPENDED_EXPLANATION = ("text", "markdown")


def _render_all(events, report_format: str, write, explain: bool, settings: dict):
    from evkg.pipeline.check import CheckRun
    from evkg.report.render import render

    run = CheckRun(files=[entry for kind, _, entry in events if kind == "file"], rule_set=settings["rule_set"],
                   profile=settings["profile"], fail_on=settings["fail_on"])
    text = render(run, report_format)
    if explain and report_format in _APPENDED_EXPLANATION:
        from evkg.classification.explain import explain_run

        text += "\n" + (_markdown_derivations(run) if report_format == "markdown" else explain_run(run))
    write(text)
    return run.exit_code, [f.error for f in run.files if f.error]


def _markdown_derivations(run) -> str:
    """The derivations under a "Derivations" heading, each product's in a fenced code block (a Markdown
    renderer would otherwise join its indented lines into one paragraph), per file."""
    import re

    from evkg.core.safe_text import markdown_code_span, markdown_inert, visible

    def fenced(text: str) -> str:
        longest = max((len(run_) for run_ in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}text\n{text.rstrip()}\n{fence}\n"

    parts = ["## Derivations\n"]
    for file in run.files:
        texts = [p.explanation for p in file.products if p.explanation is not None]
        if not texts:
            continue
        parts.append(f"### {markdown_code_span(visible(file.path))}\n")
        parts += [fenced(text) for text in texts]
        parts += [f"**Consistency error:** {markdown_inert(visible(error))}\n" for error in file.consistency_errors]
    if len(parts) == 1:
        parts.append("No product was classified, so there is no derivation to give.\n")
    return "\n".join(parts)
