"""Rule sets and overlays: an overlay adds, replaces and retires rules by id; the EU reform proposal moves the
worked examples it should and no others; `evkg whatif` reports exactly the answers that change."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from test_rules_eu import describe

from evkg.classification.engine import classify
from evkg.classification.knowledge import knowledge
from evkg.classification.rule_sets import bundled_rule_sets, resolve
from evkg.cli import main
from evkg.core.errors import InputError, UsageError
from evkg.core.namespaces import EVKG
from evkg.pipeline import whatif

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "valid"
PRODUCT = "https://example.org/overlay-product"
REFORM = "eu-reform-proposal-2023"

PREFIXES = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix evkg: <https://w3id.org/evkg#> .
@prefix evsh: <https://w3id.org/evkg/shapes#> .
@prefix t:    <https://example.org/trial-rules#> .
"""


def synthetic_rule(rule_id: str, condition: str, category: str, status: str = "Provisional") -> str:
    """A rule on a made-up question: `condition` is a value of evkg:potencyAssayRun."""
    return f"""
t:{rule_id} a sh:SPARQLRule , evkg:ClassificationRule ;
    evkg:ruleId "{rule_id}" ; rdfs:label "trial rule {rule_id}" ; evkg:rationale "exists only in this test" ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:answersQuestion evkg:Q_EU_Potency ; evkg:concludes evkg:{category} ;
    evkg:needsFact evkg:potencyAssayRun ; evkg:status evkg:{status} ;
    dct:source <https://example.org/source/{rule_id}> ; sh:order 5 ; sh:prefixes evsh:prefixes ;
    sh:construct \"\"\"
      CONSTRUCT {{ ?outcome a evkg:ClassificationOutcome ; evkg:ofProduct $this ;
          evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
          evkg:category evkg:{category} ; evkg:question evkg:Q_EU_Potency ;
          evkg:derivedByRule t:{rule_id} ; evkg:status evkg:{status} . }}
      WHERE {{ $this evkg:potencyAssayRun {condition} .
        BIND(IRI(CONCAT("https://w3id.org/evkg/data/outcome/", SHA1(CONCAT(STR($this), "|{rule_id}")))) AS ?outcome) }}\"\"\" .
"""


BASE = PREFIXES + """
evkg:Q_EU_Potency a evkg:ClassificationQuestion ; rdfs:label "EU: potency assay run?"@en ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:positiveCategory evkg:EU_PotencyRun ; evkg:negativeCategory evkg:EU_PotencyNotRun .
evkg:EU_PotencyRun a owl:Class ; rdfs:label "potency run"@en .
evkg:EU_PotencyNotRun a owl:Class ; rdfs:label "potency not run"@en .
evkg:potencyAssayRun a owl:DatatypeProperty ; rdfs:label "potency assay run"@en .
""" + synthetic_rule("TRIAL-01", "true", "EU_PotencyRun") + synthetic_rule("TRIAL-02", "false", "EU_PotencyNotRun")

# replaces TRIAL-01 (now settled), retires TRIAL-02, adds TRIAL-03
OVERLAY = PREFIXES + synthetic_rule("TRIAL-01", "true", "EU_PotencyRun", "Settled") + """
t:retire-02 evkg:ruleId "TRIAL-02" ; sh:deactivated true ; evkg:rationale "the assay is no longer asked for" ;
    dct:source <https://example.org/source/retirement> .
""" + synthetic_rule("TRIAL-03", "false", "EU_PotencyRun", "Contested")


def files(tmp_path, *texts) -> list[str]:
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"overlay-{i}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def potency_answers(stated: str, rule_files) -> list:
    graph = Graph().parse(data=describe(PRODUCT), format="turtle")
    graph.parse(data=f"@prefix evkg: <https://w3id.org/evkg#> . <{PRODUCT}> evkg:potencyAssayRun {stated} .",
                format="turtle")
    result = classify(graph, ("EU",), rule_files=rule_files)
    return [o for o in result.for_product(PRODUCT) if o.question == str(EVKG.Q_EU_Potency)]


# --- overlay mechanics on synthetic rules ---------------------------------------------------------------------

def test_the_bundled_rules_are_built_once_however_they_are_asked_for(tmp_path):
    # labels ask knowledge(), the engine knowledge(()): one build, not two, in a cold `evkg check`
    assert knowledge() is knowledge(()) is knowledge([])
    (base,) = files(tmp_path, BASE)
    assert knowledge((base,)) is knowledge((str(base),))
    assert knowledge((base,)) is not knowledge()


def test_an_overlay_adds_rules(tmp_path):
    (base,) = files(tmp_path, BASE)
    kb = knowledge((base,))
    assert {"TRIAL-01", "TRIAL-02"} <= {r.id for r in kb.rules}
    assert {(c.kind, c.rule_id) for c in kb.changes} == {("added", "TRIAL-01"), ("added", "TRIAL-02")}
    [outcome] = potency_answers("false", [base])
    assert (outcome.rule, outcome.category, outcome.status) == ("TRIAL-02", str(EVKG.EU_PotencyNotRun), "provisional")


def test_a_rule_with_a_known_id_replaces_it(tmp_path):
    base, overlay = files(tmp_path, BASE, OVERLAY)
    [before] = potency_answers("true", [base])
    [after] = potency_answers("true", [base, overlay])
    assert (before.rule, before.status) == ("TRIAL-01", "provisional")
    assert (after.rule, after.status) == ("TRIAL-01", "settled")
    assert [r.id for r in knowledge((base, overlay)).rules].count("TRIAL-01") == 1


def test_a_deactivated_rule_retires_the_rule_with_its_id_and_a_new_one_takes_over(tmp_path):
    base, overlay = files(tmp_path, BASE, OVERLAY)
    [after] = potency_answers("false", [base, overlay])
    assert (after.rule, after.category, after.status) == ("TRIAL-03", str(EVKG.EU_PotencyRun), "contested")
    kb = knowledge((base, overlay))
    assert "TRIAL-02" not in {r.id for r in kb.rules}
    retired = [c for c in kb.changes if c.kind == "retired"]
    assert [(c.rule_id, c.sources) for c in retired] == [("TRIAL-02", ("https://example.org/source/retirement",))]
    assert {(c.kind, c.rule_id) for c in kb.changes if c.origin == overlay} == {
        ("replaced", "TRIAL-01"), ("retired", "TRIAL-02"), ("added", "TRIAL-03")}


def test_sh_deactivated_on_the_rule_itself_retires_it_too(tmp_path):
    base, overlay = files(tmp_path, BASE, PREFIXES + "t:TRIAL-02 sh:deactivated true .")
    assert potency_answers("false", [base, overlay])[0].status == "undecided"


def test_retiring_an_unknown_rule_says_which_and_how_to_fix_it(tmp_path):
    (bad,) = files(tmp_path, PREFIXES + 't:x evkg:ruleId "EU-99" ; sh:deactivated true .')
    with pytest.raises(InputError, match="retires rule id EU-99, but no rule"):
        knowledge((bad,))


def test_a_missing_rule_file_or_rule_set_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        resolve(str(tmp_path / "nothing.ttl"))
    with pytest.raises(UsageError, match="Did you mean eu-reform-proposal-2023"):
        resolve("eu-reform")


# --- the bundled rule sets -----------------------------------------------------------------------------------

def test_every_rule_set_records_its_legal_basis_version_and_status():
    sets = bundled_rule_sets()
    assert {"ev-role", "eu-in-force", "us-in-force", "kr-in-force", REFORM} <= set(sets)
    for rule_set in sets.values():
        assert rule_set.legal_basis and rule_set.text_version != "not stated", rule_set.name
        assert rule_set.law_status in ("in force", "agreed text", "proposal"), rule_set.name
    assert all(sets[n].default and sets[n].law_status == "in force" for n in ("eu-in-force", "us-in-force"))
    reform = sets[REFORM]
    assert not reform.default and reform.law_status == "proposal"
    assert reform.derived_from == sets["eu-in-force"].iri
    assert reform.legal_basis == ("https://w3id.org/evkg/data/act/eu-com-2023-192",)


def test_every_change_of_the_reform_cites_the_proposal_and_is_provisional_at_best():
    _, chain = resolve(REFORM)
    changes = knowledge(chain).changes
    assert {(c.kind, c.rule_id) for c in changes} == {
        ("retired", "EU-11"), ("replaced", "EU-23"), ("added", "EU-R01"), ("added", "EU-R02"), ("added", "EU-R03")}
    for change in changes:
        assert any(s.startswith("https://w3id.org/evkg/data/act/eu-com-2023-192/") for s in change.sources), change
        if change.after is not None:
            assert change.after.status in ("provisional", "contested"), change.rule_id
            assert "(unverified)" in change.rationale or change.rule_id == "EU-R03", change.rule_id


def answers(path: Path, rules=None) -> dict:
    _, chain = resolve(rules)
    result = classify(Graph().parse(path, format="turtle"), rule_files=chain)
    found: dict = {}
    for o in result.outcomes:
        found.setdefault((o.jurisdiction, o.question), set()).add((o.category, o.status, o.rule))
    return found


def test_reform_moves_the_gtmp_answer_of_e6():
    e6 = EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"
    gtmp = ("EU", str(EVKG.Q_EU_GTMP))
    assert answers(e6)[gtmp] == {(str(EVKG.EU_NotGTMP), "contested", "EU-11")}
    assert answers(e6, REFORM)[gtmp] == {(str(EVKG.EU_GTMP), "contested", "EU-R02")}
    atmp = answers(e6, REFORM)[("EU", str(EVKG.Q_EU_ATMP))]
    assert {c for c, _, _ in atmp} == {str(EVKG.EU_ATMP)}


def reform_answer(question: str, **facts) -> tuple[set, set]:
    """(law in force, reform proposal): the (category, status, rule) answers to one EU question."""
    graph = Graph().parse(data=describe(PRODUCT, **facts), format="turtle")
    _, chain = resolve(REFORM)
    found = []
    for rule_files in ((), chain):
        result = classify(graph, ("EU",), rule_files=rule_files)
        found.append({(o.category.rsplit("#", 1)[-1], o.status, o.rule) for o in result.for_product(PRODUCT)
                      if o.question == str(EVKG[question])})
    return found[0], found[1]


SYNTHETIC = {"cargoKind": "NucleicAcid", "manufacture": "ChemicallySynthesised", "effectIsGenetic": True}


def test_reform_synthetic_mrna_is_a_gtmp_provisionally():
    cargo = [dict(SYNTHETIC, nucleicAcidMechanism="Expression")]
    before, after = reform_answer("Q_EU_GTMP", cargo=cargo, role="DeliveryVehicleRole")
    assert before == {("EU_NotGTMP", "contested", "EU-11")}
    assert after == {("EU_GTMP", "provisional", "EU-R01")}


def test_reform_synthetic_nucleic_acid_without_genetic_effect_stays_outside():
    cargo = [dict(SYNTHETIC, nucleicAcidMechanism="OtherNucleicAcidMechanism", effectIsGenetic=False)]
    before, after = reform_answer("Q_EU_GTMP", cargo=cargo, role="DeliveryVehicleRole")
    assert before == {("EU_NotGTMP", "contested", "EU-11")}
    assert after == {("EU_NotGTMP", "provisional", "EU-R03")}


def test_reform_hospital_exemption_rests_on_article_2_of_the_proposal():
    recombinant = [{"cargoKind": "NucleicAcid", "manufacture": "Recombinant", "nucleicAcidMechanism": "Expression",
                    "effectIsGenetic": True}]
    before, after = reform_answer("Q_EU_HospitalExemption", cargo=recombinant, role="DeliveryVehicleRole",
                                  setting="HospitalNonRoutinePreparation")
    assert before == {("EU_HospitalExemptionAvailable", "settled", "EU-23")}
    assert after == {("EU_HospitalExemptionAvailable", "provisional", "EU-23")}
    graph = Graph().parse(data=describe(PRODUCT, cargo=recombinant, role="DeliveryVehicleRole",
                                        setting="HospitalNonRoutinePreparation"), format="turtle")
    [outcome] = [o for o in classify(graph, ("EU",), rule_files=resolve(REFORM)[1]).for_product(PRODUCT)
                 if o.question == str(EVKG.Q_EU_HospitalExemption)]
    assert [s["iri"].rsplit("/", 2)[-2:] for s in outcome.sources] == [["eu-com-2023-192", "art-2"]]


@pytest.mark.parametrize("example", ["e1-ucmsc-sev-neonatal-lung", "e2-hek293-mrna-liver", "e4-omv-vaccine-gm-strain",
                                     "e5-milk-ev-paclitaxel-oral", "e7-platelet-ev-gel-incomplete"])
def test_reform_leaves_products_without_synthetic_nucleic_acid_unchanged(example):
    path = EXAMPLES / f"{example}.ttl"
    assert answers(path, REFORM) == answers(path)


# --- evkg whatif ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reform_run():
    return whatif(REFORM, [EXAMPLES / "e1-ucmsc-sev-neonatal-lung.ttl", EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"])


def test_whatif_lists_the_changed_answers_with_rules_and_sources_on_each_side(reform_run):
    changed = {(c.product.rsplit("/", 1)[-1], c.question.rsplit("#", 1)[-1]) for c in reform_run.changes}
    assert ("example-e6", "Q_EU_GTMP") in changed and ("iexosomes", "Q_EU_GTMP") in changed
    assert not any(p == "example-e1" for p, _ in changed), "E1 carries no nucleic acid"
    assert {c.jurisdiction for c in reform_run.changes} == {"EU"}
    e6 = next(c for c in reform_run.changes if c.product.endswith("example-e6") and c.question.endswith("Q_EU_GTMP"))
    assert [r["id"] for r in e6.before.rules] == ["EU-11"] and [r["id"] for r in e6.after.rules] == ["EU-R02"]
    assert any("annex-i-part-iv-2-1" in s["iri"] for s in e6.before.sources)
    assert any("eu-com-2023-192/art-4-gtmp" in s["iri"] for s in e6.after.sources)
    assert reform_run.compared["curated"] >= 20


def test_whatif_of_a_rule_set_against_itself_is_empty():
    run = whatif(REFORM, [EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"], baseline=REFORM)
    assert run.changes == [] and run.rule_changes == []
    assert whatif("eu-in-force", curated=False, paths=[EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"]).changes == []


USER_OVERLAY = PREFIXES + """
t:retire-eu-24 evkg:ruleId "EU-24" ; sh:deactivated true ;
    evkg:rationale "trying a reading in which national rules decide" ; dct:source <https://example.org/analyst-note> .

evkg:Q_EU_MadeInHospital a evkg:ClassificationQuestion ; rdfs:label "EU: prepared in a hospital?"@en ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:positiveCategory evkg:EU_MadeInHospital ;
    evkg:askedWhen "?this evkg:manufacturingSetting evkg:HospitalNonRoutinePreparation" .
evkg:EU_MadeInHospital a owl:Class ; rdfs:label "prepared in a hospital"@en .

t:USER-01 a sh:SPARQLRule , evkg:ClassificationRule ;
    evkg:ruleId "USER-01" ; rdfs:label "Prepared in a hospital" ; evkg:rationale "an analyst's own rule" ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:answersQuestion evkg:Q_EU_MadeInHospital ; evkg:concludes evkg:EU_MadeInHospital ;
    evkg:needsFact evkg:manufacturingSetting ; evkg:status evkg:Provisional ;
    dct:source <https://example.org/analyst-note> ; sh:order 95 ; sh:prefixes evsh:prefixes ;
    sh:construct \"\"\"
      CONSTRUCT { ?outcome a evkg:ClassificationOutcome ; evkg:ofProduct $this ;
          evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
          evkg:category evkg:EU_MadeInHospital ; evkg:question evkg:Q_EU_MadeInHospital ;
          evkg:derivedByRule t:USER-01 ; evkg:status evkg:Provisional . }
      WHERE { $this evkg:manufacturingSetting evkg:HospitalNonRoutinePreparation .
        BIND(IRI(CONCAT("https://w3id.org/evkg/data/outcome/", SHA1(CONCAT(STR($this), "|USER-01")))) AS ?outcome) }\"\"\" .
"""


def test_a_user_overlay_changes_exactly_the_answers_that_depend_on_its_rules(tmp_path):
    (overlay,) = files(tmp_path, USER_OVERLAY)
    e3 = EXAMPLES / "e3-dc-ev-peptide-hospital.ttl"
    run = whatif(overlay, [e3], examples=False)
    changed = {(c.origin, c.product, c.question) for c in run.changes}

    # expected, from the law in force and the data, without the overlay: the answers EU-24 gave, and a new
    # answer for every product prepared in a hospital
    from evkg.core import resources

    expected, other_ways = set(), set()
    for origin, graph in (("curated", resources.data_graph()), (str(e3), Graph().parse(e3, format="turtle"))):
        result = classify(graph)
        for o in result.outcomes:
            derived_by = {o.rule} | {rule for rule, _ in o.other_derivations}
            if "EU-24" in derived_by:
                # an answer another rule also gives may or may not change: it does not depend on EU-24 alone
                (expected if derived_by == {"EU-24"} else other_ways).add((origin, o.product, o.question))
        hospital = graph.subjects(EVKG.manufacturingSetting, EVKG.HospitalNonRoutinePreparation)
        expected |= {(origin, str(p), str(EVKG.Q_EU_MadeInHospital)) for p in hospital
                     if (p, RDF.type, EVKG.EVProduct) in graph}
    assert any(q == str(EVKG.Q_EU_HospitalExemption) for _, _, q in expected), "EU-24 must have fired somewhere"
    assert changed - other_ways == expected
    assert {(c["kind"], c["rule_id"]) for c in run.rule_changes} == {("retired", "EU-24"), ("added", "USER-01")}


def test_a_user_overlay_can_build_on_the_reform(tmp_path):
    (overlay,) = files(tmp_path, PREFIXES + """
<https://example.org/my-reading> a evkg:RuleSet ; evkg:ruleSetName "my-reading" ;
    evkg:overlayOf <https://w3id.org/evkg/data/rule-set/eu-reform-proposal-2023> .
t:no-silencing evkg:ruleId "EU-R02" ; sh:deactivated true ; dct:source <https://example.org/analyst-note> .
""")
    declared, chain = resolve(overlay)
    assert declared.name == "my-reading" and chain == (bundled_rule_sets()[REFORM].file, overlay)
    run = whatif(overlay, [EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"], baseline=REFORM, curated=False, examples=False)
    assert [(c["kind"], c["rule_id"]) for c in run.rule_changes] == [("retired", "EU-R02")]
    gtmp = next(c for c in run.changes if c.question == str(EVKG.Q_EU_GTMP))
    assert gtmp.before.categories[0]["iri"] == str(EVKG.EU_GTMP) and gtmp.after.status == "undecided"


def test_cli_whatif_covers_the_curated_products_and_worked_examples_by_default(capsys):
    assert main(["whatif", "--rules", REFORM, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["compared"]["curated"] >= 20
    assert {o for o in data["compared"] if o.startswith("examples/valid/")} == {
        f"examples/valid/{p.name}" for p in EXAMPLES.glob("*.ttl")}
    assert {c["origin"] for c in data["changes"]} == {"curated", "examples/valid/e6-msc-ev-sirna-ibd.ttl"}


def test_cli_whatif_formats(capsys):
    e6 = str(EXAMPLES / "e6-msc-ev-sirna-ibd.ttl")
    assert main(["whatif", "--rules", REFORM, "--no-curated", "--no-examples", e6]) == 0
    text = capsys.readouterr().out
    assert "retired  EU-11" in text and "before: not an EU gene therapy medicinal product (contested)" in text
    assert main(["whatif", "--rules", REFORM, "--no-curated", "--no-examples", e6, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["declaration"]["law_status"] == "proposal"
    assert {c["question"].rsplit("#", 1)[-1] for c in data["changes"]} == {"Q_EU_GTMP", "Q_EU_ATMP"}
    assert main(["whatif", "--rules", REFORM, "--no-curated", "--no-examples", e6, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["before_rules"] for r in table} == {"EU-11", "EU-14"}
    assert main(["whatif", "--rules", REFORM, "--no-curated", "--no-examples", e6, "--format", "markdown"]) == 0
    assert "| Example E6" in capsys.readouterr().out


def test_cli_unknown_rule_set_exits_2_with_the_known_names(capsys):
    assert main(["whatif", "--rules", "eu-reform-2099"]) == 2
    err = capsys.readouterr().err
    assert "no rule set named 'eu-reform-2099'" in err and REFORM in err


def test_a_rule_set_name_longer_than_any_file_name_is_an_unknown_name_quoted_short(capsys):
    # it was "cannot read or write" (the file system's "name too long") followed by all 3,000 characters
    assert main(["whatif", "--rules", "b" * 3000]) == 2
    err = capsys.readouterr().err
    assert "no rule set named 'bbb" in err and REFORM in err and len(err) < 600


def test_cli_rules_lists_each_rule_set_with_legal_basis_and_status(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert f"{REFORM}  (overlay on eu-in-force; EU)" in out
    assert "legal basis: Commission proposal COM(2023) 192" in out and "status of the text: proposal" in out


def test_cli_check_under_a_named_rule_set(capsys):
    e6 = str(EXAMPLES / "e6-msc-ev-sirna-ibd.ttl")
    assert main(["check", "--rules", REFORM, e6, "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    rules = {c["rule"] for f in report["files"] for p in f["products"] for c in p["classifications"]}
    assert "EU-R02" in rules and "EU-11" not in rules
    assert report["rule_set"].startswith(REFORM) and "status of the text: proposal" in report["rule_set"]


def test_cli_a_broken_rule_file_is_reported_once_with_its_line(tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix evkg: <https://w3id.org/evkg#> .\nevkg:x evkg:y evkg:z .\nthis is not turtle\n",
                      encoding="utf-8")
    e1, e6 = (str(EXAMPLES / f"{n}.ttl") for n in ("e1-ucmsc-sev-neonatal-lung", "e6-msc-ev-sirna-ibd"))
    assert main(["check", "--rules", str(broken), e1, e6]) == 2
    err = capsys.readouterr().err
    assert err.count("not valid Turtle") == 1 and f"{broken}, line 3" in err


def test_cli_a_rule_file_without_rules_is_refused_with_what_to_give_instead(tmp_path, capsys):
    e1 = str(EXAMPLES / "e1-ucmsc-sev-neonatal-lung.ttl")
    assert main(["check", "--rules", e1, e1]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{e1} declares no classification rules" in captured.err
    assert "It describes a product: give it to `evkg check` as a FILE" in captured.err
    (unrelated,) = files(tmp_path, PREFIXES + 't:x rdfs:label "a note" ; evkg:ruleId "X-1" .')
    assert main(["whatif", "--rules", unrelated, "--no-curated", "--no-examples", e1]) == 2
    err = capsys.readouterr().err
    assert "declares no classification rules" in err and "eu-reform-proposal-2023.ttl" in err


@pytest.mark.parametrize("construct, words", [
    ('CONSTRUKT { $this evkg:foo 1 } WHERE { $this a evkg:EVProduct }', "not valid SPARQL at line 1"),
    ('CONSTRUCT { $this evkg:foo 1 } WHERE { $this a evkg:EVProduct ', "not valid SPARQL at line 1"),
    ('SELECT * WHERE { $this a evkg:EVProduct }', "not a CONSTRUCT query"),
])
def test_cli_a_rule_whose_query_cannot_run_is_refused_naming_file_and_rule(tmp_path, capsys, construct, words):
    e1 = str(EXAMPLES / "e1-ucmsc-sev-neonatal-lung.ttl")
    (overlay,) = files(tmp_path, PREFIXES + 't:X-01 a sh:SPARQLRule , evkg:ClassificationRule ; evkg:ruleId "X-01" ; '
                                 f'sh:prefixes evsh:prefixes ; sh:construct """{construct}""" .')
    for command in (["check", "--rules", overlay, e1], ["whatif", "--rules", overlay, "--no-curated", "--no-examples", e1]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"{overlay}: rule X-01: its sh:construct is {words}" in err, err
        assert "internal error" not in err and "Traceback" not in err


def test_the_reform_overlay_runs_in_plain_pyshacl():
    """The overlay is SHACL-AF: pySHACL (advanced mode) runs its added rules and mints the shared outcome IRIs."""
    import hashlib

    import pyshacl

    from evkg.core import resources

    shapes = Graph().parse(bundled_rule_sets()[REFORM].file, format="turtle")
    shapes.parse(resources.folder("shapes") / "prefixes.ttl", format="turtle")
    e6 = EXAMPLES / "e6-msc-ev-sirna-ibd.ttl"
    data = Graph().parse(e6, format="turtle")
    inferred = pyshacl.shacl_rules(data, shacl_graph=shapes, advanced=True, iterate_rules=True)
    product = str(next(data.subjects(RDF.type, EVKG.EVProduct)))
    iri = "https://w3id.org/evkg/data/outcome/" + hashlib.sha1(f"{product}|EU-R02|EU_GTMP".encode()).hexdigest()
    assert inferred.value(URIRef(iri), EVKG.category) == EVKG.EU_GTMP
    engine = [o for o in classify(data, ("EU",), rule_files=resolve(REFORM)[1]).outcomes if o.rule == "EU-R02"]
    assert [o.iri for o in engine] == [iri], "the engine and pySHACL mint the same outcome"
