"""Every rule's premises, taken away one at a time, and the category each rule concludes.

For every firing case of the rule tests (test_rules_eu, test_rules_us, test_rules_kr):
- the rule concludes the case's category, and nothing outside the categories it declares (evkg:concludes,
  evkg:alternative);
- each fact the rule needs (evkg:needsFact) that the description states is removed in turn, and the rule must
  no longer conclude that category (open world: a missing premise is no premise);
- each category the rule needs (evkg:needsCategory) is taken away in turn by removing the facts that only the
  rules concluding it read, and the rule must no longer conclude.
A fact may belong to another UNION branch than the one a case fires by, so each fact must block the rule in at
least one firing case; cases for the branches the rule tests do not reach are added here. Optional facts
(ontology/fact-requirements.ttl: their absence is an answer) cannot block and are skipped. Premises that facts cannot isolate (EU-14's three negative ATMP classes come two at a time from EU-09
and EU-18) are isolated with agency determinations that state the others.
"""
from __future__ import annotations

import functools

import pytest
from rdflib import Graph, URIRef

from evkg.classification.engine import classify
from evkg.classification.knowledge import knowledge
from evkg.core import resources
from evkg.core.namespaces import EVKG, EVSH

import test_rules_eu as eu
import test_rules_kr as kr
import test_rules_us as us

EVKG_NS = str(EVKG)


def _firing_cases() -> list[tuple[str, str | None, str]]:
    """(rule id, category or None for 'any category it declares', Turtle) of every firing case."""
    cases = [(rule, category, us.describe(**fires)) for rule, category, fires, _ in us.CASES]
    cases += [(rule, category, kr.describe(**fires)) for rule, category, fires, _ in kr.CASES]
    cases += [(rule, None, eu.describe(**fires)) for rule, (fires, _) in sorted(eu.CASES.items())]
    return cases


def _branch_cases() -> list[tuple[str, str, str]]:
    """Firing cases for the UNION branches and facts that the rule tests' cases do not reach."""
    recombinant_antigen = {"cargoKind": "Antigen", "manufacture": "Recombinant", "lengthAminoAcids": 120}
    return [
        ("EU-05", "EU_BiologicalMedicinalProduct", eu.describe(role="DeliveryVehicleRole", cargo=[recombinant_antigen])),
        ("EU-11", "EU_NotGTMP", eu.describe(role="CombinedRole",
                                            cargo=[eu.SIRNA, {"manufacture": "Recombinant", "effectIsGenetic": False}])),
        ("EU-12", "EU_NotGTMP", eu.describe(**eu.SYNTHETIC)),
        ("EU-26", "EU_CentralisedProcedureMandatory", eu.describe(modified=True)),
        ("EU-26", "EU_CentralisedProcedureMandatory", eu.describe(role="DeliveryVehicleRole", cargo=[recombinant_antigen])),
        ("EU-26", "EU_CentralisedProcedureMandatory", eu.describe(coformulated=[eu.PROTEIN])),
        ("EU-28", "EU_GMOAssessmentQuestion", eu.describe(modified=True)),
        ("EU-28", "EU_GMOAssessmentQuestion", eu.describe(incidental=True)),
        ("US-06", "US_Not361HCTP", us.describe(**dict(us.CELLS_PRESENT, hctpMinimallyManipulated="false"))),
        ("US-12", "US_NonBiologicDrug", us.describe(**dict(us.SYNTHETIC, evRole="evkg:DeliveryVehicleRole",
                                                           cargo=[dict(us.MRNA, effectIsGenetic="false")]))),
        ("US-14b", "US_NotGeneTherapy", us.describe(**dict(us.SYNTHETIC, source_geneticallyModified=None))),
        ("US-15", "US_CombinationProduct", us.describe(evRole="evkg:DeliveryVehicleRole", cargo=[us.SYNTHETIC_SIRNA])),
        ("US-15c", "US_NotCombinationProduct", us.describe(evRole="evkg:CombinedRole", cargo=[us.MRNA])),
        ("US-15f", "US_CombinationProduct", us.describe(coform=[us.SYNTHETIC_SIRNA])),
        ("US-11", "US_NonBiologicDrug", us.describe(**us.PLANT, coform=[us.SYNTHETIC_SIRNA])),
        ("US-15g", "US_NotCombinationProduct", us.describe(**us.PLANT, coform=[us.SYNTHETIC_SIRNA])),
        ("US-16i", "US_LeadCenterCDER", us.describe(**us.PLANT, evRole="evkg:DeliveryVehicleRole",
                                                    cargo=[dict(us.PROTEIN_120, cargoKind="evkg:OtherSubstanceKind")])),
    ]


CASES = [c for c in _firing_cases() + _branch_cases()
         if knowledge().rules_by_iri[str(EVSH[c[0]])].concludes]          # EU-19 only links outcomes


@functools.cache
def rule(rule_id: str):
    return knowledge().rules_by_iri[str(EVSH[rule_id])]


def jurisdictions(rule_id: str) -> tuple:
    return ("EU", "US", "KR") if rule_id.startswith("ROLE") else (rule_id.split("-")[0],)


def concluded(graph: Graph, rule_id: str) -> set[str]:
    result = classify(graph, jurisdictions=jurisdictions(rule_id))
    return {str(result.graph.value(o, EVKG.category))
            for o in result.graph.subjects(EVKG.derivedByRule, EVSH[rule_id])}


def blocked(graph: Graph, rule_id: str, category: str | None) -> bool:
    found = concluded(graph, rule_id)
    return not found if category is None else EVKG_NS + category not in found


def without(graph: Graph, properties) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if str(p) not in properties:
            out.add((s, p, o))
    return out


def parse(turtle: str) -> Graph:
    return Graph().parse(data=turtle, format="turtle")


# Facts whose absence is itself an answer (ontology/fact-requirements.ttl): removing one cannot block a rule.
OPTIONAL = {str(s) for s in resources.ontology_graph().subjects(EVKG.optionalFact, None)}

# (rule, premise fact or category) -> why taking it away alone cannot block the rule in any firing case
ALTERNATIVES: dict = {}


@pytest.mark.parametrize("rule_id, category, turtle", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_concludes_its_own_category(rule_id, category, turtle):
    found = concluded(parse(turtle), rule_id)
    declared = {c for c in rule(rule_id).concludes + rule(rule_id).alternatives}
    if rule(rule_id).agency:                            # adopts the categories the determination names
        declared |= {str(c) for c in parse(turtle).objects(None, EVKG.determinedCategory)}
    assert found, f"{rule_id} should fire on its case"
    assert found <= declared | {EVKG_NS + "Undecided"}, f"{rule_id} concluded {found - declared}, not its own"
    if category is not None:
        assert EVKG_NS + category in found


def _fact_premises():
    """(rule, fact) -> the firing cases that state the fact."""
    pairs: dict = {}
    for rule_id, category, turtle in CASES:
        stated = {str(p) for p in parse(turtle).predicates()}
        for fact in rule(rule_id).needs_facts:
            if fact in stated and fact not in OPTIONAL:
                pairs.setdefault((rule_id, fact), []).append((category, turtle))
    return sorted(pairs.items())


@pytest.mark.parametrize("rule_id, fact, cases", [(r, f, c) for (r, f), c in _fact_premises()],
                         ids=[f"{r}-without-{f.rsplit('#', 1)[-1]}" for (r, f), _ in _fact_premises()])
def test_rule_does_not_conclude_without_a_fact_it_needs(rule_id, fact, cases):
    """In at least one firing case, the fact is a premise of the derivation: without it the rule is silent.
    (In the others it may belong to another UNION branch than the one that fired.)"""
    if (rule_id, fact) in ALTERNATIVES:
        assert all(not blocked(without(parse(turtle), {fact}), rule_id, category) for category, turtle in cases), (
            f"{rule_id} now needs {fact}: remove it from the list of alternatives")
        return
    assert any(blocked(without(parse(turtle), {fact}), rule_id, category) for category, turtle in cases), (
        f"{rule_id} still concludes in every case without {fact}")


def _producers_facts(category: str, exclude: set) -> set:
    facts = set()
    for other in knowledge().rules:
        if category in other.concludes and not other.agency:
            facts |= set(other.needs_facts)
    return facts - exclude


def _category_premises():
    """(rule, category premise) -> (facts that take it away, firing cases that state them)."""
    pairs: dict = {}
    for rule_id, category, turtle in CASES:
        r = rule(rule_id)
        if r.any_premise:
            continue
        stated = {str(p) for p in parse(turtle).predicates()}
        for premise in r.needs_categories:
            facts = _producers_facts(premise, set(r.needs_facts)) & stated
            if facts:
                pairs.setdefault((rule_id, premise), []).append((category, turtle, tuple(sorted(facts))))
    return sorted(pairs.items())


# (rule, premise category) -> the rule that still concludes the premise once the removable facts are gone: the
# firing cases of EU-07b, EU-08b, EU-08c and EU-08d state no disease claim, so EU-01 concludes a medicinal product from
# the medical use alone (a fact these rules read themselves); the only producer fact left to remove is the
# EV origin, which only EU-01c and EU-01e read (a human-origin product cannot be a cosmetic).
# US-16g reads the integral device itself, and with it US-15d concludes the combination product of any drug (the
# premise is taken away through the drug instead: tests/test_rules_us.py, a test on specimens of device-led design).
PREMISE_KEPT_BY = {("US-16g", EVKG_NS + "US_CombinationProduct"): "US-15d",
                   ("EU-07b", EVKG_NS + "EU_MedicinalProduct"): "EU-01",
                   ("EU-08b", EVKG_NS + "EU_MedicinalProduct"): "EU-01",
                   ("EU-08c", EVKG_NS + "EU_MedicinalProduct"): "EU-01",
                   ("EU-08d", EVKG_NS + "EU_MedicinalProduct"): "EU-01"}


@pytest.mark.parametrize("rule_id, premise, cases", [(r, p, c) for (r, p), c in _category_premises()],
                         ids=[f"{r}-without-{p.rsplit('#', 1)[-1]}" for (r, p), _ in _category_premises()])
def test_rule_does_not_conclude_without_a_category_it_needs(rule_id, premise, cases):
    """Removing the facts that only the premise's own rules read takes the premise away; in at least one
    firing case (one that concludes what the premise is needed for) the rule is then silent."""
    if (rule_id, premise) in PREMISE_KEPT_BY:
        keeper = PREMISE_KEPT_BY[(rule_id, premise)]
        for category, turtle, facts in cases:
            result = classify(without(parse(turtle), set(facts)), jurisdictions=jurisdictions(rule_id))
            assert any(o.category == premise and o.rule == keeper for o in result.outcomes), (
                f"{keeper} no longer concludes {premise} here: remove ({rule_id}, premise) from PREMISE_KEPT_BY")
        return
    outcome = []
    for category, turtle, facts in cases:
        graph = without(parse(turtle), set(facts))
        result = classify(graph, jurisdictions=jurisdictions(rule_id))
        live = [o for o in result.graph.subjects(EVKG.category, URIRef(premise))
                if result.graph.value(o, EVKG.status) != EVKG.Superseded]
        outcome.append(not live and blocked(graph, rule_id, category))
    assert any(outcome), f"{rule_id} still concludes in every case without {premise}"


# EU-14 (not an ATMP) needs all three negative classes; EU-09 and EU-18 conclude two of them together, so each
# is taken away by stating the other two through a CAT recommendation and leaving the cell content open.
@pytest.mark.parametrize("missing", ["EU_NotGTMP", "EU_NotSCTMP", "EU_NotTEP"])
def test_not_atmp_needs_each_negative_class(missing):
    others = [c for c in ("EU_NotGTMP", "EU_NotSCTMP", "EU_NotTEP") if c != missing]
    facts = dict(cells=None, determinations=[("CAT", c) for c in others])
    if missing == "EU_NotGTMP":
        facts["modified"] = None                       # genetic modification open: GTMP undecided
    result = eu.run(**facts)
    assert {str(EVKG[c]) for c in others} <= {o.category for o in result.outcomes if o.status == "settled"}
    assert str(EVKG[missing]) not in {o.category for o in result.outcomes if o.status != "undecided"}
    assert not eu.fired(result, "EU-14")
    complete = eu.run(determinations=[("CAT", c) for c in ("EU_NotGTMP", "EU_NotSCTMP", "EU_NotTEP")], cells=None,
                      modified=None)
    assert eu.fired(complete, "EU-14")
