"""Findings on a Turtle description point to the line where the node or property was written, as they do for
YAML and JSON; a file the position scanner cannot follow is checked the same, without lines."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))


def check_json(path: Path, capsys) -> list[dict]:
    from evkg.cli import main

    main(["check", "--format", "json", str(path)])
    report = json.loads(capsys.readouterr().out)
    return [r for f in report["files"] for p in f["products"] for r in p["results"]]


def local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_a_finding_on_a_turtle_file_points_to_the_line_of_its_property_or_of_its_node(path, capsys):
    lines = path.read_text(encoding="utf-8").splitlines()
    results = check_json(path, capsys)
    located = [r for r in results if r["line"]]
    assert located, "no finding has a line"
    for result in located:
        written = lines[result["line"] - 1]
        said_there = [local(result["path"])] if result["path"] else []
        said_there.append(local(result["focus"]))          # a missing property: the line of its node
        assert any(word in written for word in said_there), (result["constraint"], result["line"], written)


BRACKETS = """@prefix evkg: <https://w3id.org/evkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .

ex:two-preparations a evkg:EVProduct ;
    rdfs:label "Two preparations written in brackets" ;
    evkg:hasEVComponent [
        a evkg:EVPreparation ;
        rdfs:label "first preparation" ;
        evkg:evOriginKind evkg:HumanOrigin
    ] , [
        a evkg:EVPreparation ;
        rdfs:label "second preparation" ;
        evkg:evOriginKind evkg:HumanOrigin ;
        evkg:particleKind evkg:NoSuchKind
    ] .
"""


def test_a_finding_on_a_bracketed_part_points_into_that_bracket(tmp_path, capsys):
    path = tmp_path / "brackets.ttl"
    path.write_text(BRACKETS, encoding="utf-8")
    results = check_json(path, capsys)
    unknown = [r for r in results if r["value"] and "NoSuchKind" in r["value"]]
    assert unknown and {r["line"] for r in unknown} == {15}              # the particle kind of the second one
    lacking = {r["focus_label"]: r["line"] for r in results if r["constraint"] == "F-evSourceMaterial"}
    assert lacking == {"first preparation": 7, "second preparation": 11}  # a fact it lacks: where it opens


def test_a_turtle_file_the_scanner_cannot_follow_is_checked_the_same_without_lines(tmp_path, capsys):
    example = ROOT / "examples" / "invalid" / "no-tetraspanin-marker.ttl"
    with_lines = check_json(example, capsys)
    # a collection as a subject is valid Turtle that the scanner does not follow
    odd = tmp_path / "odd.ttl"
    odd.write_text(example.read_text(encoding="utf-8") + "\n( 1 2 ) <https://example.org/p> 3 .\n", encoding="utf-8")
    without = check_json(odd, capsys)
    assert not [r for r in without if r["line"]]
    assert sorted((r["constraint"], r["message"]) for r in without) == \
        sorted((r["constraint"], r["message"]) for r in with_lines)


def test_many_bracketed_parts_on_one_property_are_left_without_lines_and_the_check_is_not_held_up(tmp_path, capsys):
    """Matching brackets to blank nodes compares siblings with each other: past MAX_SIBLINGS on one property they
    get no lines (thousands of them once took minutes); the product itself still points to its line."""
    from evkg.io.turtle_positions import MAX_SCANNED_CHARS, MAX_SIBLINGS

    hub = tmp_path / "hub.ttl"
    parts = " ,\n".join(f"    [ <https://example.org/rank> {i} ]" for i in range(9_000))
    hub.write_text("@prefix evkg: <https://w3id.org/evkg#> .\n"
                   f"<https://example.org/hub> a evkg:EVProduct ;\n    <https://example.org/part>\n{parts} .\n",
                   encoding="utf-8")
    assert 9_000 > MAX_SIBLINGS and hub.stat().st_size < MAX_SCANNED_CHARS
    results = check_json(hub, capsys)
    on_product = [r for r in results if r["focus"] == "https://example.org/hub"]
    assert on_product and {r["line"] for r in on_product if not r["path"] or "example.org" not in r["path"]} == {2}
    assert not [r for r in results if r["focus"] != "https://example.org/hub" and r["line"]]
