"""The classifier learns what a rule needs from the rule and vocabulary files: a rule added in a file of its
own is run and its missing facts are reported, with no change to the code."""
from __future__ import annotations

from rdflib import Graph
from test_rules_eu import describe

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG

PRODUCT = "https://example.org/trial-product"

# A question, a category, a fact and a rule that needs it, none of which the bundled files know.
TEMPORARY_RULES = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix evkg: <https://w3id.org/evkg#> .
@prefix evsh: <https://w3id.org/evkg/shapes#> .

evkg:Q_EU_PotencyTested a owl:NamedIndividual , evkg:ClassificationQuestion ;
    rdfs:label "EU: was a potency assay run?"@en ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:positiveCategory evkg:EU_PotencyTested .

evkg:EU_PotencyTested a owl:Class ; rdfs:label "potency tested (EU, trial category)"@en .

evkg:potencyAssayRun a owl:DatatypeProperty ; rdfs:label "potency assay run"@en ;
    evkg:missingFactPrompt "Say whether a potency assay was run (evkg:potencyAssayRun)."@en ;
    evkg:alternativeFact evkg:potencyAssayWaived ;
    evkg:notNeededWhen [ evkg:whenProperty evkg:intendedUse ; evkg:whenValue evkg:InVivoDiagnostic ] .

evsh:TRIAL-01 a sh:SPARQLRule , evkg:ClassificationRule ;
    evkg:ruleId "TRIAL-01" ;
    rdfs:label "A potency assay was run" ;
    evkg:rationale "A rule that exists only in this test." ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
    evkg:answersQuestion evkg:Q_EU_PotencyTested ;
    evkg:concludes evkg:EU_PotencyTested ;
    evkg:needsFact evkg:potencyAssayRun ;
    evkg:status evkg:Provisional ;
    sh:order 5 ;
    sh:prefixes evsh:prefixes ;
    sh:construct \"\"\"
      CONSTRUCT {
          ?outcome a evkg:ClassificationOutcome ; evkg:ofProduct $this ;
              evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;
              evkg:category evkg:EU_PotencyTested ; evkg:question evkg:Q_EU_PotencyTested ;
              evkg:derivedByRule evsh:TRIAL-01 ; evkg:status evkg:Provisional .
      } WHERE {
        $this evkg:potencyAssayRun true .
        BIND(IRI(CONCAT("https://w3id.org/evkg/data/outcome/", SHA1(CONCAT(STR($this), "|TRIAL-01")))) AS ?outcome)
      }\"\"\" .
"""

QUESTION = str(EVKG.Q_EU_PotencyTested)


def rule_file(tmp_path):
    path = tmp_path / "trial-rules.ttl"
    path.write_text(TEMPORARY_RULES, encoding="utf-8")
    return path


def answer(result):
    found = [o for o in result.for_product(PRODUCT) if o.question == QUESTION]
    assert len(found) == 1, found
    return found[0]


def data(extra: str = "", **facts) -> Graph:
    graph = Graph()
    graph.parse(data=describe(PRODUCT, **facts), format="turtle")
    if extra:
        graph.parse(data=f"@prefix evkg: <https://w3id.org/evkg#> . <{PRODUCT}> {extra} .", format="turtle")
    return graph


def test_without_the_rule_file_the_question_does_not_exist(tmp_path):
    result = classify(data(), ("EU",))
    assert not [o for o in result.for_product(PRODUCT) if o.question == QUESTION]


def test_the_new_rules_missing_fact_is_reported(tmp_path):
    outcome = answer(classify(data(), ("EU",), rule_files=[rule_file(tmp_path)]))
    assert outcome.status == "undecided"
    assert [m["property"] for m in outcome.missing] == [str(EVKG.potencyAssayRun)]
    assert outcome.missing[0]["rules"] == ["TRIAL-01"]
    assert outcome.missing[0]["prompt"].startswith("Say whether a potency assay was run")


def test_the_new_rule_fires_when_its_fact_is_stated(tmp_path):
    outcome = answer(classify(data("evkg:potencyAssayRun true"), ("EU",), rule_files=[rule_file(tmp_path)]))
    assert outcome.category == str(EVKG.EU_PotencyTested)
    assert outcome.rule == "TRIAL-01"
    assert outcome.status == "provisional"


def test_an_alternative_fact_from_the_rule_file_stops_the_wait(tmp_path):
    outcome = answer(classify(data("evkg:potencyAssayWaived true"), ("EU",), rule_files=[rule_file(tmp_path)]))
    assert outcome.status == "undecided"
    assert outcome.missing == []


def test_a_condition_from_the_rule_file_makes_the_fact_moot(tmp_path):
    result = classify(data(uses=("InVivoDiagnostic",)), ("EU",), rule_files=[rule_file(tmp_path)])
    assert answer(result).missing == []
