"""Turtle, YAML and JSON-LD say the same thing: every example and curated product survives `evkg convert`
to each form and back as the same graph, and checks with the same findings and classification."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from evkg.io.load import load_rdf, parse_located
from evkg.io.write import serialise
from evkg.pipeline import check_files
from evkg.report.render import to_dict

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTIONS = sorted((ROOT / "examples").glob("*/*.ttl")) + sorted((ROOT / "data" / "products").glob("*.ttl"))
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))


def test_there_is_something_to_convert():
    assert len(DESCRIPTIONS) >= 40 and len(VALID) >= 6


@pytest.mark.parametrize("path", DESCRIPTIONS, ids=lambda p: p.stem)
def test_every_form_reads_back_as_the_same_graph(path):
    original = load_rdf(path)
    for written, read_as in (("yaml", "yaml"), ("jsonld", "json-ld"), ("ttl", "turtle")):
        again, _ = parse_located(serialise(original, written).encode("utf-8"), read_as,
                                 source_name=f"{path.name}.{written}")
        if not isomorphic(original, again):
            _, lost, gained = graph_diff(to_isomorphic(original), to_isomorphic(again))
            pytest.fail(f"{path.name} as {written}: lost {sorted(lost)[:3]}, gained {sorted(gained)[:3]}")


def _verdicts(run) -> list:
    out = []
    for file in to_dict(run)["files"]:
        assert file["error"] is None, file["error"]
        out.append([(p["iri"], p["conforms"], p["completeness"],
                     sorted((r["severity"], r["constraint"] or "", r["focus"], r["path"] or "", r["value"] or "",
                             r["message"]) for r in p["results"]),
                     sorted((c["jurisdiction"] or "", c["question"] or "", c["category"] or "", c["status"] or "")
                            for c in p["classifications"])) for p in file["products"]])
    return out


def test_yaml_twins_check_with_the_same_findings_and_classification(tmp_path):
    twins = []
    for path in DESCRIPTIONS:
        twin = tmp_path / f"{path.parent.name}-{path.stem}.yaml"
        twin.write_text(serialise(load_rdf(path), "yaml"), encoding="utf-8")
        twins.append(twin)
    assert _verdicts(check_files(twins)) == _verdicts(check_files(DESCRIPTIONS))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_each_valid_example_ships_its_yaml_twin_as_evkg_convert_writes_it(path):
    twin = path.with_suffix(".yaml")
    assert twin.exists(), f"run: evkg convert {path.relative_to(ROOT)} --to yaml -o {twin.relative_to(ROOT)}"
    assert twin.read_text(encoding="utf-8") == serialise(load_rdf(path), "yaml"), \
        f"{twin.name} is stale: run evkg convert {path.relative_to(ROOT)} --to yaml -o {twin.relative_to(ROOT)}"


def test_shipped_yaml_examples_check_like_their_turtle():
    assert _verdicts(check_files([p.with_suffix(".yaml") for p in VALID])) == _verdicts(check_files(VALID))
