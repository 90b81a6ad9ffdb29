"""Run a batch of checks: files and chunks of large files, in this process or spread over worker processes.

The batch is a sequence of jobs in input order: a small file is one job (the worker reads it itself); a large
file is read here and split into chunks of whole products, one job each. At most a few jobs per worker are in
flight, and their results are taken in submission order, so memory stays bounded and `--jobs N` gives exactly
the results of `--jobs 1`, in the same order. Workers keep the compiled shapes and rules warm between jobs.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from evkg.core.errors import VALUE_OVER_PARSER_LIMIT, InputError, value_over_parser_limit
from evkg.core.workers import usable_cores
from evkg.pipeline.chunks import DEFAULT_CHUNK_PRODUCTS, product_count, split
from evkg.pipeline.check import (
    CheckRun,
    FileCheck,
    check_chunk_store,
    check_fail_on,
    in_the_words_of_the_form,
    rule_files_of,
    rule_set_words,
)
from evkg.pipeline.format_hints import with_format_hint
from evkg.validation.engine import check_profile

# A file larger than this is split here and its chunks shared out; smaller ones go whole to one worker.
SPLIT_HERE_BYTES = 1024 * 1024


def default_jobs() -> int:
    return usable_cores()


@dataclass(frozen=True)
class Options:
    input_format: str | None = None
    allow_remote: bool = False
    max_bytes: int | None = None
    classify: bool = True
    explain: bool = False
    chunk_products: int = DEFAULT_CHUNK_PRODUCTS
    jurisdictions: tuple | None = None
    rule_files: tuple = ()
    profile: str = "submission"


@dataclass
class Part:
    """What one job found: products (in the order checked), results on no product, consistency errors."""
    products: list
    others: list
    errors: list
    error: InputError | None = None
    failure: str | None = None             # a file that could not be checked for another reason
    internal: bool = False                 # ... because of a fault in evkg, not in the file
    source_map: object = None              # where a YAML/JSON description wrote each statement


# ------------------------------------------------------------------------------------------ the jobs

def warm() -> None:
    """Parse the bundled ontology, shapes and rules and compile them, once per process."""
    from evkg.classification.knowledge import knowledge
    from evkg.core.redefinitions import declared_evkg_terms
    from evkg.validation.compiled import bundled_compiled_shapes
    from evkg.validation.store import _ontology_quads

    bundled_compiled_shapes()
    knowledge(())
    _ontology_quads()
    declared_evkg_terms()


@contextlib.contextmanager
def _few_collections():
    """Python's cycle collector rescans every live object now and then, and a batch keeps many alive (its
    results), so its cost grew faster than the batch. The warm shapes and rules are set aside (gc.freeze)
    and young objects collected less often while a batch runs; the previous settings come back after."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 20_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _worker_start() -> None:
    warm()
    gc.freeze()
    gc.set_threshold(20_000, *gc.get_threshold()[1:])


def _load(path: str, options: Options, store=None):
    from evkg.validation.store import new_store

    store = new_store() if store is None else store
    _load_located(path, options, store)
    return store


def _load_located(path: str, options: Options, store):
    """Load a file into the store; the SourceMap of a YAML/JSON description (None for RDF)."""
    from evkg.io.load import load_into_store
    from evkg.validation.store import DATA_GRAPH

    return load_into_store(path, store, DATA_GRAPH, input_format=options.input_format,
                           allow_remote=options.allow_remote, max_bytes=options.max_bytes)


def _failure_part(path: str, exc: BaseException) -> Part:
    """A file that could not be checked for a reason other than its content: too large, or a fault in evkg."""
    if value_over_parser_limit(exc):
        return Part([], [], [], failure=f"{path}: {VALUE_OVER_PARSER_LIMIT}")
    if isinstance(exc, (MemoryError, RecursionError)):
        return Part([], [], [], failure=(f"{path}: is too large or too deeply structured to check "
                                         f"({type(exc).__name__}). Split it into smaller descriptions."))
    return Part([], [], [], internal=True,
                failure=(f"{path}: internal error while checking this file ({type(exc).__name__}: {exc}). "
                         "This is a fault in evkg, not in the file; please report it."))


def check_path(path: str, options: Options) -> Part:
    """Read and check one file; a file with more products than a chunk is checked chunk by chunk."""
    if os.path.isdir(path):                # a folder stands for its descriptions (expand): here it had none
        return Part([], [], [], error=no_description_in(Path(path)))
    try:
        whole, chunks, source_map = _whole_or_chunks(path, options)
        if whole is not None:
            return whole
        # a Turtle file's lines name its blank nodes by the ids of the whole file's store, which chunks renew
        part = Part([], [], [], source_map=source_map if source_map is not None and source_map.form else None)
        for chunk in chunks:                  # the file's store is released by now: one copy of the data
            _add(part, check_ntriples(chunk.ntriples, options))
        return part
    except InputError as exc:
        return Part([], [], [], error=with_format_hint(exc, path, options.input_format))
    except Exception as exc:  # MemoryError, RecursionError, or a fault in evkg: this file's report, batch goes on
        return _failure_part(path, exc)


def no_description_in(folder: Path) -> InputError:
    contents = folder_contents(folder)
    others = contents.others
    suffixes = ", ".join(FOLDER_SUFFIXES[:-1]) + " or " + FOLDER_SUFFIXES[-1]
    if others:
        kinds = ", ".join(sorted({p.suffix.lower() or "no suffix" for p in others}))
        hint = (f"It holds {len(others)} other file(s) ({kinds}); to check one as a description, name it, "
                f"e.g. {others[0]}, with --input-format if its suffix does not say the format.")
    elif contents.unreadable:
        hint = (f"{contents.unreadable[0]} is no file to read (a link to a missing file, a link loop, a pipe or a "
                "device): put the description file itself there.")
    else:
        hint = "Put descriptions in it (start one with `evkg new`), or name the files to check."
    return InputError(f"holds no description (no {suffixes} file in it or its subfolders).", path=str(folder),
                      hint=hint)


def _whole_or_chunks(path: str, options: Options):
    """(the file's Part, None, its SourceMap) when it fits in one chunk, else (None, its chunks, SourceMap)."""
    from evkg.validation.store import working_store

    if _size(path) > SPLIT_HERE_BYTES:
        products, chunks = _split_here(path, options)      # never the whole of a large file in one store
        if products > options.chunk_products:
            return None, chunks, None
    with working_store() as store:
        source_map = _load_located(path, options, store)
        if product_count(store) <= options.chunk_products:
            products, others, errors = check_chunk_store(
                store, options.classify, options.explain, source=path, jurisdictions=options.jurisdictions,
                rule_files=options.rule_files, profile=options.profile)
            if source_map is not None and source_map.form:   # written in YAML or JSON: findings in the words of that form
                products, others = in_the_words_of_the_form(products, others)
            return Part(products, others, errors, source_map=source_map), None, source_map
        return None, split(store, options.chunk_products), source_map


def check_ntriples(data: bytes, options: Options) -> Part:
    """Check one chunk sent as N-Triples."""
    import pyoxigraph as ox

    from evkg.core.store_loading import load_serialized
    from evkg.validation.store import DATA_GRAPH, working_store

    with working_store() as store:
        load_serialized(store, data, ox.RdfFormat.N_TRIPLES, to_graph=DATA_GRAPH)
        return Part(*check_chunk_store(store, options.classify, options.explain, require_product=False,
                                       jurisdictions=options.jurisdictions, rule_files=options.rule_files,
                                       profile=options.profile))


def _add(total: Part, part: Part) -> None:
    total.products.extend(part.products)
    total.others.extend(part.others)
    total.errors.extend(part.errors)


# ------------------------------------------------------------------------------------------ running them

class _Later:
    """A job run in this process when its result is asked for (so nothing runs ahead of the reader)."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def result(self):
        return self.function(*self.args)


class CheckPool:
    """Worker processes that check files and chunks; used by `evkg check --jobs N` and `evkg serve`."""

    def __init__(self, jobs: int, *, start_method: str | None = None):
        self.jobs = jobs
        warm()                                       # forked workers inherit the compiled shapes and rules
        method = start_method or ("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["evkg.pipeline.batch"])
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start)

    def start(self) -> None:
        """Start every worker now (and let it warm up) rather than on the first job."""
        for future in [self.executor.submit(warm) for _ in range(self.jobs)]:
            future.result()

    def submit(self, function, *args):
        return self.executor.submit(function, *args)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# Suffixes that mark a file in a folder as a description: RDF, and the YAML descriptions of `evkg new`
# (.json and .xml are left out: in a folder they are often something else, such as expected results).
RDF_SUFFIXES = (".ttl", ".turtle", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".n3")
FOLDER_SUFFIXES = RDF_SUFFIXES + (".yaml", ".yml")


@dataclass
class FolderContents:
    """What a folder stands for: its descriptions (recursively, sorted), YAML twins of an RDF file beside
    them (the same description twice; left out so no product is reported twice), other files, and names of
    descriptions that are no file to read (a link to a missing file, a link loop, a pipe, a device)."""
    descriptions: list[Path]
    twins: list[Path]
    others: list[Path]
    unreadable: list[Path]


def folder_contents(folder: Path) -> FolderContents:
    entries = sorted(folder.rglob("*"))
    files = [p for p in entries if p.is_file()]
    rdf_stems = {p.with_suffix("") for p in files if p.suffix.lower() in RDF_SUFFIXES}
    contents = FolderContents([], [], [], [p for p in entries if p.suffix.lower() in FOLDER_SUFFIXES
                                           and not p.is_file() and (p.is_symlink() or not p.is_dir())])
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in FOLDER_SUFFIXES:
            contents.others.append(path)
        elif suffix not in RDF_SUFFIXES and path.with_suffix("") in rdf_stems:
            contents.twins.append(path)
        else:
            contents.descriptions.append(path)
    return contents


def expand(paths) -> list[str]:
    """Folders become the descriptions inside them (see folder_contents); other paths stay as given."""
    out: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = folder_contents(path).descriptions
            out.extend(str(p) for p in found) if found else out.append(str(path))
        else:
            out.append(str(path))
    return out


def folder_notes(paths) -> list[str]:
    """One line per folder whose files were not all checked: which were left out and why."""
    notes = []
    for path in map(Path, paths):
        if not path.is_dir():
            continue
        contents = folder_contents(path)
        parts = []
        if contents.twins:
            shown = ", ".join(p.name for p in contents.twins[:3]) + (" …" if len(contents.twins) > 3 else "")
            parts.append(f"{len(contents.twins)} YAML twin(s) of an RDF file beside them ({shown})")
        if contents.unreadable:
            shown = ", ".join(p.name for p in contents.unreadable[:3]) + (" …" if len(contents.unreadable) > 3
                                                                          else "")
            parts.append(f"{len(contents.unreadable)} name(s) of a description that are no file to read "
                         f"({shown}: a link to a missing file, a link loop, a pipe or a device; put the file "
                         "itself there)")
        if contents.others:
            kinds = sorted({p.suffix.lower() or "no suffix" for p in contents.others})
            parts.append(f"{len(contents.others)} file(s) that are not descriptions ({', '.join(kinds)})")
        if parts:
            notes.append(f"left out of {path}: {'; '.join(parts)}. Name a file to check it.")
    return notes


def _jobs(paths: list[str], options: Options):
    """(path, kind, function, args) in order; kind 'file' is a whole file, 'chunk' one chunk of a file split
    here, 'end' closes a split file (no function)."""
    for path in paths:
        large = _size(path) > SPLIT_HERE_BYTES       # split here: chunks stream out (and share out) one by one
        if not large:
            yield path, "file", check_path, (path, options)
            continue
        try:
            products, chunks = _split_here(path, options)
        except InputError as exc:
            yield path, "error", None, with_format_hint(exc, path, options.input_format)
            continue
        except Exception as exc:
            yield path, "error", None, _failure_part(path, exc)
            continue
        if products <= options.chunk_products:
            yield path, "file", check_path, (path, options)
            continue
        for chunk in chunks:
            yield path, "chunk", check_ntriples, (chunk.ntriples, options)
        yield path, "end", None, None


def _split_here(path: str, options: Options):
    """(number of products, chunks) of a large file: parsed as a stream into N-Triples lines where Oxigraph
    reads the format (a fraction of the memory of a store), else loaded into a store and split there."""
    from evkg.io.load import ntriples_lines
    from evkg.pipeline.chunks import split_lines

    lines = ntriples_lines(path, input_format=options.input_format, allow_remote=options.allow_remote,
                           max_bytes=options.max_bytes)
    if lines is not None:
        return split_lines(lines, options.chunk_products)
    store = _load(path, options)
    return product_count(store), split(store, options.chunk_products)


# Bytes of a large file counted as one job when sizing the pool: a chunk of 50 products is rarely smaller (50
# generated products take about 500 KB of Turtle).
BYTES_PER_FORESEEN_JOB = 64 * 1024


def _foreseen_jobs(paths: list[str]) -> int:
    """How many jobs the paths will make at most: one per small file, one per chunk of a large file (counted
    from its size). A pool larger than this would start and warm workers that never get work."""
    return sum(1 if _size(path) <= SPLIT_HERE_BYTES else _size(path) // BYTES_PER_FORESEEN_JOB + 1 for path in paths)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def stream_checks(paths, *, input_format: str | None = None, allow_remote: bool = False,
                  max_bytes: int | None = None, classify: bool = True, explain: bool = False,
                  chunk_products: int | None = None, jobs: int = 1, pool: CheckPool | None = None,
                  progress=None, keep_products: bool = True, jurisdictions=None, rule_files: tuple = (),
                  profile: str = "submission"):
    """Yield ("product", path, ProductCheck) for every product as soon as it is checked, after ("source", path,
    SourceMap) when its file says where each fact was written, and ("file", path, FileCheck) when a file is
    done (its products sorted by IRI, unless keep_products is False: then it holds none)."""
    options = Options(input_format, allow_remote, max_bytes, classify, explain,
                      chunk_products or DEFAULT_CHUNK_PRODUCTS, tuple(jurisdictions) if jurisdictions else None,
                      tuple(rule_files), profile)
    paths = expand(paths)
    own_pool = None
    jobs = min(jobs, _foreseen_jobs(paths))
    if pool is None and jobs > 1:
        own_pool = pool = CheckPool(jobs)
        pool.start()                 # fork the workers now, while this process holds no large file
    try:
        with _few_collections():
            yield from _run(paths, options, pool, progress, keep_products)
    finally:
        if own_pool is not None:
            own_pool.close()


def _run(paths, options: Options, pool, progress, keep_products: bool):
    window = 2 * pool.jobs if pool is not None else 1
    pending: collections.deque = collections.deque()
    reader = _Reader(len(paths), progress, keep_products)
    for path, kind, function, args in _jobs(paths, options):
        if function is None:
            pending.append((path, kind, args))
        else:
            future = pool.submit(function, *args) if pool is not None else _Later(function, *args)
            pending.append((path, kind, future))
        while len(pending) >= window or (pending and pending[0][1] in ("end", "error")):
            yield from reader.take(*pending.popleft())
    while pending:
        yield from reader.take(*pending.popleft())


class _Reader:
    """Takes job results in order, merges the chunks of a split file, counts progress."""

    def __init__(self, files_total: int, progress, keep_products: bool):
        self.files_total, self.progress, self.keep_products = files_total, progress, keep_products
        self.files_done = self.products_done = 0
        self.split_files: dict[str, Part] = {}
        self.failing: set[str] = set()           # files with a product that does not conform

    def take(self, path: str, kind: str, job):
        if kind == "error":
            yield "file", path, self.finish(path, job if isinstance(job, Part) else Part([], [], [], error=job))
            return
        if kind == "end":
            yield "file", path, self.finish(path, self.split_files.pop(path, Part([], [], [])))
            return
        part = job.result()
        yield from [("source", path, part.source_map)] if part.source_map is not None and part.products else []
        for product in part.products:
            if not product.conforms:
                self.failing.add(path)
            yield "product", path, product
        self.products_done += len(part.products)
        if kind == "file":
            yield "file", path, self.finish(path, part)
        else:
            _add(self.split_files.setdefault(path, Part([], [], [])),
                 part if self.keep_products else Part([], part.others, part.errors))
            self.report(path)

    def finish(self, path: str, part: Part) -> FileCheck:
        self.files_done += 1
        self.report(path)
        entry = _file_entry(path, part, self.keep_products)
        entry.products_conform = path not in self.failing
        self.failing.discard(path)
        return entry

    def report(self, path: str) -> None:
        if self.progress is not None:
            self.progress(self.files_done, self.files_total, self.products_done, path)


def _file_entry(path: str, part: Part, keep_products: bool) -> FileCheck:
    from evkg.validation.engine import ValidationResult

    entry = FileCheck(path=path, source_map=part.source_map)
    if part.error is not None:
        exc = part.error
        entry.error = str(exc)
        entry.error_detail = {"reason": exc.reason, "line": exc.line, "column": exc.column, "hint": exc.hint}
        return entry
    if part.failure is not None:
        entry.error, entry.internal = part.failure, part.internal
        entry.error_detail = {"reason": part.failure, "line": None, "column": None, "hint": None}
        return entry
    entry.products = sorted(part.products, key=lambda p: p.iri) if keep_products else []
    entry.other_results = sorted(set(part.others), key=ValidationResult.sort_key)
    entry.consistency_errors = part.errors
    return entry


def check_files(paths, *, input_format: str | None = None, allow_remote: bool = False,
                max_bytes: int | None = None, classify: bool = True, progress=None, jobs: int = 1,
                explain: bool = False, chunk_products: int | None = None, jurisdictions=None,
                rules: str | None = None, profile: str = "submission", fail_on: str = "violation") -> CheckRun:
    """Check each file on its own; an unreadable file gets an error entry and the batch goes on. `rules`
    chooses the rule set (a name from `evkg rules` or an overlay file); default: the law in force.

    jobs > 1 spreads files and chunks of large files over that many worker processes (same results, same
    order). progress(files_done, files_total, products_done, path) is called as the work advances."""
    check_profile(profile)
    check_fail_on(fail_on)
    rule_files = rule_files_of(rules) if classify else ()
    files = [entry for kind, _, entry in stream_checks(
        paths, input_format=input_format, allow_remote=allow_remote, max_bytes=max_bytes, classify=classify,
        progress=progress, jobs=jobs, explain=explain, chunk_products=chunk_products,
        jurisdictions=jurisdictions, rule_files=rule_files, profile=profile) if kind == "file"]
    return CheckRun(files=files, rule_set=rule_set_words(rules) if rule_files else None, profile=profile,
                    fail_on=fail_on)
