"""`evkg release`"""
from __future__ import annotations

from pathlib import Path

import click

from evkg.cli.options import NamedPath


@click.command(name="release")
@click.option("--out", type=NamedPath(file_okay=False, path_type=Path), default=None,
              help="Folder to write the release into. Default: release/ of the source checkout, or of the "
                   "current folder when evkg is installed as a package.")
@click.option("--history", type=NamedPath(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder holding earlier releases' merged ontologies (evkg-<version>.ttl), to refuse a version "
                   "already released with other content. Default: the history/ folder of the default --out; "
                   "OUT/history is checked too.")
@click.option("--site", default=None, help="Base URL that the w3id.org redirect rules (.htaccess) point to.")
def command(out, history, site):
    """Build the ontology release files: merged OWL, Turtle, JSON-LD and OBO, the base file, shapes, rules,
    mappings, CHANGELOG and w3id redirects.

    Example:  evkg release --out release/
    """
    from evkg.publish.release import DEFAULT_SITE, build_release, default_folder

    release = build_release(out or default_folder(), history=history, site=site or DEFAULT_SITE)
    for path in release.files:
        click.echo(str(path))
    for name, why in release.skipped.items():
        click.echo(f"evkg release: {name} not written: {why}", err=True)
    click.echo(f"evkg release: version {release.version}, {len(release.files)} files in {release.folder}", err=True)
    return 0
