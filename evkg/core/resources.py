"""Locate the bundled ontology, shapes, queries and data, and parse each once per process.

In an installed wheel these folders live in ``evkg/_bundled/``; in a source checkout (or an editable
install) they are the top-level folders of the repository.
"""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from rdflib import Graph

from evkg.core import build_cache
from evkg.core.build_cache import CACHE_KEPT_PER_KIND, cache_folder  # noqa: F401  (imported from here)

BUNDLED_FOLDERS = ("ontology", "shapes", "queries", "data", "mappings")


@functools.cache
def bundle_root() -> Path:
    """The folder that holds ontology/, shapes/, queries/ and data/."""
    packaged = Path(str(resources.files("evkg"))) / "_bundled"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise RuntimeError("evkg's ontology, shapes and data were not found: the installation is incomplete")


def folder(name: str) -> Path:
    if name not in BUNDLED_FOLDERS:
        raise ValueError(f"unknown bundled folder {name!r}")
    return bundle_root() / name


def turtle_files(name: str, pattern: str = "*.ttl") -> list[Path]:
    """Turtle files of a bundled folder and its sub-folders, in a stable order."""
    return sorted(folder(name).rglob(pattern))


def _parse(paths: list[Path]) -> Graph:
    """Parse bundled Turtle files into one graph, through a cache of the parsed result.

    Parsing the ontology, shapes and data with rdflib takes seconds; loading the pickled result of an earlier
    parse takes a fraction of that, which keeps a cold `evkg check` quick."""
    def parse() -> Graph:
        graph = Graph()
        for path in paths:
            graph.parse(path, format="turtle")
        return graph

    return cached_build("graph", paths, parse)


def cached_build(kind: str, paths: list[Path], build, *, code: bool = False, key: str = ""):
    """build(), or the pickled result of an earlier build from the same files (evkg.core.build_cache).

    With code=True evkg's own source files are part of the key too (for what evkg's code makes of the files,
    such as compiled shapes and rules), so an edited file builds again. The cache lives in the user's cache
    folder (EVKG_CACHE_DIR to choose another; a folder evkg cannot use just means no cache)."""
    return build_cache.cached_build(kind, paths, build, code_files=_code_files() if code else None, key=key)


@functools.cache
def _code_files() -> list[Path]:
    return sorted(Path(__file__).resolve().parents[1].rglob("*.py"))


@functools.cache
def ontology_graph() -> Graph:
    """The evkg ontology with its locally declared external terms. Treat as read-only."""
    return _parse(turtle_files("ontology"))


@functools.cache
def subclass_closure(cls) -> frozenset:
    """A class and all its subclasses (rdfs:subClassOf, transitively) in the ontology."""
    from rdflib.namespace import RDFS

    ontology = ontology_graph()
    found = {cls}
    frontier = [cls]
    while frontier:
        for sub in ontology.subjects(RDFS.subClassOf, frontier.pop()):
            if sub not in found:
                found.add(sub)
                frontier.append(sub)
    return frozenset(found)


ONTOLOGY_IRI = "https://w3id.org/evkg"
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


@functools.cache
def ontology_catalog() -> dict[str, Path]:
    """Module IRI -> file, from ontology/catalog-v001.xml (the same catalog Protégé and ROBOT read)."""
    import defusedxml.ElementTree as ElementTree

    root = folder("ontology")
    catalog = ElementTree.parse(root / "catalog-v001.xml").getroot()
    return {entry.get("name"): root / entry.get("uri") for entry in catalog.iter(_CATALOG_NS + "uri")}


def ontology_modules(iri: str = ONTOLOGY_IRI) -> list[tuple[str, Path]]:
    """The import closure of an ontology module as (IRI, file) pairs, the module first.

    owl:imports are resolved through the catalog only; an import the catalog does not map is an error,
    never a download.
    """
    from rdflib import OWL, URIRef

    catalog = ontology_catalog()
    seen: dict[str, Path] = {}
    pending = [iri]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        if current not in catalog:
            raise RuntimeError(f"the ontology imports {current}, which ontology/catalog-v001.xml does not map "
                               "to a file; add a <uri name=... uri=...> entry for it")
        seen[current] = catalog[current]
        module = Graph().parse(catalog[current], format="turtle")
        pending += sorted(str(o) for o in module.objects(URIRef(current), OWL.imports))
    return list(seen.items())


RULE_SET_FOLDER = "rule-sets"


def shape_files() -> list[Path]:
    """Validation shapes: every shapes/*.ttl except the classification rules and the rule sets."""
    return [p for p in turtle_files("shapes")
            if not p.name.startswith("rules-") and p.parent.name != RULE_SET_FOLDER]


def rule_files() -> list[Path]:
    """The rules in force (the default rule sets)."""
    return [p for p in turtle_files("shapes") if p.name.startswith("rules-") and p.parent.name != RULE_SET_FOLDER]


def rule_set_files() -> list[Path]:
    """Rule-set declarations and overlays (shapes/rule-sets/*.ttl)."""
    return sorted((folder("shapes") / RULE_SET_FOLDER).glob("*.ttl"))


@functools.cache
def shapes_graph() -> Graph:
    """Validation shapes (read-only)."""
    return _parse(shape_files())


@functools.cache
def rules_graph() -> Graph:
    """Classification rules for every jurisdiction (read-only)."""
    return _parse(rule_files())


@functools.cache
def data_graph() -> Graph:
    """The curated graph in data/ (acts, jurisdictions, literature, products, trials). Read-only."""
    return _parse(turtle_files("data"))


@functools.cache
def reference_graph() -> Graph:
    """The bibliography (data/literature/) and the legal-act register (data/acts.ttl). Read-only."""
    root = folder("data")
    return _parse(sorted((root / "literature").glob("*.ttl")) + [root / "acts.ttl"])
