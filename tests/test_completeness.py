"""Completeness per report section and overall: a missing required fact weighs more than any number of met
notes, so a description with a Violation never scores above the same description with it fixed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from evkg.validation.completeness import completeness_score
from evkg.validation.engine import validate

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
SECTIONS = ["product and claims", "source", "preparation", "characterisation", "cargo", "release tests",
            "regulatory facts"]
UPDATE_PREFIXES = """PREFIX evkg: <https://w3id.org/evkg#>
PREFIX ex: <https://w3id.org/evkg/data/example/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def fixed_graph(path: Path) -> Graph:
    """The invalid example with the fix its sidecar states (a SPARQL update) applied."""
    graph = Graph().parse(path)
    graph.update(UPDATE_PREFIXES + json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))["fix"])
    return graph


def scores(graph: Graph, profile: str = "submission") -> tuple[bool, float, dict]:
    report = validate(graph, profile=profile)
    product = report.products[0]
    return product.conforms, product.completeness, product.completeness_by_section


def test_tiers_put_any_violation_below_any_violation_free_part():
    assert completeness_score({"Violation": (40, 1), "Warning": (30, 0), "Info": (10, 0)}) < 50
    assert completeness_score({"Violation": (40, 0), "Warning": (30, 30), "Info": (10, 10)}) == 50
    assert completeness_score({}) == 100
    assert completeness_score({"Violation": (2, 1)}) < completeness_score({"Violation": (2, 0), "Warning": (1, 1)})


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_the_fix_in_each_sidecar_removes_every_violation_and_raises_the_score(path):
    broken_conforms, broken, broken_sections = scores(Graph().parse(path))
    fixed_conforms, fixed, fixed_sections = scores(fixed_graph(path))
    assert not broken_conforms and fixed_conforms
    assert broken < 50 <= fixed
    assert list(broken_sections) == list(fixed_sections) == SECTIONS
    for section in SECTIONS:
        assert broken_sections[section] <= fixed_sections[section], section
    assert min(broken_sections.values()) < 50


CONFORMING = [(path.stem, Graph().parse(path)) for path in VALID if path.stem.startswith(("e1", "e2", "e6"))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(min_value=0, max_value=len(CONFORMING) - 1), data=st.data())
def test_removing_facts_that_break_a_requirement_never_raises_the_score(which, data):
    """Any description made from a conforming one by removing facts, if it has a Violation, scores lower than
    the conforming one, which is that description with its violations fixed."""
    _, complete = CONFORMING[which]
    triples = sorted(complete, key=lambda t: tuple(str(x) for x in t))
    triples = [t for t in triples if not (t[1] == URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
                                          and str(t[2]).endswith("#EVProduct"))]
    removed = data.draw(st.lists(st.sampled_from(triples), min_size=1, max_size=6, unique=True))
    broken = Graph()
    for triple in complete:
        if triple not in removed:
            broken.add(triple)
    _, full_score, _ = scores(complete)
    conforms, broken_score, _ = scores(broken)
    if not conforms:
        assert broken_score < full_score and broken_score < 50


def test_published_profile_scores_the_same_gaps_as_warnings():
    path = ROOT / "examples" / "invalid" / "no-tetraspanin-marker.ttl"
    _, submission, _ = scores(Graph().parse(path), "submission")
    conforms, published, sections = scores(Graph().parse(path), "published")
    assert submission < 50 <= published and conforms
    assert sections["characterisation"] < 100
