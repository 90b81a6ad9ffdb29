"""A submission states facts, never conclusions: pasted outcomes are refused and never reach the classifier."""
from __future__ import annotations

from pathlib import Path

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
