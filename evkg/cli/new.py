"""`evkg new [--kind KIND] [--format yaml|ttl|jsonld]`"""
from __future__ import annotations

import click

from evkg.cli.options import NamedPath, description_form_option

from evkg.authoring.template import TEMPLATE_FORMATS


@click.command(name="new")
@click.option("--kind", "-k", default="generic", show_default=True, metavar="KIND",
              help="Kind of product, e.g. msc-ev, loaded-ev or plant-ev; --list-kinds lists them all.")
@description_form_option("--format", "-f", "fmt", forms=TEMPLATE_FORMATS, default="yaml", show_default=True,
                         help="Form of the description.")
@click.option("--output", "-o", type=NamedPath(dir_okay=False, writable=True),
              help="Write to this file instead of the screen (an existing file is never overwritten).")
@click.option("--list-kinds", is_flag=True, help="List the kinds of product and exit.")
def command(kind, fmt, output, list_kinds):
    """Write a commented starting description for a kind of product.

    Every required fact is an empty key with its allowed values or an example and the source of the
    requirement; recommended facts are commented out; the facts that define the kind are filled in. Checking
    the untouched file lists exactly what is left to fill in.

    Example:  evkg new --kind msc-ev -o knee-ev.yaml && evkg check knee-ev.yaml
    """
    from evkg.authoring.template import kinds, template

    if list_kinds:
        for name, title in kinds().items():
            click.echo(f"{name:16} {title}")
        return 0
    text = template(kind, fmt.lower())
    if output:
        from evkg.core.files import create_text_file

        create_text_file(output, text, what="the description", never_overwrites="evkg new")
        click.echo(f"Written to {output}. Fill it in, then run: evkg check {output}", err=True)
    else:
        click.echo(text, nl=False)
    return 0
