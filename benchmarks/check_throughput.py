"""Throughput of `evkg check` (validate + classify) against plain pySHACL with the same shapes and rules.

    python benchmarks/check_throughput.py --products 1000

Both engines get the same seeded products (benchmarks/make_products.py). Ours runs the whole batch from the
file; plain pySHACL (shapes + SHACL-AF rules, advanced mode, rules iterated) is slow enough that it runs on the
first --baseline-sample products of the same corpus, and its rate is products per second on that sample.
On that sample both must agree exactly: the validation results and the classification conclusions
(product, category, rule). Also measured: warm single-product check, cold CLI check of one file, peak memory.
The last line is machine-readable.
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

from make_products import make_products  # noqa: E402


def ours(path: Path):
    from evkg.pipeline import check_files

    start = time.perf_counter()
    run = check_files([path])
    return time.perf_counter() - start, run


def baseline(data):
    """Plain pySHACL: shapes and rules in one shapes graph, ontology mixed in, rules iterated to a fixpoint."""
    from pyshacl import validate
    from rdflib import Graph

    from evkg.core import resources

    shapes = Graph()
    shapes += resources.shapes_graph()
    shapes += resources.rules_graph()
    work = Graph()
    work += data
    start = time.perf_counter()
    _, results, _ = validate(work, shacl_graph=shapes, ont_graph=resources.ontology_graph(), inference="none",
                             advanced=True, iterate_rules=True, allow_warnings=True, allow_infos=True,
                             inplace=True)
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
    from evkg.validation.engine import store_of_graph

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


def cold_cli(path: Path) -> float:
    evkg = Path(sys.executable).with_name("evkg")
    command = [str(evkg)] if evkg.exists() else [sys.executable, "-m", "evkg.cli"]
    start = time.perf_counter()
    subprocess.run(command + ["check", str(path), "--format", "json"], capture_output=True, check=False)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-sample", type=int, default=50,
                        help="products given to plain pySHACL (it takes seconds per product)")
    args = parser.parse_args(argv)
    sample = min(args.baseline_sample, args.products)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = make_products(args.products, seed=args.seed)
        corpus_path = tmp / "products.ttl"
        corpus.serialize(corpus_path, format="turtle")
        sample_graph = make_products(sample, seed=args.seed)
        sample_path = tmp / "sample.ttl"
        sample_graph.serialize(sample_path, format="turtle")
        single_path = tmp / "single.ttl"
        make_products(1, seed=args.seed).serialize(single_path, format="turtle")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              file=sys.stderr)
        print(f"corpus: {args.products} products, {len(corpus)} triples (seed {args.seed})", file=sys.stderr)

        cold = cold_cli(single_path)
        ours(sample_path)                          # warm up: parse ontology, shapes, rules once
        seconds, run = ours(corpus_path)
        summary = run.summary()
        ours_rate = args.products / seconds
        print(f"evkg: {args.products} products in {seconds:.2f} s = {ours_rate:.0f} products/s "
              f"({summary['products_conforming']} conform)", file=sys.stderr)

        identical, detail, base_seconds = compare(sample_graph, sample_path)
        base_rate = sample / base_seconds
        print(f"plain pySHACL: {sample} products in {base_seconds:.2f} s = {base_rate:.2f} products/s", file=sys.stderr)
        print(f"agreement on the {sample}-product sample: {detail}", file=sys.stderr)
        warm = warm_single_latency(single_path)
        print(f"warm single-product check: {warm * 1000:.1f} ms (median of 20)", file=sys.stderr)
        print(f"cold CLI check of one file: {cold:.2f} s", file=sys.stderr)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (this process): {peak_mib:.0f} MiB", file=sys.stderr)
        print(f"products={args.products} evkg_products_per_s={ours_rate:.1f} baseline_products_per_s={base_rate:.2f} "
              f"speedup={ours_rate / base_rate:.1f} identical={'true' if identical else 'false'} "
              f"warm_single_ms={warm * 1000:.1f} cold_cli_s={cold:.2f} peak_mib={peak_mib:.0f}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
