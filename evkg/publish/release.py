"""Build an ontology release into one folder (`evkg release`, `python -m evkg.publish.release`).

Files written (release/ by default):

    evkg.owl, evkg.ttl, evkg.jsonld   the merged ontology: every module of the import closure in one file,
                                      one owl:Ontology header (the top module's, without owl:imports)
    evkg.obo                          the OBO flat-file form, written by the OWL API's OBO writer (when the
                                      OWL API runner is available; see evkg.publish.owlapi)
    evkg-base.owl, evkg-base.ttl      evkg's own axioms only: no external term declarations, no axioms about
                                      external terms
    evkg-shapes.ttl, evkg-rules.ttl   the SHACL validation shapes and the SHACL-AF classification rules
    evkg.sssom.tsv                    the mappings to OBI, IAO, GO, UO, NCIt and IDMP-O
    history/evkg-<version>.ttl        this release's merged ontology, kept for the next CHANGELOG
    CHANGELOG.md                      one section per release, generated from history/
    LICENSE-CC-BY-4.0.txt, .htaccess  the licence, and the w3id.org redirect rules for the namespace

Only the history of earlier releases is read (from --history, else the checkout's release/history/, else the
output folder); everything else is regenerated from the bundled ontology, shapes and mappings.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL

from evkg.core import resources
from evkg.core.namespaces import PREFIXES
from evkg.publish import changelog, owlapi

ONTOLOGY_IRI = resources.ONTOLOGY_IRI
EVKG = PREFIXES["evkg"]
DEFAULT_SITE = "https://evkg.example.org"     # where `evkg serve` runs once the w3id namespace is registered


@dataclass
class Release:
    folder: Path
    version: str
    files: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)     # file -> why it was not written


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace, override=True)
    return graph


def merged_ontology() -> Graph:
    """Every module of the import closure in one graph, with the top module's header only."""
    merged = Graph()
    for iri, path in resources.ontology_modules(ONTOLOGY_IRI):
        module = Graph().parse(path, format="turtle")
        if iri != ONTOLOGY_IRI:
            module.remove((URIRef(iri), None, None))
        merged += module
    merged.remove((URIRef(ONTOLOGY_IRI), OWL.imports, None))
    return _bind(merged)


def _is_own(term) -> bool:
    return isinstance(term, URIRef) and (str(term).startswith(EVKG) or str(term) == ONTOLOGY_IRI)


def base_ontology(merged: Graph) -> Graph:
    """evkg's own axioms: statements about evkg terms (and the blank-node axioms they lead to)."""
    from evkg.io.rdf import add_bounded_description

    base = Graph()
    add_bounded_description(merged, {s for s in merged.subjects() if _is_own(s)}, base)
    return _bind(base)


def _shapes_graph() -> Graph:
    graph = Graph()
    for path in resources.shape_files():
        graph.parse(path, format="turtle")
    return _bind(graph)


def _rules_graph() -> Graph:
    graph = Graph()
    for path in resources.rule_files() + [resources.folder("shapes") / "prefixes.ttl"]:
        graph.parse(path, format="turtle")
    return _bind(graph)


def _with_stable_blank_nodes(graph: Graph) -> Graph:
    """The graph with each blank node named by a digest of what it says, recursively.

    rdflib names blank nodes anew in every process and its Turtle writer orders them by name, so two runs
    wrote axioms such as two owl:AllDifferent in either order. Blank nodes that say the same are written alike
    wherever they stand, so any numbering among them gives the same bytes."""
    import hashlib

    digests: dict = {}

    def digest(node, visiting=frozenset()) -> str:
        if node not in digests:
            parts = sorted(f"{p.n3()} {digest(o, visiting | {node}) if isinstance(o, BNode) and o not in visiting else o.n3()}"
                           for p, o in graph.predicate_objects(node))
            digests[node] = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()
        return digests[node]

    names: dict = {}
    seen: dict[str, int] = {}
    for node in sorted({n for t in graph for n in (t[0], t[2]) if isinstance(n, BNode)}, key=digest):
        seen[digest(node)] = seen.get(digest(node), -1) + 1
        names[node] = BNode(f"b{digest(node)}{seen[digest(node)]}")
    stable = _bind(Graph())
    for s, p, o in graph:
        stable.add((names.get(s, s), p, names.get(o, o)))
    return stable


def _convert(turtle: Path, target: Path, release: Release) -> Path:
    """Rewrite a Turtle file as RDF/XML or (expanded) JSON-LD, byte for byte the same on every run.

    rdflib's Turtle writer sorts its output; its RDF/XML and JSON-LD writers follow hash order and random blank
    node names. Oxigraph writes triples in the order given, so the Turtle file's order is kept and blank nodes
    are named by first appearance.
    """
    import pyoxigraph

    names: dict[str, pyoxigraph.BlankNode] = {}

    def stable(term):
        if isinstance(term, pyoxigraph.BlankNode):
            return names.setdefault(term.value, pyoxigraph.BlankNode(f"b{len(names)}"))
        return term

    triples = [pyoxigraph.Triple(stable(q.subject), q.predicate, stable(q.object))
               for q in pyoxigraph.parse(path=str(turtle), format=pyoxigraph.RdfFormat.TURTLE)]
    fmt = pyoxigraph.RdfFormat.from_extension(target.suffix.lstrip(".").replace("owl", "rdf"))
    if fmt == pyoxigraph.RdfFormat.JSON_LD:
        text = pyoxigraph.serialize(triples, format=fmt).decode("utf-8")
        target.write_text(json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        pyoxigraph.serialize(triples, str(target), format=fmt, prefixes=dict(sorted(PREFIXES.items())))
    release.files.append(target)
    return target


def htaccess(version: str, site: str) -> str:
    """Redirect rules for https://w3id.org/evkg (the w3id.org project's .htaccess conventions)."""
    files = f"{site}/release/{version}"
    return f"""# w3id.org/evkg: persistent identifiers of the evkg ontology, its releases and its terms.
# Install as w3id.org/evkg/.htaccess. The targets are an `evkg serve` deployment at {site}
# (`evkg release --site URL` writes another host).
Options +FollowSymLinks
RewriteEngine on

# The ontology IRI (and so every evkg# term, whose fragment never reaches the server): the merged release in
# the format asked for, else the documentation page.
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^$ {files}/evkg.owl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^$ {files}/evkg.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^$ {files}/evkg.jsonld [R=303,L]
RewriteRule ^$ {site}/ontology [R=303,L]

# Release files: https://w3id.org/evkg/<version>/<file>, and the version IRI itself.
RewriteRule ^([0-9][0-9.]*)$ {site}/release/$1/evkg.owl [R=303,L]
RewriteRule ^([0-9][0-9.]*)/(.+)$ {site}/release/$1/$2 [R=303,L]
RewriteRule ^(evkg[-a-z]*\\.(owl|ttl|jsonld|obo))$ {files}/$1 [R=303,L]

# Documentation, and every other IRI under the namespace (data, shapes, modules): the term server, which
# answers HTML, Turtle, JSON-LD, RDF/XML or N-Triples by content negotiation.
RewriteRule ^ontology$ {site}/ontology [R=303,L]
RewriteRule ^(.+)$ {site}/evkg/$1 [R=303,L]
"""


def build_release(out: Path, *, history: Path | None = None, site: str = DEFAULT_SITE,
                  obo: bool = True) -> Release:
    """Write the release files into `out`; see the module docstring."""
    check_site(site)
    check_release_folder(out)
    merged = merged_ontology()
    version = changelog.version_of(merged)
    if history is None and (default_folder() / "history").is_dir():
        history = default_folder() / "history"       # the checkout's record of earlier releases
    for folder in dict.fromkeys(f for f in (history, out / "history") if f is not None):
        check_version_is_new_or_unchanged(merged, version, folder)
    out.mkdir(parents=True, exist_ok=True)
    # written into a folder of its own inside `out`, then moved in file by file: a move replaces a link of the
    # same name instead of writing where it points, and a failed release leaves the previous one whole
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=out))
    try:
        earlier = [folder for folder in (out / "history", history) if folder is not None and folder.is_dir()]
        release = _write_release(staging, merged, version, earlier, site, obo)
        (out / "history").mkdir(exist_ok=True)
        for written in sorted(f for f in staging.rglob("*") if f.is_file()):
            os.replace(written, out / written.relative_to(staging))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Release(out, version, [out / f.relative_to(staging) for f in release.files], release.skipped)


# what a release folder holds; another file there means --out names a folder of something else
RELEASE_FILES = frozenset({"evkg.ttl", "evkg.owl", "evkg.jsonld", "evkg.obo", "evkg-base.ttl", "evkg-base.owl",
                           "evkg-shapes.ttl", "evkg-rules.ttl", "evkg.sssom.tsv", "history", "CHANGELOG.md",
                           "LICENSE-CC-BY-4.0.txt", ".htaccess"})


def check_site(site: str) -> None:
    """Raise UsageError unless `site` is an http(s) address that a redirect rule can hold as it is: a space, a
    line break or a quote would end the rule there and let the rest of the text become rules of its own."""
    import re

    from evkg.core.errors import UsageError
    from evkg.core.safe_text import visible

    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?", site):
        raise UsageError(f"--site '{visible(site)[:200]}' is not a web address the redirect rules can point to; "
                         "give the address of the evkg serve deployment, e.g. --site https://evkg.example.org "
                         "(http or https, no spaces or quotes).")


def check_release_folder(out: Path) -> None:
    """Raise UsageError unless `out` is new, empty or a release folder: a folder holding other files (a
    project's own CHANGELOG.md beside its sources) is not overwritten, nor is a link inside it followed."""
    from evkg.core.errors import UsageError

    if not out.is_dir():
        return
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(".release-"):          # left by a release that was killed
            continue
        if entry.is_symlink() and entry.name in RELEASE_FILES:
            raise UsageError(f"{entry} is a link to {os.readlink(entry)}; evkg release writes its files in the "
                             "release folder itself and never through a link. Remove the link and run it again.")
        if entry.name not in RELEASE_FILES:
            raise UsageError(f"{out} is not a release folder: it holds {entry.name}, which evkg release does not "
                             "write, so its files (CHANGELOG.md, .htaccess …) would replace yours. Give --out a "
                             "new or empty folder, or the release folder of an earlier release.")
    history = out / "history"
    links = sorted(e.name for e in history.iterdir() if e.is_symlink()) if history.is_dir() else []
    if links:
        raise UsageError(f"{history} holds links ({', '.join(links)}); evkg release reads and writes the "
                         "history of releases as files of its own. Replace the links by the files.")


def _write_release(out: Path, merged: Graph, version: str, histories: list[Path], site: str, obo: bool
                   ) -> Release:
    """Write the release into the empty folder `out`, with the earlier releases' merged ontologies of
    `histories` (the last one given wins)."""
    release = Release(out, version)

    def write(name: str, graph: Graph, fmt: str, **options) -> Path:
        path = out / name
        _with_stable_blank_nodes(graph).serialize(destination=str(path), format=fmt, encoding="utf-8", **options)
        release.files.append(path)
        return path

    turtle = write("evkg.ttl", merged, "turtle")
    owl_file = _convert(turtle, out / "evkg.owl", release)
    _convert(turtle, out / "evkg.jsonld", release)
    _convert(write("evkg-base.ttl", base_ontology(merged), "turtle"), out / "evkg-base.owl", release)
    write("evkg-shapes.ttl", _shapes_graph(), "turtle")
    write("evkg-rules.ttl", _rules_graph(), "turtle")
    if obo and owlapi.available():
        release.files.append(owlapi.write_obo(owl_file, out / "evkg.obo"))
    else:
        release.skipped["evkg.obo"] = "the OWL API runner is not available: " + owlapi.INSTALL_HINT

    history_out = out / "history"
    history_out.mkdir(exist_ok=True)
    for history in histories:
        for earlier in sorted(history.glob("evkg-*.ttl")):
            if earlier.name != f"evkg-{version}.ttl":
                shutil.copyfile(earlier, history_out / earlier.name)
    write(f"history/evkg-{version}.ttl", merged, "turtle")
    changes = out / "CHANGELOG.md"
    changes.write_text(changelog.changelog(history_out), encoding="utf-8")
    release.files.append(changes)

    for name, source in (("evkg.sssom.tsv", resources.folder("mappings") / "evkg.sssom.tsv"),
                         ("LICENSE-CC-BY-4.0.txt", _licence_file())):
        shutil.copyfile(source, out / name)
        release.files.append(out / name)
    (out / ".htaccess").write_text(htaccess(version, site.rstrip("/")), encoding="utf-8")
    release.files.append(out / ".htaccess")
    return release


def check_version_is_new_or_unchanged(merged: Graph, version: str, history: Path) -> None:
    """A version, once released, names one ontology: releasing changed terms under it would give two
    different files the same version IRI. Raises UsageError when `history` holds this version with other
    content."""
    from evkg.core.errors import UsageError

    released = history / f"evkg-{version}.ttl"
    if not released.is_file():
        return
    if not changelog.same_statements(merged, Graph().parse(released, format="turtle")):
        raise UsageError(
            f"version {version} was already released ({released}) and the ontology has changed since. Give "
            f"the changes a new version: in ontology/evkg.ttl set owl:versionInfo and owl:versionIRI to the "
            f"next version, owl:priorVersion to https://w3id.org/evkg/{version}, and __version__ in "
            f"evkg/__init__.py to the same, then run evkg release again.")


def _licence_file() -> Path:
    return resources.bundle_root() / "LICENSE-CC-BY-4.0.txt"


def default_folder() -> Path:
    """release/ of the source checkout evkg runs from; installed from a wheel, release/ of the current folder
    (the folder above the package is then site-packages)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology").is_dir():
        return checkout / "release"
    return Path.cwd() / "release"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evkg.publish.release", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_folder())
    parser.add_argument("--history", type=Path, default=None,
                        help="folder of earlier releases' merged ontologies (default: OUT/history)")
    parser.add_argument("--site", default=DEFAULT_SITE, help="base URL the w3id redirects point to")
    args = parser.parse_args(argv)
    release = build_release(args.out, history=args.history, site=args.site)
    for path in release.files:
        print(f"wrote {path}", file=sys.stderr)
    for name, why in release.skipped.items():
        print(f"skipped {name}: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
