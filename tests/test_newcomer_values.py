"""Values a first description gets wrong in the YAML form: each is told at its line, in the words of the form,
with what to write instead; none makes the file unreadable."""
from __future__ import annotations

import json
import re

import pytest

from cli_session import run, write

HEAD = "id: knee-ev\ntype: EVProduct\nlabel: Knee EV\n"


def check_json(capsys, tmp_path, text: str) -> dict:
    code, out, err = run(capsys, "check", "-q", "-f", "json", write(tmp_path, "knee.yaml", text))
    assert code in (0, 1), (code, out, err)
    return json.loads(out)["files"][0]


@pytest.mark.parametrize("line, value", [("organism: 9606", "9606"), ("indication: 5178", "5178"),
                                         ("hasEVComponent: 3", "3"), ("dose: 1e10", "1e+10"),
                                         ("hasEVComponent: true", "true")])
def test_a_number_where_a_term_or_block_belongs_is_a_finding_at_its_line_not_an_unreadable_file(
        capsys, tmp_path, line, value):
    file = check_json(capsys, tmp_path, HEAD + line + "\n")
    assert file["error"] is None
    key = line.partition(":")[0]
    at_key = [r for r in file["products"][0]["results"] if r["field"] == f"/{key}" and r["value"] == value]
    if key in ("organism", "indication"):
        assert at_key and at_key[0]["line"] == 4 and "ontology term" in at_key[0]["message"], file


SIRNA = HEAD + """evRole: DeliveryVehicleRole
intendedUse: Treatment
diseaseClaim: true
hasEVComponent:
  - type: EVPreparation
    evOriginKind: HumanOrigin
    hasSource:
      type: CellCultureSource
      geneticallyModified: true
loadedCargo:
  - type: CargoItem
    cargoKind: NucleicAcid
"""


def test_a_premise_names_an_unnamed_cargo_item_as_the_findings_do_not_by_its_yaml_key(capsys, tmp_path):
    path = write(tmp_path, "sirna.yaml", SIRNA)
    _, text, _ = run(capsys, "check", path)
    _, explained, _ = run(capsys, "explain", path)
    _, as_json, _ = run(capsys, "check", "-f", "json", path)
    premises = [p for c in json.loads(as_json)["files"][0]["products"][0]["classifications"]
                for p in c["premises"]]
    assert "loaded cargo: cargo item #1" in premises
    for out in (text, explained, as_json):
        assert "loadedCargo-1" not in out.replace("/loadedCargo-1", "")
        assert "loaded cargo: cargo item #1" in out


@pytest.mark.parametrize("line, meant, told", [
    ("indication: MONDO:005178", "MONDO:0005178 (osteoarthritis)", "has 6 digits after 'MONDO:'"),
    ("indication: MONDO:00005178", "MONDO:0005178 (osteoarthritis)", "has 8 digits after 'MONDO:'"),
    ("indication: NCIT:2926", "NCIT:C2926", ""),
    ("indication: 5178", "MONDO:0005178 (osteoarthritis)", "`indication: MONDO:0005178`"),
    ("organism: 9606", "NCBITaxon:9606 (Homo sapiens)", "`organism: NCBITaxon:9606`")])
def test_a_term_id_with_its_digits_miscounted_or_alone_is_told_the_term_it_stands_for(
        capsys, tmp_path, line, meant, told):
    file = check_json(capsys, tmp_path, HEAD + line + "\n")
    key = line.partition(":")[0]
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"] == f"/{key}" and r["line"] == 4]
    assert any(f"Did you mean {meant}" in m and told in m for m in messages), messages


def test_a_miscounted_cell_type_id_in_a_source_is_told_the_cell_type(capsys, tmp_path):
    text = HEAD + ("hasEVComponent:\n  - type: EVPreparation\n    hasSource:\n      type: CellCultureSource\n"
                   "      producerCellType: CL:000134\n")
    file = check_json(capsys, tmp_path, text)
    messages = [r["message"] for r in file["products"][0]["results"] if r["constraint"] == "S-producerCellType"]
    assert any("Did you mean CL:0000134 (mesenchymal stem cell)?" in m for m in messages), messages


@pytest.mark.parametrize("written, meant", [("NCT 04223622", "NCT04223622"), ("ISRCTN 12345678", "ISRCTN12345678"),
                                            ("'EudraCT: 2020-001978-29'", "2020-001978-29")])
def test_a_trial_number_parted_from_its_registry_prefix_is_told_the_number_to_write(capsys, tmp_path, written, meant):
    file = check_json(capsys, tmp_path, HEAD + f"trialRegistryId: {written}\n")
    messages = [r["message"] for r in file["products"][0]["results"] if r["constraint"] == "S-trialRegistryId"]
    assert any(f'Did you mean "{meant}"' in m for m in messages), messages


@pytest.mark.parametrize("written, told", [
    ("12/03/2025", "12/03/2025 is 2025-03-12 if the day comes first and 2025-12-03 if the month does"),
    ("31/12/2025", "Write it as 2025-12-31."), ("12 March 2025", "Write it as 2025-03-12."),
    ("2025/3/12", "Write it as 2025-03-12."), ("March 2025", "A date needs the day")])
def test_a_date_written_as_people_write_it_is_told_the_date_to_write(capsys, tmp_path, written, told):
    text = HEAD + f"releaseTest:\n  - type: ReleaseTest\n    testType: SterilityTest\n    date: {written}\n"
    file = check_json(capsys, tmp_path, text)
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"].endswith("/date")]
    assert any(told in m for m in messages), messages


@pytest.mark.parametrize("line, key, kind", [('dose: "2 ml"', "dose", "Measurement"),
                                            ("releaseTest: sterile", "releaseTest", "ReleaseTest"),
                                            ("hasSource: cells", "hasSource", "CellCultureSource"),
                                            ("hasEVComponent: 3", "hasEVComponent", "EVPreparation")])
def test_text_where_a_block_belongs_is_one_finding_at_its_line_not_checks_run_on_the_text(
        capsys, tmp_path, line, key, kind):
    path = write(tmp_path, "knee.yaml", HEAD + line + "\n")
    _, out, _ = run(capsys, "check", path)
    assert not [row for row in out.splitlines() if row.startswith(("  VIOLATION on", "  WARNING on", "  INFO on"))]
    file = check_json(capsys, tmp_path, HEAD + line + "\n")
    assert file["other_results"] == []
    [told] = [r for r in file["products"][0]["results"] if r["constraint"] == "S-blockAsText"]
    assert told["line"] == 4 and told["field"] == f"/{key}"
    assert f"directly under {key}, where a block of facts is expected" in told["message"] and kind in told["message"]


@pytest.mark.parametrize("words, meant", [("MONDO:005178", "MONDO:0005178 (osteoarthritis)"),
                                          ("MONDO 0005178", "MONDO:0005178 (osteoarthritis)"),
                                          ("CL:000134", "CL:0000134 (mesenchymal stem cell)")])
def test_a_term_search_for_a_mistyped_identifier_names_the_term_it_stands_for(capsys, words, meant):
    code, out, _ = run(capsys, "terms", "search", words)
    assert f"Did you mean {meant}?" in out


def test_an_identifier_written_with_a_space_for_the_colon_is_told_the_term(capsys, tmp_path):
    file = check_json(capsys, tmp_path, HEAD + "indication: MONDO 0005178\n")
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"] == "/indication"]
    assert any("Write it as `indication: MONDO:0005178`" in m for m in messages), messages
    file = check_json(capsys, tmp_path, HEAD + "indication: CL 0000134\n")          # a cell type is no disease
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"] == "/indication"]
    assert messages and not any("CL:0000134" in m for m in messages), messages


@pytest.mark.parametrize("line, told", [
    ("shelfLife: 12 months", "Write it as P12M."), ("shelfLife: 1 year", "Write it as P1Y."),
    ("shelfLife: 6 months at -80 C", "Write it as P6M, and give the rest (at -80 C) as the storage condition"),
    ("sizeCutoffNm: 1,5", "Write it as 1.5, with a decimal point."),
    ("sizeCutoffNm: 1,000", "Write 1000 if the comma separates thousands, or 1.000 if it is a decimal comma")])
def test_a_duration_in_words_or_a_decimal_comma_is_told_the_value_to_write(capsys, tmp_path, line, told):
    file = check_json(capsys, tmp_path, HEAD + line + "\n")
    key = line.partition(":")[0]
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"] == f"/{key}"]
    assert any(told in m for m in messages), messages


def test_yaml_read_as_turtle_is_not_told_to_declare_a_keyword_as_a_prefix(capsys, tmp_path):
    code, out, err = run(capsys, "check", write(tmp_path, "knee.ttl", HEAD))
    assert code == 2
    assert "<@id>" not in out + err and "@prefix id:" not in out + err
    assert "is not valid Turtle" in out + err
    assert "It looks like YAML" in out + err and "name the file .yaml, or add --input-format yaml" in out + err


def test_the_summary_gives_the_same_counts_in_text_markdown_and_html(capsys, tmp_path):
    path = write(tmp_path, "sirna.yaml", SIRNA)
    summaries = []
    for fmt in ("text", "markdown", "html"):
        _, out, _ = run(capsys, "check", "-f", fmt, path, tmp_path / "missing.yaml")
        line = next(row for row in out.splitlines() if "Summary:" in row)
        summaries.append(re.sub(r"<[^>]+>|\*\*", "", line).strip())
    assert summaries[0] == summaries[1] == summaries[2], summaries
    assert "note(s)" in summaries[0] and "1 file(s) could not be read" in summaries[0]


@pytest.mark.parametrize("written, meant", [("delivery", "DeliveryVehicle"), ("active", "ActiveSubstance")])
def test_a_query_parameter_given_part_of_a_role_name_is_told_the_role(capsys, written, meant):
    code, out, err = run(capsys, "query", "ev-role", "--param", f"role={written}")
    assert code == 2 and f"(did you mean {meant}?)" in err


URINE_SOURCE = HEAD + """hasEVComponent:
  - type: EVPreparation
    hasSource:
      type: {kind}
      organism: NCBITaxon:9606
"""


def test_a_body_fluid_or_tissue_source_is_asked_about_its_donor_not_about_producer_cells(capsys, tmp_path):
    for kind in ("BiofluidSource", "TissueSource"):
        file = check_json(capsys, tmp_path, URINE_SOURCE.format(kind=kind))
        [asked] = [r for r in file["products"][0]["results"] if r["constraint"] == "F-geneticallyModified"]
        assert asked["line"] == 7 and "body fluid or tissue, not from cultured cells" in asked["message"], asked
        assert "producer cells" not in asked["message"] and "GMO" not in asked["message"]
    file = check_json(capsys, tmp_path, URINE_SOURCE.format(kind="CellCultureSource"))
    [asked] = [r for r in file["products"][0]["results"] if r["constraint"] == "F-geneticallyModified"]
    assert asked["message"].startswith("Say whether the producer cells or organism carry a transgene")
    stated = URINE_SOURCE.format(kind="BiofluidSource") + "      geneticallyModified: false\n"
    file = check_json(capsys, tmp_path, stated)
    assert not [r for r in file["products"][0]["results"] if r["constraint"] == "F-geneticallyModified"]


@pytest.mark.parametrize("written", ["urine", "Urine", "urin"])
def test_a_body_fluid_written_as_a_word_is_offered_its_term_alone_not_a_term_merely_spelled_alike(
        capsys, tmp_path, written):
    text = URINE_SOURCE.format(kind="BiofluidSource") + f"      biofluid: {written}\n"
    file = check_json(capsys, tmp_path, text)
    [told] = [r for r in file["products"][0]["results"] if r["constraint"] == "TERM-06"]
    assert "Did you mean UBERON:0001088 (urine)? Write it as `biofluid: UBERON:0001088`." in told["message"]
    assert "brain" not in told["message"]


@pytest.mark.parametrize("written, meant", [("IV", "Intravenous"), ("i.v.", "Intravenous"), ("SC", "Subcutaneous"),
                                            ("s.c.", "Subcutaneous"), ("IP", "Intraperitoneal"),
                                            ("i.m.", "Intramuscular"), ("PO", "Oral")])
def test_a_route_written_as_its_standard_abbreviation_is_read_as_that_route(capsys, tmp_path, written, meant):
    path = write(tmp_path, "route.yaml", HEAD + f"routeOfAdministration: {written}\n")
    file = check_json(capsys, tmp_path, HEAD + f"routeOfAdministration: {written}\n")
    assert not [r for r in file["products"][0]["results"] if r["field"] == "/routeOfAdministration"]
    code, out, _ = run(capsys, "convert", path, "--to", "yaml")
    assert f"routeOfAdministration: {meant}\n" in out


def test_an_abbreviation_that_names_two_routes_is_not_guessed(capsys, tmp_path):
    # IT is intrathecal or intratumoural, IA intra-arterial (no route of the list) or intra-articular
    for written in ("IT", "IA"):
        file = check_json(capsys, tmp_path, HEAD + f"routeOfAdministration: {written}\n")
        assert [r for r in file["products"][0]["results"] if r["constraint"] == "S-routeOfAdministration"]


@pytest.mark.parametrize("written", ["siRNA", "miRNA", "mRNA", "miR-146a", "plasmid DNA", "ASO"])
def test_a_nucleic_acid_named_as_the_cargo_kind_is_told_to_write_nucleic_acid(capsys, tmp_path, written):
    text = HEAD + f"loadedCargo:\n  - type: CargoItem\n    label: the cargo\n    cargoKind: {written}\n"
    file = check_json(capsys, tmp_path, text)
    [told] = [r for r in file["products"][0]["results"] if r["constraint"] == "S-cargoKind"]
    assert told["line"] == 7 and told["message"].endswith("Did you mean NucleicAcid?"), told


@pytest.mark.parametrize("kind, key", [("BiofluidSource", "biofluid"), ("TissueSource", "anatomicalOrigin")])
def test_a_body_fluid_or_tissue_source_that_names_none_is_pointed_to_its_own_key(capsys, tmp_path, kind, key):
    # it was asked for a producer cell type, which such a source does not have
    file = check_json(capsys, tmp_path, URINE_SOURCE.format(kind=kind))
    [told] = [r for r in file["products"][0]["results"] if r["constraint"] == "Q-03"]
    assert told["field"] == f"/hasEVComponent/0/hasSource/{key}" and told["line"] == 7, told


def test_an_unknown_key_is_answered_with_the_keys_of_its_own_kind_of_node_first(capsys, tmp_path):
    # `cargo:` on the product was offered cargoKind, cargoAmountPerDose and cargoIdentity, which a cargo item
    # takes; `kind:` on a cargo item was offered nothing
    description = tmp_path / "keys.yaml"
    description.write_text("id: p\ntype: EVProduct\nlabel: X\ncargo: siRNA against TNF\nloadedCargo:\n"
                           "  type: CargoItem\n  kind: NucleicAcid\n", encoding="utf-8")
    code, out, err = run(capsys, "check", description, "--format", "json", "--no-classify")
    assert code in (0, 1), err
    hints = {r["value"]: r["message"].partition("Did you mean ")[2].partition("?")[0]
             for r in json.loads(out)["files"][0]["products"][0]["results"] if r["constraint"] == "TERM-01"}
    assert hints["cargo"].startswith("loadedCargo or hasNoLoadedCargo")
    assert hints["kind"].startswith("cargoKind")


@pytest.mark.parametrize("written", ["IL-6>10", "OA{knee}", "50%", "Crohn`s", "GvHD\\\\grade", "x^2"])
def test_a_one_word_text_with_a_character_no_iri_holds_is_told_at_its_line(capsys, tmp_path, written):
    """Such a value where a term is needed was read as an evkg name, an invalid IRI, and the whole file was
    refused with "holds an IRI that is not valid: <https://w3id.org/evkg#IL-6>10>" and no line."""
    shown = written.replace("\\\\", "\\")
    report = check_json(capsys, tmp_path, HEAD + f'intendedUse: Treatment\nindication: "{written}"\n')
    assert report["error"] is None, report["error"]
    finding = next(r for p in report["products"] for r in p["results"] if r["path"].endswith("#indication"))
    assert finding["constraint"] == "TERM-06" and finding["line"] == 5, finding
    assert f'The indication is the text "{shown}"' in finding["message"], finding["message"]


@pytest.mark.parametrize("key, line, meant", [("intended use", 4, " Did you mean intendedUse?"),
                                              ("    Particle Kind", 6, " Did you mean particleKind?"),
                                              ("IL-6>10", 4, "")])
def test_a_key_written_in_words_is_named_at_its_line_with_the_key_it_stands_for(capsys, tmp_path, key, line, meant):
    """`intended use: Treatment` made the whole file unreadable with "holds an IRI that is not valid:
    <https://w3id.org/evkg#intended use>", naming no line and no key."""
    text = HEAD + (f"{key.strip()}: Treatment\n" if not key.startswith(" ") else
                   f"hasEVComponent:\n  - type: EVPreparation\n{key}: SmallEV\n")
    code, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    assert code == 2
    assert (f"knee.yaml, line {line}, column {len(key) - len(key.lstrip()) + 1}: has the key '{key.strip()}', "
            f"which holds a space or a character no key of a description has.{meant} Keys are single words") in out, out
    assert "not valid" not in out


@pytest.mark.parametrize("text, line, column, written, meant", [
    ("id: k\ntype: EV Product\n", 2, 1, "EV Product", " Did you mean EVProduct?"),
    (HEAD + "hasEVComponent:\n  - type: EV preparation\n    particleKind: SmallEV\n", 5, 5, "EV preparation",
     " Did you mean EVPreparation?")])
def test_a_type_written_in_words_is_named_at_its_line_not_dropped(capsys, tmp_path, text, line, column, written,
                                                                  meant):
    """`type: EV preparation` was dropped without a word (the node was read as untyped), and `type: EV Product`
    gave only "describes no product"."""
    code, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    assert code == 2
    assert (f"knee.yaml, line {line}, column {column}: has the type '{written}', which holds a space or a "
            f"character no type of a description has.{meant} Types are evkg class names") in out, out


@pytest.mark.parametrize("written, told", [("1,5", " Write it as 1.5, with a decimal point."),
                                           ("1,5 nm", " Write the number alone (1.5): sizeCutoffNm is in "
                                                      "nanometres and takes no unit beside it.")])
def test_a_decimal_comma_is_not_read_as_a_number_followed_by_its_unit(capsys, tmp_path, written, told):
    """"1,5" was told both to write 1.5 and to write "the number alone (1)" with ",5" as its unit."""
    file = check_json(capsys, tmp_path, HEAD + f"hasEVComponent:\n  - type: EVPreparation\n"
                                               f"    sizeCutoffNm: {written}\n")
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"].endswith("/sizeCutoffNm")]
    assert messages and all(m.endswith(told) for m in messages), messages
    assert not any("(1)" in m for m in messages), messages


@pytest.mark.parametrize("place, key, written, told", [
    ("prep", "sizeCutoffNm", "200 nm", " Write the number alone (200): sizeCutoffNm is in nanometres and takes no unit "
                                       "beside it."),
    ("prep", "sizeCutoffNm", "0.2 µm", " sizeCutoffNm is in nanometres: 0.2 µm is 200, so write the number alone"
                                       " (200), with no unit beside it."),
    ("cargo", "lengthAminoAcids", "317 aa", " Write the number alone (317): lengthAminoAcids counts amino acids and "
                                            "takes no unit beside it."),
    ("cargo", "loadingEfficiency", "12.5 %", " Write the number alone (12.5): loadingEfficiency is in percent and "
                                             "takes no unit beside it.")])
def test_a_number_whose_key_fixes_its_unit_is_not_sent_to_a_unit_key(capsys, tmp_path, place, key, written, told):
    """`sizeCutoffNm: 200 nm` or a protein's `lengthAminoAcids: 317 aa` were told to give "the unit on its own (unit
    Nanometre)" or "in unit", a key these facts do not have beside them: their unit is part of the key."""
    where = ("loadedCargo:\n  - type: CargoItem\n    cargoKind: RecombinantProtein\n    " if place == "cargo"
             else "hasEVComponent:\n  - type: EVPreparation\n    ")
    file = check_json(capsys, tmp_path, HEAD + f"{where}{key}: {written}\n")
    messages = [r["message"] for r in file["products"][0]["results"] if r["field"].endswith("/" + key)]
    assert messages and all(m.endswith(told) for m in messages), messages
    assert not any("unit on its own" in m or "in unit." in m for m in messages), messages
