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
    """What a check found, per product; messages and values in the words of the YAML form, in which findings on
    a YAML description are written (the Turtle twin's say evkg:IdentityTest where the YAML's say IdentityTest)."""
    from evkg.io.write import in_form_words, value_in_form_words

    out = []
    for file in to_dict(run)["files"]:
        assert file["error"] is None, file["error"]
        out.append([(p["iri"], p["conforms"], p["completeness"],
                     sorted((r["severity"], r["constraint"] or "", r["focus"], r["path"] or "", value_in_form_words(r["value"]) or "",
                             in_form_words(r["message"])) for r in p["results"]),
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


def test_every_property_and_kind_of_value_survives_each_form():
    """Not only what the examples say: every property of the context, each with the kind of value it is read
    as and with values it is not (another datatype, a language tag, an IRI where text is expected, a blank
    node, several types, a property from another vocabulary)."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    from evkg.core.namespaces import EVKG, OBO
    from evkg.io.context import bundled_context

    context = bundled_context()["@context"]
    graph = Graph()
    product = URIRef("https://w3id.org/evkg/data/product/all-properties")
    graph.add((product, RDF.type, EVKG.EVProduct))
    graph.add((product, RDF.type, URIRef("http://example.org/OtherClass")))
    graph.add((product, URIRef("http://example.org/vocabulary/p"), Literal("from another vocabulary")))
    graph.add((product, RDFS.label, Literal("tous les faits", lang="fr")))
    for index, (key, entry) in enumerate(sorted(context.items())):
        if not isinstance(entry, dict) or entry.get("@prefix") or not str(entry.get("@id", "")).startswith("evkg:"):
            continue
        prop = EVKG[key]
        node = URIRef(f"{product}/node-{index}")
        graph.add((product, EVKG.hasEVComponent, node))
        coercion = entry.get("@type")
        if coercion == "@vocab":
            graph.add((node, prop, EVKG.Treatment))
            graph.add((node, prop, OBO.MONDO_0005178))
            graph.add((node, prop, Literal("text where a term is expected")))
            blank = BNode()
            graph.add((node, prop, blank))
            graph.add((blank, RDFS.label, Literal("a blank node")))
        elif coercion:
            datatype = URIRef(str(XSD) + coercion.split(":", 1)[1])
            sample = {"boolean": "true", "integer": "12", "decimal": "0.25", "duration": "P12M",
                      "date": "2024-05-01"}.get(coercion.split(":", 1)[1], "x")
            graph.add((node, prop, Literal(sample, datatype=datatype)))
            graph.add((node, prop, Literal("not of the datatype")))
            graph.add((node, prop, Literal("3.5", datatype=XSD.double)))
        else:
            graph.add((node, prop, Literal("plain text")))
            graph.add((node, prop, Literal("text in English", lang="en")))
            graph.add((node, prop, Literal("7", datatype=XSD.integer)))
            graph.add((node, prop, URIRef("https://example.org/report/1")))
    for written, read_as in (("yaml", "yaml"), ("jsonld", "json-ld"), ("ttl", "turtle")):
        again, _ = parse_located(serialise(graph, written).encode("utf-8"), read_as, source_name=f"all.{written}")
        if not isomorphic(graph, again):
            _, lost, gained = graph_diff(to_isomorphic(graph), to_isomorphic(again))
            pytest.fail(f"as {written}: lost {sorted(lost)[:4]}, gained {sorted(gained)[:4]}")


@pytest.mark.parametrize("written", ["yaml", "jsonld"])
def test_the_same_description_is_always_written_the_same_way(written, tmp_path):
    """Blank nodes get new labels each time a file is read; the written form must not show it."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_products import make_products

    path = tmp_path / "blank-nodes.ttl"
    make_products(3, seed=2).serialize(path, format="turtle")       # measurements, markers … as blank nodes
    first, second = (serialise(load_rdf(path), written) for _ in range(2))
    assert first == second
    assert "_:b1" in first and "_:b2" in first


@pytest.mark.parametrize("text", ["x\x85y", "ends with\x85", "\x85starts", "a \x85 b", "line\u2028and\u2029para",
                                  "multi\nline", "tab\there", " padded ", "no", "1e3", "- x", "#c", "a: b"])
def test_a_text_with_any_line_break_or_yaml_look_reads_back_from_yaml_as_written(text):
    """U+0085 (next line; '…' decoded as Latin-1 instead of Windows-1252 gives it) was written in single
    quotes, where YAML reads it as a line break: 'x\x85y' came back as 'x y'."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    graph = Graph()
    graph.add((URIRef("https://w3id.org/evkg/data/product/p"), RDFS.label, Literal(text)))
    again, _ = parse_located(serialise(graph, "yaml").encode("utf-8"), "yaml", source_name="p.yaml")
    assert [str(o) for o in again.objects(None, RDFS.label)] == [text]


def test_a_literal_outside_its_numeric_datatype_is_written_as_it_was_without_a_warning(recwarn):
    import warnings

    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    graph = Graph()
    node, cutoff = URIRef("https://w3id.org/evkg/data/product/p/ev"), URIRef("https://w3id.org/evkg#sizeCutoffNm")
    graph.add((node, cutoff, Literal("abc", datatype=XSD.decimal, normalize=False)))
    graph.add((node, URIRef("https://w3id.org/evkg#value"), Literal("Infinity.0", datatype=XSD.decimal,
                                                                       normalize=False)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # rdflib warned "Serializing weird numerical …"
        text = serialise(graph, "ttl")
    assert '"abc"^^xsd:decimal' in text and '"Infinity.0"^^xsd:decimal' in text
    again, _ = parse_located(text.encode("utf-8"), "turtle", source_name="weird.ttl")
    assert isomorphic(graph, again)


def test_shared_and_cyclic_blank_nodes_are_written_the_same_way_each_time(tmp_path):
    path = tmp_path / "shared.ttl"
    path.write_text("@prefix evkg: <https://w3id.org/evkg#> .\n"
                    "<https://w3id.org/evkg/data/product/p> a evkg:EVProduct ; evkg:dose _:d ; evkg:measurement _:d .\n"
                    "_:d evkg:value 3 .\n_:c evkg:value 4 ; evkg:measurement _:c .\n", encoding="utf-8")
    for written in ("ttl", "yaml", "jsonld"):
        first, second = (serialise(load_rdf(path), written) for _ in range(2))
        assert first == second, written


def test_yes_for_a_boolean_in_yaml_converts_to_turtle_that_reads_back(tmp_path, capsys):
    """A biologist writes `detected: yes`; YAML 1.2 reads it as text, which the check reports. Converting the
    file must still give Turtle that reads back: rdflib's short form wrote the bare word `yes`, not Turtle."""
    import warnings

    from evkg.cli import main

    written = tmp_path / "yes.yaml"
    written.write_text("id: yes-product\ntype: EVProduct\nlabel: Yes product\nannexI3Indication: yes\n"
                       "diseaseClaim: 'no'\nhasEVComponent:\n  - type: EVPreparation\n    sizeCutoffNm: 200 nm\n"
                       "    markerResult:\n      - type: MarkerResult\n        detected: '1'\n", encoding="utf-8")
    turtle = tmp_path / "yes.ttl"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=UserWarning)     # no "Parsing weird boolean" on screen
        assert main(["convert", str(written), "--to", "ttl", "-o", str(turtle)]) == 0
    text = turtle.read_text(encoding="utf-8")
    assert '"yes"^^xsd:boolean' in text and '"no"^^xsd:boolean' in text and '"1"^^xsd:boolean' in text, text
    again, _ = parse_located(turtle.read_bytes(), "turtle", source_name="yes.ttl")
    assert isomorphic(load_rdf(written), again)
    back = tmp_path / "back.yaml"
    assert main(["convert", str(turtle), "--to", "yaml", "-o", str(back)]) == 0
    assert isomorphic(load_rdf(written), load_rdf(back))


@pytest.mark.parametrize("name, text", [
    ("beside.yaml", '"@graph":\n- id: product:tucked-away\n  type: EVProduct\n  label: tucked away\n'
                    "id: product:in-sight\ntype: EVProduct\nlabel: in sight\n"),
    ("named.jsonld", '{"@context": {"evkg": "https://w3id.org/evkg#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}, '
                     '"@id": "https://w3id.org/evkg/data/product/in-sight", "@type": "evkg:EVProduct", '
                     '"rdfs:label": "in sight", "@graph": [{"@id": "https://w3id.org/evkg/data/product/tucked-away", '
                     '"@type": "evkg:EVProduct", "rdfs:label": "tucked away"}]}'),
], ids=["yaml-graph-beside-a-product", "json-ld-named-graph"])
def test_products_in_a_graph_beside_a_product_are_checked_and_converted(tmp_path, name, text):
    """A 'graph:' list beside the keys of a product (in JSON-LD, a named graph) was dropped without a word: its
    products were never checked, and `evkg convert` lost them, as TriG's named graphs are not."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = to_dict(check_files([path]))
    assert sorted(p["iri"].rsplit("/", 1)[-1] for p in report["files"][0]["products"]) == ["in-sight", "tucked-away"]
    assert "tucked-away" in serialise(load_rdf(path), "ttl")
