"""How a value of a closed list may be written in the YAML and plain JSON forms: in any case and spacing, or by a
synonym a cited source uses, when exactly one value answers to the name; JSON-LD keeps its exact semantics, and
a name evkg does not know is told the value it names."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from evkg.cli import main
from evkg.core import resources
from evkg.core.namespaces import EVKG
from evkg.io.context import CONTEXT_URL, build_context, loosely_named, value_names
from evkg.io.load import load_rdf

ROOT = Path(__file__).resolve().parent.parent
E1_YAML = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml"
E1_TTL = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
PRODUCT = URIRef("https://w3id.org/evkg/data/product/example-e1")


def check(capsys, path: Path) -> dict:
    main(["check", "-q", "-f", "json", str(path)])
    return json.loads(capsys.readouterr().out)["files"][0]["products"][0]


def findings(product: dict) -> list[tuple]:
    return sorted((r["constraint"], r["line"], r["message"]) for r in product["results"])


def classification(product: dict) -> list[tuple]:
    return sorted((c["jurisdiction"], c["question"], c["category"] or "") for c in product["classifications"])


def variant(tmp_path, name: str, old: str, new: str, source: Path = E1_YAML) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def baseline(capsys):
    return check(capsys, E1_YAML)


@pytest.mark.parametrize("written", ["No Cells", "no-cells", "NO_CELLS", "'  no cells '", "nocells"])
def test_a_value_name_in_other_case_or_spacing_reads_as_that_value(capsys, tmp_path, baseline, written):
    path = variant(tmp_path, "e1.yaml", "cellContent: NoCells", f"cellContent: {written}")
    product = check(capsys, path)
    assert findings(product) == findings(baseline)           # no S-cellContent violation
    assert product["conforms"] is True
    assert classification(product) == classification(baseline)


def test_synonyms_from_misev_and_edqm_read_as_their_values(capsys, tmp_path, baseline):
    """method: NTA (MISEV2018's abbreviation) everywhere and the route by its EDQM name: the same findings and
    classification as the canonical names, so the single-particle method check (Q-24) sees NTA."""
    text = E1_YAML.read_text(encoding="utf-8").replace("method: NanoparticleTrackingAnalysis", "method: NTA")
    text = text.replace("routeOfAdministration: Intravenous", "routeOfAdministration: Intravenous use")
    path = tmp_path / "e1.yaml"
    path.write_text(text, encoding="utf-8")
    product = check(capsys, path)
    assert findings(product) == findings(baseline)
    assert classification(product) == classification(baseline)


def test_units_by_their_si_symbols_read_as_their_values_and_a_made_up_unit_is_a_violation(capsys, tmp_path, baseline):
    """unit: nm (the symbol MISEV2018 writes) is the nanometre; a unit no source names (furlongs) once passed
    the unit check as a made-up evkg term with only a TERM-01 warning, and now is a violation that says what
    to write."""
    text = E1_YAML.read_text(encoding="utf-8")
    assert "unit: Nanometre" in text and "unit: Millilitre" in text
    path = tmp_path / "e1.yaml"
    path.write_text(text.replace("unit: Nanometre", "unit: nm").replace("unit: Millilitre", "unit: mL"),
                    encoding="utf-8")
    product = check(capsys, path)
    assert findings(product) == findings(baseline)
    made_up = check(capsys, variant(tmp_path, "furlongs.yaml", "unit: Nanometre", "unit: furlongs"))
    assert made_up["conforms"] is False
    [unit] = [r for r in made_up["results"] if r["constraint"] == "S-unit"]
    assert unit["severity"] == "Violation" and "The unit furlongs is not one evkg declares" in unit["message"]
    assert "Nanometre" in unit["message"] and "UO:0000018" in unit["message"]


@pytest.mark.parametrize("written, value", [
    ("Intratumoral", EVKG.Intratumoural), ("intratumoral use", EVKG.Intratumoural), ("Nasal use", EVKG.Intranasal),
    ("cutaneous use", EVKG.Topical), ("intra-articular", EVKG.IntraArticular), ("INTRA ARTICULAR", EVKG.IntraArticular),
])
def test_routes_by_their_edqm_names_and_spellings(tmp_path, written, value):
    path = variant(tmp_path, "e1.yaml", "routeOfAdministration: Intravenous", f"routeOfAdministration: {written}")
    assert set(load_rdf(path).objects(PRODUCT, EVKG.routeOfAdministration)) == {value}


def test_a_name_of_no_value_stays_as_written_and_is_reported(capsys, tmp_path):
    path = variant(tmp_path, "e1.yaml", "routeOfAdministration: Intravenous", "routeOfAdministration: IV infusion")
    product = check(capsys, path)
    route = [r for r in product["results"] if r["constraint"] == "S-routeOfAdministration"]
    assert [r["severity"] for r in route] == ["Violation"] and route[0]["value"] == "IV infusion"


def test_a_source_material_written_as_the_culture_medium_is_told_to_name_the_cells_grown(capsys, tmp_path):
    """The canine stem-cell exosomes of Kim et al. 2024 (doi:10.3390/ani14020282) come from conditioned medium. Written
    so, the finding listed the values and guessed MicrobialCulture from the shared word "Culture"; it now says that
    the source material is the cells grown, and which value each kind of cell takes."""
    path = variant(tmp_path, "medium.yaml", "evSourceMaterial: PrimaryHumanCells",
                   "evSourceMaterial: CellCultureConditionedMedium")
    [medium] = [r["message"] for r in check(capsys, path)["results"] if r["constraint"] == "S-evSourceMaterial"]
    assert "name the cells grown" in medium and "AnimalMaterial for cells of an animal" in medium


def test_json_without_context_is_lenient_and_json_ld_with_the_context_stays_exact(tmp_path):
    """The plain JSON form (no @context) reads `No Cells` as NoCells; a JSON-LD document that names the evkg
    context gets JSON-LD's reading of it: not a term of the context, so text, which the checks reject."""
    document = {"id": "product:example-e1", "type": "EVProduct", "cellContent": "No Cells",
                "routeOfAdministration": "intravenous use"}
    plain = tmp_path / "e1.json"
    plain.write_text(json.dumps(document), encoding="utf-8")
    assert set(load_rdf(plain).objects(PRODUCT, EVKG.cellContent)) == {EVKG.NoCells}
    json_ld = tmp_path / "e1.jsonld"
    json_ld.write_text(json.dumps({"@context": CONTEXT_URL, **document}), encoding="utf-8")
    graph = load_rdf(json_ld)
    assert set(graph.objects(PRODUCT, EVKG.cellContent)) == {Literal("No Cells")}
    # a synonym is a term of the published context, so JSON-LD reads it too
    assert set(graph.objects(PRODUCT, EVKG.routeOfAdministration)) == {EVKG.Intravenous}


def test_json_ld_with_the_context_reports_a_name_in_other_case(capsys, tmp_path):
    main(["convert", str(E1_YAML), "--to", "jsonld", "-o", str(tmp_path / "e1.jsonld")])
    capsys.readouterr()
    text = (tmp_path / "e1.jsonld").read_text(encoding="utf-8")
    assert CONTEXT_URL in text and '"NoCells"' in text
    path = tmp_path / "changed.jsonld"
    path.write_text(text.replace('"NoCells"', '"No Cells"'), encoding="utf-8")
    product = check(capsys, path)
    assert product["conforms"] is False
    assert [r["value"] for r in product["results"] if r["constraint"] == "S-cellContent"] == ["No Cells"]


def test_convert_writes_the_canonical_names(capsys, tmp_path):
    text = E1_YAML.read_text(encoding="utf-8").replace("cellContent: NoCells", "cellContent: no-cells")
    text = text.replace("method: NanoparticleTrackingAnalysis", "method: nta")
    path = tmp_path / "e1.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["convert", str(path), "--to", "yaml"]) == 0
    written = capsys.readouterr().out
    assert "cellContent: NoCells" in written and "method: NanoparticleTrackingAnalysis" in written
    assert "no-cells" not in written and "nta" not in written.lower().replace("nanoparticletrackinganalysis", "")


def test_an_unknown_term_is_told_the_value_it_names_in_other_case_or_by_a_synonym(capsys, tmp_path):
    """Turtle reads names exactly; TERM-01 on evkg:NTA names NanoparticleTrackingAnalysis, and evkg:Nocells the
    value NoCells (in the property's own finding, which borrows TERM-01's suggestion)."""
    text = E1_TTL.read_text(encoding="utf-8")
    assert "evkg:NanoparticleTrackingAnalysis" in text and "evkg:NoCells" in text
    path = tmp_path / "e1.ttl"
    path.write_text(text.replace("evkg:NanoparticleTrackingAnalysis", "evkg:NTA")
                    .replace("evkg:NoCells", "evkg:no_cells"), encoding="utf-8")
    results = check(capsys, path)["results"]
    nta = [r["message"] for r in results if r["constraint"] == "TERM-01" and r["value"].endswith("#NTA")]
    assert nta and all(m.endswith("Did you mean evkg:NanoparticleTrackingAnalysis?") for m in nta)
    cells = [r["message"] for r in results if r["constraint"] == "S-cellContent"]
    assert len(cells) == 1 and cells[0].endswith("Did you mean evkg:NoCells?")


def test_a_name_two_values_answer_to_is_ambiguous_and_names_both():
    """No name of the shipped vocabulary is ambiguous; with a synonym `no cells` given to NonViableCells too, the
    name answers to both values, the context drops it and the loose reading names both candidates."""
    ontology = Graph()
    for triple in resources.ontology_graph():
        ontology.add(triple)
    ontology.add((EVKG.NonViableCells, SKOS.altLabel, Literal("no cells", lang="en")))
    shapes = resources.shapes_graph()
    names = value_names(ontology, shapes, str(EVKG.cellContent))
    assert loosely_named("No Cells", names) == ["NoCells", "NonViableCells"]
    assert loosely_named("NO_CELLS", names) == ["NoCells", "NonViableCells"]
    assert loosely_named("non viable cells", names) == ["NonViableCells"]
    scoped = build_context(ontology, shapes)["@context"]["cellContent"]["@context"]
    assert "no cells" not in scoped and scoped["nocells"] == "evkg:NoCells"


def test_a_value_a_finding_quotes_is_shown_as_the_yaml_form_wrote_it(tmp_path, capsys):
    """`manufacturingSetting: industrial` (no value of that name) was quoted back as found:
    https://w3id.org/evkg#industrial, an address the author never wrote. In YAML it is quoted as written; the
    same mistake in Turtle keeps its IRI."""
    yaml_path = variant(tmp_path, "setting.yaml", "manufacturingSetting: IndustrialManufacture",
                        "manufacturingSetting: industrial")
    quoted = [r["value"] for r in check(capsys, yaml_path)["results"] if r["constraint"] == "S-manufacturingSetting"]
    assert quoted == ["industrial"]
    main(["check", "-q", str(yaml_path)])
    assert "found: industrial\n" in capsys.readouterr().out
    ttl_path = variant(tmp_path, "setting.ttl", "evkg:IndustrialManufacture", "evkg:industrial", source=E1_TTL)
    quoted = [r["value"] for r in check(capsys, ttl_path)["results"] if r["constraint"] == "S-manufacturingSetting"]
    assert quoted == ["https://w3id.org/evkg#industrial"]


def test_a_very_long_value_is_reported_in_the_words_of_the_form_in_one_pass(tmp_path, capsys):
    """A 60 KB word as a value (a pasted blob) is quoted back in the form's words. The rewording tried the
    term-naming pattern from every character of the word (quadratic): a 27 KB value took two minutes and a
    1.8 MB one ran out of memory after ten. Each finding that names the term names it once, as written."""
    import subprocess
    import sys

    word = "No-Cells_" * 6700
    program = ("import sys; from evkg.io.write import in_form_words; w = sys.argv[1]; "
               "print(in_form_words(f'The term evkg:{w} <https://w3id.org/evkg#{w}> is unknown.'), end='')")
    # one pass takes milliseconds; the quadratic form took hours (a regex holds the interpreter: a process
    # can be stopped, a thread cannot)
    done = subprocess.run([sys.executable, "-c", program, word], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.stdout == f"The term {word} is unknown.", done.stderr[-500:]
    path = variant(tmp_path, "blob.yaml", "cellContent: NoCells", f"cellContent: {word}")
    checked = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "-f", "json", str(path)],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    product = json.loads(checked.stdout)["files"][0]["products"][0]
    on_cells = [r for r in product["results"] if r["constraint"] == "S-cellContent"]
    assert on_cells and "NoCells" in on_cells[0]["message"] and "No-Cells_No-Cells_" in on_cells[0]["value"]


@pytest.mark.parametrize("written", ["EU", "eu", "jur:EU"])
def test_a_jurisdiction_is_written_by_its_code(tmp_path, capsys, written):
    """A biologist writes `jurisdiction: EU`; it was read as an evkg name the vocabulary does not declare and
    reported with the advice to write `jur:EU, .../US or .../KR`."""
    path = tmp_path / "determined.yaml"
    path.write_text(E1_YAML.read_text(encoding="utf-8") + "agencyDetermination:\n  - type: AgencyDetermination\n"
                    f"    jurisdiction: {written}\n    determiningBody: CAT\n"
                    "    determinedCategory: EU_NotATMP\n    date: 2024-03-12\n"
                    "    source: https://www.ema.europa.eu/en/human-regulatory-overview/advanced-therapy-medicinal-"
                    "products-overview\n", encoding="utf-8")
    determination = next(load_rdf(path).objects(PRODUCT, EVKG.agencyDetermination))
    assert (determination, EVKG.jurisdiction, URIRef("https://w3id.org/evkg/data/jurisdiction/EU")) \
        in load_rdf(path)
    assert not [f for f in findings(check(capsys, path)) if "etermination" in f[0] or f[0].startswith("TERM")]


def test_a_jurisdiction_that_is_none_of_the_three_is_told_the_codes_to_write(tmp_path, capsys):
    path = tmp_path / "determined.yaml"
    path.write_text(E1_YAML.read_text(encoding="utf-8") + "agencyDetermination:\n  - type: AgencyDetermination\n"
                    "    jurisdiction: jur:UK\n    determiningBody: CAT\n"
                    "    determinedCategory: EU_NotATMP\n    date: 2024-03-12\n", encoding="utf-8")
    [message] = [f[2] for f in findings(check(capsys, path)) if f[0] == "S-determinationJurisdiction"]
    assert "EU, US or KR" in message and ".../US" not in message and "https://" not in message


def test_rnai_names_rna_interference_in_a_form_and_is_suggested_for_it_in_turtle(capsys, tmp_path):
    form = variant(tmp_path, "rnai.yaml", "nucleicAcidMechanism: RNAInterference", "nucleicAcidMechanism: RNAi",
                   ROOT / "examples" / "valid" / "e6-msc-ev-sirna-ibd.yaml")
    graph = load_rdf(form)
    assert (None, EVKG.nucleicAcidMechanism, EVKG.RNAInterference) in graph
    turtle = tmp_path / "rnai.ttl"
    turtle.write_text((ROOT / "examples" / "valid" / "e6-msc-ev-sirna-ibd.ttl").read_text(encoding="utf-8")
                      .replace("evkg:nucleicAcidMechanism evkg:RNAInterference", "evkg:nucleicAcidMechanism evkg:RNAi"))
    messages = [r["message"] for r in check(capsys, turtle)["results"]]
    assert any("Did you mean evkg:RNAInterference" in m for m in messages)


def test_a_particle_kind_is_read_by_the_name_of_its_class(capsys, tmp_path):
    """Particle kinds are classes (MISEV's small EV, exosome …), not a closed list of individuals: a form reads
    them by their labels too, and MISEV2018's own 'small EV' names evkg:SmallEV; a name of no class stays a
    Q-01 finding."""
    form = variant(tmp_path, "small-ev.yaml", "particleKind: SmallEV", "particleKind: small EV")
    assert (None, EVKG.particleKind, EVKG.SmallEV) in load_rdf(form)
    exosome = variant(tmp_path, "exosome.yaml", "particleKind: SmallEV", "particleKind: exosome")
    assert (None, EVKG.particleKind, EVKG.Exosome) in load_rdf(exosome)
    assert not [r for r in check(capsys, form)["results"] if r["constraint"] == "Q-01"]
    unknown = variant(tmp_path, "blob.yaml", "particleKind: SmallEV", "particleKind: vesicle blob")
    assert [r for r in check(capsys, unknown)["results"] if r["constraint"] == "Q-01"]


@pytest.mark.parametrize("written", ["Treatment, Regenerative", "'• Treatment • Regenerative'",
                                     "\n  - Treatment\n   - Regenerative"])
def test_several_values_in_one_text_are_named_with_the_list_to_write(capsys, tmp_path, written):
    # a comma list, a bulleted list pasted from a word processor, a list item indented one space too far
    path = variant(tmp_path, "e1.yaml", "intendedUse:\n- Regenerative\n- Treatment\n",
                   f"intendedUse: {written}\n")
    product = check(capsys, path)
    use = [r for r in product["results"] if r["field"] == "/intendedUse"]
    assert [r["severity"] for r in use] == ["Violation"]
    assert use[0]["message"].endswith(
        "The text names several values in one (Treatment, Regenerative): give each on its own, as a list, "
        "`intendedUse: [Treatment, Regenerative]` (or one per line under `intendedUse:`, each starting with '- ' "
        "at the same indentation).")


def test_several_values_for_a_fact_that_takes_one_say_it_takes_one(capsys, tmp_path):
    product = check(capsys, variant(tmp_path, "e1.yaml", "cellContent: NoCells",
                                    "cellContent: no cells; viable cells"))
    cells = [r["message"] for r in product["results"] if r["field"] == "/cellContent"]
    assert len(cells) == 1 and cells[0].endswith(
        "The text names several values (NoCells, ViableCells), but cellContent takes one: keep the one that "
        "applies, e.g. `cellContent: NoCells`.")


@pytest.mark.parametrize("written, words", [
    ("mg/ml", "evkg has no unit mg/ml: give the amount in MicrogramPerMillilitre "
              "and multiply the value by 1,000 (1 mg/ml = 1,000 µg/mL)."),
    ("ng/mL", "evkg has no unit ng/mL: give the amount in MicrogramPerMillilitre "
              "and divide the value by 1,000 (1,000 ng/mL = 1 µg/mL)."),
    ("µg/mL", "µg/mL is written MicrogramPerMillilitre in evkg, with the value "
              "as it is."),
])
def test_a_unit_written_as_a_lab_writes_it_is_one_finding_naming_the_evkg_unit_and_factor(
        capsys, tmp_path, written, words):
    # µ, '/' in a unit: the form check and the declared-unit check both fired, two violations for one mistake
    product = check(capsys, variant(tmp_path, "e1.yaml", "unit: MicrogramPerMillilitre", f"unit: {written}"))
    units = [r for r in product["results"] if r["field"].endswith("/unit")]
    assert len(units) == 1 and units[0]["constraint"] == "S-unit" and units[0]["severity"] == "Violation"
    assert units[0]["message"].endswith(words)
    assert product["counts"]["Violation"] == 1


def test_a_value_of_another_key_is_quoted_by_its_name_and_the_key_that_takes_it_is_named(capsys, tmp_path):
    # was: found "engineered extracellular vesicle <https://w3id.org/evkg#EngineeredEV>", and no word that
    # EngineeredEV is a particle kind
    product = check(capsys, variant(tmp_path, "e1.yaml", "vesicleKind: NaturallyReleasedEV",
                                    "vesicleKind: EngineeredEV"))
    kind = [r for r in product["results"] if r["field"].endswith("/vesicleKind")]
    assert len(kind) == 1 and kind[0]["value"] == "EngineeredEV"
    assert kind[0]["message"].endswith(
        "EngineeredEV is a value of particleKind, not of vesicleKind: if that is what you meant, move it there and "
        "give vesicleKind one of its own values.")
