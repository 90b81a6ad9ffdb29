"""Locate the bundled ontology, shapes, queries and data, and parse each once per process.

In an installed wheel these folders live in ``evkg/_bundled/``; in a source checkout (or an editable
install) they are the top-level folders of the repository.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from importlib import resources
from pathlib import Path

from rdflib import Graph

BUNDLED_FOLDERS = ("ontology", "shapes", "queries", "data")


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
    parse takes a fraction of that, which keeps a cold `evkg check` quick. The cache key covers every file's
    path, size and modification time and the evkg version, so an edited file is parsed again. The cache lives in
    the user's cache folder (EVKG_CACHE_DIR to choose another; an unwritable folder just means no cache).
    """
    cache = _cache_file(paths)
    if cache is not None and cache.exists():
        try:
            with cache.open("rb") as handle:
                return pickle.load(handle)
        except Exception:               # a truncated or foreign file: parse again and replace it
            pass
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(graph, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(cache)
        except OSError:
            pass
    return graph


def _cache_file(paths: list[Path]) -> Path | None:
    from evkg import __version__

    folder = os.environ.get("EVKG_CACHE_DIR")
    if not folder:
        try:
            import platformdirs

            folder = platformdirs.user_cache_dir("evkg")
        except Exception:
            return None
    key = hashlib.sha1(__version__.encode())
    for path in paths:
        stat = path.stat()
        key.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return Path(folder) / f"graph-{key.hexdigest()}.pickle"


@functools.cache
def ontology_graph() -> Graph:
    """The evkg ontology with its locally declared external terms. Treat as read-only."""
    return _parse(turtle_files("ontology"))


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
