"""Conditions of rules that the one-case-each tables (test_rules_eu/us/kr.py) do not exercise: for each, a product
that meets every other premise of the rule but not this one, on which the rule must stay silent (or, for an
alternative premise, must fire). Removing the condition from the rule makes its test fail."""
from __future__ import annotations

import pytest
import test_rules_eu as eu
import test_rules_us as us
from descriptions import EX, product_turtle
from rdflib import Graph

from evkg.classification.engine import classify
from evkg.classification.knowledge import knowledge
from evkg.core.namespaces import EVKG


def test_not_an_atmp_needs_not_a_somatic_cell_therapy_product():
    """Reg. 1394/2007 Art. 2(1)(a): an ATMP is a GTMP, an sCTMP or a TEP; viable engineered cells given for
    treatment (not a GTMP, not a TEP) are an sCTMP, so not-an-ATMP (EU-14) must not be concluded."""
    facts = dict(cells="ViableCells", engineered=True, uses=("Treatment",))
    result = eu.run(**facts)
    assert {o.category for o in result.outcomes if o.rule == "EU-17"} >= {str(EVKG.EU_SCTMP)}
    assert not eu.fired(result, "EU-14")


def test_centralised_procedure_is_not_optional_with_an_engineered_vesicle_component():
    """Reg. (EC) No 726/2004 Annex I point 1: a product developed by recombinant DNA technology (here a vesicle
    protein made recombinantly) must go through the centralised procedure (EU-26)."""
    result = eu.run(scaffold=True)
    assert eu.fired(result, "EU-26")
    assert not eu.fired(result, "EU-26c")


def test_centralised_procedure_is_not_optional_when_any_producer_is_genetically_modified():
    """One preparation made by two producers, one of them genetically modified: recombinant DNA technology is
    used, however the other producer was made."""
    facts = dict(modified=True, incidental=True)      # not a GTMP (EU-13), so not an ATMP: EU-26c is asked
    unmodified_second_source = (f"<{eu.PRODUCT}/prep> <{EVKG.hasSource}> <{eu.PRODUCT}/source2> .\n"
                                f"<{eu.PRODUCT}/source2> a <{EVKG.Source}> ; <{EVKG.geneticallyModified}> false .\n")
    graph = Graph().parse(data=eu.describe(**facts) + unmodified_second_source, format="turtle")
    result = classify(graph, jurisdictions=("EU",))
    assert eu.fired(result, "EU-14")
    assert not eu.fired(result, "EU-26c")


def test_a_co_formulated_recombinant_antigen_makes_the_product_biological():
    """Dir. 2001/83/EC Annex I Part I 3.2.1.1(b): a substance made by recombinant DNA technology is biological;
    an antigen is one when it is stated to be made recombinantly."""
    antigen = {"cargoKind": "Antigen", "manufacture": "Recombinant"}
    assert eu.fired(eu.run(coformulated=[antigen]), "EU-05")
    assert not eu.fired(eu.run(coformulated=[dict(antigen, manufacture="ChemicallySynthesised")]), "EU-05")


def test_bacterial_vesicles_for_animals_are_not_a_us_vaccine_for_people():
    """A vaccine for animals is a veterinary biologic outside the drug law evkg applies (Virus-Serum-Toxin Act):
    the bacterial-vesicle vaccine rule (US-07) needs the product to be a drug first."""
    omv = dict(intendedUse="evkg:InfectiousDiseaseVaccine", prep_evOriginKind="evkg:BacterialOrigin")
    assert us.derived(us.run(us.describe(**omv)), "US-07", "US_Vaccine")
    for_animals = us.run(us.describe(**omv, targetSpecies="evkg:NonHumanAnimals"))
    assert not us.derived(for_animals, "US-07", "US_Vaccine")


def test_plant_vesicles_acting_in_their_own_right_are_not_read_as_a_drug_carrier():
    """US-15b reads plant vesicles as the carrier of a drug cargo; vesicles stated to be the active substance
    are not a carrier, whatever they also hold."""
    own_right = dict(us.PLANT, cargo=[us.SMALL_MOLECULE])        # evRole ActiveSubstanceRole by default
    assert not us.derived(us.run(us.describe(**own_right)), "US-15b", "US_NotCombinationProduct")
    assert us.derived(us.run(us.describe(**dict(own_right, evRole="evkg:DeliveryVehicleRole"))),
                      "US-15b", "US_NotCombinationProduct")


@pytest.mark.parametrize("body, category, jurisdiction", [
    ("CAT", "EU_NotATMP", "EU"), ("EU_MarketingAuthorisation", "EU_BiologicalMedicinalProduct", "EU"),
    ("FDA_RFD", "US_LeadCenterCBER", "US"), ("FDA_Licence", "US_BiologicalProduct", "US"),
    ("FDA_Enforcement", "US_Drug", "US"), ("MFDS", "KR_NotEVTherapyProduct", "KR")])
def test_a_determination_classifies_only_the_product_it_belongs_to(body, category, jurisdiction):
    """Two products checked together: the regulator's decision on one is not an answer for the other."""
    decided = {"jurisdiction": f"<https://w3id.org/evkg/data/jurisdiction/{jurisdiction}>",
               "determiningBody": f"evkg:{body}", "determinedCategory": f"evkg:{category}"}
    product = {"intendedUse": "evkg:Treatment", "evRole": "evkg:ActiveSubstanceRole", "cellContent": "evkg:NoCells",
               "hasNoLoadedCargo": "true"}
    prep = {"evOriginKind": "evkg:HumanOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
            "evSourceMaterial": "evkg:PrimaryHumanCells"}
    turtle = (product_turtle((product, prep, {"geneticallyModified": "false"}), "p", determinations=[decided])
              + product_turtle((product, prep, {"geneticallyModified": "false"}), "q"))
    result = classify(Graph().parse(data=turtle, format="turtle"), jurisdictions=(jurisdiction,))
    agency = {r.id for r in knowledge().rules if r.agency}
    adopted = {product for product in ("p", "q") if any(o.rule in agency and o.category == str(EVKG[category])
                                                        for o in result.for_product(EX + product))}
    assert adopted == {"p"}
