"""The United States classification rules (shapes/rules-us.ttl) run by the real engine.

Every rule has a description on which it fires and one, minimally different, on which it must not; the US
columns of the worked examples E1-E7 (examples/valid/) are checked with their statuses.
"""
from __future__ import annotations

import hashlib

import pyshacl
import pytest
from descriptions import EX, product_turtle
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

from evkg.classification.engine import classify
from evkg.core import resources

EVKG = Namespace("https://w3id.org/evkg#")
EVSH = Namespace("https://w3id.org/evkg/shapes#")
US = URIRef("https://w3id.org/evkg/data/jurisdiction/US")

PRODUCT = {"intendedUse": "evkg:Treatment", "evRole": "evkg:ActiveSubstanceRole", "cellContent": "evkg:NoCells",
           "hasNoLoadedCargo": "true", "integralMedicalDevice": "false"}
PREP = {"evOriginKind": "evkg:HumanOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
        "evSourceMaterial": "evkg:PrimaryHumanCells"}
SOURCE = {"geneticallyModified": "false", "donorRelation": "evkg:Allogeneic"}

SMALL_MOLECULE = {"cargoKind": "evkg:SmallMolecule"}
SYNTHETIC_SIRNA = {"cargoKind": "evkg:NucleicAcid", "manufacture": "evkg:ChemicallySynthesised",
                   "nucleicAcidMechanism": "evkg:RNAInterference", "effectIsGenetic": "true"}
CELL_MADE_MIRNA = {**SYNTHETIC_SIRNA, "manufacture": "evkg:Recombinant"}
MRNA = {"cargoKind": "evkg:NucleicAcid", "manufacture": "evkg:Recombinant",
        "nucleicAcidMechanism": "evkg:Expression", "effectIsGenetic": "true"}
PROTEIN_120 = {"cargoKind": "evkg:RecombinantProtein", "manufacture": "evkg:Recombinant", "lengthAminoAcids": "120"}
PEPTIDE_9 = {"cargoKind": "evkg:Antigen", "manufacture": "evkg:ChemicallySynthesised", "lengthAminoAcids": "9"}
# fibrinogen, extracted from plasma: a protein under 21 CFR 600.3(h)(6) although not recombinant
PLASMA_PROTEIN = {"cargoKind": "evkg:OtherSubstanceKind", "manufacture": "evkg:ExtractedNatural", "lengthAminoAcids": "610"}
# a capsular polysaccharide purified from bacteria: a vaccine antigen, biological whatever its chemistry (351(i))
POLYSACCHARIDE = {"cargoKind": "evkg:PolysaccharideAntigen", "manufacture": "evkg:ExtractedNatural"}
MIXED_PLANT_PREP = {"evOriginKind": "evkg:PlantOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
                    "evSourceMaterial": "evkg:PlantMaterial"}


def describe(name: str = "p", **changes) -> str:
    """Turtle for one product: the E1-like defaults above, changed by keyword (see descriptions.product_turtle)."""
    return product_turtle((PRODUCT, PREP, SOURCE), name, **changes)


def run(turtle: str, jurisdictions=("US",)):
    return classify(Graph().parse(data=turtle, format="turtle"), jurisdictions=jurisdictions)


def derived(result, rule_id: str, category: str, product: str = "p") -> bool:
    """Whether `rule_id` concluded `category` for the product (whichever derivation is reported)."""
    graph = result.graph
    for outcome in graph.subjects(EVKG.derivedByRule, EVSH[rule_id]):
        if (graph.value(outcome, EVKG.ofProduct) == URIRef(EX + product)
                and graph.value(outcome, EVKG.category) == EVKG[category]):
            return True
    return False


def best(result, category: str, product: str = "p"):
    """The reported outcome for a category (strongest derivation), or None."""
    found = [o for o in result.for_product(EX + product) if o.category == str(EVKG[category])]
    rank = {"settled": 4, "provisional": 3, "contested": 2, "superseded": 1}
    return max(found, key=lambda o: rank.get(o.status, 0)) if found else None


def undecided_questions(result, product: str = "p") -> set[str]:
    return {o.question.split("#")[1] for o in result.for_product(EX + product) if o.status == "undecided"}


SUPPLEMENT_BORDER = dict(intendedUse=["evkg:Treatment", "evkg:NonMedical"], diseaseClaim="false")
VEHICLE_DRUG = dict(evRole="evkg:DeliveryVehicleRole", cargo=[SMALL_MOLECULE])
PLANT = dict(prep_evOriginKind="evkg:PlantOrigin", prep_evSourceMaterial="evkg:PlantMaterial")
SYNTHETIC = dict(prep_evOriginKind="evkg:NoBiologicalOrigin", prep_vesicleKind="evkg:FullySyntheticVesicle",
                 prep_evSourceMaterial="evkg:ChemicalSynthesis", source_donorRelation="evkg:DonorNotApplicable")
DEVICE = dict(intendedUse="evkg:Regenerative", integralMedicalDevice="true")
PROTEIN_CARRIER = dict(evRole="evkg:DeliveryVehicleRole", cargo=[PROTEIN_120])
ANTIGEN_120 = dict(PROTEIN_120, cargoKind="evkg:Antigen")
INCIDENTAL_VACCINE = dict(intendedUse="evkg:InfectiousDiseaseVaccine", source_geneticallyModified="true",
                          prep_incidentalRecombinantNucleicAcid="true")
TUMOUR_ANTIGEN_CARRIER = dict(evRole="evkg:DeliveryVehicleRole", intendedUse="evkg:AntiTumourImmunotherapy",
                              cargo=[ANTIGEN_120])
DEVICE_LED = dict(DEVICE, principalAction="evkg:DevicePrincipal")
CELLS_PRESENT = dict(cellContent="evkg:ViableCells", hctpMinimallyManipulated="true", hctpHomologousUse="true",
                     hctpSystemicOrMetabolic="false")
# 21 CFR 1271.3(d)(3): secreted or extracted human products such as milk are not HCT/Ps, cells and all
HUMAN_MILK = dict(prep_evSourceMaterial="evkg:OtherHumanBodyFluidOrTissue",
                  source_biofluid="<http://purl.obolibrary.org/obo/UBERON_0001913>")
SALIVA = dict(HUMAN_MILK, source_biofluid="<http://purl.obolibrary.org/obo/UBERON_0001836>")


def det(body: str, *categories: str, jurisdiction: str = "US") -> dict:
    return {"jurisdiction": f"<https://w3id.org/evkg/data/jurisdiction/{jurisdiction}>",
            "determiningBody": f"evkg:{body}", "determinedCategory": [f"evkg:{c}" for c in categories]}


# (rule, category, description changes that make it fire, changes under which it must not fire)
CASES = [
    ("US-01", "US_Drug", {}, SUPPLEMENT_BORDER),
    ("US-01", "US_Drug", dict(intendedUse=["evkg:Treatment", "evkg:NonMedical"], diseaseClaim="true"),
     dict(intendedUse=["evkg:Treatment", "evkg:NonMedical"])),
    # 21 CFR 809.3(a): in vitro diagnostic products are devices (FD&C Act 201(h))
    ("US-01d", "US_InVitroDiagnosticProduct", dict(intendedUse="evkg:DiagnosticInVitro"),
     dict(intendedUse=["evkg:DiagnosticInVitro", "evkg:DiagnosticInVivo"])),
    # FD&C Act 201(h): an apparatus removing vesicles from blood outside the body does not act by chemical action in
    # the body; with a use in which a product is given to people, that use decides
    ("US-01e", "US_Device", dict(intendedUse="evkg:ExtracorporealRemoval"),
     dict(intendedUse=["evkg:ExtracorporealRemoval", "evkg:Treatment"])),
    ("US-01b", "US_Drug", SUPPLEMENT_BORDER, dict(intendedUse=["evkg:Treatment", "evkg:NonMedical"])),
    ("US-01b", "US_Drug", dict(SUPPLEMENT_BORDER, routeOfAdministration=["evkg:Oral", "evkg:Topical"]),
     dict(SUPPLEMENT_BORDER, routeOfAdministration="evkg:Topical")),
    # 21 U.S.C. 321(ff)(2)(A): a dietary supplement is ingested; 321(g)(1)(C): other articles for structure/function
    ("US-01c", "US_Drug", dict(SUPPLEMENT_BORDER, routeOfAdministration="evkg:Topical"),
     dict(SUPPLEMENT_BORDER, routeOfAdministration=["evkg:Topical", "evkg:Oral"])),
    ("US-02", "US_BiologicalProduct", {}, VEHICLE_DRUG),
    ("US-02", "US_BiologicalProduct", dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]),
     dict(prep_evOriginKind="evkg:AnimalOrigin")),
    ("US-03", "US_NotHCTP", {}, dict(cellContent=None)),
    ("US-03", "US_Not361HCTP", {}, dict(prep_evOriginKind="evkg:AnimalOrigin")),
    ("US-03b", "US_NotHCTP", dict(prep_evSourceMaterial="evkg:HumanBloodOrBloodComponent"), {}),
    ("US-03b", "US_BiologicalProduct", dict(prep_evSourceMaterial="evkg:HumanBloodOrBloodComponent"),
     dict(prep_evSourceMaterial="evkg:HumanBloodOrBloodComponent", cellContent="evkg:NonViableCells")),
    ("US-03c", "US_NotHCTP", dict(HUMAN_MILK, cellContent=None), dict(SALIVA, cellContent=None)),
    ("US-03c", "US_Not361HCTP", dict(HUMAN_MILK, **CELLS_PRESENT),
     dict(HUMAN_MILK, prep_evOriginKind="evkg:AnimalOrigin")),
    ("US-05b", "US_HCTP", dict(SALIVA, **CELLS_PRESENT), dict(HUMAN_MILK, **CELLS_PRESENT)),
    # a body fluid not named might be milk: the HCT/P answer waits for it
    ("US-05b", "US_HCTP", dict(SALIVA, **CELLS_PRESENT),
     dict(CELLS_PRESENT, prep_evSourceMaterial="evkg:OtherHumanBodyFluidOrTissue")),
    ("US-04", "US_NotHCTP", dict(prep_evOriginKind="evkg:AnimalOrigin"), {}),
    ("US-04", "US_Not361HCTP", dict(prep_evOriginKind="evkg:BacterialOrigin"), dict(prep_evOriginKind=None)),
    # 21 CFR 1271.3(d), (d)(3), (d)(6): no cells and secreted vesicles if human, outside the definition if not; a trial
    # record that names neither producer cells nor species still gets the answer, a product with cells does not
    ("US-03d", "US_NotHCTP", dict(prep_evOriginKind=None), dict(prep_evOriginKind=None, cellContent="evkg:ViableCells")),
    ("US-03d", "US_Not361HCTP", dict(prep_evOriginKind=None), {}),
    ("US-05", "US_Not361HCTP", CELLS_PRESENT, dict(CELLS_PRESENT, prep_evOriginKind="evkg:AnimalOrigin")),
    ("US-06", "US_Not361HCTP", dict(CELLS_PRESENT, hctpHomologousUse="false"), CELLS_PRESENT),
    ("US-06", "US_Not361HCTP", dict(CELLS_PRESENT, hctpSystemicOrMetabolic="true"),
     dict(CELLS_PRESENT, hctpSystemicOrMetabolic="true", source_donorRelation="evkg:Autologous")),
    ("US-07", "US_Vaccine", dict(intendedUse="evkg:InfectiousDiseaseVaccine", prep_evOriginKind="evkg:BacterialOrigin"),
     dict(prep_evOriginKind="evkg:BacterialOrigin")),
    ("US-08", "US_Vaccine", dict(intendedUse="evkg:InfectiousDiseaseVaccine"),
     dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine")),
    ("US-08", "US_Vaccine", dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine", cargo=[MRNA]),
     dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine", cargo=[SMALL_MOLECULE])),
    ("US-08", "US_Vaccine", dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine", coform=[POLYSACCHARIDE]),
     dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine", coform=[SMALL_MOLECULE])),
    ("US-08b", "US_NotVaccine", dict(intendedUse="evkg:AntiTumourImmunotherapy"),
     dict(intendedUse=["evkg:Treatment", "evkg:InfectiousDiseaseVaccine"])),
    # 21 CFR 600.3(h)(5)(i): a vector prepared with a virus is analogous to a virus; free mRNA is not
    ("US-09b", "US_BiologicalProduct", dict(evRole="evkg:DeliveryVehicleRole", cargo=[dict(MRNA, deliveredInViralVector="true")]),
     dict(evRole="evkg:DeliveryVehicleRole", cargo=[dict(MRNA, deliveredInViralVector="false")])),
    ("US-09", "US_BiologicalProduct", dict(evRole="evkg:CombinedRole", cargo=[PROTEIN_120]),
     dict(evRole="evkg:CombinedRole", cargo=[dict(PROTEIN_120, lengthAminoAcids="30")])),
    ("US-09", "US_BiologicalProduct", dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[SMALL_MOLECULE],
                                           coform=[PROTEIN_120]),
     dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[SMALL_MOLECULE],
          coform=[dict(PROTEIN_120, lengthAminoAcids=None)])),
    ("US-10", "US_BiologicalProduct", dict(prep_evOriginKind="evkg:AnimalOrigin"),
     dict(prep_evOriginKind="evkg:AnimalOrigin", intendedUse="evkg:InfectiousDiseaseVaccine")),
    ("US-10", "US_RFDRecommended", dict(prep_evOriginKind="evkg:BacterialOrigin"),
     dict(prep_evOriginKind="evkg:BacterialOrigin", intendedUse=None)),
    ("US-11", "US_NonBiologicDrug", PLANT, dict(PLANT, **VEHICLE_DRUG)),
    ("US-12", "US_NonBiologicDrug", dict(SYNTHETIC, **VEHICLE_DRUG),
     dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[{"rdfs:label": '"unnamed cargo"'}])),
    ("US-12", "US_NonBiologicDrug", dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[SYNTHETIC_SIRNA]),
     dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[MRNA])),
    ("US-12", "US_NonBiologicDrug", dict(SYNTHETIC, **VEHICLE_DRUG),
     dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[SMALL_MOLECULE, POLYSACCHARIDE])),
    ("US-13", "US_HumanGeneTherapyProduct", dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA]),
     dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA], intendedUse="evkg:InfectiousDiseaseVaccine")),
    ("US-13v", "US_NotGeneTherapy", dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA],
                                         intendedUse="evkg:InfectiousDiseaseVaccine"),
     dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA])),
    ("US-13v", "US_NotGeneTherapy", dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA],
                                         intendedUse="evkg:InfectiousDiseaseVaccine"),
     dict(evRole="evkg:DeliveryVehicleRole", intendedUse="evkg:InfectiousDiseaseVaccine",
          cargo=[MRNA, dict(MRNA, nucleicAcidMechanism="evkg:GenomeEditing")])),
    ("US-14", "US_NotGeneTherapy", dict(evRole="evkg:CombinedRole", cargo=[SYNTHETIC_SIRNA]),
     dict(evRole="evkg:CombinedRole", cargo=[SYNTHETIC_SIRNA, MRNA])),
    ("US-14-BIO", "US_BiologicalProduct", dict(evRole="evkg:CombinedRole", cargo=[CELL_MADE_MIRNA]),
     dict(evRole="evkg:CombinedRole", cargo=[SYNTHETIC_SIRNA])),
    ("US-14b", "US_NotGeneTherapy", {}, dict(source_geneticallyModified=None)),
    ("US-14b", "US_NotGeneTherapy", dict(source_geneticallyModified="true", prep_incidentalRecombinantNucleicAcid="false"),
     dict(source_geneticallyModified="true", prep_incidentalRecombinantNucleicAcid="true")),
    ("US-15", "US_CombinationProduct", VEHICLE_DRUG, dict(cargo=[SMALL_MOLECULE])),
    ("US-15", "US_CombinationProduct", dict(evRole="evkg:DeliveryVehicleRole", cargo=[PEPTIDE_9]),
     dict(evRole="evkg:DeliveryVehicleRole", cargo=[PROTEIN_120])),
    # vesicles that act beside their cargo are no inactive carrier: US-15f, not US-15's drug-only reading
    ("US-15", "US_CombinationProduct", VEHICLE_DRUG, dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE])),
    ("US-15b", "US_NotCombinationProduct", dict(PLANT, **VEHICLE_DRUG),
     dict(PLANT, evRole="evkg:DeliveryVehicleRole", cargo=[MRNA])),
    ("US-15b", "US_NonBiologicDrug", dict(PLANT, **VEHICLE_DRUG), VEHICLE_DRUG),
    # a recombinant protein antigen formulated beside the drug cargo is a biological product: a combination (US-15h)
    ("US-15b", "US_NotCombinationProduct", dict(PLANT, **VEHICLE_DRUG), dict(PLANT, coform=[ANTIGEN_120], **VEHICLE_DRUG)),
    ("US-15b", "US_NotCombinationProduct", dict(PLANT, **VEHICLE_DRUG),
     dict(PLANT, integralMedicalDevice="true", **VEHICLE_DRUG)),
    ("US-15b", "US_NonBiologicDrug", dict(PLANT, **VEHICLE_DRUG),
     dict(PLANT, cargo=[SMALL_MOLECULE, PROTEIN_120], evRole="evkg:DeliveryVehicleRole")),
    ("US-15b", "US_NonBiologicDrug", dict(PLANT, **VEHICLE_DRUG),
     dict(PLANT, intendedUse=["evkg:Treatment", "evkg:NonMedical"], **VEHICLE_DRUG)),
    ("US-15c", "US_NotCombinationProduct", {}, dict(integralMedicalDevice=None)),
    ("US-15c", "US_NotCombinationProduct", dict(evRole="evkg:CombinedRole", cargo=[PROTEIN_120]),
     dict(evRole="evkg:CombinedRole", cargo=[dict(PROTEIN_120, lengthAminoAcids=None)])),
    ("US-15c", "US_NotCombinationProduct", dict(coform=[PROTEIN_120]), dict(coform=[SMALL_MOLECULE])),
    ("US-15c", "US_NotCombinationProduct", dict(coform=[PLASMA_PROTEIN]),
     dict(coform=[dict(PLASMA_PROTEIN, lengthAminoAcids=None)])),
    # active plant vesicles (a drug) with vesicles of human cells (a biological product) in one product: both, so a
    # combination whose primary mode of action FDA decides; neither the drug-only nor the single-article reading
    ("US-15i", "US_CombinationProduct", dict(second_prep=MIXED_PLANT_PREP), PLANT),
    ("US-16", "US_PMOAUndecided", dict(second_prep=MIXED_PLANT_PREP), PLANT),
    ("US-11", "US_NonBiologicDrug", PLANT, dict(second_prep=MIXED_PLANT_PREP)),
    ("US-15c", "US_NotCombinationProduct", PLANT, dict(second_prep=MIXED_PLANT_PREP)),
    ("US-04", "US_NotHCTP", dict(prep_evOriginKind="evkg:AnimalOrigin"),
     dict(prep_evOriginKind="evkg:AnimalOrigin", second_prep=dict(PREP))),
    # a device packaged with the product or labelled for use only with it (a nebuliser in the kit) makes a
    # combination product although it is not integral (21 CFR 3.2(e)(2), (3)); no single-article reading stands
    ("US-15j", "US_CombinationProduct", dict(deviceSuppliedWithProduct="true"),
     dict(deviceSuppliedWithProduct="false")),
    ("US-15c", "US_NotCombinationProduct", dict(deviceSuppliedWithProduct="false"),
     dict(deviceSuppliedWithProduct="true")),
    ("US-15b", "US_NotCombinationProduct", dict(PLANT, **VEHICLE_DRUG),
     dict(PLANT, deviceSuppliedWithProduct="true", **VEHICLE_DRUG)),
    ("US-15e", "US_NotCombinationProduct", dict(SYNTHETIC, **VEHICLE_DRUG),
     dict(SYNTHETIC, deviceSuppliedWithProduct="true", **VEHICLE_DRUG)),
    ("US-15g", "US_NotCombinationProduct", dict(PLANT, coform=[SMALL_MOLECULE]),
     dict(PLANT, coform=[SMALL_MOLECULE], deviceSuppliedWithProduct="true")),
    ("US-16e", "US_LeadCenterCBER", dict(deviceSuppliedWithProduct="true"), {}),
    # a polysaccharide antigen beside vesicles in a vaccine is a second biological constituent (VA-MENGOC-BC)
    ("US-15c", "US_NotCombinationProduct", dict(intendedUse="evkg:InfectiousDiseaseVaccine", coform=[POLYSACCHARIDE]),
     dict(coform=[POLYSACCHARIDE])),
    ("US-09", "US_BiologicalProduct", dict(coform=[PLASMA_PROTEIN]), dict(coform=[dict(PLASMA_PROTEIN, lengthAminoAcids="30")])),
    ("US-15f", "US_CombinationProduct", dict(coform=[SMALL_MOLECULE]), dict(coform=[PLASMA_PROTEIN])),
    ("US-15f", "US_CombinationProduct", dict(coform=[PEPTIDE_9]),
     dict(coform=[SMALL_MOLECULE], evRole="evkg:DeliveryVehicleRole", cargo=[SMALL_MOLECULE])),
    ("US-15f", "US_CombinationProduct", dict(evRole="evkg:CombinedRole", cargo=[PEPTIDE_9]),
     dict(evRole="evkg:CombinedRole", cargo=[PROTEIN_120])),
    ("US-15f", "US_CombinationProduct", dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]), VEHICLE_DRUG),
    ("US-16", "US_LeadCenterCDER", VEHICLE_DRUG, dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE])),
    ("US-16", "US_PMOAUndecided", dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]), VEHICLE_DRUG),
    ("US-16", "US_RFDRecommended", dict(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]), VEHICLE_DRUG),
    ("US-17", "US_INDRequired", {}, dict(intendedUse=["evkg:Treatment", "evkg:NonMedical"])),
    ("US-17", "US_BLARequired", {}, PLANT),
    ("US-17", "US_BLARequired", dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA]), dict(VEHICLE_DRUG, **PLANT)),
    ("US-17", "US_NDARequired", PLANT, {}),
    ("US-18", "US_RFDRecommended", VEHICLE_DRUG, SUPPLEMENT_BORDER),
    # closing rules (rule table, second revision)
    ("US-05b", "US_HCTP", CELLS_PRESENT,
     dict(CELLS_PRESENT, prep_evSourceMaterial="evkg:HumanBloodOrBloodComponent")),
    ("US-05b", "US_HCTP351", CELLS_PRESENT, dict(CELLS_PRESENT, prep_evOriginKind="evkg:AnimalOrigin")),
    ("US-15", "US_BiologicalProduct", VEHICLE_DRUG, dict(VEHICLE_DRUG, **PLANT)),
    ("US-15d", "US_CombinationProduct", dict(integralMedicalDevice="true"), dict(integralMedicalDevice=None)),
    ("US-16b", "US_LeadCenterCBER",
     dict(intendedUse="evkg:InfectiousDiseaseVaccine", prep_evOriginKind="evkg:BacterialOrigin",
          prep_evSourceMaterial="evkg:MicrobialCulture"),
     dict(intendedUse="evkg:InfectiousDiseaseVaccine", prep_evOriginKind="evkg:BacterialOrigin",
          prep_evSourceMaterial="evkg:MicrobialCulture", integralMedicalDevice="true")),
    ("US-16c", "US_LeadCenterCBER", {}, dict(intendedUse="evkg:InfectiousDiseaseVaccine",
                                            prep_evOriginKind="evkg:BacterialOrigin")),
    ("US-16d", "US_LeadCenterCDER", PLANT, {}),
    ("US-16e", "US_LeadCenterCBER", dict(integralMedicalDevice="true"),
     dict(integralMedicalDevice="true", evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE])),
    ("US-15e", "US_NotCombinationProduct", dict(SYNTHETIC, **VEHICLE_DRUG),
     dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[PROTEIN_120])),
    # synthetic vesicles acting beside a drug cargo are a second drug: two drugs make no combination product
    ("US-15e", "US_NotCombinationProduct", dict(SYNTHETIC, evRole="evkg:CombinedRole", cargo=[SYNTHETIC_SIRNA]),
     dict(SYNTHETIC, evRole="evkg:CombinedRole", cargo=[PROTEIN_120])),
    ("US-16d", "US_LeadCenterCDER", dict(SYNTHETIC, evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]),
     dict(SYNTHETIC, evRole="evkg:CombinedRole", cargo=[PROTEIN_120])),
    ("US-16f", "US_LeadCenterCBER", dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA]),
     dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA], integralMedicalDevice="true")),
    ("US-18", "US_RFDRecommended", dict(prep_evOriginKind="evkg:AnimalOrigin"),
     dict(prep_evOriginKind="evkg:AnimalOrigin", intendedUse="evkg:InfectiousDiseaseVaccine")),
    ("US-19", "US_CombinationProduct", dict(VEHICLE_DRUG, determinations=[det("FDA_RFD", "US_CombinationProduct")]),
     dict(VEHICLE_DRUG, determinations=[det("CAT", "US_CombinationProduct")])),
    ("US-19", "US_NotCombinationProduct", dict(VEHICLE_DRUG, determinations=[det("FDA_OCP", "US_NotCombinationProduct")]),
     dict(VEHICLE_DRUG, determinations=[det("FDA_RFD", "US_NotCombinationProduct", jurisdiction="EU")])),
    ("US-20", "US_BiologicalProduct", dict(determinations=[det("FDA_Licence", "US_BiologicalProduct")]),
     dict(determinations=[det("FDA_Enforcement", "US_BiologicalProduct")])),
    ("US-21", "US_BiologicalProduct", dict(determinations=[det("FDA_Enforcement", "US_Drug", "US_BiologicalProduct")]),
     dict(determinations=[det("FDA_Licence", "US_BiologicalProduct")])),    # active plant vesicles are a drug (US-11): a drug beside them adds no second kind of article, a protein does
    ("US-15g", "US_NotCombinationProduct", dict(PLANT, coform=[SMALL_MOLECULE]),
     dict(PLANT, coform=[SMALL_MOLECULE], integralMedicalDevice=None)),
    ("US-15g", "US_NotCombinationProduct", dict(PLANT, coform=[PEPTIDE_9]), dict(PLANT, coform=[PROTEIN_120])),
    ("US-15h", "US_CombinationProduct", dict(PLANT, coform=[PROTEIN_120]), dict(PLANT, coform=[PEPTIDE_9])),
    ("US-15h", "US_CombinationProduct", dict(PLANT, evRole="evkg:CombinedRole", cargo=[PROTEIN_120]),
     dict(PLANT, evRole="evkg:DeliveryVehicleRole", cargo=[PROTEIN_120])),
    ("US-15c", "US_NotCombinationProduct", PLANT, dict(PLANT, coform=[PLASMA_PROTEIN])),
    ("US-11", "US_NonBiologicDrug", dict(PLANT, coform=[PEPTIDE_9]), dict(PLANT, coform=[PROTEIN_120])),
    ("US-16e", "US_LeadCenterCBER", dict(integralMedicalDevice="true", coform=[PROTEIN_120]),
     dict(PLANT, integralMedicalDevice="true", coform=[PROTEIN_120])),
    # 21 CFR 3.4(a): the centre of the primary mode of action leads; a device stated to act principally takes it
    ("US-16e", "US_LeadCenterCBER", dict(DEVICE, principalAction="evkg:VesiclesPrincipal"), DEVICE_LED),
    ("US-16", "US_LeadCenterCDER", dict(VEHICLE_DRUG, **DEVICE), dict(VEHICLE_DRUG, **DEVICE_LED)),
    ("US-16g", "US_LeadCenterCDRH", DEVICE_LED, dict(DEVICE, principalAction="evkg:VesiclesPrincipal")),
    ("US-16g", "US_LeadCenterCDRH", dict(VEHICLE_DRUG, **DEVICE_LED), DEVICE),
    # no drug, so no combination product (21 CFR 3.2(e)): a test on specimens is a device alone (21 CFR 809.3(a))
    ("US-16g", "US_LeadCenterCDRH", DEVICE_LED, dict(DEVICE_LED, intendedUse="evkg:DiagnosticInVitro")),
    # a device-led combination takes the device lead's applications (FDA combination-product premarket guidance)
    ("US-17b", "Undecided", DEVICE_LED, dict(DEVICE, principalAction="evkg:VesiclesPrincipal")),
    ("US-17", "US_BLARequired", dict(DEVICE, principalAction="evkg:VesiclesPrincipal"), DEVICE_LED),
    ("US-17", "US_INDRequired", DEVICE, DEVICE_LED),
    # FDA moved therapeutic proteins to CDER in 2003 but kept products of cells or parts of cells at CBER: a protein
    # carried by vesicles that do not act goes to CDER, with CBER as the other reading
    ("US-16h", "US_LeadCenterCDER", PROTEIN_CARRIER, dict(PROTEIN_CARRIER, evRole="evkg:ActiveSubstanceRole")),
    ("US-16h", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, prep_evOriginKind="evkg:AnimalOrigin"),
     dict(PROTEIN_CARRIER, cargo=[PEPTIDE_9])),
    ("US-16h", "US_LeadCenterCDER", PROTEIN_CARRIER, dict(PROTEIN_CARRIER, **CELLS_PRESENT)),
    ("US-16h", "US_LeadCenterCDER", PROTEIN_CARRIER, dict(PROTEIN_CARRIER, **SYNTHETIC)),
    ("US-16h", "US_LeadCenterCDER", PROTEIN_CARRIER, dict(PROTEIN_CARRIER, cargo=[PROTEIN_120, MRNA])),
    # plant or synthetic vesicles are no parts of human, animal or bacterial cells: a recombinant therapeutic protein
    # they carry is reviewed by CDER (2003 transfer); a protein extracted from a natural source may be a plasma
    # protein, and an antigen a therapeutic vaccine, which stay at CBER
    ("US-16i", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, **PLANT),
     dict(PLANT, evRole="evkg:DeliveryVehicleRole", cargo=[PLASMA_PROTEIN])),
    ("US-16i", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, **SYNTHETIC), PROTEIN_CARRIER),
    ("US-16i", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, **PLANT),
     dict(PLANT, evRole="evkg:DeliveryVehicleRole", cargo=[dict(PROTEIN_120, cargoKind="evkg:Antigen")])),
    ("US-16i", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, **SYNTHETIC), dict(PROTEIN_CARRIER, **SYNTHETIC, **CELLS_PRESENT)),
    ("US-16i", "US_LeadCenterCDER", dict(PROTEIN_CARRIER, **PLANT), dict(PROTEIN_CARRIER, **PLANT, integralMedicalDevice="true")),
    # vesicles that only carry a tumour antigen make a therapeutic vaccine, which FDA kept at CBER in 2003, whatever
    # the vesicles are made from; a therapeutic protein beside the antigen, or another use, is not that
    ("US-16j", "US_LeadCenterCBER", TUMOUR_ANTIGEN_CARRIER, dict(TUMOUR_ANTIGEN_CARRIER, intendedUse="evkg:Treatment")),
    ("US-16j", "US_LeadCenterCBER", dict(TUMOUR_ANTIGEN_CARRIER, **PLANT),
     dict(TUMOUR_ANTIGEN_CARRIER, cargo=[ANTIGEN_120, PROTEIN_120])),
    ("US-16j", "US_LeadCenterCBER", dict(TUMOUR_ANTIGEN_CARRIER, prep_evOriginKind="evkg:AnimalOrigin"),
     dict(TUMOUR_ANTIGEN_CARRIER, coform=[PROTEIN_120])),
    ("US-16j", "US_LeadCenterCBER", TUMOUR_ANTIGEN_CARRIER, dict(TUMOUR_ANTIGEN_CARRIER, evRole="evkg:ActiveSubstanceRole")),
    # vesicles that act alone, with a peptide they hold: CBER whether or not the peptide makes a combination product;
    # not so with a drug formulated beside them, plant vesicles, or native vesicles (US-16c's)
    ("US-16k", "US_LeadCenterCBER", dict(cargo=[PEPTIDE_9]), dict(cargo=[PEPTIDE_9], coform=[SMALL_MOLECULE])),
    ("US-16k", "US_LeadCenterCBER", dict(cargo=[PEPTIDE_9]), dict(cargo=[PEPTIDE_9], **PLANT)),
    ("US-16k", "US_LeadCenterCBER", dict(cargo=[PEPTIDE_9], prep_evOriginKind="evkg:AnimalOrigin"), {}),
    ("US-16k", "US_LeadCenterCBER", dict(cargo=[PEPTIDE_9]), dict(cargo=[PEPTIDE_9], **DEVICE_LED)),
    # transgene-derived nucleic acid that a vaccine from a modified strain may carry is incidental: its effect comes
    # from its antigens; not so for another use, a product said to act through genes, or a nucleic acid beside it
    ("US-14d", "US_NotGeneTherapy", INCIDENTAL_VACCINE, dict(INCIDENTAL_VACCINE, intendedUse="evkg:Treatment")),
    ("US-14d", "US_NotGeneTherapy", INCIDENTAL_VACCINE, dict(INCIDENTAL_VACCINE, mechanismOfAction="evkg:GeneExpression")),
    ("US-14d", "US_NotGeneTherapy", INCIDENTAL_VACCINE, dict(INCIDENTAL_VACCINE, coform=[SYNTHETIC_SIRNA])),
]


@pytest.mark.parametrize("rule_id, category, fires, blocks", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_is_blocked(rule_id, category, fires, blocks):
    assert derived(run(describe(**fires)), rule_id, category), f"{rule_id} should conclude {category}"
    assert not derived(run(describe(**blocks)), rule_id, category), f"{rule_id} must not conclude {category}"


US_RULE_IDS = ["US-01", "US-01b", "US-01c", "US-02", "US-03", "US-03b", "US-03c", "US-04", "US-05", "US-06", "US-07", "US-08", "US-08b",
               "US-09", "US-09b", "US-10", "US-11", "US-12", "US-13", "US-14", "US-14b", "US-15", "US-15b", "US-15c", "US-16",
               "US-17", "US-18", "US-19", "US-20", "US-21",
               "US-05b", "US-15d", "US-16b", "US-16c", "US-16d", "US-16e", "US-01d", "US-01e"]


def _rules_file() -> Graph:
    return Graph().parse(resources.folder("shapes") / "rules-us.ttl", format="turtle")


def test_every_rule_of_the_table_is_implemented_and_tested():
    graph = _rules_file()
    ids = {str(i) for i in graph.objects(None, EVKG.ruleId)}
    assert set(US_RULE_IDS) <= ids
    # US-03d answers the HCT/P question for a cell-free product of unstated origin, which US-03 and US-04 leave;
    # US-13v answers the gene therapy question for nucleic-acid vaccines, which US-13 leaves, and US-14d for vaccines
    # whose transgene-derived nucleic acid is incidental, which US-14b leaves; US-14-BIO splits
    # US-14's two readings; US-15e to US-15j and the later US-16 rules close questions the table leaves open
    # (combination status of synthetic carriers, of active vesicles formulated with a drug, of active plant vesicles
    # with another active substance or beside vesicles of human, animal or bacterial cells, and of products supplied
    # with a device that is not integral; lead centre of gene-therapy carriers, of device-led products and of
    # therapeutic proteins and of tumour antigens in carrier vesicles, and of active vesicles whose cargo leaves the
    # combination question open; applications of device-led products)
    assert ids - set(US_RULE_IDS) == {"US-03d", "US-13v", "US-14-BIO", "US-14d", "US-15e", "US-15f", "US-15g", "US-15h", "US-15i", "US-15j", "US-16f",
                                      "US-16g", "US-16h", "US-16i", "US-16j", "US-16k", "US-17b"}
    assert {c[0] for c in CASES} == ids


def test_rule_nodes_carry_the_shared_metadata():
    graph = _rules_file()
    attached = set(graph.objects(EVSH.USRules, SH.rule))
    assert graph.value(EVSH.USRules, SH.targetClass) == EVKG.EVProduct
    for rule in graph.subjects(EVKG.ruleId, None):
        assert rule in attached
        assert (rule, RDF.type, SH.SPARQLRule) in graph and (rule, RDF.type, EVKG.ClassificationRule) in graph
        for prop in (EVKG.rationale, EVKG.answersQuestion, EVKG.concludes, EVKG.status,
                     URIRef("http://purl.org/dc/terms/source"), SH.order, SH.construct):
            assert graph.value(rule, prop) is not None, f"{rule} lacks {prop}"
        assert graph.value(rule, EVKG.jurisdiction) == US
        assert graph.value(rule, SH.prefixes) == EVSH.prefixes
        if graph.value(rule, EVKG.status) == EVKG.Contested:
            assert graph.value(rule, EVKG.alternative) is not None or EVKG.US_RFDRecommended in set(
                graph.objects(rule, EVKG.concludes)), f"contested rule {rule} names no alternative"


def test_rules_run_unchanged_in_plain_pyshacl():
    """The same file runs in pySHACL (advanced mode) and mints the shared outcome IRIs."""
    shapes = _rules_file() + Graph().parse(resources.folder("shapes") / "prefixes.ttl", format="turtle")
    data = Graph().parse(data=describe(), format="turtle")
    inferred = pyshacl.shacl_rules(data, shacl_graph=shapes, advanced=True, iterate_rules=True)
    product = EX + "p"
    for rule_id, category in [("US-01", "US_Drug"), ("US-02", "US_BiologicalProduct"), ("US-03", "US_NotHCTP"),
                              ("US-17", "US_BLARequired")]:
        iri = URIRef("https://w3id.org/evkg/data/outcome/"
                     + hashlib.sha1(f"{product}|{rule_id}|{category}".encode()).hexdigest())
        assert inferred.value(iri, EVKG.category) == EVKG[category]
        assert inferred.value(iri, EVKG.derivedByRule) == EVSH[rule_id]


# ---- worked examples E1-E7 (examples/valid/), US column -------------------------------------------------

E1 = dict(intendedUse=["evkg:Treatment", "evkg:Regenerative"], annexI3Indication="false",
          manufacturingSetting="evkg:IndustrialManufacture")
E2 = dict(evRole="evkg:DeliveryVehicleRole", cargo=[MRNA], prep_evSourceMaterial="evkg:EstablishedCellLine",
          source_geneticallyModified="true", prep_incidentalRecombinantNucleicAcid="true")
E3 = dict(intendedUse="evkg:AntiTumourImmunotherapy", cargo=[PEPTIDE_9], source_donorRelation="evkg:Autologous",
          manufacturingSetting="evkg:HospitalNonRoutinePreparation")
E4 = dict(intendedUse="evkg:InfectiousDiseaseVaccine", prep_evOriginKind="evkg:BacterialOrigin",
          prep_evSourceMaterial="evkg:MicrobialCulture", source_geneticallyModified="true",
          prep_incidentalRecombinantNucleicAcid="true", source_donorRelation="evkg:DonorNotApplicable")
E5 = dict(prep_evOriginKind="evkg:AnimalOrigin", prep_evSourceMaterial="evkg:AnimalMaterial",
          source_donorRelation="evkg:Xenogeneic", routeOfAdministration="evkg:Oral", **VEHICLE_DRUG)
E6 = dict(evRole="evkg:CombinedRole", cargo=[SYNTHETIC_SIRNA], prep_evSourceMaterial="evkg:EstablishedCellLine")
E7 = dict(intendedUse="evkg:Regenerative", prep_evSourceMaterial="evkg:HumanBloodOrBloodComponent",
          cellContent=None, hasNoLoadedCargo=None, integralMedicalDevice=None)


def assert_statuses(result, expected: dict):
    for category, status in expected.items():
        outcome = best(result, category)
        assert outcome is not None, f"{category} not concluded"
        assert outcome.status == status, f"{category}: {outcome.status} (rule {outcome.rule}), expected {status}"


def assert_not_concluded(result, *categories):
    for category in categories:
        outcome = best(result, category)
        assert outcome is None or outcome.status == "superseded", f"{category} concluded by {outcome.rule}"


def test_e1_allogeneic_msc_small_evs():
    result = run(describe(**E1))
    assert_statuses(result, {c: "settled" for c in (
        "US_Drug", "US_BiologicalProduct", "US_NotHCTP", "US_Not361HCTP", "US_NotGeneTherapy", "US_NotVaccine",
        "US_NotCombinationProduct", "US_INDRequired", "US_BLARequired")})
    assert_not_concluded(result, "US_NDARequired", "US_RFDRecommended", "US_HCTP", "US_Vaccine")
    assert {"Q_US_Drug", "Q_US_Biological", "Q_US_HCTP", "Q_US_361HCTP", "Q_US_GeneTherapy", "Q_US_Vaccine",
            "Q_US_Combination", "Q_US_Application"}.isdisjoint(undecided_questions(result))
    assert not result.consistency_errors


def test_e2_engineered_hek293_evs_with_mrna():
    result = run(describe(**E2))
    assert_statuses(result, {"US_HumanGeneTherapyProduct": "provisional", "US_BiologicalProduct": "provisional",
                             "US_BLARequired": "provisional", "US_INDRequired": "settled",
                             "US_NotHCTP": "settled", "US_NotVaccine": "settled",
                             "US_NotCombinationProduct": "settled"})
    assert not derived(result, "US-02", "US_BiologicalProduct")
    assert_not_concluded(result, "US_CombinationProduct", "US_NotGeneTherapy", "US_NDARequired")


def test_e3_autologous_dendritic_cell_evs_with_synthetic_peptides():
    result = run(describe(**E3))
    assert_statuses(result, {c: "settled" for c in (
        "US_Drug", "US_BiologicalProduct", "US_NotHCTP", "US_NotGeneTherapy", "US_NotVaccine",
        "US_INDRequired", "US_BLARequired")})
    assert "Q_US_Combination" in undecided_questions(result)
    assert_not_concluded(result, "US_CombinationProduct", "US_NotCombinationProduct")
    # vesicles acting beside the peptide: a drug/biologic combination (21 CFR 3.2(e)(1)) whose primary mode of
    # action the description cannot tell, hence a request for designation
    sensitivity = run(describe(**dict(E3, evRole="evkg:CombinedRole")))
    assert_statuses(sensitivity, {"US_CombinationProduct": "settled", "US_PMOAUndecided": "provisional",
                                  "US_RFDRecommended": "provisional"})
    assert derived(sensitivity, "US-15f", "US_CombinationProduct")
    assert not derived(sensitivity, "US-15", "US_CombinationProduct")


def test_e4_outer_membrane_vesicle_vaccine():
    result = run(describe(**E4))
    assert_statuses(result, {"US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
                             "US_NotCombinationProduct": "settled", "US_INDRequired": "settled",
                             "US_BLARequired": "settled"})
    assert derived(result, "US-08", "US_Vaccine")
    # the modified strain's transgene-derived DNA is incidental to a vaccine that acts by its antigens (US-14d)
    assert best(result, "US_NotGeneTherapy").status == "provisional" and derived(result, "US-14d", "US_NotGeneTherapy")
    assert "Q_US_GeneTherapy" not in undecided_questions(result)


def test_e5_bovine_milk_evs_with_paclitaxel():
    result = run(describe(**E5))
    assert_statuses(result, {"US_Drug": "settled", "US_NotHCTP": "settled", "US_NotVaccine": "settled",
                             "US_NotGeneTherapy": "settled", "US_CombinationProduct": "contested",
                             "US_LeadCenterCDER": "contested", "US_RFDRecommended": "settled",
                             "US_INDRequired": "settled"})
    combination = best(result, "US_CombinationProduct")
    assert combination.rule == "US-15"
    assert [a for a, _ in combination.alternatives] == [str(EVKG.US_NotCombinationProduct)]
    # the two readings of US-15 also answer the biological-product question, and the BLA follows the first
    biological = best(result, "US_BiologicalProduct")
    assert (biological.rule, biological.status) == ("US-15", "contested")
    assert [a for a, _ in biological.alternatives] == [str(EVKG.US_NotBiologicalProduct)]
    bla = best(result, "US_BLARequired")
    assert bla.status == "contested"
    # the other reading of the biological question (not a biological product) needs an NDA instead
    assert [a for a, _ in bla.alternatives] == [str(EVKG.US_NDARequired)]
    assert [a for a, _ in best(run(describe(**E1)), "US_BLARequired").alternatives] == []
    assert_not_concluded(result, "US_NDARequired", "US_NotCombinationProduct")


def test_e6_msc_evs_with_synthetic_sirna():
    result = run(describe(**E6))
    assert_statuses(result, {"US_BiologicalProduct": "settled", "US_NotHCTP": "settled",
                             "US_NotGeneTherapy": "provisional", "US_CombinationProduct": "settled",
                             "US_PMOAUndecided": "provisional", "US_RFDRecommended": "provisional",
                             "US_INDRequired": "settled", "US_BLARequired": "settled"})
    assert derived(result, "US-02", "US_BiologicalProduct") and derived(result, "US-14", "US_NotGeneTherapy")
    assert_not_concluded(result, "US_HumanGeneTherapyProduct")


def test_e7_incomplete_platelet_ev_gel():
    result = run(describe(**E7))
    assert_statuses(result, {c: "settled" for c in (
        "US_Drug", "US_BiologicalProduct", "US_NotVaccine", "US_INDRequired", "US_BLARequired")})
    assert {"Q_US_HCTP", "Q_US_361HCTP", "Q_US_GeneTherapy", "Q_US_Combination"} <= undecided_questions(result)
    missing = {o.question.split("#")[1]: {m["property"].split("#")[1] for m in o.missing}
               for o in result.for_product(EX + "p") if o.status == "undecided"}
    assert "cellContent" in missing["Q_US_HCTP"]
    assert {"loadedCargo", "integralMedicalDevice"} <= missing["Q_US_Combination"]
    assert "loadedCargo" in missing["Q_US_GeneTherapy"] or "hasNoLoadedCargo" in missing["Q_US_GeneTherapy"]
    completed = run(describe(**dict(E7, cellContent="evkg:NoCells")))
    assert_statuses(completed, {"US_NotHCTP": "settled", "US_Not361HCTP": "settled"})
    assert derived(completed, "US-03b", "US_NotHCTP")


def test_agency_determination_supersedes_the_inferred_answer():
    result = run(describe(**dict(VEHICLE_DRUG, determinations=[det("FDA_RFD", "US_NotCombinationProduct")])))
    assert best(result, "US_NotCombinationProduct").status == "settled"
    assert best(result, "US_NotCombinationProduct").rule == "US-19"
    assert best(result, "US_CombinationProduct").status == "superseded"


def test_dietary_supplement_border_is_not_an_rfd_question():
    result = run(describe(**dict(SUPPLEMENT_BORDER, prep_evOriginKind="evkg:PlantOrigin")))
    drug = best(result, "US_Drug")
    assert drug.status == "contested" and drug.rule == "US-01b"
    assert [a for a, _ in drug.alternatives] == [str(EVKG.US_DietarySupplement)]
    assert_not_concluded(result, "US_RFDRecommended")


def test_plant_carrier_sold_as_supplement_keeps_the_drug_reading_contested():
    """plant-exo-curcumin: the 'drug, not a biologic' reading inherits the contested drug status."""
    result = run(describe(**dict(PLANT, **SUPPLEMENT_BORDER, **VEHICLE_DRUG)))
    assert_statuses(result, {"US_Drug": "contested", "US_NonBiologicDrug": "contested",
                             "US_NotCombinationProduct": "provisional", "US_INDRequired": "contested"})
    assert_not_concluded(result, "US_BiologicalProduct", "US_RFDRecommended")


# 21 CFR 600.3(h)(6) and PHS Act 351(i): a protein of more than 40 amino acids makes the product a biological
# product whatever carries it (US-09, settled). For an animal-origin vesicle that also fires US-10 (vesicle
# biologic or not: contested), the settled answer decides the question, so no request for designation is
# recommended for it (regulation.md 6.5, strongest derivation; US-18 is for a question left contested).
ANIMAL_ACTIVE_WITH_PROTEIN = dict(prep_evOriginKind="evkg:AnimalOrigin", prep_evSourceMaterial="evkg:AnimalMaterial",
                                  cargo=[dict(PROTEIN_120, cargoKind="evkg:Antigen")])


def test_a_settled_biologic_answer_leaves_no_request_for_designation():
    result = run(describe(**ANIMAL_ACTIVE_WITH_PROTEIN))
    assert_statuses(result, {"US_BiologicalProduct": "settled"})
    assert derived(result, "US-10", "US_BiologicalProduct")          # the contested reading is still on record
    assert_not_concluded(result, "US_RFDRecommended")
    assert "Q_US_RFD" not in undecided_questions(result)            # not asked: nothing is open
    # without the protein the vesicle's own status stays open, and FDA is the one to ask
    open_question = run(describe(prep_evOriginKind="evkg:AnimalOrigin", prep_evSourceMaterial="evkg:AnimalMaterial"))
    assert best(open_question, "US_RFDRecommended") is not None


def test_request_for_designation_names_the_open_questions():
    result = run(describe(**VEHICLE_DRUG))
    recommendation = best(result, "US_RFDRecommended")
    assert recommendation.rule == "US-18" and recommendation.status == "settled"
    open_questions = [p for p in recommendation.premises if p.startswith("open question:")]
    assert any("is it a combination product?" in p and "(US-15, contested)" in p for p in open_questions), \
        recommendation.premises


def test_a_product_not_taken_by_mouth_is_a_drug_without_a_disease_claim():
    """Only an ingested product can be a dietary supplement (21 U.S.C. 321(ff)(2)(A)); an article other than food
    meant to affect the body's structure or function is a drug (321(g)(1)(C)), a cosmetic claim besides
    (321(i)) notwithstanding: an exosome serum for skin regeneration is a drug, settled."""
    result = run(describe(**dict(SUPPLEMENT_BORDER, intendedUse=["evkg:Regenerative", "evkg:NonMedical"],
                                 routeOfAdministration="evkg:Topical")))
    drug = best(result, "US_Drug")
    assert (drug.rule, drug.status, drug.alternatives) == ("US-01c", "settled", [])
    assert best(result, "US_BiologicalProduct").status == "settled"


def test_a_vesicle_vaccine_is_a_vaccine_and_biological_product_at_once():
    """Animal-milk vesicles delivering an mRNA against an infectious disease: a vaccine is named in section 351(i) of
    the PHS Act, so the product is a vaccine and a biological product (BLA) whatever carries the antigen; only the
    reviewing office is unconfirmed (US-16b, provisional). Without the infectious-disease use US-08 must not fire."""
    vaccine = dict(intendedUse="evkg:InfectiousDiseaseVaccine", evRole="evkg:DeliveryVehicleRole",
                   prep_evOriginKind="evkg:AnimalOrigin", prep_evSourceMaterial="evkg:AnimalMaterial",
                   hasNoLoadedCargo=None, cargo=[MRNA])
    result = run(describe(**vaccine))
    assert derived(result, "US-08", "US_Vaccine")
    assert_statuses(result, {"US_Vaccine": "settled", "US_BiologicalProduct": "settled", "US_BLARequired": "settled",
                             "US_LeadCenterCBER": "provisional"})
    assert not derived(run(describe(**dict(vaccine, intendedUse="evkg:Treatment"))), "US-08", "US_Vaccine")


def test_vesicles_acting_beside_a_loaded_drug_make_a_combination_product_as_sure_as_their_own_biologic_status():
    """Vesicles stated to act beside a loaded small molecule (role both) are a biological constituent, not an
    inactive carrier: human vesicles (US-02, settled) and the drug are a single-entity drug/biologic combination
    product at once (21 CFR 3.2(e)(1)), as they are when the drug is formulated beside them. Bacterial vesicles
    are a biological product only on a contested reading (US-10), and the combination answer carries that
    contest instead of settling it."""
    human = run(describe(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE]))
    assert_statuses(human, {"US_BiologicalProduct": "settled", "US_CombinationProduct": "settled"})
    assert_not_concluded(human, "US_NotCombinationProduct")
    bacterial = run(describe(evRole="evkg:CombinedRole", cargo=[SMALL_MOLECULE], prep_evOriginKind="evkg:BacterialOrigin",
                             prep_evSourceMaterial="evkg:MicrobialCulture"))
    assert_statuses(bacterial, {"US_BiologicalProduct": "contested", "US_CombinationProduct": "contested"})


def test_active_plant_vesicles_with_another_active_substance_are_a_combination_only_when_it_is_a_biologic():
    """Plant vesicles that act are a drug, not a biological product (US-11, provisional). Formulated with a small
    molecule (ginger exosomes with curcumin, NCT04879810) they are two drugs and no device: not a combination
    product, as sure as the plant vesicle's drug status, and CDER leads (21 CFR 3.2(e)); the question was left to
    FDA as if the law were silent. Formulated with a protein above 40 amino acids they are a drug and a biological
    product in one entity, a combination product (21 CFR 3.2(e)(1); 600.3(h)(6)), where a single-kind rule said
    'not a combination product, settled' and the product was called both a biological product and not one."""
    with_drug = run(describe(**PLANT, coform=[SMALL_MOLECULE]))
    assert_statuses(with_drug, {"US_NotCombinationProduct": "provisional", "US_LeadCenterCDER": "provisional",
                                "US_NonBiologicDrug": "provisional"})
    assert "Q_US_Combination" not in undecided_questions(with_drug)
    with_protein = run(describe(**PLANT, coform=[PROTEIN_120]))
    assert_statuses(with_protein, {"US_CombinationProduct": "provisional", "US_BiologicalProduct": "settled"})
    assert_not_concluded(with_protein, "US_NotCombinationProduct")
    assert_not_concluded(with_protein, "US_NonBiologicDrug")
    assert_not_concluded(with_protein, "US_LeadCenterCBER")


def lead_centres(result) -> set:
    return {(o.category.split("#")[1], o.status, o.rule) for o in result.for_product(EX + "p")
            if o.question == str(EVKG.Q_US_LeadCenter) and o.status != "undecided"}


def test_a_titanium_implant_coated_with_msc_exosomes_to_aid_osseointegration_goes_to_cdrh():
    """The implant's mechanical support is the primary mode of action (21 CFR 3.2(k), (m)); the exosome coating
    only aids osseointegration, so CDRH leads (21 CFR 3.4(a)) and CBER's reading (US-16e) is not given."""
    result = run(describe(**DEVICE_LED))
    assert best(result, "US_CombinationProduct").status == "settled"
    assert lead_centres(result) == {("US_LeadCenterCDRH", "provisional", "US-16g")}


def test_a_hydrogel_whose_vesicles_act_principally_stays_with_cber():
    result = run(describe(**DEVICE, principalAction="evkg:VesiclesPrincipal"))
    assert lead_centres(result) == {("US_LeadCenterCBER", "provisional", "US-16e")}


def test_unstated_principal_action_keeps_the_vesicle_led_reading():
    """As before the principal action could be stated: a device beside active vesicles (a pre-filled syringe) is
    read as vesicle-led."""
    assert lead_centres(run(describe(**DEVICE))) == {("US_LeadCenterCBER", "provisional", "US-16e")}



def test_a_therapeutic_protein_in_carrier_vesicles_goes_to_cder_with_cber_as_the_other_reading():
    """FDA's 2003 list sends therapeutic proteins to CDER and keeps products of cells or of parts of cells at CBER:
    for a protein carried by vesicles that do not act, the lead centre is CDER or CBER, and FDA is asked."""
    result = run(describe(**PROTEIN_CARRIER))
    lead = best(result, "US_LeadCenterCDER")
    assert (lead.rule, lead.status) == ("US-16h", "contested")
    assert [iri for iri, _ in lead.alternatives] == [str(EVKG.US_LeadCenterCBER)]
    assert any(s["iri"].endswith("/us-fda-cder-transfer-2003") for s in lead.sources)
    assert derived(result, "US-18", "US_RFDRecommended")
    assert "Q_US_LeadCenter" not in undecided_questions(result)
    # the same vesicles claimed to act are a vesicle biologic: CBER alone (US-16c)
    active = run(describe(**dict(PROTEIN_CARRIER, evRole="evkg:ActiveSubstanceRole")))
    assert {(c, r) for c, _, r in lead_centres(active)} == {("US_LeadCenterCBER", "US-16c")}


def test_a_recombinant_protein_carried_by_plant_or_synthetic_vesicles_goes_to_cder():
    """FDA moved therapeutic proteins to CDER in 2003 and kept at CBER only products of human, animal or bacterial
    cells or their parts, vaccines and blood products. Plant vesicles or vesicles assembled from purified lipids
    carrying a recombinant protein are none of these, yet no rule gave a lead centre: the answer was 'no rule
    answers this question', although the plain reading is CDER."""
    for carrier in (PLANT, SYNTHETIC):
        result = run(describe(**dict(PROTEIN_CARRIER, **carrier)))
        assert lead_centres(result) == {("US_LeadCenterCDER", "provisional", "US-16i")}
        lead = best(result, "US_LeadCenterCDER")
        assert not lead.alternatives
        assert any(s["iri"].endswith("/us-fda-cder-transfer-2003") for s in lead.sources)
        assert not derived(result, "US-18", "US_RFDRecommended")
    # how the protein was made decides: a protein extracted from a natural source may be a plasma protein (CBER)
    unstated = run(describe(**dict(PLANT, evRole="evkg:DeliveryVehicleRole",
                                   cargo=[dict(PLASMA_PROTEIN, manufacture=None)])))
    lead = next(o for o in unstated.for_product(EX + "p")
                if o.question == str(EVKG.Q_US_LeadCenter) and o.status == "undecided")
    assert any(m["property"].endswith("#manufacture") for m in lead.missing)



def test_a_lead_centre_that_turns_on_a_contested_biological_answer_says_so():
    """Human vesicles carrying an RNA made in cells: whether the RNA is a drug or a biological constituent is
    contested (US-14-BIO), and CDER leads (US-16d) only if it is a drug. The alternative reading names a
    narrower category (a drug that is not a biological product) than the one US-16d needs (not a biological
    product), which the question must still recognise instead of saying no rule answers."""
    result = run(describe(evRole="evkg:DeliveryVehicleRole", cargo=[CELL_MADE_MIRNA]))
    lead = [o for o in result.for_product(EX + "p") if o.question.endswith("Q_US_LeadCenter")]
    assert [o.status for o in lead] == ["undecided"]
    assert "turns on a contested answer" in lead[0].rationale and "US-14-BIO" in lead[0].rationale
    assert "Only under the reading 'drug that is not a biological product" in lead[0].rationale
    assert "US-16d" in lead[0].rationale and "No rule answers" not in lead[0].rationale
