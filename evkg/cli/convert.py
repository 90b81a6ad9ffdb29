"""`evkg convert FILE --to ttl|jsonld|yaml`"""
from __future__ import annotations

from pathlib import Path

import click

from evkg.cli.options import NamedPath, description_form_option
from evkg.io.load import input_format_names
from evkg.io.write import OUTPUT_FORMATS


@click.command(name="convert")
@click.argument("file", type=NamedPath(dir_okay=False, path_type=str))
@description_form_option("--to", "to_format", forms=OUTPUT_FORMATS, required=True,
                         help="Form to write: ttl (Turtle), jsonld (JSON-LD with the evkg context) or yaml.")
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="Format of FILE (default: from its extension).")
@click.option("--output", "-o", type=NamedPath(dir_okay=False, writable=True),
              help="Write to this file instead of the screen.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input file accepted, in bytes (default 50 MB, or EVKG_MAX_BYTES).")
def command(file, to_format, input_format, output, max_bytes):
    """Convert a description between Turtle, JSON-LD and YAML without losing any statement.

    YAML and JSON-LD use the evkg context: plain keys (intendedUse), plain value names (Treatment) and
    CURIEs (MONDO:0005178). Reading the output back gives the same graph, so `evkg check` gives the same
    findings and classification for every form.

    -o never writes over FILE itself nor under an extension of another format, and a write that fails (a full
    disk) leaves any file already there as it was.

    \b
    Example:
      evkg convert examples/valid/e1-ucmsc-sev-neonatal-lung.ttl --to yaml -o e1.yaml
    """
    from evkg.core.safe_text import visible
    from evkg.io.load import load_rdf
    from evkg.io.write import serialise

    if output:
        _refuse_unfit_output(file, output, to_format.lower())
    graph = load_rdf(file, input_format=input_format, max_bytes=max_bytes)
    text = serialise(graph, to_format.lower())
    if _has_comments(file):
        click.echo(f"note: the comments (# …) of {visible(file)} are not carried over: the converted description holds "
                   f"its statements only. Keep {visible(file)} for them, or state a note as a fact, which is kept "
                   "(comment: … in YAML, rdfs:comment in Turtle).", err=True)
    if output:
        from evkg.core.files import write_text_file

        # through a temporary file: a full disk never leaves a half-written file in place of a complete one
        write_text_file(output, text, what="the converted description")
        click.echo(f"Written to {output}.", err=True)
    else:
        click.echo(text, nl=False)
    return 0


def _has_comments(file: str) -> bool:
    """Whether the file (already read and accepted, so of a bounded size) holds a comment line or a comment
    after a value: YAML and Turtle comments are no statements, so no other form keeps them."""
    import re

    if file == "-":
        return False
    try:
        text = Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"(?m)^[ \t]*#|[ \t]#[ \t]", text) is not None


# the input format each --to writes, as guess_format names it from a file extension
_WRITTEN_AS = {"ttl": "turtle", "jsonld": "json-ld", "yaml": "yaml"}


def _refuse_unfit_output(file: str, output: str, to_format: str) -> None:
    """Refuse an output that would replace the input itself (its comments and layout would be lost) or whose
    extension names another format than the one written (`evkg check` would read it as that format)."""
    from evkg.core.errors import UsageError
    from evkg.io.load import EXTENSIONS

    source, target = Path(file), Path(output)
    try:
        same = target.exists() and source.exists() and target.samefile(source)
    except OSError:
        same = False
    wanted = {"ttl": ".ttl", "jsonld": ".jsonld", "yaml": ".yaml"}[to_format]
    if same:
        # the name offered must be one this check accepts: the extension of the format written
        other = target.with_suffix(wanted)
        offered = other.name if other.suffix.lower() != target.suffix.lower() and not other.exists() \
            else f"{target.stem}-converted{wanted}"
        raise UsageError(f"{output} is the file being converted; writing over it would lose its comments and "
                         f"layout. Write to another file, e.g. -o {offered}.")
    named = EXTENSIONS.get(target.suffix.lower())
    if named is not None and named != _WRITTEN_AS[to_format]:
        raise UsageError(f"{output} names a {target.suffix} file, but --to {to_format} writes another format, which "
                         f"`evkg check` would then misread. Name the output {target.stem}{wanted}, or choose the "
                         f"--to that matches its extension.")
