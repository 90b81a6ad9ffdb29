"""Every example is tested by discovery: drop a file (with its .expected.json) into examples/ and it is checked."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from evkg.core.namespaces import EVKG, EVSH
from evkg.pipeline import check
from evkg.validation.engine import validate

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))


def expand(curie: str) -> str:
    for prefix, namespace in (("evkg:", EVKG), ("evsh:", EVSH)):
        if curie.startswith(prefix):
            return str(namespace) + curie[len(prefix):]
    return curie


def sidecar(path: Path) -> dict:
    expected = path.with_suffix(".expected.json")
    assert expected.exists(), f"{path.name} has no {expected.name} saying what it must produce"
    return json.loads(expected.read_text(encoding="utf-8"))


@pytest.mark.parametrize("profile", ["submission", "published"])
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(path, profile):
    """A valid example conforms under both profiles, unless its sidecar says it leaves out facts a submission
    needs (the top-level "conforms" is the default profile, submission)."""
    expected = sidecar(path)
    conforms = expected.get("published", {}).get("conforms", True) if profile == "published" \
        else expected.get("conforms", True)
    products, others = check(Graph().parse(path), classify=False, profile=profile)
    assert products, "no product found"
    violations = [r for p in products for r in p.results + list(others) if r.severity == "Violation"]
    if conforms:
        assert not violations, "\n".join(f"{r.constraint_id} {r.path_label}: {r.message}" for r in violations)
    else:
        assert violations and all(r.constraint_id.startswith("F-") for r in violations)
    assert expected.get("published", {}).get("conforms", True) is True, "a valid example conforms when published"


@pytest.mark.parametrize("profile", ["submission", "published"])
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_reports_its_mistake(path, profile):
    expected = sidecar(path)
    assert expected.get("mistake"), "say in one line what mistake the example shows"
    assert expected["conforms"] is expected["submission"]["conforms"] is False, \
        "every invalid example fails under the default profile (submission)"
    products, others = check(Graph().parse(path), classify=False, profile=profile)
    results = [r for p in products for r in p.results] + list(others)
    assert all(p.conforms for p in products) is expected[profile]["conforms"]
    assert results, "an invalid example must produce at least one finding"
    for wanted in expected[profile]["results"]:
        matches = [r for r in results
                   if ("shape" not in wanted or r.shape == expand(wanted["shape"]))
                   and ("severity" not in wanted or r.severity == wanted["severity"])
                   and ("path" not in wanted or r.path == expand(wanted["path"]))]
        assert matches, f"expected {wanted}; got " + "; ".join(f"{r.shape} {r.severity} {r.path}" for r in results)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_exits_1_under_the_default_profile(path):
    from evkg.cli import main

    assert main(["check", "--no-classify", "-q", "-f", "json", "-o", "/dev/null", str(path)]) == 1


def _richest_examples(count: int = 2) -> list[Path]:
    sized = sorted(VALID, key=lambda p: -len({pred for pred in Graph().parse(p).predicates()}))
    return sized[:count]


def test_removing_a_property_is_noticed_for_most_properties():
    """Drop each evkg property from the richest valid examples: the check must notice at least 80 % of them."""
    noticed, missed = [], []
    for path in _richest_examples():
        graph = Graph().parse(path)
        baseline = validate(graph)
        base_results = {(r.shape, r.focus, r.severity) for p in baseline.products for r in p.results}
        base_score = {p.iri: p.completeness for p in baseline.products}
        predicates = sorted({p for p in graph.predicates() if isinstance(p, URIRef) and str(p).startswith(str(EVKG))})
        for predicate in predicates:
            reduced = Graph()
            for triple in graph:
                if triple[1] != predicate:
                    reduced.add(triple)
            report = validate(reduced)
            results = {(r.shape, r.focus, r.severity) for p in report.products for r in p.results}
            new_findings = {r for r in results - base_results if r[2] in ("Violation", "Warning")}
            lower = any(p.completeness < base_score.get(p.iri, 100) for p in report.products)
            (noticed if new_findings or lower else missed).append(f"{path.stem}: {predicate}")
    share = len(noticed) / (len(noticed) + len(missed))
    assert share >= 0.8, f"only {share:.0%} noticed; not noticed:\n" + "\n".join(missed)


CURATED = sorted((ROOT / "data" / "products").glob("*.ttl"))


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.stem)
def test_curated_product_verdict_matches_its_expectation(path):
    expected = json.loads((ROOT / "tests" / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
    products, _ = check(Graph().parse(path), classify=False, profile="published")
    assert products and all(p.conforms for p in products) is expected["conforms"]
    assert expected["conforms"] is True, "a curated (published) product has no violation under `published`"
