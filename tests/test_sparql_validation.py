"""The compiled validation engine gives exactly pySHACL's results, on every example and on a generated corpus."""
from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

from evkg.validation.compiled import bundled_compiled_shapes, run_compiled, run_pyshacl
from evkg.validation.store import store_of_graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_products import make_products  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*/*.ttl"))
PRODUCTS = sorted((ROOT / "data" / "products").glob("*.ttl"))


def _compare(graph: Graph) -> None:
    graph = graph.skolemize()                      # the same node names in both engines
    compiled = {r.key() for r in run_compiled(store_of_graph(graph), bundled_compiled_shapes())}
    reference = {r.key() for r in run_pyshacl(graph)}
    assert compiled == reference, (
        "only compiled: " + repr(sorted(compiled - reference)[:3]) + "\nonly pySHACL: " + repr(sorted(reference - compiled)[:3]))


def test_every_shape_is_compiled():
    assert bundled_compiled_shapes().fallback == []


def test_examples_give_identical_results():
    graph = Graph()
    for path in EXAMPLES:
        graph += Graph().parse(path)
    _compare(graph)


def test_a_sample_of_curated_products_gives_identical_results():
    # plain pySHACL needs seconds per product; benchmarks/check_throughput.py compares larger corpora
    graph = Graph()
    for path in PRODUCTS[::6]:
        graph += Graph().parse(path)
    _compare(graph)


def test_generated_corpus_gives_identical_results():
    _compare(make_products(10, seed=11))


def test_unsupported_shape_falls_back_to_pyshacl():
    from evkg.validation.compiled import compile_shapes

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( [ sh:class ex:A ] [ sh:class ex:B ] ) ;
            sh:message "pick one" .
        ex:T a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 ; sh:message "need p" .
        """, format="turtle")
    compiled = compile_shapes(shapes)
    assert [str(s) for s in compiled.fallback] == ["http://example.org/S"]
    assert {str(c.shape) for c in compiled.checks} == {"http://example.org/T"}
