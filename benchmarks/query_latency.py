"""Latency of every catalogue query on the curated graph plus synthetic products (1 M triples by default).

    python benchmarks/query_latency.py                 # curated graph + ~1 M triples
    python benchmarks/query_latency.py --triples 200000 --runs 5 --rdflib-cap 120

Measured: load time into the embedded store (pyoxigraph bulk loader); median and 95th percentile of each
query embedded (in-process) and over HTTP to a local Oxigraph server (the `oxigraph` package, 127.0.0.1);
and the same queries on rdflib as the baseline, in a subprocess stopped after --rdflib-cap seconds.
The last line is machine-readable.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from make_products import make_products  # noqa: E402

TRIPLES_PER_PRODUCT = 134          # what make_products writes on average


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def synthetic_ntriples(triples: int, seed: int) -> bytes:
    products = max(1, triples // TRIPLES_PER_PRODUCT)
    return make_products(products, seed=seed).serialize(format="nt", encoding="utf-8")


def build_store(location: Path | None, synthetic: bytes):
    """The built knowledge graph (ontology, shapes, curated, inferred) plus the synthetic products."""
    from evkg.graph.build import GRAPHS, build_into
    from evkg.graph.store import EmbeddedStore

    store = EmbeddedStore(location)
    build_into(store, progress=lambda message: None)
    start = time.perf_counter()
    store.bulk_load_graph(synthetic, GRAPHS["curated"])          # as evkg build loads each graph
    store.flush()
    return store, time.perf_counter() - start


def time_queries(target, names: list[str], runs: int) -> dict[str, list[float]]:
    from evkg.graph.queries import prepared_text

    timings = {}
    for name in names:
        text = prepared_text(name)
        start = time.perf_counter()
        target.query(text)                         # warm
        print(f"  {name}: first run {time.perf_counter() - start:.2f} s", file=sys.stderr, flush=True)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            target.query(text)
            samples.append(time.perf_counter() - start)
        timings[name] = samples
    return timings


RDFLIB_SCRIPT = r"""
import json, sys, time
from rdflib import Dataset
path, queries = sys.argv[1], json.loads(sys.stdin.read())
start = time.perf_counter()
data = Dataset(default_union=True)
data.parse(path, format="nquads")
print(json.dumps({"load": time.perf_counter() - start}), flush=True)
for name, text in queries.items():
    start = time.perf_counter()
    list(data.query(text))
    print(json.dumps({name: time.perf_counter() - start}), flush=True)
"""


def rdflib_baseline(store, names: list[str], cap: float, tmp: Path) -> dict:
    """Run the queries on rdflib in a subprocess; whatever finishes within `cap` seconds is reported."""
    import pyoxigraph as ox

    from evkg.graph.queries import prepared_text

    dump = tmp / "all.nq"
    store.store.dump(dump, format=ox.RdfFormat.N_QUADS)
    queries = {name: prepared_text(name) for name in names}
    process = subprocess.Popen([sys.executable, "-c", RDFLIB_SCRIPT, str(dump)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    process.stdin.write(json.dumps(queries))
    process.stdin.close()
    found: dict = {}
    deadline = time.monotonic() + cap
    try:
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            found.update(json.loads(line))
    finally:
        process.kill()
        process.wait()
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="synthetic triples added (default 1 M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (default 7)")
    parser.add_argument("--rdflib-cap", type=float, default=120.0, help="seconds allowed to the rdflib baseline")
    args = parser.parse_args(argv)

    from evkg.graph.oxigraph_server import running_oxigraph
    from evkg.graph.queries import catalogue
    from evkg.graph.store import RemoteEndpoint

    names = sorted(catalogue())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
          file=sys.stderr)
    synthetic = synthetic_ntriples(args.triples, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        location = tmp / "store"
        store, load_seconds = build_store(location, synthetic)
        total = sum(store.graph_counts().values())
        added = synthetic.count(b"\n")
        print(f"store: {total:,} triples; synthetic products loaded in {load_seconds:.2f} s "
              f"({added:,} triples)", file=sys.stderr)
        embedded = time_queries(store, names, args.runs)
        baseline = rdflib_baseline(store, names, args.rdflib_cap, tmp)   # also writes tmp/all.nq
        # The server gets its own copy, loaded by Oxigraph's loader (this process keeps its store open). The
        # dump goes in on stdin: given a file, the loader parses pieces in parallel on four or more cores and
        # splits blank nodes whose statements fall into two pieces.
        server_location = tmp / "server-store"
        from evkg.graph.oxigraph_server import oxigraph_executable

        start = time.perf_counter()
        with open(tmp / "all.nq", "rb") as dump:
            subprocess.run([oxigraph_executable(), "load", "--location", str(server_location), "--format", "nq"],
                           stdin=dump, check=True, capture_output=True)
        print(f"server store loaded with `oxigraph load` in {time.perf_counter() - start:.2f} s", file=sys.stderr)
        with running_oxigraph(server_location) as server:
            remote = RemoteEndpoint(server.query_url, timeout=120)
            http = time_queries(remote, names, args.runs)

    print(f"{'query':40} {'embedded p50':>13} {'p95':>8} {'HTTP p50':>10} {'p95':>8} {'rdflib':>10}", file=sys.stderr)
    for name in names:
        e, h = embedded[name], http[name]
        r = baseline.get(name)
        print(f"{name:40} {statistics.median(e) * 1000:11.1f}ms {percentile(e, .95) * 1000:6.1f}ms "
              f"{statistics.median(h) * 1000:8.1f}ms {percentile(h, .95) * 1000:6.1f}ms "
              f"{(f'{r * 1000:8.0f}ms' if r is not None else '  (capped)'):>10}", file=sys.stderr)
    median_embedded = statistics.median(statistics.median(v) for v in embedded.values())
    median_http = statistics.median(statistics.median(v) for v in http.values())
    rdflib_load = baseline.get("load")
    done = [n for n in names if n in baseline]
    print(f"rdflib baseline: load {rdflib_load if rdflib_load is None else round(rdflib_load, 1)} s; "
          f"{len(done)} of {len(names)} queries finished within {args.rdflib_cap:.0f} s", file=sys.stderr)
    print(f"triples={total} load_s={load_seconds:.2f} median_query_ms_embedded={median_embedded * 1000:.1f} "
          f"median_query_ms_http={median_http * 1000:.1f} rdflib_load_s={rdflib_load if rdflib_load else 'capped'} "
          f"rdflib_queries_done={len(done)}/{len(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
