"""`evkg new [--kind KIND] [--format yaml|ttl|jsonld]`"""
from __future__ import annotations

import click

from evkg.cli.options import NamedPath, description_form_option

from evkg.authoring.template import TEMPLATE_FORMATS


@click.command(name="new")
@click.argument("extra", nargs=-1, metavar="")
@click.option("--kind", "-k", default="generic", show_default=True, metavar="KIND",
              help="Kind of product, e.g. msc-ev, loaded-ev or plant-ev; --list-kinds lists them all.")
@description_form_option("--format", "-f", "fmt", forms=TEMPLATE_FORMATS, default="yaml", show_default=True,
                         help="Form of the description.")
@click.option("--output", "-o", type=NamedPath(dir_okay=False, writable=True),
              help="Write to this file instead of the screen (an existing file is never overwritten); without "
                   "--format, its extension (.yaml, .ttl, .jsonld) chooses the form.")
@click.option("--list-kinds", is_flag=True, help="List the kinds of product and exit.")
def command(extra, kind, fmt, output, list_kinds):
    """Write a commented starting description for a kind of product.

    Every required fact is an empty key with its allowed values or an example and the source of the
    requirement; recommended facts are commented out; the facts that define the kind are filled in. Checking
    the untouched file lists exactly what is left to fill in.

    Example:  evkg new --kind msc-ev -o knee-ev.yaml && evkg check knee-ev.yaml
    """
    from evkg.authoring.template import kinds, template

    if extra:                               # `evkg new msc-ev`: click said only "unexpected extra argument"
        import shlex

        from evkg.core.errors import UsageError
        from evkg.core.safe_text import shortened

        word = shortened(extra[0], 60)
        if extra[0] in kinds() and len(extra) == 1:
            raise UsageError(f"give the kind with --kind: evkg new --kind {extra[0]}"
                             + (f" -o {shlex.quote(output)}" if output else " -o my-product.yaml"))
        raise UsageError(f"`evkg new` takes no file or word {word!r} on its own: give the kind with --kind "
                         f"(evkg new --list-kinds lists them) and the file to write with -o, e.g. "
                         "evkg new --kind msc-ev -o my-product.yaml")
    if list_kinds:
        for name, title in kinds().items():
            click.echo(f"{name:16} {title}")
        return 0
    if output:
        fmt = _form_for(output, fmt, click.get_current_context().get_parameter_source("fmt"))
    text = template(kind, fmt.lower())
    if output:
        from evkg.core.files import create_text_file

        create_text_file(output, text, what="the description", never_overwrites="evkg new")
        click.echo(f"Written to {output}. Fill it in, then run: evkg check {output}", err=True)
    else:
        click.echo(text, nl=False)
    return 0


_FORM_NAMES = {"yaml": "YAML", "ttl": "Turtle", "jsonld": "JSON-LD"}


def _form_for(output: str, fmt: str, source) -> str:
    """The form to write to `output`: the one `evkg check` will read it as (by its extension), so that the
    file written can be checked as the message says; a contradicting --format is refused."""
    from click.core import ParameterSource

    from evkg.core.errors import InputError, UsageError
    from evkg.io.load import guess_format

    try:
        read_as = {"yaml": "yaml", "turtle": "ttl", "json-ld": "jsonld"}.get(guess_format(output))
    except InputError:
        read_as = None
    if read_as is None:
        raise UsageError(f"evkg check reads a description by its extension, and would not read {output} as one "
                         f"the template can be written in: name it .yaml, .ttl or .jsonld.")
    if source in (ParameterSource.DEFAULT, None):
        return read_as
    if fmt.lower() != read_as:
        raise UsageError(f"--format {fmt} writes {_FORM_NAMES[fmt.lower()]}, but evkg check would read {output} "
                         f"as {_FORM_NAMES[read_as]}: name the file for its form, or leave out --format.")
    return fmt
