"""Assemble the knowledge graph into the store: ontology, shapes and rules, curated data, and the
classifications inferred from the curated products, each in its own named graph.

The build is fingerprinted (evkg version + every bundled ontology, shapes and data file + the classification
engine), so a store built from older bundled data is rebuilt on its next use.

A store on disk is never rebuilt in place: the new one is built in a folder beside it, flushed, given its
fingerprint last, and only then swapped in by two renames. A build killed at any point (or failing on a full
disk) leaves the previous store answering as before; one killed between the two renames is put back on the
next use.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from evkg.core.errors import UsageError
from evkg.graph.store import (
    DEFAULT_TIMEOUT,
    GRAPHS,
    EmbeddedStore,
    RemoteEndpoint,
    StoreDamaged,
    StoreError,
    all_graphs,
    default_store_path,
    release_directory,
)

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


def graph_counts(counts: dict[str, int]) -> str:
    """'ontology 7008, …, rule-set/eu-reform-proposal-2023 91': each named graph by its name under /graph/."""
    return ", ".join(f"{iri.split('/graph/', 1)[-1]} {n}" for iri, n in counts.items())


def build_into(store: EmbeddedStore, *, progress=_stderr, describe: str | None = None, steps=None) -> BuildSummary:
    """Replace the store's content with a fresh build, flush it, and record its fingerprint last.
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
    progress(f"evkg build: {summary.total} triples in {len(counts)} graphs ({graph_counts(counts)}) "
             f"in {summary.seconds:.1f} s into {describe or store.describe()}")
    return summary


def _info_path(store: EmbeddedStore) -> Path | None:
    return store.path / BUILD_INFO_FILE if store.path else None


def _write_info(store: EmbeddedStore, summary: BuildSummary) -> None:
    """The fingerprint, written last and durably: its presence means the store beside it is complete."""
    path = _info_path(store)
    if path:
        partial = path.with_name(path.name + ".partial")
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"fingerprint": summary.fingerprint, "triples": summary.triples}, indent=1))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def recorded_fingerprint(store: EmbeddedStore | Path) -> str | None:
    path = store / BUILD_INFO_FILE if isinstance(store, Path) else _info_path(store)
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text()).get("fingerprint")
    except (OSError, ValueError):
        return None


def ensure_built(store: EmbeddedStore, *, progress=None) -> BuildSummary | None:
    """Build the store if it was never built, or rebuild it if the bundled data changed since (on disk: beside
    the old one, swapped in when complete; ``store`` then reads the new one)."""
    progress = progress or _stderr
    recorded = recorded_fingerprint(store)
    if recorded is not None and recorded == fingerprint():
        return None
    if recorded is None:
        progress(f"evkg: first use, building the knowledge graph into {store.describe()} (a few seconds)")
    else:
        progress(f"evkg: the bundled data changed since {store.describe()} was built; rebuilding")
    if store.path is None:
        return build_into(store, progress=progress)
    store.store = None                       # let go of the old folder's lock before the swap
    release_directory(store.path)
    try:
        return rebuild_atomically(store.path, progress=progress, only_if_stale=True)
    finally:
        store.reopen()


def _leftover(target: Path, kind: str) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.{kind}-*"))


def _alive(pid_text: str) -> bool:
    try:
        os.kill(int(pid_text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def recover(target: Path) -> None:
    """Undo what a killed build left: the previous store back in place if the swap was cut between its two
    renames; half-built and replaced folders of finished or killed builds removed."""
    target = Path(target)
    if not target.parent.is_dir():
        return
    if not (target / BUILD_INFO_FILE).exists():
        for previous in reversed(_leftover(target, "previous")):
            if (previous / BUILD_INFO_FILE).exists() and _replaceable(target):
                if target.exists():
                    shutil.rmtree(target, ignore_errors=True)   # an empty or partial folder, never a complete one
                os.rename(previous, target)
                break
    for kind in ("building", "previous"):
        for folder in _leftover(target, kind):
            if not _alive(folder.name.rsplit("-", 1)[-1]):
                shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def build_lock(target: Path, progress=_stderr, wait: bool = True):
    """One build of a store folder at a time, across processes: two commands that find the store missing or
    stale at once would otherwise both build it and swap their folders over each other's. Yields whether the
    lock is held (False only when not waiting and another process holds it)."""
    try:
        import fcntl
    except ImportError:                       # no advisory locks on this system: builds are not serialised
        yield True
        return
    with open(target.with_name(f".{target.name}.lock"), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            progress(f"evkg: another evkg process is building the store at {target}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield True                            # closing the file releases the lock


def rebuild_atomically(target: str | Path, *, progress=_stderr, steps=None,
                       only_if_stale: bool = False) -> BuildSummary | None:
    """Build into a folder beside ``target``, flush it, write its fingerprint, then swap it in. With
    ``only_if_stale``, nothing is done (None) when the store is current by the time no other build runs."""
    target = Path(target)
    refuse_non_folder(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"the store at {target} could not be created ({exc.strerror or exc}); choose another "
                         "folder with --store") from None
    with build_lock(target, progress):
        if only_if_stale and recorded_fingerprint(target) == fingerprint():
            return None                       # another process built it meanwhile
        return _rebuild(target, progress, steps)


def _rebuild(target: Path, progress, steps) -> BuildSummary:
    recover(target)
    if not _replaceable(target):
        raise StoreError(f"{target} is not an evkg store (it holds other files), so evkg will not replace it; "
                         "give --store a new or empty folder")
    fresh = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = EmbeddedStore(fresh)
        summary = build_into(store, progress=progress, describe=f"the store at {target}", steps=steps)
        store.store = None
        del store
        release_directory(fresh)
        gc.collect()
        had_store = (target / BUILD_INFO_FILE).exists()
        progress("evkg build: " + ("replacing the previous store" if had_store else "putting the new store in place"))
        _swap(fresh, target)
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(exc, OSError):
            from evkg.core.files import describe_os_error

            raise StoreError(f"the build failed ({describe_os_error(exc)}); the previous store at {target} is "
                             "unchanged") from None
        raise
    return summary


_STORE_FILE = re.compile(r"^(\d+\.(sst|log|blob)|CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|"
                         r"OPTIONS-\d+(\.dbtmp)?|" + re.escape(BUILD_INFO_FILE) + r"(\.partial)?)$")


def _replaceable(target: Path) -> bool:
    """Only a store (complete or not) or an empty folder may be replaced: never a folder of other files."""
    if not target.exists():
        return True
    if not target.is_dir():
        return False
    return all(_STORE_FILE.match(entry.name) for entry in target.iterdir())


def _swap(fresh: Path, target: Path) -> None:
    release_directory(target)
    previous = None
    if target.exists():
        previous = target.with_name(f".{target.name}.previous-{os.getpid()}")
        os.rename(target, previous)
    os.rename(fresh, target)
    _fsync_folder(target.parent)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def build(store_path: str | Path | None = None, out: str | Path | None = None, *,
          progress=_stderr, steps=None) -> BuildSummary:
    """`evkg build`: build into the store at ``store_path`` (default location if None), export if asked."""
    from evkg.core.errors import UsageError
    from evkg.graph.store import default_store_path

    if out is not None and Path(out).suffix.lower() not in (".nq", ".trig"):
        raise UsageError(f"cannot export to {Path(out).name}: name the file .nq (N-Quads) or .trig (TriG)")
    target = Path(store_path or default_store_path())
    summary = rebuild_atomically(target, progress=progress, steps=steps)
    if out is not None:
        EmbeddedStore(target, read_only=True).dump(Path(out))
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
    target = Path(path or default_store_path())
    refuse_non_folder(target)
    _recover_unless_building(target)
    if recorded_fingerprint(target) != fingerprint():
        progress = progress or _stderr
        if recorded_fingerprint(target) is None:
            progress(f"evkg: first use, building the knowledge graph into the store at {target} (a few seconds)")
        else:
            progress(f"evkg: the bundled data changed since the store at {target} was built; rebuilding")
        rebuild_atomically(target, progress=progress, only_if_stale=True)
    try:
        return EmbeddedStore(target, read_only=True)      # read-only: any number of commands may query it at once
    except StoreDamaged:
        pass
    # a store opened while a build swapped its folders in reads files of both and looks damaged: once no build
    # runs it is asked again, and rebuilt only if it is still damaged
    progress = progress or _stderr
    with build_lock(target, progress):
        try:
            return EmbeddedStore(target, read_only=True)
        except StoreDamaged as damaged:
            # everything in it is built from the bundled data, so a damaged store is rebuilt, not a dead end
            progress(f"evkg: {damaged}; rebuilding it from the bundled data")
            _rebuild(target, progress, None)
    return EmbeddedStore(target, read_only=True)


def refuse_non_folder(target: Path) -> None:
    """A store is a folder: a device (/dev/null) or another non-folder given as --store was said to hold other
    files, after a message that it was being built there."""
    import stat

    try:
        mode = target.stat().st_mode
    except OSError:
        return                                # not there yet: built on first use
    if not stat.S_ISDIR(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a pipe (FIFO)" if stat.S_ISFIFO(mode)
                else "a file" if stat.S_ISREG(mode) else "not a folder")
        raise StoreError(f"the store {target} is {kind}, not a folder; give --store a folder (a new or empty one "
                         "is built on first use)")


def _recover_unless_building(target: Path) -> None:
    """Put right what a killed build left beside the store, unless a build under way will. A folder evkg cannot
    write to (a read-only disk, a shared install) has nothing to put right, and a current store there is still
    read."""
    if not target.parent.is_dir():
        return
    try:
        with build_lock(target, wait=False) as alone:
            if alone:
                recover(target)
    except OSError:
        pass
