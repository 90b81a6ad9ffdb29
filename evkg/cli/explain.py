"""`evkg explain FILE...`: the full derivation of every classification answer, in plain words."""
from __future__ import annotations

import click

from evkg.cli.options import (NamedPath, format_for_output, format_option, input_format_option, jurisdiction_option,
                              output_option, rules_option, write_output)

EXPLAIN_FORMATS = ("text", "markdown", "json")


@click.command(name="explain")
@click.argument("files", nargs=-1, required=True, type=NamedPath(exists=False, dir_okay=True, path_type=str))
@input_format_option()
@jurisdiction_option()
@format_option(EXPLAIN_FORMATS, "text", "Output format.")
@output_option(EXPLAIN_FORMATS)
@rules_option("Explain")
def command(files, input_format, jurisdictions, fmt, output, rules):
    """Print, for each product and jurisdiction, every classification question with its answer and the full
    derivation: rule, facts used, earlier conclusions, status and why, legal sources, alternatives and the
    facts still missing. A folder stands for the descriptions in it, as for `evkg check`.

    \b
    Example:
      evkg explain examples/valid/*.ttl -j EU --format markdown -o derivation.md
    """
    from evkg.classification.engine import JURISDICTIONS, classify
    from evkg.classification.explain import explain_document
    from evkg.classification.knowledge import knowledge
    from evkg.classification.rule_sets import resolve
    from evkg.io.load import guess_format, is_structured_format, load_rdf
    from pathlib import Path

    from evkg.pipeline.batch import expand, no_description_in

    files = expand(files)
    for path in files:
        if Path(path).is_dir():                  # a folder with no description in it
            raise no_description_in(Path(path))
    _, rule_files = resolve(rules)
    knowledge(rule_files)           # a broken rule file is reported before any description is read
    documents = []
    for path in files:
        graph = load_rdf(path, input_format=input_format)
        documents.append((path, graph, classify(graph, jurisdictions=jurisdictions or JURISDICTIONS,
                                                rule_files=rule_files)))
    in_form = {path for path in files if is_structured_format(guess_format(path, input_format))}
    notes = {path: _checks_note(path, graph) for path, graph, _ in documents}
    write_output(explain_document(documents, format_for_output(fmt, output), in_form_paths=in_form,
                                  notes={p: n for p, n in notes.items() if n}), output)
    empty = [path for path, _, result in documents if not result.products]
    for path in empty:                         # as `evkg check` ends for such a file: exit code 2
        from evkg.core.safe_text import visible

        click.echo(f"error: {visible(path)}: describes no product (no node is typed evkg:EVProduct).", err=True)
    return 2 if empty else 0


def _checks_note(path: str, graph) -> str:
    """A line saying that the description fails its checks: the derivation alone reads as if all were well,
    while a fact given as text, or on the wrong node, is left out of every answer."""
    import shlex

    from evkg.validation.engine import validate

    report = validate(graph)
    if report.conforms:
        return ""
    results = [r for p in report.products for r in p.results] + list(report.unattributed)
    violations = sum(r.severity == "Violation" for r in results)
    warnings = sum(r.severity == "Warning" for r in results)
    return (f"Checks: this description does NOT conform ({violations} violation(s), {warnings} warning(s)); the "
            f"answers below use only the facts the checks could read. `evkg check {shlex.quote(path)}` lists the "
            f"findings.")
    return 0
