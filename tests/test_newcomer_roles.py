"""What a product developer, a reviewer and a researcher ran into when following README.md and docs/ alone:
each test is one place where the program said nothing, or the wrong thing, about what was wrong."""
from __future__ import annotations

import json
from pathlib import Path

from cli_session import run

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
E2 = ROOT / "examples" / "valid" / "e2-hek293-mrna-liver.ttl"


def test_an_output_file_named_for_a_format_the_command_cannot_write_is_refused(capsys, tmp_path):
    # `explain -o derivation.html` wrote plain text into an .html file, though --help says the extension chooses
    code, _, err = run(capsys, "explain", E1, "-o", tmp_path / "derivation.html")
    assert code == 2
    assert "cannot write HTML" in err and ".md" in err and "--format" in err
    assert not (tmp_path / "derivation.html").exists()
    code, _, _ = run(capsys, "explain", E1, "-o", tmp_path / "derivation.md")
    assert code == 0 and (tmp_path / "derivation.md").read_text().startswith("## ")
    code, _, _ = run(capsys, "explain", E1, "-o", tmp_path / "derivation.txt")
    assert code == 0 and (tmp_path / "derivation.txt").read_text().startswith("== ")


def test_a_product_typed_with_a_regulatory_category_is_a_conclusion_refused(capsys, tmp_path):
    # the submitter calls the product a combination product and not an ATMP: nothing said so before
    text = E2.read_text(encoding="utf-8").replace(
        "    a evkg:EVProduct ;", "    a evkg:EVProduct , evkg:US_CombinationProduct , evkg:EU_NotATMP ;", 1)
    claimed = tmp_path / "claimed.ttl"
    claimed.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", claimed, "--format", "json")
    assert code == 1
    product = json.loads(out)["files"][0]["products"][0]
    trust = [r for r in product["results"] if r["constraint"] == "TRUST-01"]
    assert len(trust) == 1 and trust[0]["severity"] == "Violation"
    assert "evkg:US_CombinationProduct" in trust[0]["message"] and "evkg:EU_NotATMP" in trust[0]["message"]
    # and the classification is the one of the facts alone
    code, plain, _ = run(capsys, "check", E2, "--format", "json")
    assert json.loads(plain)["files"][0]["products"][0]["classifications"] == product["classifications"]


def test_an_undeclared_prefix_evkg_knows_is_answered_with_the_line_to_add(capsys, tmp_path):
    text = E1.read_text(encoding="utf-8")
    declaration = next(line for line in text.splitlines() if line.startswith("@prefix obo:"))
    missing = tmp_path / "no-obo.ttl"
    missing.write_text(text.replace(declaration + "\n", ""), encoding="utf-8")
    code, out, _ = run(capsys, "check", missing)
    assert code == 2
    assert "@prefix obo: <http://purl.obolibrary.org/obo/> ." in out, out


def test_a_spreadsheet_of_facts_is_told_how_to_become_a_description(capsys, tmp_path):
    table = tmp_path / "product.csv"
    table.write_text("key,value\nlabel,My EV product\nintendedUse,Treatment\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", table)
    assert code == 2
    assert "table (CSV)" in out and "evkg new" in out and "rename" not in out.lower(), out


def test_a_fact_written_on_the_wrong_node_is_named_where_it_is_missing(capsys, tmp_path):
    # the particle kind on the product and the intended use on the preparation: both were reported missing,
    # with no word that they had been written, one level off
    description = tmp_path / "levels.yaml"
    description.write_text("id: p\ntype: EVProduct\nlabel: Knee EVs\nparticleKind: SmallEV\n"
                           "hasEVComponent:\n  - type: EVPreparation\n    intendedUse: Treatment\n"
                           "    measurement:\n      - type: Measurement\n        quantityKind: ModalDiameter\n"
                           "      - type: Measurement\n        quantityKind: ParticleConcentration\n"
                           "        value: 2.0e10\n        unit: ParticlesPerMillilitre\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    assert code == 1
    results = json.loads(out)["files"][0]["products"][0]["results"]
    by_check = {r["constraint"]: r["message"] for r in results}
    assert "You gave particleKind (small extracellular vesicle) on Knee EVs" in by_check["Q-01"]
    assert "You gave intendedUse (treatment) on the EV preparation #1 of Knee EVs" in by_check["F-intendedUse"]
    # a fact one measurement has and another lacks is not "misplaced"
    assert any(r["constraint"] == "S-measurementValue" for r in results)
    assert not any("You gave value" in r["message"] for r in results)


def test_the_writing_page_words_findings_of_yaml_as_yaml(tmp_path):
    # the page's check of a YAML description said "evkg:IndustrialManufacture" and '"P12M"^^xsd:duration',
    # where `evkg check` of the same file says IndustrialManufacture and P12M
    from evkg.web.authoring import describe

    text = ("id: p\ntype: EVProduct\nlabel: Knee EVs\nmanufacturingSetting: industrial\nshelfLife: 12 months\n")
    messages = {r["constraint"]: r["message"] for r in describe(text.encode(), "yaml")["file"]["products"][0]["results"]}
    assert "as IndustrialManufacture or HospitalNonRoutinePreparation" in messages["S-manufacturingSetting"]
    assert "e.g. P12M for twelve months" in messages["S-shelfLife"]
    assert not any("evkg:" in m or "^^xsd:" in m for m in messages.values()), messages


def test_cite_takes_a_source_by_the_name_a_report_prints(capsys):
    # a report prints "source: Lener et al. 2015"; `evkg cite "Lener et al. 2015"` said nothing was called so
    code, out, err = run(capsys, "cite", "Lener et al. 2015")
    assert code == 0, err
    assert "Applying extracellular vesicles based therapeutics in clinical trials" in out
    code, out, err = run(capsys, "cite", "directive 2001/83/EC, article 1(2)")
    assert code == 0 and "CELEX:32001L0083" in out, err


def test_a_query_takes_an_ev_type_by_its_name_or_abbreviation(capsys, built_store_path):
    # `--param type=OMV` or "bacterial membrane vesicle" was "no class in the knowledge graph"
    for name in ("bacterial membrane vesicle", "BacterialMembraneVesicle"):
        code, out, err = run(capsys, "query", "ev-subtypes", "--param", f"type={name}", "--store", built_store_path,
                             "--format", "csv")
        assert code == 0, err
        assert "OuterMembraneVesicle" in out
    code, out, err = run(capsys, "query", "ev-subtypes", "--param", "type=microvesicle", "--store",
                         built_store_path, "--format", "csv")
    assert code == 0 and "LargeOncosome" in out, err        # microvesicle is MISEV's other name of ectosome


def test_importing_into_a_file_of_ones_own_says_check_and_cite_will_not_see_it(capsys, tmp_path):
    # the papers were "saved in myrefs.ttl", and then `evkg cite dominici2006` found nothing
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{dominici2006,\n  title = {Minimal criteria for defining multipotent mesenchymal "
                   "stromal cells},\n  author = {Dominici, M},\n  journal = {Cytotherapy},\n  year = {2006},\n"
                   "  doi = {10.1080/14653240600855905}\n}\n", encoding="utf-8")
    code, out, err = run(capsys, "literature", "import", bib, "--into", tmp_path / "myrefs.ttl")
    assert code == 0, err
    assert "read your references from" in out and "without --into" in out


def test_a_doi_written_bare_as_a_source_is_answered_with_its_link(capsys, tmp_path):
    # `source: 10.1002/jev2.12404` (MISEV2023, bundled) was told the paper could not be found and to import it
    description = tmp_path / "cited.yaml"
    description.write_text("id: p\ntype: EVProduct\nlabel: X\nsource: 10.1002/jev2.12404\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    message = next(r["message"] for r in json.loads(out)["files"][0]["products"][0]["results"]
                   if r["constraint"] == "SRC-01")
    assert "https://doi.org/10.1002/jev2.12404" in message and "evkg knows this paper" in message
    assert "cannot be found" not in message
    description.write_text("id: p\ntype: EVProduct\nlabel: X\nsource: https://doi.org/10.1002/jev2.12404\n",
                           encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    assert not [r for r in json.loads(out)["files"][0]["products"][0]["results"] if r["constraint"] == "SRC-01"]


def test_a_query_value_given_without_param_is_answered_with_the_line_to_type(capsys):
    # `evkg query evidence-for-product exoflo` was click's "Got unexpected extra argument (exoflo)"
    code, _, err = run(capsys, "query", "evidence-for-product", "exoflo")
    assert code == 2
    assert "evkg query evidence-for-product --param product=exoflo" in err, err
    code, _, err = run(capsys, "query", "classification-matrix", "exoflo")
    assert code == 2 and "takes no parameters" in err, err


def test_explain_of_a_description_that_fails_its_checks_says_so(capsys, tmp_path):
    # a reviewer reading only the derivation saw settled answers and no word of the ten violations
    description = tmp_path / "knee.yaml"
    description.write_text("id: knee\ntype: EVProduct\nlabel: Knee EVs\nintendedUse: [Treatment]\n"
                           "manufacturingSetting: industrial\n", encoding="utf-8")
    code, out, _ = run(capsys, "explain", description, "-j", "EU")
    assert code == 0
    header = out.split("Product Knee EVs", 1)[0]
    assert "does NOT conform" in header and f"evkg check {description}" in header, header
    code, out, _ = run(capsys, "explain", E1, "-j", "EU")
    assert "does NOT conform" not in out


def test_a_kind_of_product_is_found_in_any_case_and_by_its_word(capsys):
    code, out, err = run(capsys, "new", "--kind", "MSC-EV")
    assert code == 0 and out.startswith("# evkg description — kind: msc-ev."), err
    code, _, err = run(capsys, "new", "--kind", "omv")
    assert code == 2 and "Did you mean omv-vaccine?" in err, err


def test_a_yes_or_no_word_on_a_true_false_fact_is_answered_with_the_value_to_write(capsys, tmp_path):
    # `annexI3Indication: no` was told not to write text "such as \"yes\"", and not what to write instead
    description = tmp_path / "words.yaml"
    description.write_text("id: p\ntype: EVProduct\nlabel: X\nannexI3Indication: no\ndiseaseClaim: yes\n",
                           encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    messages = {r["constraint"]: r["message"] for r in json.loads(out)["files"][0]["products"][0]["results"]}
    assert messages["S-annexI3Indication"].endswith('For "no", write false.')
    assert messages["S-diseaseClaim"].endswith('For "yes", write true.')


def test_the_method_of_a_release_test_or_an_image_is_not_offered_as_a_measurement_s_missing_method(capsys):
    """A modal diameter given without its method was told "You gave method (transmission electron microscopy) on
    msc-ev-tem, where no check or rule reads it: move it here" (or, in another run, the endotoxin test's method):
    each of those is the method of its own assay, on another branch of the description, not a fact written one
    level off where the measurement would have it."""
    example = ROOT / "examples" / "invalid" / "size-without-unit-or-method.ttl"
    code, out, _ = run(capsys, "check", example, "--format", "json", "--no-classify")
    assert code == 1
    results = json.loads(out)["files"][0]["products"][0]["results"]
    lacking = [r["message"] for r in results if r["constraint"] == "Q-17"]
    assert lacking and not any("You gave" in m or "move it here" in m for m in lacking), lacking


def test_a_protein_that_acts_written_as_an_engineered_component_is_told_to_become_cargo(capsys, tmp_path):
    """Exosomes of producer cells engineered to overexpress CD24, which the trial record calls the agent the
    exosomes deliver (EXO-CD24, NCT04747574). Written from the engineered-vesicle template, CD24 went into the
    engineered-component block it offers, with the vesicles a delivery vehicle and nothing loaded: the violation
    said only "list the cargo it carries", not that an engineered component is a protein not claimed to act."""
    code, out, _ = run(capsys, "new", "--kind", "engineered-ev")
    header = out.split("\n\n", 1)[0]
    assert code == 0 and "loadedBy ProducerCellEngineering" in header and "not claimed to act" in header, header
    head = ("id: cd24\ntype: EVProduct\nlabel: CD24 exosomes\nevRole: DeliveryVehicleRole\nintendedUse: [Treatment]\n"
            "hasEVComponent:\n  - type: EVPreparation\n    evOriginKind: HumanOrigin\n")
    description = tmp_path / "cd24.yaml"
    description.write_text(head + "hasNoLoadedCargo: true\nengineeredVesicleComponent:\n"
                           "  - type: EngineeredVesicleComponent\n    label: human CD24\n    manufacture: Recombinant\n",
                           encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    told = [r["message"] for r in json.loads(out)["files"][0]["products"][0]["results"] if r["constraint"] == "V-01"]
    assert len(told) == 1 and "“human CD24” as an engineered vesicle component" in told[0], told
    assert "loadedBy ProducerCellEngineering" in told[0], told
    # done as told, the carrier carries something
    description.write_text(head + "loadedCargo:\n  - type: CargoItem\n    label: human CD24\n"
                           "    cargoKind: RecombinantProtein\n    manufacture: Recombinant\n"
                           "    loadedBy: ProducerCellEngineering\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    assert not [r for r in json.loads(out)["files"][0]["products"][0]["results"] if r["constraint"] == "V-01"]


def test_a_cosmetic_without_its_disease_claim_is_told_the_cosmetic_borderline_waits(capsys):
    """The cosmetic template (a skin-care product of ASC exosomes, as ExoCoBio's) asks for the disease claim with
    the words of the check: only 'the food or dietary-supplement borderline stays undecided', though for a product
    put on the skin the open line is the one between a medicine and a cosmetic (EU-01c)."""
    code, out, _ = run(capsys, "new", "--kind", "cosmetic-ev")
    said = " ".join(out.split("diseaseClaim:", 1)[0].rsplit("# disease claim", 1)[1].replace("#", " ").split())
    assert code == 0 and "cosmetic, food or dietary supplement stays undecided" in said, said


def test_the_non_clinical_study_is_asked_for_in_words_a_developer_uses(capsys, tmp_path):
    """Q-40 asked for 'a report IRI'; the people who write a description know a web address, not an IRI."""
    description = tmp_path / "knee.yaml"
    description.write_text("id: knee\ntype: EVProduct\nlabel: Knee EVs\nintendedUse: [Treatment]\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", description, "--format", "json", "--no-classify")
    asked = [r["message"] for r in json.loads(out)["files"][0]["products"][0]["results"] if r["constraint"] == "Q-40"]
    assert len(asked) == 1 and "IRI" not in asked[0] and "web address of the report" in asked[0], asked
