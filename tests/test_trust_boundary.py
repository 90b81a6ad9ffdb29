"""A submission states facts, never conclusions: pasted outcomes are refused and never reach the classifier."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from evkg.classification.engine import classify
from evkg.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"

# Seven outcome triples claiming E1 is an ATMP under the mandatory centralised procedure.
INJECTED = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix evsh: <https://w3id.org/evkg/shapes#> .
@prefix product: <https://w3id.org/evkg/data/product/> .
<https://w3id.org/evkg/data/outcome/pasted-1> a evkg:ClassificationOutcome ;
    evkg:ofProduct product:example-e1 ;
    evkg:category evkg:EU_ATMP , evkg:EU_CentralisedProcedureMandatory ;
    evkg:question evkg:Q_EU_ATMP ;
    evkg:derivedByRule evsh:EU-10 ;
    evkg:status evkg:Settled .
"""

AGENCY_DECISION = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix product: <https://w3id.org/evkg/data/product/> .
product:example-e1 evkg:agencyDetermination <https://w3id.org/evkg/data/example/cat-1> .
<https://w3id.org/evkg/data/example/cat-1> a evkg:AgencyDetermination .
"""


def outcome_summary(graph: Graph) -> list:
    result = classify(graph)
    return sorted((o.jurisdiction, o.category, o.rule, o.status) for o in result.outcomes)


def test_injected_outcomes_are_a_violation_naming_them():
    graph = Graph().parse(E1).parse(data=INJECTED, format="turtle")
    assert len(Graph().parse(data=INJECTED, format="turtle")) == 7
    products, others = check(graph, classify=False)
    refused = [r for p in products for r in p.results if r.constraint_id == "TRUST-01"]
    assert [r.severity for r in refused] == ["Violation"]
    assert "evkg:ClassificationOutcome" in refused[0].message and "evkg:category" in refused[0].message
    assert refused[0].product.endswith("example-e1")
    assert not products[0].conforms


def test_injected_outcomes_never_reach_the_classifier():
    clean = Graph().parse(E1)
    injected = Graph().parse(E1).parse(data=INJECTED, format="turtle")
    assert outcome_summary(injected) == outcome_summary(clean)
    categories = {o.category for o in classify(injected).outcomes}
    assert not any(c.endswith("#EU_CentralisedProcedureMandatory") for c in categories)


def test_an_agency_determination_is_a_fact_and_stays():
    graph = Graph().parse(E1).parse(data=AGENCY_DECISION, format="turtle")
    products, _ = check(graph, classify=False)
    assert not [r for p in products for r in p.results if r.constraint_id == "TRUST-01"]


CAT_SAYS_GTMP = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix product: <https://w3id.org/evkg/data/product/> .
product:example-e1 evkg:agencyDetermination <https://w3id.org/evkg/data/example/cat-2> .
<https://w3id.org/evkg/data/example/cat-2> a evkg:AgencyDetermination ; evkg:determiningBody evkg:CAT ;
    evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ; evkg:determinedCategory evkg:EU_GTMP {source} .
"""


def test_an_agency_determination_must_name_the_decision_it_records():
    """A CAT 'determination' written into E1 with nothing to look it up by made E1 an EU GTMP and an ATMP,
    settled, with no finding: a conclusion passed off as a fact."""
    unsourced = Graph().parse(E1).parse(data=CAT_SAYS_GTMP.replace("{source}", ""), format="turtle")
    products, _ = check(unsourced, classify=False)
    found = [r for p in products for r in p.results if r.constraint_id == "S-determinationSource"]
    assert len(found) == 1 and found[0].severity == "Violation" and "Link the decision" in found[0].message
    sourced = Graph().parse(E1).parse(data=CAT_SAYS_GTMP.replace(
        "{source}", "; dct:source <https://www.ema.europa.eu/en/documents/example-recommendation.pdf>"), format="turtle")
    products, _ = check(sourced, classify=False)
    assert not [r for p in products for r in p.results if r.constraint_id.startswith("S-determination")]


# ------------------------------------------------------------------------------- the vocabulary is not the submission's

NOT_APPLICABLE = ROOT / "examples" / "invalid" / "not-applicable-role-on-human-ev.ttl"
RELABELLED = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
evkg:NotApplicableRole rdfs:label "active substance (verified by EMA)" .
evkg:evRole rdfs:label "approved role" .
"""


def run_check(path: Path, capsys, *options) -> tuple[int, str]:
    from evkg.cli import main

    code = main(["check", str(path), *options])
    return code, capsys.readouterr().out


def test_a_description_cannot_rename_the_vocabulary_s_terms_in_its_report(tmp_path, capsys):
    relabelled = tmp_path / "relabelled.ttl"
    relabelled.write_text(NOT_APPLICABLE.read_text(encoding="utf-8") + RELABELLED, encoding="utf-8")
    code, out = run_check(relabelled, capsys, "--format", "json")
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    role = [r for r in results if r["constraint"] == "V-09"]
    assert role and role[0]["path_label"] == "EV role"
    assert role[0]["value"] == "no EV role <https://w3id.org/evkg#NotApplicableRole>"
    assert not [r for r in results if "verified by EMA" in (r["value"] or "") or "approved" in r["path_label"]]
    refused = [r for r in results if r["constraint"] == "TRUST-02"]
    assert [r["severity"] for r in refused] == ["Warning"]         # ignored: a name changes nothing once dropped
    assert "evkg:NotApplicableRole" in refused[0]["message"] and "rdfs:label" in refused[0]["message"]
    assert refused[0]["path"] == "https://w3id.org/evkg#evRole"         # where the description uses the term
    assert code == 1


def test_a_kind_of_product_a_description_declares_is_not_a_product(tmp_path, capsys):
    text = E1.read_text(encoding="utf-8").replace("    a evkg:EVProduct ;", "    a <https://example.org/Gadget> ;", 1)
    declared = tmp_path / "gadget.ttl"
    declared.write_text(text + "\n<https://example.org/Gadget> rdfs:subClassOf evkg:EVProduct .\n", encoding="utf-8")
    code, out = run_check(declared, capsys)
    assert code == 2
    assert "describes no product" in out
    assert "declares its own kind of product (<https://example.org/Gadget> rdfs:subClassOf evkg:EVProduct)" in out


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_both_engines_refuse_a_redefinition_and_validate_without_it(engine):
    from evkg.validation.engine import validate

    graph = Graph().parse(E1).parse(data="""
        @prefix evkg: <https://w3id.org/evkg#> .
        evkg:Measurement <http://www.w3.org/2000/01/rdf-schema#subClassOf> evkg:EVProduct .""", format="turtle")
    report = validate(graph, engine=engine)
    assert [p.iri for p in report.products] == ["https://w3id.org/evkg/data/product/example-e1"]   # no dose as product
    found = report.unattributed + [r for p in report.products for r in p.results]
    refused = [r for r in found if r.constraint_id == "TRUST-02"]
    assert len(refused) == 1 and "evkg:Measurement" in refused[0].message and not report.conforms
    assert len(graph) == len(Graph().parse(E1)) + 1                  # the caller's graph is left as it was


def test_a_vocabulary_term_typed_as_a_product_is_not_classified():
    graph = Graph().parse(E1).parse(data="""
        @prefix evkg: <https://w3id.org/evkg#> .
        evkg:Treatment a evkg:EVProduct ; evkg:intendedUse evkg:Treatment ; evkg:diseaseClaim true .""",
                                    format="turtle")
    assert {o.product for o in classify(graph).outcomes} == {"https://w3id.org/evkg/data/product/example-e1"}


def test_a_description_labelling_the_ontology_terms_it_uses_still_conforms_and_is_told_the_labels_are_ignored(
        tmp_path, capsys):
    """Turtle written by hand or exported by an editor often names the CL and UBERON terms it uses; those names
    are ignored (the report uses the vocabulary's own) and warned about, not held against the product. Retyping
    a term stays a violation."""
    labelled = tmp_path / "labelled.ttl"
    labelled.write_text(E1.read_text(encoding="utf-8") + """
<http://purl.obolibrary.org/obo/CL_0000134> <http://www.w3.org/2000/01/rdf-schema#label> "MSC" .
""", encoding="utf-8")
    code, out = run_check(labelled, capsys, "--format", "json")
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    named = [r for r in results if r["constraint"] == "TRUST-02"]
    assert [r["severity"] for r in named] == ["Warning"] and "obo:CL_0000134" in named[0]["message"]
    assert code == 0
    retyped = tmp_path / "retyped.ttl"
    retyped.write_text(E1.read_text(encoding="utf-8") + """
<http://purl.obolibrary.org/obo/CL_0000134> a <https://w3id.org/evkg#EVProduct> .
""", encoding="utf-8")
    code, out = run_check(retyped, capsys, "--format", "json")
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    assert [r["severity"] for r in results if r["constraint"] == "TRUST-02"] == ["Violation"]
    assert code == 1
