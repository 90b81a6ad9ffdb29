"""YAML, JSON and JSON-LD descriptions through the evkg context: reading, locations, safety, `evkg convert`."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from evkg.cli import main
from evkg.core.namespaces import EVKG, OBO
from evkg.io.context import CONTEXT_URL, build_context, bundled_context_text, context_text
from evkg.io.load import load_rdf

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = URIRef("https://w3id.org/evkg/data/product/knee-ev")

KNEE_YAML = """\
id: knee-ev
type: EVProduct
label: Bone-marrow MSC small EVs for knee osteoarthritis
intendedUse: [Treatment]
indication: MONDO:0005178
cellContent: NoCells
diseaseClaim: true
hasEVComponent:
  type: EVPreparation
  sizeCutoffNm: 200
  hasSource:
    type: CellCultureSource
    producerCellType: CL:0002540
  measurement:
    - type: Measurement
      quantityKind: ModalDiameter
      value: 112
      unit: Nanometre
    - type: Measurement
      value: 2.4e11
      quantityKind: ParticleConcentration
"""


def run_cli(*args, capsys):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_shipped_context_is_generated_from_the_ontology_and_shapes():
    assert bundled_context_text() == context_text(build_context()), \
        "ontology/context.jsonld is stale: run python -m evkg.publish.docs"


def test_yaml_plain_keys_values_and_curies_become_the_ontology_terms(tmp_path):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML, encoding="utf-8")
    graph = load_rdf(path)
    assert (PRODUCT, RDF.type, EVKG.EVProduct) in graph
    assert (PRODUCT, EVKG.intendedUse, EVKG.Treatment) in graph
    assert (PRODUCT, EVKG.cellContent, EVKG.NoCells) in graph
    assert (PRODUCT, EVKG.indication, OBO.MONDO_0005178) in graph
    assert (PRODUCT, EVKG.diseaseClaim, Literal(True)) in graph
    preparation = graph.value(PRODUCT, EVKG.hasEVComponent)
    assert str(preparation) == f"{PRODUCT}/hasEVComponent"          # an unnamed node is named by its place
    assert graph.value(preparation, EVKG.sizeCutoffNm) == Literal("200.0", datatype=XSD.decimal)
    source = graph.value(preparation, EVKG.hasSource)
    assert graph.value(source, EVKG.producerCellType) == OBO.CL_0002540
    values = sorted(str(graph.value(m, EVKG.value)) for m in graph.objects(preparation, EVKG.measurement))
    assert values == ["112.0", "240000000000.0"]                    # decimals without an exponent


def test_yaml_one_point_two_scalars_keep_text_as_text(tmp_path):
    path = tmp_path / "text.yaml"
    path.write_text("id: p\ntype: EVProduct\nlabel: no\nstorageCondition: 2024-01-01\ndeveloper: on\n",
                    encoding="utf-8")
    graph = load_rdf(path)
    product = URIRef("https://w3id.org/evkg/data/product/p")
    assert str(graph.value(product, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == "no"
    assert graph.value(product, EVKG.storageCondition) == Literal("2024-01-01")
    assert graph.value(product, EVKG.developer) == Literal("on")


def test_findings_point_to_the_yaml_line_and_key(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("      value: 2.4e11\n", "      valeu: 2.4e11\n"), encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--format", "json", capsys=capsys)
    assert code == 1
    results = json.loads(out)["files"][0]["products"][0]["results"]
    by_field = {r["field"]: r for r in results}
    # the misspelt key is named at its own line, and the value it should have been is missing on that node
    assert by_field["/hasEVComponent/measurement/1/valeu"]["line"] == 20
    assert by_field["/hasEVComponent/measurement/1/valeu"]["constraint"] == "TERM-01"
    assert by_field["/hasEVComponent/measurement/1/value"]["line"] == 19
    role = by_field["/evRole"]
    assert role["severity"] == "Violation" and role["line"] == 1
    code, text, _ = run_cli("check", str(path), capsys=capsys)
    assert "at line 20: hasEVComponent › measurement #2 › valeu" in text
    code, markdown, _ = run_cli("check", str(path), "--format", "markdown", capsys=capsys)
    assert "(line 20: hasEVComponent › measurement #2 › valeu)" in markdown


def _knee_results(tmp_path, capsys, old: str, new: str) -> tuple:
    """(path, findings) of the knee description with one passage changed, checked as JSON."""
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace(old, new), encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--format", "json", capsys=capsys)
    return path, json.loads(out)["files"][0]["products"][0]["results"]


def test_a_misspelt_name_key_suggests_label_in_yaml_and_rdfs_label_in_turtle(tmp_path, capsys):
    # `label` is rdfs:label, not an evkg property: it was missing from the suggestions ("Did you mean value?")
    path, results = _knee_results(tmp_path, capsys, "label: Bone", "lable: Bone")
    typo = next(r for r in results if r["field"] == "/lable")
    assert typo["constraint"] == "TERM-01" and typo["line"] == 3
    assert typo["message"].endswith("Did you mean label or altLabel or value?")
    assert "takes" not in typo["message"]
    turtle = tmp_path / "knee.ttl"
    assert run_cli("convert", str(path), "--to", "ttl", "-o", str(turtle), capsys=capsys)[0] == 0
    code, out, _ = run_cli("check", str(turtle), "--format", "json", capsys=capsys)
    results = json.loads(out)["files"][0]["products"][0]["results"]
    typo = next(r for r in results if r["constraint"] == "TERM-01")
    assert "Did you mean rdfs:label or skos:altLabel or evkg:value?" in typo["message"]


def test_a_jurisdiction_evkg_does_not_know_is_told_the_ones_it_does(tmp_path, capsys):
    # a jurisdiction is a node of evkg's data, not a vocabulary term: no close name was offered for AU
    _, results = _knee_results(tmp_path, capsys, "label: Bone", "jurisdiction: [AU]\nlabel: Bone")
    unknown = next(r for r in results if r["constraint"] == "TERM-01")
    assert unknown["message"].endswith("jurisdiction takes EU, KR or US."), unknown["message"]


@pytest.mark.parametrize("old, new, field", [("label: Bone", "lable: Bone", "/label"),
                                              ("      value: 2.4e11\n", "      valeu: 2.4e11\n",
                                               "/hasEVComponent/measurement/1/value")])
def test_a_missing_fact_names_the_misspelt_key_beside_it(tmp_path, capsys, old, new, field):
    # the missing fact (a violation at the block) and the unknown key (a warning at its line) read as unrelated
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace(old, new), encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--format", "json", capsys=capsys)
    missing = next(r for r in json.loads(out)["files"][0]["products"][0]["results"] if r["field"] == field)
    typo = new.split(":")[0].strip()
    assert missing["severity"] == "Violation"
    assert missing["message"].endswith(f"The key {typo} given here is not part of the vocabulary: if it is meant "
                                       "as this fact, correct its spelling.")


def test_json_description_reads_like_yaml(tmp_path):
    yaml_path, json_path = tmp_path / "knee.yaml", tmp_path / "knee.json"
    yaml_path.write_text(KNEE_YAML, encoding="utf-8")
    from evkg.io.structured import read_yaml

    json_path.write_text(json.dumps(read_yaml(KNEE_YAML, "knee.yaml")[0], indent=2), encoding="utf-8")
    from rdflib.compare import isomorphic

    assert isomorphic(load_rdf(yaml_path), load_rdf(json_path))


def test_jsonld_naming_the_public_context_is_read_with_the_bundled_copy(tmp_path):
    document = {"@context": CONTEXT_URL, "id": "knee-ev", "type": "EVProduct", "intendedUse": "Treatment"}
    path = tmp_path / "knee.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = load_rdf(path)                              # no network: the test machine has none to reach
    assert (PRODUCT, EVKG.intendedUse, EVKG.Treatment) in graph


def test_other_remote_contexts_are_refused(tmp_path, capsys):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "https://example.org/ctx.jsonld", "@id": "x:y"}), encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2 and "remote JSON-LD context" in out + err


@pytest.mark.parametrize("text, words", [
    ("- a\n- b\n", "a list of plain values at the top"),
    ("just words\n", "a single value at the top"),
    ("a: &x [1]\nb: *x\n", "anchor"),
    ("a: 1\na: 2\n", "repeats the key 'a'"),
    ("a: !!python/object:os.system x\n", "tag"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document"),
    ("a:\n\tb: 1\n", "not valid YAML"),
    ("", "empty"),
    # a merge key was read as a property named '<<' and refused as an invalid IRI, with no line
    ("id: p1\ntype: EVProduct\n<<: {cellContent: NoCells}\n", "line 3, column 1: uses a YAML merge key (<<)"),
    ("id: p1\ntype: EVProduct\nhasEVComponent:\n  <<: {label: x}\n", "line 4, column 3: uses a YAML merge key"),
])
def test_malformed_or_hostile_yaml_exits_2_with_a_located_reason(tmp_path, capsys, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2
    assert words in out + err
    assert "internal error" not in out + err


@pytest.mark.parametrize("text, words", [
    ('{"id": "p1", "label": "a", "label": "b"}', "line 1, column 28: repeats the key 'label' in one object"),
    ('{\n  "id": "p1",\n  "hasSource": {\n    "type": "CellCultureSource",\n    "type": "TissueSource"\n  }\n}\n',
     "line 5, column 5: repeats the key 'type' in one object"),
])
def test_a_key_repeated_in_a_json_description_is_told_with_its_line(tmp_path, capsys, text, words):
    """The repeated key was named without a line: in a long JSON file the reader had to search for it."""
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2 and words in out + err


@pytest.mark.parametrize("old, new, words", [
    # a block's first line not indented under its key: was "repeats the key 'type'; give each key once"
    ("  hasSource:\n    type: CellCultureSource\n", "  hasSource:\n  type: CellCultureSource\n",
     "line 12, column 3: repeats the key 'type' in one block. The key 'hasSource' at line 11 has no value, so the "
     "lines after it are read as keys of the block around it: indent the lines that belong to 'hasSource' further"),
    # no space after the colon: was "line 7: could not find expected ':'", the line after the mistake
    ("cellContent: NoCells\n", "cellContent:NoCells\n",
     "line 6, column 1: is not valid YAML: this line is neither a key with its value nor part of the value above. "
     "Write a key, a colon and a space before the value"),
    # a key indented further than its block: was "mapping values are not allowed in this context"
    ("label: Bone", "  label: Bone", "line 3, column 8: is not valid YAML: this ':' cannot start a key here. "
     "Line the key up with the other keys of its block"),
    # a list item's key indented less than its first key: was "did not find expected '-' indicator"
    ("      quantityKind: ModalDiameter\n", "     quantityKind: ModalDiameter\n",
     "line 16, column 6: is not valid YAML: this line does not line up with the list that starts at line 15. "
     "A line of a list item is indented as far as the item's first key (the text after '- ')"),
])
def test_a_misindented_or_misspaced_yaml_line_is_told_where_and_how_to_fix_it(tmp_path, capsys, old, new, words):
    assert old in KNEE_YAML
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace(old, new, 1), encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2
    assert words in out + err


@pytest.mark.parametrize("name, text", [
    ("dashes.yaml", "---\n# to fill in\n"), ("braces.yaml", "{}\n"), ("nothing.yaml", ""),
    ("null.json", "null"), ("braces.json", "{}"), ("nothing.json", "  \n"),
])
def test_an_empty_yaml_or_json_description_is_called_empty_in_the_words_of_the_form(tmp_path, capsys, name, text):
    """'---' alone was 'a single value at the top'; '{}' or an empty file 'holds no RDF statements' and pointed
    to evkg:EVProduct and Turtle examples, words a YAML writer has not met."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2
    assert "is empty: it holds no description. Start from `evkg new`" in out + err
    assert "RDF" not in out + err and "single value" not in out + err


@pytest.mark.parametrize("name, text", [
    ("reverse.yaml", "id: p1\ntype: EVProduct\n'@reverse': {label: some words}\n"),
    ("reverse.jsonld", json.dumps({"@context": "https://w3id.org/evkg/context.jsonld", "@id": "product:p1",
                                   "@type": "EVProduct", "@reverse": {"label": "some words"}})),
    ("text-subject.n3", '@prefix ex: <http://example.org/> .\n"some words" ex:p ex:o .\n'),
])
def test_a_text_value_in_the_place_of_a_subject_is_refused_not_an_internal_error(tmp_path, capsys, name, text):
    """rdflib builds such statements (JSON-LD @reverse with text, Notation3); the store refused them with a
    TypeError that was reported as 'internal error … a fault in evkg' (exit 3)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "uses the value 'some words' as the subject of a statement" in out + err
    assert "internal error" not in out + err


def _run_limited(path: Path) -> tuple[int, float, int]:
    """Exit code, seconds and the child's peak memory (KiB) of `evkg check` on one file."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "--no-classify", str(path)],
                          capture_output=True, text=True, timeout=300)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.returncode, time.monotonic() - started, max(peak, before)


def test_yaml_bomb_deep_nesting_and_huge_documents_are_refused_in_bounded_memory(tmp_path):
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 12):
        bomb.append(f"{chr(97 + index)}: &{chr(97 + index)} [*{chr(96 + index)}, *{chr(96 + index)}, "
                    f"*{chr(96 + index)}, *{chr(96 + index)}, *{chr(96 + index)}, *{chr(96 + index)}]")
    cases = {
        "bomb.yaml": "\n".join(bomb) + "\n",
        "deep.yaml": "".join("  " * i + "a:\n" for i in range(400)) + "  " * 400 + "b: 1\n",
        "deep.json": "[" * 200_000 + "]" * 200_000,
        "flow.yaml": "[" * 100_000 + "]" * 100_000,
        "huge.yaml": "id: p\ntype: EVProduct\ncomment:\n" + "- x\n" * 400_000,
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, seconds, peak_kib = _run_limited(path)
        assert code == 2, name
        assert seconds < 120, name
        assert peak_kib < 1_000_000, f"{name}: {peak_kib} KiB"


def test_convert_writes_each_form_and_refuses_unknown_ones(tmp_path, capsys):
    example = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    code, out, _ = run_cli("convert", str(example), "--to", "yaml", capsys=capsys)
    assert code == 0 and out.startswith("id: product:example-e1\ntype: EVProduct\n")
    code, out, _ = run_cli("convert", str(example), "--to", "jsonld", capsys=capsys)
    assert code == 0 and json.loads(out)["@context"] == CONTEXT_URL
    code, _, err = run_cli("convert", str(example), "--to", "docx", capsys=capsys)
    assert code == 2 and "docx" in err


def test_a_nested_mention_of_the_public_context_is_resolved_locally_too(tmp_path):
    document = {"@context": {"ex": "https://example.org/"}, "@id": "ex:p", "ex:part": {
        "@context": CONTEXT_URL, "id": "knee-ev", "type": "EVProduct", "intendedUse": "Treatment"}}
    path = tmp_path / "nested.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = load_rdf(path)
    assert any(o == EVKG.Treatment for o in graph.objects(None, EVKG.intendedUse))


def test_a_json_file_with_too_many_values_is_refused_before_it_is_parsed(tmp_path, capsys):
    path = tmp_path / "many.json"
    path.write_text('{"comment": [' + ",".join(["1"] * 500_000) + "]}", encoding="utf-8")
    code, out, err = run_cli("check", str(path), capsys=capsys)
    assert code == 2 and "more than 200,000 values" in out + err


def test_terms_search_gives_the_curie_to_write_for_a_property(capsys):
    code, out, _ = run_cli("terms", "search", "osteoarthritis", "--for", "indication", capsys=capsys)
    assert code == 0 and out.startswith("MONDO:0005178") and "osteoarthritis" in out
    code, out, _ = run_cli("terms", "search", "bone marrow", "--for", "producerCellType", capsys=capsys)
    assert code == 0 and "CL:0002540" in out and "UBERON:" not in out
    code, out, _ = run_cli("terms", "search", "bone marrow", "--for", "anatomicalOrigin", capsys=capsys)
    assert code == 0 and "UBERON:0002371" in out and "CL:" not in out
    code, _, err = run_cli("terms", "search", "x", "--for", "noSuchProperty", capsys=capsys)
    assert code == 2 and "noSuchProperty" in err


@pytest.mark.parametrize("common, curie", [("ginger", "NCBITaxon:94328"), ("grapefruit", "NCBITaxon:37656"),
                                           ("human", "NCBITaxon:9606"), ("cattle", "NCBITaxon:9913")])
def test_an_organism_is_found_by_its_common_name(capsys, common, curie):
    code, out, _ = run_cli("terms", "search", common, "--for", "organism", capsys=capsys)
    assert code == 0 and out.startswith(curie), out


def test_a_term_of_another_kind_is_offered_with_the_key_that_takes_it(capsys):
    # a developer of HEK293-derived exosomes looks for the cell line under the producer cell type
    code, out, _ = run_cli("terms", "search", "HEK293", "--for", "producerCellType", capsys=capsys)
    assert code == 1 and "CVCL:0045" in out and "write it under cellLine" in out, out
    code, out, _ = run_cli("terms", "search", "Neisseria meningitidis", "--for", "indication", capsys=capsys)
    assert code == 1 and "NCBITaxon:487" in out and "write it under organism" in out, out


def test_plain_words_name_the_controlled_values_of_their_property(tmp_path):
    """The issue's own example: lower-case labels and synonyms read as the values they name, per property."""
    document = {"id": "knee-ev", "type": "EVProduct", "intendedUse": ["treatment", "regeneration or repair"],
                "cellContent": "none", "indication": "MONDO:0005178", "manufacturingSetting": "industrial manufacture",
                "hasEVComponent": {"type": "EVPreparation", "vesicleKind": "naturally released EV",
                                   "hasSource": {"type": "CellCultureSource", "donorRelation": "allogeneic"}}}
    path = tmp_path / "knee.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = load_rdf(path)
    assert set(graph.objects(PRODUCT, EVKG.intendedUse)) == {EVKG.Treatment, EVKG.Regenerative}
    assert (PRODUCT, EVKG.cellContent, EVKG.NoCells) in graph
    assert (PRODUCT, EVKG.manufacturingSetting, EVKG.IndustrialManufacture) in graph
    assert (None, EVKG.vesicleKind, EVKG.NaturallyReleasedEV) in graph
    assert (None, EVKG.donorRelation, EVKG.Allogeneic) in graph
    # a word only names a value of the property it belongs to
    path.write_text(json.dumps({"id": "p", "type": "EVProduct", "intendedUse": "none"}), encoding="utf-8")
    assert EVKG.NoCells not in set(load_rdf(path).objects(None, EVKG.intendedUse))


def _source_yaml(tmp_path, **facts) -> Path:
    path = tmp_path / "source.yaml"
    lines = "".join(f"    {key}: {value}\n" for key, value in facts.items())
    path.write_text("id: knee-ev\ntype: EVProduct\nhasEVComponent:\n  type: EVPreparation\n  hasSource:\n"
                    "    type: CellCultureSource\n" + lines, encoding="utf-8")
    return path


def test_an_obo_style_identifier_in_yaml_is_read_as_the_ontology_term(tmp_path):
    graph = load_rdf(_source_yaml(tmp_path, producerCellType="CL_0002570", anatomicalOrigin="UBERON_0001013"))
    assert set(graph.objects(None, EVKG.producerCellType)) == {OBO.CL_0002570}
    assert set(graph.objects(None, EVKG.anatomicalOrigin)) == {OBO.UBERON_0001013}


@pytest.mark.parametrize("text, key", [("induced pluripotent", "producerCellType"), ("HEK", "cellLine"),
                                       ("adipose", "anatomicalOrigin")])
def test_every_curie_that_terms_search_prints_reads_back_as_its_term(tmp_path, text, key):
    from evkg.authoring.terms import search_terms

    hits = search_terms(text, for_property=key)
    assert hits
    for hit in hits:
        graph = load_rdf(_source_yaml(tmp_path, **{key: hit["curie"]}))
        assert set(graph.objects(None, EVKG[key])) == {URIRef(hit["iri"])}, hit["curie"]


def test_the_cellosaurus_form_of_a_cell_line_is_still_read(tmp_path):
    graph = load_rdf(_source_yaml(tmp_path, cellLine="cellosaurus:CVCL_0063"))
    assert set(graph.objects(None, EVKG.cellLine)) == {URIRef("https://www.cellosaurus.org/CVCL_0063")}


def test_free_text_for_a_term_stays_text_so_the_checks_see_it(tmp_path):
    graph = load_rdf(_source_yaml(tmp_path, producerCellType="adipose stem cell"))
    assert set(graph.objects(None, EVKG.producerCellType)) == {Literal("adipose stem cell")}


def test_an_id_with_spaces_is_refused_at_its_line(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", "id: adsc exo knee"), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2
    assert "line 1" in out + err and "spaces" in out + err and "adsc-exo-knee" in out + err


@pytest.mark.parametrize("written", ["../../etc", "/etc/x", "a/../../b"])
def test_an_id_that_leaves_the_product_namespace_is_refused(tmp_path, capsys, written):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", f'id: "{written}"'), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2
    assert "outside the product namespace" in out + err


def test_an_absolute_iri_id_is_kept(tmp_path):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", "id: http://example.org/x"), encoding="utf-8")
    assert (URIRef("http://example.org/x"), RDF.type, EVKG.EVProduct) in load_rdf(path)


@pytest.mark.parametrize("written, words", [
    ("''", "empty id"), ("", "empty id"), ("null", "empty id"), ("42", "the number 42"), ("4.5", "the number 4.5"),
    ("true", "true/false value"), ("[a, b]", "a list"), ("{x: y}", "a block of keys")])
def test_an_empty_or_non_text_id_is_refused_at_its_line(tmp_path, capsys, written, words):
    # the JSON-LD reader would drop it: the product became a blank node with a new random name on every run
    # (or, for '', the bare namespace itself)
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", f"id: {written}"), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "knee.yaml, line 1" in out + err and words in out + err and "id: my-product" in out + err


def test_a_number_as_id_gets_a_name_to_write_instead(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", "id: 42"), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2 and "must be a name written as text" in out + err and "id: batch-42" in out + err


@pytest.mark.parametrize("written", ["evkg:Treatment", "evkg:EVProduct", "CL:0002570", "uniprot:P08962",
                                     "https://w3id.org/evkg#EVProduct", "http://purl.obolibrary.org/obo/CL_1"])
def test_an_id_naming_a_vocabulary_or_ontology_term_is_refused(tmp_path, capsys, written):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("id: knee-ev", f"id: {written}"), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "knee.yaml, line 1" in out + err and f"has the id '{written}', which names a term" in out + err
    assert "plain name" in out + err


def test_a_nested_block_naming_an_ontology_term_is_refused_but_a_reference_to_one_is_read(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("  type: EVPreparation\n", "  id: CL:0002570\n  type: EVPreparation\n"),
                    encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2 and "line 9" in out + err and "names a term of an ontology" in out + err
    path.write_text(KNEE_YAML.replace("producerCellType: CL:0002540", "producerCellType: {id: CL:0002540}"),
                    encoding="utf-8")
    assert set(load_rdf(path).objects(None, EVKG.producerCellType)) == {OBO.CL_0002540}


def test_the_product_id_given_again_to_a_nested_block_is_refused(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("  type: EVPreparation\n", "  id: knee-ev\n  type: EVPreparation\n"),
                    encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "knee.yaml, line 9" in out + err and "gives the id 'knee-ev' to two blocks, at lines 1 and 9" in out + err
    assert "leave the nested ones without an id" in out + err


TWO_PREPARATIONS = KNEE_YAML.split("hasEVComponent:")[0] + """\
hasEVComponent:
  - id: prep
    type: EVPreparation
    sizeCutoffNm: 200
  - id: prep
    type: EVPreparation
    label: second batch
"""


def test_two_blocks_with_the_same_id_are_refused_instead_of_merged(tmp_path, capsys):
    path = tmp_path / "knee.yaml"
    path.write_text(TWO_PREPARATIONS, encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "gives the id 'prep' to two blocks, at lines 9 and 12" in out + err
    path = tmp_path / "knee.json"
    path.write_text(json.dumps({"id": "knee-ev", "type": "EVProduct", "hasEVComponent": [
        {"id": "prep", "type": "EVPreparation"}, {"id": "prep", "label": "x"}]}), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2 and "gives the id 'prep' to two blocks" in out + err


def test_a_block_may_still_be_referred_to_by_its_id_elsewhere(tmp_path):
    path = tmp_path / "knee.yaml"
    path.write_text(TWO_PREPARATIONS.replace("  - id: prep\n    type: EVPreparation\n    label: second batch\n",
                                             "  - {id: prep}\n  - product:prep\n"), encoding="utf-8")
    graph = load_rdf(path)
    assert set(graph.objects(PRODUCT, EVKG.hasEVComponent)) == {URIRef(f"{PRODUCT[:-len('knee-ev')]}prep")}


@pytest.mark.parametrize("written", ["1e400", "-1e400", ".inf", "-.inf", ".nan", ".NaN"])
def test_an_infinite_or_not_a_number_value_is_refused_at_its_line(tmp_path, capsys, written):
    # 1e400 was stored as "Infinity.0"^^xsd:decimal and .inf as ".inf"^^xsd:decimal
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("sizeCutoffNm: 200", f"sizeCutoffNm: {written}"), encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "knee.yaml, line 10" in out + err and "number out of range" in out + err
    assert "Write a finite number" in out + err
    code, out, err = run_cli("convert", str(path), "--to", "ttl", capsys=capsys)
    assert code == 2 and "Infinity" not in out and "number out of range" in err


def test_quoted_infinity_stays_text(tmp_path):
    path = tmp_path / "knee.yaml"
    path.write_text(KNEE_YAML.replace("label: Bone-marrow", "comment: '.inf'\nlabel: Bone-marrow"), encoding="utf-8")
    assert (PRODUCT, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(".inf")) in load_rdf(path)


@pytest.mark.parametrize("written", ["1e400", "NaN", "-Infinity"])
def test_an_infinite_number_in_json_is_refused_at_its_line(tmp_path, capsys, written):
    path = tmp_path / "knee.json"
    path.write_text('{"id": "knee-ev", "type": "EVProduct",\n "hasEVComponent": {"type": "EVPreparation",\n'
                    f' "sizeCutoffNm": {written}}}}}\n', encoding="utf-8")
    code, out, err = run_cli("check", "-q", "--no-classify", str(path), capsys=capsys)
    assert code == 2, out + err
    assert "knee.json, line 3" in out + err and "number out of range" in out + err


# --- facts the sources do not report ---------------------------------------------------------------------

MENZB = ROOT / "tests" / "fixtures" / "products" / "menzb.yaml"     # a real OMV vaccine, vesicle kind left open


def test_a_fact_named_as_not_reported_in_yaml_is_the_vocabulary_property(tmp_path):
    graph = load_rdf(MENZB)
    product = URIRef("https://w3id.org/evkg/data/product/menzb")
    assert set(graph.objects(product, EVKG.notReported)) == {EVKG.vesicleKind}


def test_a_fact_not_reported_in_yaml_is_reported_as_such_not_as_a_gap_to_fill(capsys):
    code, out, _ = run_cli("check", str(MENZB), capsys=capsys)
    assert "Not reported by the source" in out, out
    assert "not reported by the source: vesicle kind" in out, out
    assert "add: Say how the vesicles were made" not in out, out


def test_a_not_reported_fact_written_as_text_is_a_violation_that_says_how_to_write_it(tmp_path, capsys):
    path = tmp_path / "quoted.ttl"
    path.write_text(MENZB_AS_TURTLE_WITH_TEXT, encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--profile", "published", capsys=capsys)
    assert code == 1 and "S-notReported" in out, out
    assert "notReported: [vesicleKind]" in out, out


MENZB_AS_TURTLE_WITH_TEXT = """\
@prefix evkg: <https://w3id.org/evkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/evkg/data/product/quoted> a evkg:EVProduct ; rdfs:label "OMV vaccine" ;
    evkg:intendedUse evkg:InfectiousDiseaseVaccine ; evkg:notReported "vesicleKind" .
"""


def test_a_kind_or_value_named_as_not_reported_is_a_violation_that_says_to_name_a_fact(tmp_path, capsys):
    """notReported names a fact (a property); a kind (EVProduct) or a value (NoCells) there marks nothing, yet
    was accepted without a word."""
    for written in ("EVProduct", "NoCells"):
        path = tmp_path / f"{written}.yaml"
        path.write_text(MENZB.read_text(encoding="utf-8").replace("notReported: [vesicleKind]",
                                                                  f"notReported: [{written}]"), encoding="utf-8")
        code, out, _ = run_cli("check", str(path), capsys=capsys)
        assert code == 1 and "S-notReported" in out, out
        # the value found is quoted as the YAML form writes it
        assert f"found: {written}\n" in out and "a property such as vesicleKind" in out, out
        assert "is a value of" not in out, out


@pytest.mark.parametrize("form", ["yaml", "ttl"])
def test_an_entry_put_under_not_reported_is_named_as_an_entry_with_what_to_do(tmp_path, capsys, form):
    """A whole entry under notReported (a nested YAML block, a Turtle blank node) was reported as "quoted text"
    with a made-up IRI (…/notReported-2) or "the measurement of …" as what was found."""
    if form == "yaml":
        text = MENZB.read_text(encoding="utf-8").replace(
            "notReported: [vesicleKind]", "notReported:\n- vesicleKind\n- {type: Measurement, value: 3}")
    else:
        text = MENZB_AS_TURTLE_WITH_TEXT.replace('evkg:notReported "vesicleKind"',
                                                 "evkg:notReported [ a evkg:Measurement ; evkg:value 3 ]")
    path = tmp_path / f"entry.{form}"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("check", "-q", "--no-classify", str(path), "--profile", "published", capsys=capsys)
    assert code == 1 and "S-notReported" in out, out
    assert "notReported holds a whole entry with its own facts, not the name of a fact" in out, out
    assert "found: an entry with type Measurement, value 3" in out, out
    assert "notReported-2" not in out and "quoted text" not in out, out


def test_yes_for_a_boolean_is_one_finding_not_a_python_warning_on_the_screen(tmp_path):
    """`detected: yes` is reported as S-detected at its line; rdflib's "Parsing weird boolean" UserWarning,
    with a path into site-packages, was printed on stderr above the report as well."""
    path = tmp_path / "yes.yaml"
    path.write_text(KNEE_YAML + "annexI3Indication: yes\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", str(path)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert "S-annexI3Indication" in done.stdout and "found: yes" in done.stdout
    assert "Warning" not in done.stderr and "warnings.warn" not in done.stderr, done.stderr


def test_a_typed_value_is_shown_as_yaml_writes_it_not_in_turtle(tmp_path, capsys):
    """The shelf-life advice said `e.g. "P12M"^^xsd:duration`, Turtle a YAML author cannot write; in the
    report and the template of a YAML description it is `P12M`."""
    path = tmp_path / "shelf.yaml"
    path.write_text(KNEE_YAML + "shelfLife: 12 months\n", encoding="utf-8")
    assert main(["check", "-q", "--no-classify", str(path)]) == 1
    report = capsys.readouterr().out
    advice = report[report.index("S-shelfLife"):].split("found:")[0]
    assert "e.g. P12M for twelve months" in advice and "^^" not in advice, advice
    assert main(["new", "--kind", "msc-ev"]) == 0
    template = capsys.readouterr().out
    assert "P12M" in template and "^^" not in template


@pytest.mark.parametrize("name, data, words", [
    # PyYAML's own words: 'unacceptable character #x000c: control characters are not allowed\n  in
    # "<unicode string>", position 39', with no line
    ("page-break.yaml", b"id: product:x\ntype: EVProduct\nlabel: x\n\x0cshelfLife: P1M\n",
     ", line 4, column 1: holds the control character code 12, which YAML does not allow in text. Remove it"),
    ("bell.yaml", b'id: product:x\ntype: EVProduct\nlabel: "a\x07b"\n',
     ", line 3, column 10: holds the control character code 7"),
    # was said to be UTF-16
    ("wide.yaml", "id: product:x\ntype: EVProduct\n".encode("utf-32"),
     ": is UTF-32 text (it starts with a UTF-32 byte-order mark), not UTF-8"),
], ids=["form-feed", "bell", "utf-32"])
def test_a_control_character_or_a_wide_encoding_is_named_with_its_place(tmp_path, capsys, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr()
    said = out.out + out.err
    assert f"{path}{words}" in said and "<unicode string>" not in said and "Traceback" not in said, said


def test_convert_says_that_the_comments_of_the_file_are_not_carried_over(tmp_path, capsys):
    """A YAML or Turtle file's comments (a person's notes beside the facts) were dropped without a word."""
    noted = tmp_path / "noted.yaml"
    noted.write_text("id: k\ntype: EVProduct\nlabel: K  # working name\n# TODO: ask QA about potency\n"
                     "intendedUse: Treatment\n", encoding="utf-8")
    plain = tmp_path / "plain.yaml"
    plain.write_text("id: k\ntype: EVProduct\nlabel: K\nintendedUse: Treatment\n", encoding="utf-8")
    code, out, err = run_cli("convert", str(noted), "--to", "ttl", capsys=capsys)
    assert code == 0 and 'rdfs:label "K"' in out
    assert err.startswith(f"note: the comments (# …) of {noted} are not carried over"), err
    assert "rdfs:comment in Turtle" in err
    code, out, err = run_cli("convert", str(plain), "--to", "ttl", capsys=capsys)
    assert code == 0 and err == "", err


def test_converting_a_file_onto_itself_offers_a_name_the_command_takes(tmp_path, capsys):
    """`evkg convert my.yaml --to ttl -o my.yaml` offered `-o my-converted.yaml`, which the same command then
    refused as a .yaml name for Turtle."""
    from evkg.cli import main

    source = tmp_path / "my.yaml"
    source.write_text("# notes\nid: knee-ev\ntype: EVProduct\nlabel: Knee EVs\n", encoding="utf-8")
    assert main(["convert", str(source), "--to", "ttl", "-o", str(source)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "is the file being converted" in err and "e.g. -o my.ttl." in err, err
    assert main(["convert", str(source), "--to", "ttl", "-o", str(tmp_path / "my.ttl")]) == 0
    assert main(["convert", str(source), "--to", "ttl", "-o", str(source)]) == 2     # my.ttl is taken now
    assert "e.g. -o my-converted.ttl." in " ".join(capsys.readouterr().err.split())
    assert main(["convert", str(source), "--to", "ttl", "-o", str(tmp_path / "my-converted.ttl")]) == 0
