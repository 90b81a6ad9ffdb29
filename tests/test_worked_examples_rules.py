"""Worked examples E1-E7 (examples/valid/, EU side), as inline facts: the rules that fire, the
categories concluded and their statuses, and what stays undecided."""
from __future__ import annotations

import pytest
from rdflib import Graph
from test_rules_eu import describe

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG

MRNA = {"cargoKind": "NucleicAcid", "manufacture": "Recombinant", "nucleicAcidMechanism": "Expression",
        "effectIsGenetic": True}
PEPTIDE = {"cargoKind": "Antigen", "manufacture": "ChemicallySynthesised", "lengthAminoAcids": 9}
PACLITAXEL = {"cargoKind": "SmallMolecule"}
SIRNA = {"cargoKind": "NucleicAcid", "manufacture": "ChemicallySynthesised", "nucleicAcidMechanism": "RNAInterference",
         "effectIsGenetic": True}

EXAMPLES = {
    "E1": dict(uses=("Treatment", "Regenerative")),
    "E2": dict(material="EstablishedCellLine", modified=True, cargo=[MRNA], role="DeliveryVehicleRole", donor=None),
    "E3": dict(uses=("AntiTumourImmunotherapy",), cargo=[PEPTIDE], donor="Autologous",
               setting="HospitalNonRoutinePreparation", annex3=True),
    "E4": dict(uses=("InfectiousDiseaseVaccine",), origin="BacterialOrigin", material="MicrobialCulture",
               modified=True, incidental=True, donor=None),
    "E5": dict(origin="AnimalOrigin", material="AnimalMaterial", cargo=[PACLITAXEL], role="DeliveryVehicleRole",
               donor=None),
    "E6": dict(material="EstablishedCellLine", cargo=[SIRNA], role="CombinedRole", annex3=True, donor=None),
    "E7": dict(uses=("Regenerative",), material="HumanBloodOrBloodComponent", no_cargo=False, cells=None,
               setting=None, device=None, annex3=None, donor=None),
}

# Rules that fire on each worked example (EU and EV-role rules). EU-21c answers the combined-ATMP question
# from the absent integral device alone (Reg. 1394/2007 Art. 2(1)(d)), beside EU-21b, whatever the ATMP answer.
FIRED = {
    "E1": {"EU-01", "ROLE-01", "EU-02", "EU-09", "EU-12", "EU-14", "EU-21b", "EU-21c", "EU-27", "ROLE-04"},
    # EU-19b: a GTMP is considered neither an sCTMP nor a TEP (Reg. 1394/2007 Art. 2(5)), beside EU-09 (no cells)
    "E2": {"EU-01", "ROLE-02", "EU-09", "EU-10", "EU-15", "EU-19b", "EU-21c", "EU-25", "EU-26", "EU-28"},
    "E3": {"EU-01", "ROLE-01", "EU-02", "EU-09", "EU-12", "EU-14", "EU-08", "EU-21b", "EU-21c", "EU-24", "EU-26b",
           "EU-27", "ROLE-04"},
    # EU-09c: bacterial material only, no human or animal cells for an sCTMP or TEP (Reg. 1394/2007 Art. 2(1))
    "E4": {"EU-01", "ROLE-01", "EU-02", "EU-07", "EU-09", "EU-09c", "EU-13", "EU-14", "EU-21b", "EU-21c", "EU-26",
           "EU-28"},
    "E5": {"EU-01", "ROLE-02", "EU-06", "EU-09", "EU-12", "EU-14", "EU-21b", "EU-21c"},
    "E6": {"EU-01", "ROLE-03", "EU-02", "EU-09", "EU-11", "EU-14", "EU-21b", "EU-21c", "EU-26b"},
    "E7": {"EU-01", "ROLE-01", "EU-02", "EU-27", "EU-31"},
}

# Closing rules of the rule table's second revision that fire beside them, and the answers they add.
CLOSING = {
    "E1": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-08b": ("EU_NotImmunologicalMedicinalProduct", "provisional"),
           "EU-23b": ("EU_HospitalExemptionNotAvailable", "settled"),
           "EU-26c": ("EU_CentralisedProcedureOptional", "provisional"),
           "EU-28b": ("EU_NoGMOAssessmentQuestion", "settled")},
    "E2": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-08b": ("EU_NotImmunologicalMedicinalProduct", "provisional"),
           "EU-23b": ("EU_HospitalExemptionNotAvailable", "settled"),
           "EU-27c": ("EU_NoHumanStartingMaterialRules", "contested")},
    "E3": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-28b": ("EU_NoGMOAssessmentQuestion", "settled")},
    "E4": {"EU-23b": ("EU_HospitalExemptionNotAvailable", "settled"),
           "EU-27b": ("EU_NoHumanStartingMaterialRules", "settled")},
    "E5": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-08b": ("EU_NotImmunologicalMedicinalProduct", "provisional"),
           "EU-23b": ("EU_HospitalExemptionNotAvailable", "settled"),
           "EU-26c": ("EU_CentralisedProcedureOptional", "provisional"),
           "EU-27b": ("EU_NoHumanStartingMaterialRules", "settled"),
           "EU-28b": ("EU_NoGMOAssessmentQuestion", "settled")},
    "E6": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-08b": ("EU_NotImmunologicalMedicinalProduct", "provisional"),
           "EU-23b": ("EU_HospitalExemptionNotAvailable", "settled"),
           "EU-27c": ("EU_NoHumanStartingMaterialRules", "contested"),
           "EU-28b": ("EU_NoGMOAssessmentQuestion", "settled")},
    "E7": {"EU-07b": ("EU_NotVaccineAgainstInfectiousDisease", "settled"),
           "EU-08b": ("EU_NotImmunologicalMedicinalProduct", "provisional")},
}

# (category, status of the reported answer)
CONCLUDED = {
    "E1": [("EU_MedicinalProduct", "settled"), ("EU_BiologicalMedicinalProduct", "settled"),
           ("EU_NotSCTMP", "settled"), ("EU_NotTEP", "settled"), ("EU_NotGTMP", "settled"),
           ("EU_NotATMP", "settled"), ("EU_NotCombinedATMP", "settled"), ("EU_HumanStartingMaterialRules", "settled"),
           ("EVIsActiveSubstance", "settled"), ("DonorRelationDoesNotChangeCategory", "settled")],
    "E2": [("EU_GTMP", "settled"), ("EU_ATMP", "settled"), ("EU_BiologicalMedicinalProduct", "settled"),
           ("EU_NotCombinedATMP", "settled"), ("EU_CentralisedProcedureMandatory", "settled"),
           ("EU_GMOAssessmentQuestion", "contested"), ("CargoIsActiveSubstance", "provisional")],
    "E3": [("EU_BiologicalMedicinalProduct", "settled"), ("EU_NotATMP", "settled"),
           ("EU_ImmunologicalMedicinalProduct", "provisional"), ("EU_HospitalExemptionNotAvailable", "contested"),
           ("EU_CentralisedProcedureMandatory", "provisional"), ("EU_HumanStartingMaterialRules", "settled")],
    "E4": [("EU_VaccineAgainstInfectiousDisease", "settled"), ("EU_ImmunologicalMedicinalProduct", "settled"),
           ("EU_BiologicalMedicinalProduct", "settled"), ("EU_NotGTMP", "settled"), ("EU_NotATMP", "settled"),
           ("EU_CentralisedProcedureMandatory", "provisional"), ("EU_GMOAssessmentQuestion", "contested")],
    "E5": [("EU_MedicinalProduct", "settled"), ("EU_NonBiologicalMedicinalProduct", "contested"),
           ("EU_NotATMP", "settled"), ("EU_NotCombinedATMP", "settled")],
    "E6": [("EU_BiologicalMedicinalProduct", "settled"), ("EU_NotGTMP", "contested"), ("EU_NotATMP", "contested"),
           ("EU_NotCombinedATMP", "settled"), ("EU_CentralisedProcedureMandatory", "provisional"),
           ("EVAndCargoAreActiveSubstances", "provisional")],
    "E7": [("EU_MedicinalProduct", "settled"), ("EU_BiologicalMedicinalProduct", "settled"),
           ("EU_HumanStartingMaterialRules", "settled"), ("EU_BloodDerivedMedicinalProduct", "contested")],
}

NOT_CONCLUDED = {
    "E1": ["EU_ATMP", "EU_GTMP", "EU_TEP", "EU_SCTMP"],
    "E2": ["EU_NotATMP", "EU_NotGTMP"],
    "E3": ["EU_ATMP", "EU_HospitalExemptionAvailable"],
    "E4": ["EU_GTMP", "EU_ATMP"],
    "E5": ["EU_ATMP", "EU_GTMP"],
    "E6": ["EU_GTMP", "EU_ATMP"],
    "E7": ["EU_NotATMP", "EU_ATMP", "EU_NotSCTMP"],
}

ALTERNATIVES = {
    "E5": ("EU_NonBiologicalMedicinalProduct", "EU_BiologicalMedicinalProduct"),
    "E6": ("EU_NotGTMP", "EU_GTMP"),
    "E7": ("EU_BloodDerivedMedicinalProduct", "EU_NotBloodDerived"),
}

# E7: question -> facts that must be named as missing
E7_MISSING = {
    "Q_EU_SCTMP": {"cellContent"},
    "Q_EU_TEP": {"cellContent"},
    "Q_EU_GTMP": {"loadedCargo"},
    "Q_EU_ATMP": {"cellContent", "loadedCargo"},
    "Q_EU_CombinedATMP": {"cellContent", "loadedCargo"},
    "Q_EU_HospitalExemption": {"manufacturingSetting"},
    "Q_EU_CentralisedProcedure": {"annexI3Indication", "loadedCargo", "cellContent"},
}


@pytest.fixture(scope="module")
def results():
    graph = Graph()
    for name, facts in EXAMPLES.items():
        graph.parse(data=describe(f"https://example.org/worked/{name}", **facts), format="turtle")
    return classify(graph, jurisdictions=("EU",))


def outcomes(results, name):
    return results.for_product(f"https://example.org/worked/{name}")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rules_fired_are_those_of_the_table(results, name):
    derivations = set()
    for o in outcomes(results, name):
        if o.rule:
            derivations.add(o.rule)
        derivations.update(rule for rule, _ in o.other_derivations)
    fired = {r for r in derivations if r.startswith(("EU-", "ROLE-"))}
    assert fired == FIRED[name] | set(CLOSING[name])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_closing_rules_add_their_answers(results, name):
    reported = {(o.rule, o.category, o.status) for o in outcomes(results, name)}
    for rule, (category, status) in CLOSING[name].items():
        assert (rule, str(EVKG[category]), status) in reported, f"{name}: {rule} should answer {category}"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_categories_and_statuses(results, name):
    reported = {(o.category, o.status) for o in outcomes(results, name)}
    for category, status in CONCLUDED[name]:
        assert (str(EVKG[category]), status) in reported, f"{name}: expected {category} ({status})"
    concluded = {o.category for o in outcomes(results, name) if o.concluded}
    for category in NOT_CONCLUDED[name]:
        assert str(EVKG[category]) not in concluded, f"{name}: {category} must not be concluded"


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_contested_alternatives(results, name):
    primary, alternative = ALTERNATIVES[name]
    outcome = next(o for o in outcomes(results, name) if o.category == str(EVKG[primary]))
    assert outcome.status == "contested"
    assert str(EVKG[alternative]) in [iri for iri, _ in outcome.alternatives]


def test_e7_undecided_names_missing_facts(results):
    undecided = {o.question: o for o in outcomes(results, "E7") if o.status == "undecided"}
    for question, facts in E7_MISSING.items():
        outcome = undecided[str(EVKG[question])]
        missing = {m["property"] for m in outcome.missing}
        assert {str(EVKG[f]) for f in facts} <= missing, f"{question}: missing {missing}"
        assert all(m["prompt"] and m["rules"] for m in outcome.missing)


def test_e7_stating_no_cells_resolves_the_cell_questions():
    facts = dict(EXAMPLES["E7"], cells="NoCells")
    result = classify(Graph().parse(data=describe("https://example.org/worked/E7b", **facts), format="turtle"),
                      jurisdictions=("EU",))
    answers = {o.question: o for o in result.outcomes}
    assert answers[str(EVKG.Q_EU_SCTMP)].category == str(EVKG.EU_NotSCTMP)
    assert answers[str(EVKG.Q_EU_TEP)].status == "settled"


def test_e4_not_gtmp_strongest_path_reported_with_the_other(results):
    outcome = next(o for o in outcomes(results, "E4") if o.category == str(EVKG.EU_NotGTMP))
    assert (outcome.rule, outcome.status) == ("EU-07", "settled")
    assert ("EU-13", "provisional") in outcome.other_derivations


def test_e2_biological_through_the_category_hierarchy(results):
    outcome = next(o for o in outcomes(results, "E2") if o.category == str(EVKG.EU_BiologicalMedicinalProduct))
    assert outcome.rule == "HIERARCHY" and outcome.status == "settled"
