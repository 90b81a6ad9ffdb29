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


def test_a_labelled_node_written_before_a_bracket_lends_it_none_of_its_lines(tmp_path, capsys):
    """A bracket could take the number of a labelled node (_:x) written before it, and with it that node's lines:
    the first preparation, which states no particle kind, was sent to line 5, where _:earlier states one."""
    path = tmp_path / "labelled.ttl"
    path.write_text(BRACKETS.replace("@prefix ex: <https://example.org/> .\n", "@prefix ex: <https://example.org/> .\n"
                                     "_:note rdfs:comment \"a note\" .\n"
                                     "_:earlier evkg:particleKind evkg:HumanOrigin .\n"), encoding="utf-8")
    results = check_json(path, capsys)
    assert {r["line"] for r in results if r["line"]} <= {7, 9, 13, 17}, sorted({r["line"] for r in results})
    first = [r for r in results if r["focus_label"] == "first preparation" and r["path"]
             and r["path"].endswith("particleKind")]
    assert first and {r["line"] for r in first} == {9}


def test_lines_end_at_a_lone_carriage_return_as_in_old_mac_files(tmp_path, capsys):
    """A file saved with CR line ends had every finding on line 1."""
    unix, mac = tmp_path / "unix.ttl", tmp_path / "mac.ttl"
    unix.write_text(BRACKETS, encoding="utf-8")
    mac.write_bytes(BRACKETS.replace("\n", "\r").encode("utf-8"))
    expected = sorted((r["constraint"], r["focus_label"], r["line"]) for r in check_json(unix, capsys))
    assert sorted((r["constraint"], r["focus_label"], r["line"]) for r in check_json(mac, capsys)) == expected
    assert {line for *_, line in expected} >= {5, 7, 11, 15}


def source_map(text: str, tmp_path):
    """The positions `evkg check` finds in a Turtle text, loaded into a real store."""
    import pyoxigraph as ox

    from evkg.io.load import load_into_store

    path = tmp_path / "positions.ttl"
    path.write_text(text, encoding="utf-8")
    return load_into_store(path, ox.Store(), ox.NamedNode("urn:evkg:positions"))


def test_an_escaped_character_in_a_name_does_not_move_the_rest_of_its_line_into_a_comment(tmp_path):
    r"""`ex:a\#b` is one name; the scanner read `\#b …` as a comment and gave the next line's property, written
    about ex:y, to ex:x."""
    found = source_map('@prefix ex: <https://example.org/> .\n'
                       'ex:x ex:see ex:a\\#b . ex:y ex:p "1" ;\n'
                       '    ex:q "2" .\n'
                       'ex:x ex:q "3" .\n', tmp_path)
    lines = {(node.rsplit("/", 1)[-1], key.rsplit("/", 1)[-1]): at.line for (node, key), at in found.keys.items()}
    assert lines == {("x", "see"): 2, ("y", "p"): 2, ("y", "q"): 3, ("x", "q"): 4}


def test_brackets_written_without_spaces_get_their_lines(tmp_path):
    found = source_map('@prefix ex: <https://example.org/> .\n'
                       'ex:x ex:part [ex:rank 1;ex:name "one"],\n'
                       '  [ex:rank .5] .\n', tmp_path)
    assert sorted(at.line for node, at in found.nodes.items() if not node.startswith("http")) == [2, 3]


class CountingStore:
    """A real store that counts the lookups made in it."""

    def __init__(self):
        import pyoxigraph as ox

        self.store, self.lookups = ox.Store(), 0

    def quads_for_pattern(self, *pattern):
        self.lookups += 1
        return self.store.quads_for_pattern(*pattern)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_groups_of_alike_brackets_are_matched_without_reading_each_node_once_per_sibling(tmp_path):
    """Each bracket was compared with each of its siblings by reading the sibling again from the store: a file of
    thousands of groups of 64 empty brackets took over twenty seconds to place, before being checked."""
    import pyoxigraph as ox

    from evkg.io.load import load_into_store

    groups = 150
    path = tmp_path / "alike.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\n"
                    + "".join(f"ex:n{g} ex:part " + ", ".join(["[]"] * 64) + " .\n" for g in range(groups)),
                    encoding="utf-8")
    store = CountingStore()
    load_into_store(path, store, ox.NamedNode("urn:evkg:positions"))
    assert store.lookups <= 2 * groups * 64 + groups
