"""`evkg reason FILE...`"""
from __future__ import annotations

import contextlib
import threading
import time

import click

from evkg.cli.options import NamedPath

from evkg.io.load import input_format_names


@click.command(name="reason")
@click.argument("files", nargs=-1, type=NamedPath(dir_okay=True, path_type=str))
@click.option("--input-format", type=click.Choice(input_format_names(), case_sensitive=False),
              help="RDF format of the input files (default: from each file's extension).")
@click.option("--allow-remote", is_flag=True,
              help="Allow remote JSON-LD contexts (off by default: nothing is fetched).")
def command(files, input_format, allow_remote):
    """Cross-check the regulatory classification of EV products with the OWL ontology (HermiT).

    Loads the ontology and the product descriptions in FILE..., lets the HermiT reasoner infer each product's
    category from the ontology's category definitions, and compares that with what the classification rules
    concluded. With no FILE, checks the ontology alone. Needs Java.

    Progress goes to stderr. Exit code: 0 consistent and in agreement, 1 an inconsistency or a disagreement,
    2 a file could not be read or Java is missing.

    Example:  evkg reason examples/valid/e1-ucmsc-sev-neonatal-lung.ttl
    """
    from rdflib import Graph

    from evkg.classification.reason import check_ontology, cross_check, java_command, labels
    from evkg.core.errors import InputError
    from evkg.io.load import load_rdf

    java = java_command()                # before any work: no Java, no point reading the files
    click.echo(f"evkg reason: using Java at {java}", err=True)
    data, bad = Graph(), 0
    for path in files:
        try:
            data += load_rdf(path, input_format=input_format, allow_remote=allow_remote)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            bad += 1
    if files and bad == len(files):
        raise click.exceptions.Exit(2)

    if not files:
        with _ticking("checking the ontology with HermiT"):
            verdict = check_ontology()
        click.echo(_ontology_verdict(verdict.consistent, verdict.unsatisfiable))
        raise click.exceptions.Exit(0 if verdict.ok else 1)

    with _ticking(f"reasoning over the ontology and {len(files) - bad} description(s) with HermiT"):
        result = cross_check(data)
    names = labels()
    click.echo(_ontology_verdict(result.consistent, result.unsatisfiable, with_data=True))
    if result.consistent:
        click.echo(f"Compared {len(result.products)} product(s) on {len(result.categories)} categories the "
                   f"ontology defines.")
        for disagreement in result.disagreements:
            click.echo("  DISAGREE " + disagreement.describe(names))
        if not result.disagreements:
            click.echo("The OWL definitions and the classification rules agree on every product.")
    for node, prop, value in result.unreadable:
        click.echo(f"Left out: {names.get(str(prop), str(prop))} {str(value)!r} of {str(node).rsplit('/', 1)[-1]} "
                   f"is not a value of its type; `evkg check` says where it is and how to write it.")
    raise click.exceptions.Exit(2 if bad else (0 if result.agree else 1))


@contextlib.contextmanager
def _ticking(what: str, every: float = 10.0):
    """Say what is running, then every `every` seconds that it still runs (HermiT can take minutes)."""
    click.echo(f"evkg reason: {what} …", err=True)
    started = time.monotonic()
    done = threading.Event()

    def tick():
        while not done.wait(every):
            click.echo(f"evkg reason: still {what.split(' ', 1)[0]} ({time.monotonic() - started:.0f} s)", err=True)

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
    click.echo(f"evkg reason: done in {time.monotonic() - started:.1f} s", err=True)


def _ontology_verdict(consistent: bool, unsatisfiable: list[str], with_data: bool = False) -> str:
    what = "The ontology with these product descriptions" if with_data else "The ontology"
    if not consistent:
        return (f"{what} is INCONSISTENT: some statement contradicts the ontology (for example two values "
                f"for a property that takes one, such as two EV roles or two cell-content values). Correct "
                f"the description and run again.")
    if unsatisfiable:
        return (f"{what} is consistent, but these classes can have no member (a modelling error in the "
                f"ontology): " + ", ".join(unsatisfiable))
    return f"{what} is consistent; every class can have members."
