"""Curated products and worked examples classify as their expectation sidecars say.

Each data/products/<id>.ttl is checked against tests/expected/<id>.json and each examples/valid/<name>.ttl
against examples/valid/<name>.expected.json (when it has a "classification" block). The sidecars come from
the products' cited sources and the worked examples of docs/rules.md; they list only what
the sources justify, so a missing entry means "no claim", never "must not happen". Every concluded category
has its expected status (settled, provisional or contested: the weakest status along its chain of premises,
from the rule table); the strongest derivation the engine reports must have it.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG

ROOT = Path(__file__).resolve().parent.parent
EVKG_NS = str(EVKG)
UNDECIDED = EVKG_NS + "Undecided"
RANK = {"settled": 3, "provisional": 2, "contested": 1, "superseded": 0}


def product_cases() -> list[tuple[Path, Path]]:
    return [(path, ROOT / "tests" / "expected" / f"{path.stem}.json")
            for path in sorted((ROOT / "data" / "products").glob("*.ttl"))]


def example_cases() -> list[tuple[Path, Path]]:
    cases = []
    for path in sorted((ROOT / "examples" / "valid").glob("*.ttl")):
        sidecar = path.with_suffix(".expected.json")
        if sidecar.exists() and "classification" in json.loads(sidecar.read_text(encoding="utf-8")):
            cases.append((path, sidecar))
    return cases


CASES = product_cases() + example_cases()


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    assert prefix == "evkg", f"sidecars name categories and questions as evkg: CURIEs, not {curie!r}"
    return EVKG_NS + local


@cache
def classified(path: Path):
    graph = Graph().parse(path, format="turtle")
    products = list(graph.subjects(RDF.type, EVKG.EVProduct))
    assert len(products) == 1, f"{path.name} should describe exactly one product, found {len(products)}"
    result = classify(graph)
    return graph, products[0], result.for_product(products[0])


def test_every_curated_product_has_an_expectation():
    missing = [path.name for path, sidecar in product_cases() if not sidecar.exists()]
    assert not missing, f"add tests/expected/<id>.json for: {', '.join(missing)}"
    assert len(product_cases()) >= 25


def test_every_expectation_has_a_product():
    stems = {path.stem for path, _ in product_cases()}
    orphans = [p.name for p in (ROOT / "tests" / "expected").glob("*.json") if p.stem not in stems]
    assert not orphans, f"expectations without a data/products file: {', '.join(orphans)}"


@pytest.mark.parametrize("path,sidecar", CASES, ids=[p.stem for p, _ in CASES])
def test_classification_matches_expectation(path: Path, sidecar: Path):
    expected = json.loads(sidecar.read_text(encoding="utf-8"))["classification"]
    graph, product, outcomes = classified(path)
    assert outcomes, f"{path.name}: the engine returned no outcome for {product}"
    problems = []
    for jurisdiction, wanted in expected.items():
        mine = [o for o in outcomes if o.jurisdiction == jurisdiction]
        concluded = {o.category for o in mine
                     if o.status not in ("undecided", "superseded", "out-of-scope") and o.category != UNDECIDED}
        contested = {o.category for o in mine if o.status == "contested"}
        contested |= {alt for o in mine if o.status == "contested" for alt, _ in o.alternatives}
        # A rule may answer a question with the category "Undecided" (KR-03: outside the guideline's scope).
        open_answers = [o for o in mine if o.status == "undecided" or o.category == UNDECIDED]
        undecided = {o.question for o in open_answers}
        decided = {o.question for o in mine if o not in open_answers and o.status != "out-of-scope"}
        for curie in wanted.get("concluded", []):
            if expand(curie) not in concluded:
                problems.append(f"{jurisdiction}: expected {curie} to be concluded")
        for curie in wanted.get("contested", []):
            if expand(curie) not in contested:
                problems.append(f"{jurisdiction}: expected {curie} to be contested or a contested alternative")
        statuses = wanted.get("status", {})
        missing_status = sorted(set(wanted.get("concluded", [])) - set(statuses))
        if missing_status:
            problems.append(f"{jurisdiction}: the sidecar gives no status for {', '.join(missing_status)}")
        for curie, status in statuses.items():
            if curie not in wanted.get("concluded", []):
                problems.append(f"{jurisdiction}: status given for {curie}, which the sidecar does not expect")
                continue
            found = sorted({o.status for o in mine if o.category == expand(curie) and o.status != "undecided"},
                           key=lambda s: RANK.get(s, 0), reverse=True)
            if found and found[0] != status:
                problems.append(f"{jurisdiction}: {curie} is {found[0]}, the sidecar expects {status}")
        for curie in wanted.get("not_concluded", []):
            if expand(curie) in concluded:
                rules = sorted({o.rule or "?" for o in mine if o.category == expand(curie)})
                problems.append(f"{jurisdiction}: {curie} must not be concluded (rules {', '.join(rules)})")
        for curie in wanted.get("undecided", []):
            question = expand(curie)
            if question not in undecided or question in decided:
                problems.append(f"{jurisdiction}: question {curie} should be undecided")
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path,sidecar", CASES, ids=[p.stem for p, _ in CASES])
def test_no_consistency_errors(path: Path, sidecar: Path):
    graph = Graph().parse(path, format="turtle")
    errors = classify(graph).consistency_errors
    assert not errors, f"{path.name}: " + "; ".join(str(e) for e in errors)


def test_open_world_removing_cell_content_makes_cell_questions_undecided():
    graph = Graph().parse(ROOT / "data" / "products" / "exoflo.ttl", format="turtle")
    product = URIRef("https://w3id.org/evkg/data/product/exoflo")
    before = {o.category for o in classify(graph).for_product(product) if o.status != "undecided"}
    assert EVKG_NS + "EU_NotATMP" in before
    graph.remove((product, EVKG.cellContent, None))
    after = classify(graph).for_product(product)
    assert EVKG_NS + "EU_NotATMP" not in {o.category for o in after if o.status != "undecided"}
    assert EVKG_NS + "Q_EU_ATMP" in {o.question for o in after if o.status == "undecided"}
