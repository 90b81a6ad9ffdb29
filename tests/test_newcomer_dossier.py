"""What a developer meets when first describing a product in YAML: a value written in words where a term is
needed, a name the vocabulary does not have, and the hints that say what to write instead."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_session import run, write

ROOT = Path(__file__).resolve().parent.parent


# A loaded MSC-EV product whose nucleic-acid mechanism is written in words, not as a term of the list.
MIRNA_IN_WORDS = """id: knee-mir140
type: EVProduct
label: MSC small EVs loaded with miR-140-5p for knee osteoarthritis
intendedUse: Treatment
evRole: DeliveryVehicleRole
loadedCargo:
  - type: CargoItem
    cargoKind: NucleicAcid
    effectIsGenetic: true
    manufacture: ChemicallySynthesised
    nucleicAcidMechanism: microRNA mimic
"""


def test_text_where_a_term_is_needed_leaves_the_question_asking_for_that_fact(tmp_path, capsys):
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", MIRNA_IN_WORDS))
    us = out.split("United States:", 1)[1].split("South Korea:", 1)[0]
    number = re.search(r"\((\d+)\) is it a human gene therapy product\?", us).group(1)
    question = "\n".join(line for line in us.splitlines() if f"({number})" in line and "add: " in line)
    assert "no missing fact could change that" not in question, question
    assert "The value stated (microRNA mimic) is not a term of the evkg vocabulary" in question, question
    assert "(nucleicAcidMechanism)" in question, question


def test_search_hint_for_an_unknown_name_keeps_the_name_as_written(tmp_path, capsys):
    text = MIRNA_IN_WORDS.replace("    manufacture:", "    cargoIdentity: miR-140-5p\n    manufacture:")
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    assert '`evkg terms search "miR-140-5p" --for cargoIdentity`' in out, out


def test_text_close_to_a_listed_value_is_answered_with_that_value(tmp_path, capsys):
    text = MIRNA_IN_WORDS + """hasEVComponent:
  - type: EVPreparation
    particleKind: small EVs
    vesicleKind: natural release
"""
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    particle = out.split("› particleKind\n", 1)[1].splitlines()[0]
    assert particle.endswith("Did you mean SmallEV?"), particle
    formed = out.split("› vesicleKind\n", 1)[1].splitlines()[0]
    assert formed.endswith("Did you mean NaturallyReleasedEV?"), formed


def test_a_key_the_vocabulary_lacks_is_named_as_such_with_a_place_for_the_fact(tmp_path, capsys):
    text = MIRNA_IN_WORDS + "cultureSystem: hollow-fibre bioreactor\n"
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    head = next(line for line in out.splitlines() if "TERM-01" in line)
    assert head.split("TERM-01", 1)[1].strip() == "unknown property", head
    assert "give it as text in comment, which the checks leave as it is" in out, out


def test_cite_takes_the_check_id_a_report_shows(capsys):
    code, out, err = run(capsys, "cite", "Q-34")
    assert code == 0, err
    assert "evsh:Q-34-PotencyAssay" in out and "doi:10.1080/20013078.2019.1609206" in out, out
    # one id, two shapes (a sterility and a mycoplasma test): both are named and cited
    code, out, err = run(capsys, "cite", "Q-28")
    assert code == 0, err
    head = out.splitlines()[0]
    assert head.startswith("Sources for check Q-28: ") and "mycoplasma" in head and "sterility" in head, head
    assert "doi:10.3390/ijms18061190" in out, out


COMMANDS = ["check", "new", "convert", "terms add", "terms search", "explain", "reason", "whatif", "rules", "build",
            "queries", "query", "load", "literature import", "cite", "serve", "release"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_examples_stay_whole_command_lines(capsys, command):
    # an example rewrapped into the paragraph runs two commands into one line, or cuts one in two
    code, out, _ = run(capsys, *command.split(), "--help")
    assert code == 0
    examples = out.split("Example", 1)[1].split("Options:", 1)[0].splitlines()[1:]
    for line in filter(str.strip, examples):
        assert line.strip().startswith("evkg ") and line.count("evkg ") == 1, (command, line)


def test_terms_search_for_a_listed_fact_names_the_values_to_write(capsys):
    code, _, err = run(capsys, "terms", "search", "knee", "--for", "routeOfAdministration")
    assert code == 2
    assert "routeOfAdministration takes one of evkg's own values" in err and "IntraArticular" in err, err
    code, _, err = run(capsys, "terms", "search", "arthritis", "--for", "indicaton")
    assert code == 2 and "Did you mean indication" in err, err


def test_web_form_reads_pasted_yaml_as_yaml_and_offers_yaml_files(tmp_path):
    import httpx

    from evkg.web.app import running_server

    yaml_text = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text(encoding="utf-8")
    with running_server() as url, httpx.Client(base_url=url, timeout=120) as client:
        home = client.get("/").text
        assert re.search(r'type="file" accept="[^"]*\.yaml', home), "the file chooser hides YAML files"
        page = client.post("/report", data={"text": yaml_text}, headers={"Accept": "text/html"})
        assert page.status_code == 200, page.text[:2000]
        assert "not valid Turtle" not in page.text and "The description conforms." in page.text
        turtle = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl").read_text(encoding="utf-8")
        page = client.post("/report", data={"text": turtle}, headers={"Accept": "text/html"})
        assert "The description conforms." in page.text


def test_the_40_amino_acid_line_cites_the_regulation_that_draws_it(capsys):
    # PHS Act 351(i) names "protein"; the 40-amino-acid threshold is 21 CFR 600.3(h)(6)
    _, out, _ = run(capsys, "check", ROOT / "examples" / "invalid" / "antigen-without-length.ttl")
    finding = re.split(r"\n    \S", out.split("F-cargoLength", 1)[1])[0]
    assert "source: 21 CFR 600.3(h)(6) <https://www.ecfr.gov/" in finding, finding
    assert "source: PHS Act section 351(i)" in finding, finding


def test_missing_potency_assay_asks_for_the_mechanism_it_should_measure(tmp_path, capsys):
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", MIRNA_IN_WORDS))
    finding = re.split(r"\n    \S", out.split("Q-34", 1)[1])[0]
    assert "(mechanismOfAction). State the mechanisms" in finding, finding


@pytest.mark.parametrize("example, check, meant", [
    ("trial-id-with-prefix", "S-trialRegistryId", 'Did you mean "NCT04276987" (ClinicalTrials.gov)?'),
    ("indication-not-mondo-or-ncit", "S-indication", "Did you mean MONDO:0100096 (COVID-19)?"),
])
def test_a_value_in_the_wrong_form_is_answered_with_the_one_to_write(capsys, example, check, meant):
    _, out, _ = run(capsys, "check", ROOT / "examples" / "invalid" / f"{example}.ttl")
    finding = re.split(r"\n    \S", out.split(f"  {check}", 1)[1])[0]
    assert meant in finding, finding


@pytest.mark.parametrize("written", ["Directive 2001/83/EC", "2001/83/EC", "CELEX 32001L0083", "eu-dir-2001-83"])
def test_an_act_parameter_takes_the_name_a_reviewer_writes(written):
    from evkg.graph.queries import parse_value

    assert parse_value("act", written) == "<https://w3id.org/evkg/data/act/eu-dir-2001-83>"
    assert parse_value("act", "1394/2007") == "<https://w3id.org/evkg/data/act/eu-reg-1394-2007>"


def test_a_rule_parameter_takes_the_check_id_a_report_shows():
    from evkg.graph.queries import parse_value
    from evkg.graph.parameters import BadValue

    assert parse_value("rule", "Q-19") == "<https://w3id.org/evkg/shapes#Q-19-TransmembraneMarker>"
    assert parse_value("rule", "EU-10") == "<https://w3id.org/evkg/shapes#EU-10>"
    with pytest.raises(BadValue, match="Q-28-MycoplasmaTest, Q-28-SterilityTest"):
        parse_value("rule", "Q-28")


def test_whatif_without_rules_names_the_rule_sets_to_try(capsys):
    code, _, err = run(capsys, "whatif")
    assert code == 2
    assert "--rules: eu-reform-proposal-2023" in err and "evkg rules" in err, err


def test_the_template_offers_every_product_fact_a_rule_needs(tmp_path, capsys):
    # EU-26d asks for the orphan designation; no shape does, so the template never offered it
    target = tmp_path / "knee.yaml"
    code, _, err = run(capsys, "new", "--kind", "msc-ev", "-o", target)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "\norphanDesignation:\n" in text and "# orphan designation — needed for the classification." in text


def test_a_unit_written_another_way_is_explained_once(tmp_path, capsys):
    text = MIRNA_IN_WORDS + """hasEVComponent:
  - type: EVPreparation
    measurement:
      - type: Measurement
        quantityKind: ParticleConcentration
        value: 1.2e10
        unit: particles/ml
        method: NanoparticleTrackingAnalysis
"""
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.yaml", text))
    finding = re.split(r"\n    \S", out.split("  S-unit", 1)[1])[0]
    assert finding.count("particles/ml is written ParticlesPerMillilitre in evkg") == 1, finding


def test_new_writes_the_form_its_file_name_says_so_check_can_read_it(tmp_path, capsys):
    target = tmp_path / "knee.ttl"
    code, _, err = run(capsys, "new", "--kind", "msc-ev", "-o", target)
    assert code == 0, err
    code, out, _ = run(capsys, "check", target)
    assert code == 1 and "not valid Turtle" not in out and "17 violation(s)" in out, out
    code, _, err = run(capsys, "new", "--format", "yaml", "-o", tmp_path / "other.ttl")
    assert code == 2 and "--format yaml writes YAML, but evkg check would read" in err, err
    assert not (tmp_path / "other.ttl").exists()


def test_a_report_file_is_written_in_the_format_its_name_says(tmp_path, capsys):
    example = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    run(capsys, "check", example, "-o", tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    run(capsys, "check", example, "-o", tmp_path / "report.json")
    assert (tmp_path / "report.json").read_text(encoding="utf-8").startswith("{")
    run(capsys, "check", example, "-o", tmp_path / "plain.md", "--format", "text")    # --format still decides
    assert not (tmp_path / "plain.md").read_text(encoding="utf-8").startswith("#")
    run(capsys, "explain", example, "-o", tmp_path / "why.md")
    assert (tmp_path / "why.md").read_text(encoding="utf-8").startswith("## ")


@pytest.mark.parametrize("key, written, misleading", [
    ("intendedUse", "therapy", "evkg:AntiTumourImmunotherapy"),
    ("mechanismOfAction", "anti-inflammatory", "evkg:AntigenPresentation"),
])
def test_no_value_is_suggested_for_letters_that_happen_to_sit_inside_its_name(key, written, misleading):
    # "therapy" suggested an anti-tumour use, "anti-inflammatory" antigen presentation: a writer may take them
    from evkg.core.namespaces import EVKG
    from evkg.validation.terms import closest_evkg_names

    assert misleading not in closest_evkg_names(written, EVKG[key])
    assert "evkg:PathogenVaccination" in closest_evkg_names("Vaccine", EVKG.therapeuticApproach)


@pytest.mark.parametrize("written, meant, bookkeeping", [
    ("indicationRot", "evkg:indication", "evkg:indicationRoot"),
    ("missingFact", None, "evkg:missingFactPrompt"),
])
def test_a_misspelt_key_is_never_offered_the_vocabularys_own_bookkeeping(written, meant, bookkeeping):
    # indicationRoot says which diseases an intended use covers; a description that writes it states nothing
    from evkg.validation.terms import closest_evkg_names

    offered = closest_evkg_names(written, as_property=True)
    assert bookkeeping not in offered
    assert meant is None or meant in offered


def test_a_fact_written_so_no_rule_can_read_it_is_asked_for_not_called_beyond_the_law(tmp_path, capsys):
    # "no" where true or false is needed is stated, but no rule can read it: the question it decides must
    # ask for the fact again, naming what was written, not say that no missing fact could change it
    example = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text(encoding="utf-8")
    assert "\nannexI3Indication: false\n" in example
    text = example.replace("\nannexI3Indication: false\n", "\nannexI3Indication: no\n")
    _, out, _ = run(capsys, "check", write(tmp_path, "e1.yaml", text))
    eu = out.split("European Union:", 1)[1].split("United States:", 1)[0]
    question = eu.split("is the centralised procedure mandatory? — undecided\n", 1)[1].splitlines()[0]
    assert "no missing fact could change that" not in question, question
    assert question.strip().startswith('add: The value stated, "no", is not true or false, so no rule can read it'), question
    assert "(annexI3Indication)" in question, question
    _, derivation, _ = run(capsys, "explain", tmp_path / "e1.yaml")
    answer = derivation.split("Q: EU: is the centralised procedure mandatory?\n", 1)[1].splitlines()[0]
    assert "or states them with values no rule can read" in answer, answer


@pytest.mark.parametrize("written", ['"no"', '"false"', '"0"^^xsd:integer', '"no"@en'])
def test_text_where_true_or_false_is_needed_in_turtle_is_asked_for_again(tmp_path, capsys, written):
    # a Turtle author's quoted "no" is text, not false: no rule reads it, so the question it decides asks for
    # that fact again (it asked only for the other facts, as if annexI3Indication had been given)
    example = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl").read_text(encoding="utf-8")
    assert "evkg:annexI3Indication false ;" in example
    text = example.replace("evkg:annexI3Indication false ;", f"evkg:annexI3Indication {written} ;")
    _, out, _ = run(capsys, "check", write(tmp_path, "e1.ttl", text))
    eu = out.split("European Union:", 1)[1].split("United States:", 1)[0]
    question = eu.split("is the centralised procedure mandatory? — undecided\n", 1)[1].split("\n      ", 1)[0]
    shown = written.split('"')[1]
    assert f'add: The value stated, "{shown}", is not true or false, so no rule can read it' in question, question
    assert "(evkg:annexI3Indication)" in question, question
