"""`evkg terms add FILE...` and `evkg terms search WORDS... [--kind K] [--for PROPERTY]`"""
from __future__ import annotations

import json

import click

from evkg.cli.options import NamedPath, OneValueGroup


class _TermsGroup(OneValueGroup):
    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name and not name.startswith("-") and name not in self.commands:
            import difflib
            import shlex

            from evkg.core.safe_text import shortened

            close = difflib.get_close_matches(name, list(self.commands), n=1)
            # the words to search for, not options given to the mistyped command (`evkg terms lst --help`)
            words = shortened(" ".join(shlex.quote(a) for a in (args[1:] if close else args)
                                       if a not in ("-h", "--help")), 200)
            hint = (f"Did you mean: {' '.join(filter(None, ('evkg terms', close[0], words)))}?" if close else
                    f"To find a term by name: evkg terms search {words}")
            raise click.UsageError(f"no command {shortened(name)!r} under `evkg terms` (its commands: add, "
                                   f"search). {hint}", ctx)
        return super().resolve_command(ctx, args)


@click.group(name="terms", cls=_TermsGroup)
def command():
    """The term index that checks ontology terms in descriptions: add ontologies, search terms."""


@command.command(name="add")
@click.argument("files", nargs=-1, required=True, type=NamedPath(dir_okay=False, path_type=str))
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest ontology file accepted, in bytes (default 200 MB, or EVKG_TERMS_MAX_BYTES).")
@click.option("--max-memory", type=click.IntRange(min=256), default=None, metavar="MB",
              help="Memory allowed for reading one file, in MB (default 8192, or EVKG_TERMS_MAX_MEMORY); past it "
                   "the reading is stopped.")
def add_command(files, max_bytes, max_memory):
    """Add whole ontologies to your local term index: OBO (.obo), OWL in RDF/XML (.owl, .rdf) or OBO-Graph
    JSON (.json).

    Once an ontology is added, `evkg check` knows every one of its terms: a term of its prefix that the file
    lacks is reported as nonexistent, an obsolete one as obsolete. Adding a file of the same name again
    replaces it. Imports the file declares are not fetched: add each imported ontology file on its own. The
    index lives in your evkg data folder (EVKG_TERMS_DIR to choose another).

    Reading takes about 45 times a file's size in memory, so a file over --max-bytes is refused and each is
    read in a process of its own, stopped past --max-memory or by Ctrl+C.

    Example:  evkg terms add mondo.owl cl.obo uberon.json
    """
    from evkg.terms.ontology_files import add_ontology_files

    for ontology, path in add_ontology_files(files, max_bytes=max_bytes, max_memory_mb=max_memory):
        covers = ", ".join(ontology.prefixes) or "no single prefix"
        click.echo(f"{ontology.name}: {len(ontology.terms)} terms (covers {covers}), saved in {path}.")
    return 0


@command.command(name="search")
@click.argument("words", nargs=-1, required=True)
@click.option("--kind", "-k", default=None,
              help="Only terms of this kind: disease, celltype, cellline, taxon, anatomicalentity, protein, "
                   "gene, chemicalentity, sequencefeature.")
@click.option("--for", "for_property", default=None, metavar="PROPERTY",
              help="Only terms of the kinds this property of a description takes, e.g. --for indication or "
                   "--for producerCellType; the CURIE shown is the one to write. For a property of evkg's own "
                   "values (--for particleKind), its values whose names match.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many terms, best matches first, e.g. -n 5.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search_command(words, kind, for_property, limit, as_json):
    """Find ontology terms by label, synonym, abbreviation or identifier, in the bundled and the added indexes,
    and evkg's own values (particle kinds, methods, routes …) with the key to write them under. Several words
    are searched as one phrase, with or without quotes.

    \b
    Examples:
      evkg terms search "mesenchymal stem" --kind celltype
      evkg terms search bone marrow --for producerCellType
      evkg terms search osteoarthritis --for indication
      evkg terms search MSC
      evkg terms search sEV --for particleKind
    """
    text = " ".join(words)
    if not text.strip():
        from evkg.core.errors import UsageError

        raise UsageError("give a word, a name or an identifier to search for, e.g. evkg terms search ginger")
    from evkg.authoring.terms import search_terms

    hits = search_terms(text, for_property=for_property, kinds=[kind] if kind else None, limit=limit)
    if as_json:
        click.echo(json.dumps(hits, indent=2, ensure_ascii=False))
        return 0
    if not hits:
        from evkg.authoring.terms import no_match_message

        click.echo(no_match_message(text, for_property))
        return 1
    from evkg.core.safe_text import visible

    phrase = " ".join(text.split()).lower()
    for hit in hits:
        flag = " (obsolete)" if hit["obsolete"] else ""
        # the synonym that matched, so "MSC" shows why mesenchymal stem cell came up
        also = [n for n in hit.get("synonyms", ()) if phrase in n.lower() and phrase not in hit["label"].lower()]
        called = f" (also called {', '.join(also)})" if also else ""
        write = f"; write {' or '.join(hit['write'])}" if hit.get("write") else ""
        click.echo(visible(f"{hit['curie']:<18} {hit['label']}{called}{flag}  [{', '.join(hit['kinds']) or 'kind unknown'}"
                           f"{write}]  <{hit['iri']}>  from {hit['source']}"))
    return 0
