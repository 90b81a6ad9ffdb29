"""Assemble the knowledge graph into the store: ontology, shapes and rules, curated data, and the
classifications inferred from the curated products, each in its own named graph.

The build is fingerprinted (evkg version + every bundled ontology, shapes and data file + the classification
engine), so a store built from older bundled data is rebuilt on its next use.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from evkg.core.errors import UsageError
from evkg.graph.store import DEFAULT_TIMEOUT, GRAPHS, EmbeddedStore, RemoteEndpoint, all_graphs, default_store_path

BUILD_INFO_FILE = "evkg-build.json"


@dataclass
class BuildSummary:
    fingerprint: str
    triples: dict[str, int]  # graph IRI -> triples
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.triples.values())


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fingerprint() -> str:
    """A hash of everything a build reads: change any bundled file or the engine and the store is stale."""
    from evkg import __version__
    from evkg.core import resources

    digest = hashlib.sha256(f"evkg {__version__}\n".encode())
    for name in ("ontology", "shapes", "data"):
        root = resources.folder(name)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(f"{name}/{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    # The inferred graph depends on the classifier's code as well as its rules.
    for engine in sorted((Path(__file__).resolve().parents[1] / "classification").glob("*.py")):
        digest.update(engine.read_bytes())
    return digest.hexdigest()


def _ntriples(graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def graphs_to_build(progress=_stderr):
    """(graph IRI, rdflib graph) pairs of the named graphs, computed from the bundled files: the four main
    graphs, then each overlay rule set's own rules and the curated products' outcomes under it."""
    from rdflib import Graph

    from evkg.classification.rule_sets import rule_set_graph
    from evkg.core import resources

    progress("evkg build: reading the ontology")
    yield GRAPHS["ontology"], resources.ontology_graph()
    progress("evkg build: reading the shapes, classification rules and rule sets")
    shapes = Graph()
    for part in (resources.shapes_graph(), resources.rules_graph(), rule_set_graph()):
        for triple in part:
            shapes.add(triple)
    yield GRAPHS["shapes"], shapes
    progress("evkg build: reading the curated products, trials, acts and literature")
    curated = resources.data_graph()
    yield GRAPHS["curated"], curated
    progress("evkg build: classifying the curated products (EU, US, KR)")
    from evkg.classification.engine import classify

    yield GRAPHS["inferred"], classify(curated).graph
    from evkg.classification.rule_sets import bundled_rule_sets, overlay_chain, overlay_rule_graph

    for rule_set in bundled_rule_sets().values():
        if not rule_set.overlay:
            continue
        if rule_set.rule_graph:
            yield rule_set.rule_graph, overlay_rule_graph(rule_set)
        if rule_set.outcome_graph:
            progress(f"evkg build: classifying the curated products under {rule_set.name}")
            yield rule_set.outcome_graph, classify(curated, rule_files=overlay_chain(rule_set)).graph


def build_into(store: EmbeddedStore, *, progress=_stderr, steps=None) -> BuildSummary:
    """Replace the store's content with a fresh build and record its fingerprint.
    steps(done, total, triples) is called after each named graph is loaded."""
    started = time.perf_counter()
    stamp = fingerprint()
    store.clear()
    counts: dict[str, int] = {}
    for graph_iri, graph in graphs_to_build(progress):
        store.bulk_load_graph(_ntriples(graph), graph_iri)
        counts[graph_iri] = len(graph)
        if steps is not None:
            steps(len(counts), len(all_graphs()), sum(counts.values()))
    store.flush()
    summary = BuildSummary(stamp, counts, time.perf_counter() - started)
    _write_info(store, summary)
    per_graph = ", ".join(f"{iri.split('/graph/', 1)[-1]} {n}" for iri, n in counts.items())
    progress(f"evkg build: {summary.total} triples in {len(counts)} graphs ({per_graph}) "
             f"in {summary.seconds:.1f} s into {store.describe()}")
    return summary


def _info_path(store: EmbeddedStore) -> Path | None:
    return store.path / BUILD_INFO_FILE if store.path else None


def _write_info(store: EmbeddedStore, summary: BuildSummary) -> None:
    path = _info_path(store)
    if path:
        path.write_text(json.dumps({"fingerprint": summary.fingerprint, "triples": summary.triples}, indent=1))


def recorded_fingerprint(store: EmbeddedStore) -> str | None:
    path = _info_path(store)
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text()).get("fingerprint")
    except (OSError, ValueError):
        return None


def ensure_built(store: EmbeddedStore, *, progress=None) -> BuildSummary | None:
    """Build the store if it was never built, or rebuild it if the bundled data changed since."""
    progress = progress or _stderr
    recorded = recorded_fingerprint(store)
    if recorded is not None and recorded == fingerprint():
        return None
    if recorded is None:
        progress(f"evkg: first use, building the knowledge graph into {store.describe()} (a few seconds)")
    else:
        progress(f"evkg: the bundled data changed since {store.describe()} was built; rebuilding")
    return build_into(store, progress=progress)


def build(store_path: str | Path | None = None, out: str | Path | None = None, *,
          progress=_stderr, steps=None) -> BuildSummary:
    """`evkg build`: build into the store at ``store_path`` (default location if None), export if asked."""
    from evkg.core.errors import UsageError
    from evkg.graph.store import default_store_path

    if out is not None and Path(out).suffix.lower() not in (".nq", ".trig"):
        raise UsageError(f"cannot export to {Path(out).name}: name the file .nq (N-Quads) or .trig (TriG)")
    store = EmbeddedStore(store_path or default_store_path())
    summary = build_into(store, progress=progress, steps=steps)
    if out is not None:
        store.dump(Path(out))
        progress(f"evkg build: exported {summary.total} triples to {out}")
    return summary


def _chunks(triples: list, size: int):
    """Triples in chunks of about ``size``, keeping triples that share a blank node in the same chunk
    (a blank node means the same thing only within one request)."""
    import pyoxigraph as ox

    parent: dict[str, str] = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    groups: dict[str, list] = {}
    singles = []
    for triple in triples:
        blanks = [str(t) for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        if len(blanks) == 2:
            parent[find(blanks[0])] = find(blanks[1])
        elif blanks:
            find(blanks[0])
    for triple in triples:
        blank = next((str(t) for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)), None)
        if blank is None:
            singles.append([triple])
        else:
            groups.setdefault(find(blank), []).append(triple)
    chunk: list = []
    for group in singles + list(groups.values()):
        chunk.extend(group)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def push_to_endpoint(endpoint: str, *, graph_store: str | None = None, store_path=None,
                     timeout: float = 30.0, chunk_size: int = 5000, progress=_stderr,
                     steps=None) -> dict[str, int]:
    """`evkg load`: replace each of evkg's named graphs on a remote store with the built ones.
    Uses the Graph Store Protocol (one PUT per graph) when ``graph_store`` is given, else SPARQL Update
    (DROP SILENT GRAPH, then INSERT DATA in chunks). Returns triples sent per graph."""
    from evkg.graph.store import RemoteEndpoint

    remote = RemoteEndpoint(endpoint, timeout=timeout, graph_store=graph_store)
    local = open_store(store_path, progress=progress)
    return push_store(local, remote, chunk_size=chunk_size, progress=progress, steps=steps)


def push_store(local: EmbeddedStore, remote, *, chunk_size: int = 5000, progress=_stderr,
               steps=None) -> dict[str, int]:
    """steps(done, total, triples) is called after each request (a graph, or a chunk of one)."""
    import pyoxigraph as ox

    graph_store = remote.graph_store
    sent: dict[str, int] = {}
    for graph_iri in all_graphs():
        triples = [q.triple for q in local.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))]
        name = graph_iri.rsplit("/", 1)[1]
        if graph_store:
            data = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples).encode("utf-8")
            remote.put_graph(graph_iri, data)
        else:
            first = True
            for chunk in _chunks(triples, chunk_size) if triples else [[]]:
                body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in chunk)
                request = f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}}} }}"
                if first:
                    request = f"DROP SILENT GRAPH <{graph_iri}> ;\n" + request
                    first = False
                remote.update(request)
                if steps is not None:
                    steps(len(sent), len(all_graphs()), sum(sent.values()) + len(chunk))
        sent[graph_iri] = len(triples)
        if steps is not None:
            steps(len(sent), len(all_graphs()), sum(sent.values()))
        progress(f"evkg load: {name}: {len(triples)} triples sent")
    total = sum(sent.values())
    target = graph_store or remote.url
    progress(f"evkg load: {total} triples in {len(sent)} graphs sent to {target}")
    return sent


def open_store(path: str | Path | None = None, *, endpoint: str | None = None,
               timeout: float = DEFAULT_TIMEOUT, progress=None):
    """The store a command should use: a remote endpoint when given, else the embedded store at ``path``
    (default: the user's data folder), built (or rebuilt when stale) from the bundled data if needed."""
    if endpoint:
        if path:
            raise UsageError("give either --endpoint or --store, not both")
        return RemoteEndpoint(endpoint, timeout=timeout)
    store = EmbeddedStore(path or default_store_path())
    ensure_built(store, progress=progress)
    return store
