"""`evkg explain FILE...`: the full derivation of every classification answer, in plain words."""
from __future__ import annotations

import click

from evkg.cli.options import (NamedPath, format_for_output, format_option, input_format_option, jurisdiction_option,
                              output_option, rules_option, write_output)

EXPLAIN_FORMATS = ("text", "markdown", "json")


@click.command(name="explain")
@click.argument("files", nargs=-1, required=True, type=NamedPath(exists=False, dir_okay=False, path_type=str))
@input_format_option()
@jurisdiction_option()
@format_option(EXPLAIN_FORMATS, "text", "Output format.")
@output_option()
@rules_option("Explain")
def command(files, input_format, jurisdictions, fmt, output, rules):
    """Print, for each product and jurisdiction, every classification question with its answer and the full
    derivation: rule, facts used, earlier conclusions, status and why, legal sources, alternatives and the
    facts still missing.

    \b
    Example:
      evkg explain examples/valid/*.ttl -j EU --format markdown -o derivation.md
    """
    from evkg.classification.engine import JURISDICTIONS, classify
    from evkg.classification.explain import explain_document
    from evkg.classification.knowledge import knowledge
    from evkg.classification.rule_sets import resolve
    from evkg.io.load import guess_format, is_structured_format, load_rdf

    _, rule_files = resolve(rules)
    knowledge(rule_files)           # a broken rule file is reported before any description is read
    documents = []
    for path in files:
        graph = load_rdf(path, input_format=input_format)
        documents.append((path, graph, classify(graph, jurisdictions=jurisdictions or JURISDICTIONS,
                                                rule_files=rule_files)))
    in_form = {path for path in files if is_structured_format(guess_format(path, input_format))}
    write_output(explain_document(documents, format_for_output(fmt, output), in_form_paths=in_form), output)
    return 0
