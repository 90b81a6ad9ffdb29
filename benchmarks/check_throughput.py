"""Throughput of `evkg check` (validate + classify) against plain pySHACL with the same shapes and rules.

    python benchmarks/check_throughput.py --products 1000
    python benchmarks/check_throughput.py --sizes 100,1000,10000 --jobs 1,2      # the scaling table

Both engines get the same seeded products (benchmarks/make_products.py). Ours runs the whole batch from the
file; plain pySHACL (shapes + SHACL-AF rules, advanced mode, rules iterated) is slow enough that it runs on the
first --baseline-sample products of the same corpus, and its rate is products per second on that sample.
On that sample both must agree exactly: the validation results and the classification conclusions
(product, category, rule). Also measured: warm single-product check, cold CLI check of one file.

The scaling table checks each corpus size with each number of worker processes, every run in a fresh process
that streams its results as `evkg check --format jsonl` does: seconds (load, split, validate, classify),
products per second, peak memory of the main process and of the largest worker, and whether the results are
identical to those of --jobs 1. scaling_ratio is the time per product at the largest size divided by that at
the smallest, with one job. The last line is machine-readable.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
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

from make_products import make_products, write_ntriples  # noqa: E402


def ours(path: Path):
    from evkg.pipeline import check_files

    start = time.perf_counter()
    run = check_files([path], chunk_products=10)       # chunks of ten: the chunked path meets pySHACL too
    return time.perf_counter() - start, run


def baseline(data):
    """Plain pySHACL: shapes and rules in one shapes graph, ontology mixed in, rules iterated to a fixpoint."""
    from pyshacl import validate
    from rdflib import Graph

    from evkg.core import resources
    from evkg.validation.compiled import with_ontology

    shapes = Graph()
    shapes += resources.shapes_graph()
    shapes += resources.rules_graph()
    start = time.perf_counter()
    work = with_ontology(data)        # pySHACL's own ont_graph mixing takes minutes on this ontology
    _, results, _ = validate(work, shacl_graph=shapes, inference="none", advanced=True, iterate_rules=True,
                             allow_warnings=True, allow_infos=True, inplace=True)
    return time.perf_counter() - start, results, work


def rule_conclusions_from_graph(graph) -> set:
    from evkg.core.namespaces import EVKG

    found = set()
    for outcome in graph.subjects(EVKG.derivedByRule, None):
        rule = graph.value(outcome, EVKG.derivedByRule)
        for category in graph.objects(outcome, EVKG.category):
            found.add((str(graph.value(outcome, EVKG.ofProduct)), str(category), str(rule)))
    return found


def rule_conclusions_from_run(run, rule_iris: set) -> set:
    from evkg.core.namespaces import EVSH

    found = set()
    for file in run.files:
        for product in file.products:
            for outcome in product.classifications:
                if outcome.rule_iri and str(outcome.rule_iri) in rule_iris:
                    found.add((product.iri, str(outcome.category), str(outcome.rule_iri)))
                if outcome.category is not None:
                    for rule_id, _status in outcome.other_derivations or []:
                        if str(EVSH[rule_id]) in rule_iris:
                            found.add((product.iri, str(outcome.category), str(EVSH[rule_id])))
    return found


def compare(sample_graph, sample_path: Path) -> tuple[bool, str]:

    from evkg.core import resources
    from evkg.validation.compiled import bundled_compiled_shapes, results_from_pyshacl, run_compiled
    from evkg.validation.store import store_of_graph

    skolem = sample_graph.skolemize()
    seconds, results_graph, expanded = baseline(skolem)
    from rdflib.namespace import SH

    rule_iris = {str(r) for r in resources.rules_graph().subjects(SH.construct, None)}   # SHACL-AF rules only
    reference = {r.key() for r in results_from_pyshacl(results_graph)}
    compiled = {r.key() for r in run_compiled(store_of_graph(skolem), bundled_compiled_shapes())}
    _, run = ours(sample_path)
    theirs = {c for c in rule_conclusions_from_graph(expanded) if c[2] in rule_iris}
    mine = rule_conclusions_from_run(run, rule_iris)
    same_validation = compiled == reference
    same_rules = theirs == mine
    detail = (f"validation results: {len(reference)} pySHACL, {len(compiled)} ours, identical={same_validation}; "
              f"rule conclusions: {len(theirs)} pySHACL, {len(mine)} ours, identical={same_rules}")
    if not same_rules:
        detail += f"\n  only pySHACL: {sorted(theirs - mine)[:5]}\n  only ours: {sorted(mine - theirs)[:5]}"
    return same_validation and same_rules, detail, seconds


def warm_single_latency(path: Path, repeats: int = 20) -> float:
    from evkg.pipeline import check_files

    check_files([path])                            # warm the caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check_files([path])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_cli(path: Path, repeats: int = 5) -> float:
    """Median seconds of `evkg check FILE` in a new process, after one run that fills the caches a first run
    leaves behind (bytecode, the parsed and compiled bundled files), as on a machine where evkg has run once.
    Python is allowed to write bytecode here even where the environment says otherwise, as it does by default."""
    evkg = Path(sys.executable).with_name("evkg")
    command = [str(evkg)] if evkg.exists() else [sys.executable, "-m", "evkg.cli"]
    command += ["check", str(path), "--format", "json"]
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=False, env=environment)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_one(path: Path, jobs: int) -> dict:
    """Check one corpus in this (fresh) process as `evkg check --format jsonl --jobs N > out` does: each product
    rendered as its JSON line and written out as it comes. The digest (for comparing runs) is taken from the
    written lines after the clock and the memory figures stop, so it costs the run nothing."""
    import hashlib
    import json
    import re
    import tempfile

    from evkg.pipeline.batch import stream_checks, warm
    from evkg.report.lines import product_line

    warm()
    products = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        start = time.perf_counter()
        # a register this size is over the default size limit (50 MB): raise it, as `--max-bytes` would
        for kind, _, item in stream_checks([path], jobs=jobs, keep_products=False,
                                           max_bytes=path.stat().st_size + 1):
            if kind == "file" and item.error:
                raise SystemExit(f"{path}: {item.error}")
            if kind == "product":
                products += 1
                out.write(product_line("", item))          # one line, newline included
        out.flush()
        seconds = time.perf_counter() - start
        peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out.seek(0)
        blank = re.compile(r"\b[0-9a-f]{24,32}\b")
        digests = []
        for line in out:
            record = json.loads(line)["product"]
            record["results"] = sorted(blank.sub("_", json.dumps(r, sort_keys=True)) for r in record["results"])
            digests.append(hashlib.sha256(blank.sub("_", json.dumps(record, sort_keys=True)).encode()).hexdigest())
    return {"products": products, "seconds": seconds,
            "digest": hashlib.sha256("".join(digests).encode()).hexdigest(),
            "peak_main_mib": peak_main, "peak_worker_mib": peak_worker}


def scaling(sizes: list[int], jobs_list: list[int], seed: int, tmp: Path) -> dict:
    import json

    rows = {}
    for size in sizes:
        path = tmp / f"products-{size}.nt"
        triples = write_ntriples(size, path, seed=seed)
        for jobs in jobs_list:
            out = subprocess.run([sys.executable, __file__, "--run-one", str(path), "--jobs", str(jobs)],
                                 capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["triples"] = triples
            rows[(size, jobs)] = row
            print(f"  {size:>6} products, --jobs {jobs}: {row['seconds']:.1f} s, "
                  f"{row['products'] / row['seconds']:.0f} products/s (load {load_average()})",
                  file=sys.stderr, flush=True)
        path.unlink()
    return rows


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def print_table(rows: dict, sizes: list[int], jobs_list: list[int]) -> None:
    print(f"{'products':>9} {'jobs':>5} {'seconds':>9} {'products/s':>11} {'ms/product':>11} "
          f"{'peak main':>10} {'peak worker':>12} {'same as --jobs 1':>17}", file=sys.stderr)
    for size in sizes:
        for jobs in jobs_list:
            row = rows[(size, jobs)]
            same = row["digest"] == rows[(size, jobs_list[0])]["digest"]
            worker = f"{row['peak_worker_mib']:.0f} MiB" if jobs > 1 else "-"
            print(f"{size:>9} {jobs:>5} {row['seconds']:>9.2f} {row['products'] / row['seconds']:>11.0f} "
                  f"{1000 * row['seconds'] / row['products']:>11.2f} {row['peak_main_mib']:>6.0f} MiB "
                  f"{worker:>12} {'yes' if same else 'NO':>17}", file=sys.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="size of the headline figure (default 1000)")
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes of the scaling table")
    parser.add_argument("--jobs", default="1,2", help="numbers of worker processes to compare")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-sample", type=int, default=50,
                        help="products given to plain pySHACL (it takes seconds per product)")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    jobs_list = [int(j) for j in args.jobs.split(",")]
    if args.run_one:
        import json

        print(json.dumps(run_one(args.run_one, jobs_list[0])))
        return 0
    sizes = sorted({int(n) for n in args.sizes.split(",")} | {args.products})
    sample = min(args.baseline_sample, args.products)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample_graph = make_products(sample, seed=args.seed)
        sample_path = tmp / "sample.ttl"
        sample_graph.serialize(sample_path, format="turtle")
        single_path = tmp / "single.ttl"
        make_products(1, seed=args.seed).serialize(single_path, format="turtle")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average {load_average()} at the start", file=sys.stderr)

        cold = cold_cli(single_path)
        print("scaling (each run in a fresh process, results streamed):", file=sys.stderr)
        rows = scaling(sizes, jobs_list, args.seed, tmp)
        print_table(rows, sizes, jobs_list)
        smallest, largest, most = sizes[0], sizes[-1], max(jobs_list)

        def per_product(size, jobs):
            return rows[(size, jobs)]["seconds"] / rows[(size, jobs)]["products"]

        ratio = per_product(largest, jobs_list[0]) / per_product(smallest, jobs_list[0])
        same_jobs = all(rows[(n, j)]["digest"] == rows[(n, jobs_list[0])]["digest"] for n in sizes for j in jobs_list)
        headline = rows[(args.products, most)]
        ours_rate = headline["products"] / headline["seconds"]
        print(f"scaling ratio (time per product at {largest} / at {smallest}, --jobs {jobs_list[0]}): {ratio:.2f}",
              file=sys.stderr)

        identical, detail, base_seconds = compare(sample_graph, sample_path)
        base_rate = sample / base_seconds
        print(f"plain pySHACL: {sample} products in {base_seconds:.2f} s = {base_rate:.2f} products/s", file=sys.stderr)
        print(f"agreement on the {sample}-product sample (ours in chunks of ten): {detail}", file=sys.stderr)
        warm = warm_single_latency(single_path)
        print(f"warm single-product check: {warm * 1000:.1f} ms (median of 20)", file=sys.stderr)
        print(f"cold CLI check of one file: {cold:.2f} s", file=sys.stderr)
        peak_mib = rows[(largest, most)]["peak_main_mib"] + (
            most * rows[(largest, most)]["peak_worker_mib"] if most > 1 else 0)
        print(f"peak memory at {largest} products, --jobs {most}: {peak_mib:.0f} MiB (main + every worker)",
              file=sys.stderr)
        print(f"load average at the end: {load_average()}", file=sys.stderr)
        print(f"products={args.products} evkg_products_per_s={ours_rate:.1f} baseline_products_per_s={base_rate:.2f} "
              f"speedup={ours_rate / base_rate:.1f} identical={'true' if identical and same_jobs else 'false'} "
              f"warm_single_ms={warm * 1000:.1f} cold_cli_s={cold:.2f} peak_mib={peak_mib:.0f} "
              f"scaling_ratio={ratio:.2f} jobs={most}")
    return 0 if identical and same_jobs else 1


if __name__ == "__main__":
    sys.exit(main())
