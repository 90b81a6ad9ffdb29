"""Every EU and EV-role rule, run by the real engine on small descriptions: one case where it fires and one
where it must not (rule table: docs/rules.md)."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from evkg.classification.engine import classify
from evkg.classification.knowledge import knowledge
from evkg.core.namespaces import EVKG, EVSH

PRODUCT = "https://example.org/product/p"


def describe(product: str = PRODUCT, *, uses=("Treatment",), disease_claim=None, origin="HumanOrigin",
             vesicle="NaturallyReleasedEV", material="PrimaryHumanCells", modified=False, incidental=None,
             cargo=(), no_cargo=True, role="ActiveSubstanceRole", cells="NoCells", engineered=None,
             donor="Allogeneic", setting="IndustrialManufacture", device=False, annex3=False,
             principal=None, scaffold=False, coformulated=(), determinations=(), orphan=None, routes=(), mechanisms=(),
             biofluid=None) -> str:
    """Turtle for one product; None leaves a fact out (open world). The default is worked example E1."""
    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return f"evkg:{v}"

    lines = [f"<{product}> a evkg:EVProduct ; rdfs:label \"test product\" ;",
             f"    evkg:hasEVComponent <{product}/prep> ;"]
    product_facts = [("intendedUse", u) for u in uses or ()] + [("routeOfAdministration", r) for r in routes] + [
        ("mechanismOfAction", m) for m in mechanisms] + [
        ("diseaseClaim", disease_claim), ("evRole", role), ("cellContent", cells), ("cellsEngineered", engineered),
        ("manufacturingSetting", setting), ("integralMedicalDevice", device), ("principalAction", principal),
        ("annexI3Indication", annex3),
        ("orphanDesignation", orphan)]
    if no_cargo and not cargo:
        product_facts.append(("hasNoLoadedCargo", True))
    for prop, value in product_facts:
        if value is not None:
            lines.append(f"    evkg:{prop} {val(value)} ;")
    for i, _ in enumerate(cargo):
        lines.append(f"    evkg:loadedCargo <{product}/cargo{i}> ;")
    for i, _ in enumerate(coformulated):
        lines.append(f"    evkg:coFormulatedActiveSubstance <{product}/coform{i}> ;")
    if scaffold:
        lines.append(f"    evkg:engineeredVesicleComponent <{product}/scaffold> ;")
    for i, _ in enumerate(determinations):
        lines.append(f"    evkg:agencyDetermination <{product}/determination{i}> ;")
    lines[-1] = lines[-1][:-1] + "."
    prep = [f"<{product}/prep> a evkg:EVPreparation ; evkg:hasSource <{product}/source>"]
    for prop, value in (("evOriginKind", origin), ("vesicleKind", vesicle), ("evSourceMaterial", material),
                        ("incidentalRecombinantNucleicAcid", incidental)):
        if value is not None:
            prep.append(f"evkg:{prop} {val(value)}")
    lines.append(" ;\n    ".join(prep) + " .")
    source = [f"<{product}/source> a evkg:Source"]
    for prop, value in (("geneticallyModified", modified), ("donorRelation", donor)):
        if value is not None:
            source.append(f"evkg:{prop} {val(value)}")
    if biofluid is not None:
        source.append(f"evkg:biofluid <http://purl.obolibrary.org/obo/{biofluid}>")
    lines.append(" ;\n    ".join(source) + " .")
    for prefix, items in (("cargo", cargo), ("coform", coformulated)):
        for i, item in enumerate(items):
            facts = " ; ".join(f"evkg:{k} {val(v)}" for k, v in item.items())
            lines.append(f"<{product}/{prefix}{i}> {facts} .")
    if scaffold:
        lines.append(f"<{product}/scaffold> rdfs:label \"scaffold\" ; evkg:manufacture evkg:Recombinant .")
    for i, (body, category) in enumerate(determinations):
        lines.append(f"<{product}/determination{i}> a evkg:AgencyDetermination ; evkg:determiningBody evkg:{body} ;"
                     f" evkg:determinedCategory evkg:{category} ;"
                     f" evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ;"
                     f" dct:source <https://example.org/decision/{i}> .")
    return ("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix dct: <http://purl.org/dc/terms/> .\n" + "\n".join(lines) + "\n")


CYTOTOXIC = ("DirectCytotoxicity",)


def run(**facts):
    return classify(Graph().parse(data=describe(**facts), format="turtle"), jurisdictions=("EU",))


def fired(result, rule_id: str) -> bool:
    graph = result.graph
    if rule_id == "EU-19":      # statutory precedence marks the lower ATMP class as overridden
        return any(True for _ in graph.triples((None, EVKG.supersededBy, None))) and any(
            o.rule in ("EU-17", "EU-16", "EU-17b", "EU-16b") and o.status == "superseded" for o in result.outcomes)
    return (None, EVKG.derivedByRule, EVSH[rule_id]) in graph


SMALL_MOLECULE = {"cargoKind": "SmallMolecule"}
MRNA = {"cargoKind": "NucleicAcid", "manufacture": "Recombinant", "nucleicAcidMechanism": "Expression",
        "effectIsGenetic": True}
SIRNA = {"cargoKind": "NucleicAcid", "manufacture": "ChemicallySynthesised", "nucleicAcidMechanism": "RNAInterference",
         "effectIsGenetic": True}
PROTEIN = {"cargoKind": "RecombinantProtein", "manufacture": "Recombinant", "lengthAminoAcids": 150}
# an enzyme purified from animal tissue (catalase, 527 amino acids), loaded into vesicles
EXTRACTED_ENZYME = {"cargoKind": "OtherSubstanceKind", "manufacture": "ExtractedNatural", "lengthAminoAcids": 527}
HUMAN_MILK = dict(material="OtherHumanBodyFluidOrTissue", biofluid="UBERON_0001913", cells=None)
GTMP = dict(role="DeliveryVehicleRole", cargo=[MRNA], material="EstablishedCellLine", modified=True)
BOVINE = dict(origin="AnimalOrigin", material="AnimalMaterial")
SYNTHETIC = dict(origin="NoBiologicalOrigin", vesicle="FullySyntheticVesicle", material="ChemicalSynthesis",
                 modified=None, donor=None)

CASES = {
    # rule: (facts where it fires, facts where it must not)
    "ROLE-01": ({}, dict(role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE])),
    "ROLE-02": (dict(role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE]), dict(role="DeliveryVehicleRole")),
    "ROLE-03": (dict(role="CombinedRole", cargo=[SMALL_MOLECULE]), dict(role="CombinedRole")),
    "ROLE-04": ({}, dict(cells="ViableCells", engineered=False)),
    "ROLE-05": (dict(SYNTHETIC, role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE]),
                dict(SYNTHETIC, vesicle="HybridVesicle", role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE])),
    "ROLE-05b": (dict(SYNTHETIC), dict(SYNTHETIC, role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE])),
    "EU-01": ({}, dict(uses=("Treatment", "NonMedical"), disease_claim=False)),
    "EU-01b": (dict(uses=("Treatment", "NonMedical"), disease_claim=False, routes=("Oral",)),
               dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",))),
    # Regulation (EC) No 1223/2009 Art. 2(1)(a): only a product for the external parts of the body is a cosmetic,
    # and Annex II entry 416 bans products of human origin from cosmetics
    "EU-01c": (dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",),
                    origin="PlantOrigin", material="PlantMaterial"),
               dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",))),
    "EU-01e": (dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",)),
               dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",),
                    origin="PlantOrigin", material="PlantMaterial")),
    "EU-01d": (dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical", "Intradermal")),
               dict(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Intradermal", "Oral"))),
    # Regulation (EU) 2017/746 Art. 2(2): a test on specimens taken from the body; given to people as well, it is
    # classified by that use
    "EU-01f": (dict(uses=("DiagnosticInVitro", "NonMedical"), disease_claim=False),
               dict(uses=("DiagnosticInVitro", "Treatment"))),
    # Regulation (EU) 2017/745 Art. 2(1): a cartridge removing vesicles from blood outside the body acts physically
    "EU-01g": (dict(uses=("ExtracorporealRemoval",), disease_claim=True),
               dict(uses=("ExtracorporealRemoval", "Treatment"), disease_claim=True)),
    "EU-02": ({}, dict(origin="PlantOrigin", material="PlantMaterial")),
    "EU-03": (dict(origin="PlantOrigin", material="PlantMaterial"), {}),
    "EU-04": (dict(vesicle="CellDerivedMimetic"), {}),
    "EU-05": (dict(role="DeliveryVehicleRole", cargo=[PROTEIN]), dict(role="ActiveSubstanceRole", cargo=[PROTEIN])),
    # Dir. 2001/83/EC Annex I Part I 3.2.1.1(b): a protein extracted from a biological source is a biological
    # substance; a peptide of 40 amino acids or fewer is left open
    "EU-05b": (dict(BOVINE, role="DeliveryVehicleRole", cargo=[EXTRACTED_ENZYME]),
               dict(BOVINE, role="DeliveryVehicleRole", cargo=[dict(EXTRACTED_ENZYME, lengthAminoAcids=30)])),
    "EU-06": (dict(role="DeliveryVehicleRole", origin="AnimalOrigin", material="AnimalMaterial",
                   cargo=[SMALL_MOLECULE]),
              dict(role="CombinedRole", origin="AnimalOrigin", material="AnimalMaterial", cargo=[SMALL_MOLECULE])),
    "EU-06b": (dict(SYNTHETIC, role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE]),
               dict(SYNTHETIC, role="DeliveryVehicleRole", cargo=[MRNA])),
    # Annex I 3.2.1.1(b): vesicles made by chemical synthesis that act themselves come from no biological source;
    # vesicles partly of biological origin (a hybrid) do
    "EU-06c": (dict(SYNTHETIC), dict(SYNTHETIC, vesicle="HybridVesicle")),
    "EU-07": (dict(uses=("InfectiousDiseaseVaccine",)), {}),
    "EU-08": (dict(uses=("AntiTumourImmunotherapy",)), dict(uses=("AntiTumourImmunotherapy",), mechanisms=CYTOTOXIC)),
    # vesicles that kill tumour cells themselves (CAR exosomes) produce no immunity, unless another stated
    # mechanism primes it
    "EU-08d": (dict(uses=("AntiTumourImmunotherapy",), role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE],
                    mechanisms=("InnateImmuneActivation",)),
               dict(uses=("AntiTumourImmunotherapy",), role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE, MRNA],
                    mechanisms=("InnateImmuneActivation",))),
    "EU-08c": (dict(uses=("AntiTumourImmunotherapy",), mechanisms=CYTOTOXIC),
               dict(uses=("AntiTumourImmunotherapy",), mechanisms=CYTOTOXIC + ("AntigenPresentation",))),
    "EU-09": ({}, dict(cells="ViableCells", engineered=True)),
    # Reg. 1394/2007 Art. 2(1) takes "cells" from Dir. 2004/23/EC Art. 3(a) (human cells); Art. 2(1)(b) allows
    # human or animal cells in a TEP: plant or bacterial material answers at once, whatever the cell content
    "EU-09c": (dict(origin="PlantOrigin", material="PlantMaterial", cells=None),
               dict(origin="AnimalOrigin", material="AnimalMaterial", cells=None)),
    "EU-10": (GTMP, dict(GTMP, uses=("InfectiousDiseaseVaccine",))),
    "EU-11": (dict(role="CombinedRole", cargo=[SIRNA]), dict(role="CombinedRole", cargo=[MRNA])),
    "EU-12": ({}, dict(modified=True)),
    "EU-13": (dict(modified=True, incidental=True), dict(modified=True)),
    "EU-14": ({}, dict(cells=None)),
    "EU-15": (GTMP, {}),
    "EU-16": (dict(cells="ViableCells", engineered=True, uses=("Regenerative",)),
              dict(cells="ViableCells", engineered=True, uses=("Treatment",))),
    "EU-17": (dict(cells="ViableCells", engineered=True, uses=("Treatment",)),
              dict(cells="ViableCells", engineered=True, uses=("Treatment", "Regenerative"))),
    "EU-16b": (dict(cells="NonViableCells", engineered=True, uses=("Regenerative",)),
               dict(cells="ViableCells", engineered=True, uses=("Regenerative",))),
    "EU-17b": (dict(cells="NonViableCells", engineered=True, uses=("Treatment",)),
               dict(cells="ViableCells", engineered=True, uses=("Treatment",))),
    "EU-18": (dict(cells="ViableCells", engineered=False), dict(cells="ViableCells", engineered=True)),
    # Reg. 1394/2007 Art. 2(5): a product that could also be an sCTMP or TEP is considered a GTMP, so the lower
    # questions are answered once the GTMP is, even with the cell content unknown
    "EU-19b": (dict(GTMP, cells=None), dict(role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE], cells=None)),
    "EU-19": (dict(cells="ViableCells", engineered=True, role="CombinedRole", cargo=[MRNA], modified=True),
              dict(cells="ViableCells", engineered=True)),
    "EU-20": (dict(cells="ViableCells", engineered=True, device=True),
              dict(cells="ViableCells", engineered=True, device=False)),
    "EU-21": (dict(GTMP, device=True), dict(GTMP, device=False)),
    "EU-21b": ({}, GTMP),
    "EU-21c": (GTMP, dict(GTMP, device=True)),
    "EU-22": (dict(device=True), {}),
    # Reg. (EU) 2017/745 Art. 1(8): the constituent the description says acts principally decides the law
    "EU-22b": (dict(device=True, principal="VesiclesPrincipal"), dict(device=True, principal="DevicePrincipal")),
    "EU-22c": (dict(BOVINE, device=True, principal="DevicePrincipal"), dict(device=True, principal="DevicePrincipal")),
    "EU-22d": (dict(device=True, principal="DevicePrincipal"), dict(BOVINE, device=True, principal="DevicePrincipal")),
    "EU-23": (dict(GTMP, setting="HospitalNonRoutinePreparation"), GTMP),
    "EU-24": (dict(setting="HospitalNonRoutinePreparation"), dict(GTMP, setting="HospitalNonRoutinePreparation")),
    "EU-25": (GTMP, dict(GTMP, setting="HospitalNonRoutinePreparation")),
    "EU-26": (dict(scaffold=True), {}),
    "EU-26b": (dict(annex3=True), {}),
    "EU-27": ({}, dict(material="EstablishedCellLine")),
    # Reg. (EU) 2024/1938 covers milk, which the tissues-and-cells directive does not, from 7 August 2027
    "EU-27d": (HUMAN_MILK, dict(HUMAN_MILK, origin="AnimalOrigin")),
    "EU-28": (dict(modified=True, incidental=True), {}),
    "EU-29": (dict(determinations=[("CAT", "EU_GTMP")]), dict(determinations=[("EU_MarketingAuthorisation", "EU_GTMP")])),
    "EU-30": (dict(determinations=[("EU_MarketingAuthorisation", "EU_BiologicalMedicinalProduct")]),
              dict(determinations=[("CAT", "EU_NotATMP")])),
    "EU-31": (dict(material="HumanBloodOrBloodComponent"), {}),
    # closing rules (rule table, second revision)
    "EU-07b": ({}, dict(uses=("InfectiousDiseaseVaccine",))),
    "EU-08b": ({}, dict(uses=("AntiTumourImmunotherapy",))),
    "EU-23b": ({}, dict(setting="HospitalNonRoutinePreparation")),
    "EU-26c": ({}, dict(annex3=True)),
    "EU-26c-NO-ORPHAN": (dict(orphan=False), {}),
    "EU-26d": (dict(orphan=True), dict(orphan=False)),
    "EU-27b": (dict(origin="AnimalOrigin", material="AnimalMaterial"), {}),
    "EU-27c": (dict(material="EstablishedCellLine"), {}),
    "EU-28b": ({}, dict(modified=True, incidental=True)),
}
# A closing rule must also stay silent when the fact that decides it is not stated (open world).
NOT_STATED = {
    "EU-07b": dict(uses=()),
    "EU-08b": dict(uses=()),
    "EU-08c": dict(uses=("AntiTumourImmunotherapy",)),
    "EU-08d": dict(uses=("AntiTumourImmunotherapy",), role="DeliveryVehicleRole", cargo=[SMALL_MOLECULE]),
    "EU-23b": dict(setting=None),
    "EU-26c": dict(annex3=None),
    "EU-26c-NO-ORPHAN": dict(orphan=None),
    "EU-26d": dict(orphan=None),
    "EU-09c": dict(origin=None, material=None, cells=None),
    "EU-27b": dict(origin=None, material=None),
    "EU-27c": dict(material=None),
    "EU-28b": dict(modified=None),
    "EU-22b": dict(device=True),
    "EU-22c": dict(BOVINE, device=True),
    "EU-22d": dict(device=True),
}


def test_every_eu_and_role_rule_has_a_case():
    rule_ids = {r.id for r in knowledge().rules if r.id.startswith(("EU-", "ROLE-"))}
    assert rule_ids == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id):
    fires, _ = CASES[rule_id]
    assert fired(run(**fires), rule_id), f"{rule_id} should fire on {fires}"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire(rule_id):
    _, quiet = CASES[rule_id]
    assert not fired(run(**quiet), rule_id), f"{rule_id} must not fire on {quiet}"


# a capsular polysaccharide purified from bacteria, given as a vaccine antigen
POLYSACCHARIDE = {"cargoKind": "PolysaccharideAntigen", "manufacture": "ExtractedNatural"}
ANTI_TUMOUR_VEHICLE = dict(uses=("AntiTumourImmunotherapy",), role="DeliveryVehicleRole", mechanisms=CYTOTOXIC)
# (rule, facts where it fires, facts where it must not): a polysaccharide antigen is an antigen (Art. 1(4)), a
# substance extracted from a biological source (Annex I Part I 3.2.1.1(b)), and recombinant only when made so
POLYSACCHARIDE_CASES = [
    ("EU-08", dict(ANTI_TUMOUR_VEHICLE, cargo=[POLYSACCHARIDE]), dict(ANTI_TUMOUR_VEHICLE, cargo=[SMALL_MOLECULE])),
    ("EU-08c", dict(uses=("AntiTumourImmunotherapy",), mechanisms=CYTOTOXIC),
     dict(uses=("AntiTumourImmunotherapy",), mechanisms=CYTOTOXIC, cargo=[POLYSACCHARIDE])),
    ("EU-08d", CASES["EU-08d"][0], dict(CASES["EU-08d"][0], cargo=[SMALL_MOLECULE, POLYSACCHARIDE])),
    ("EU-06", CASES["EU-06"][0], dict(CASES["EU-06"][0], coformulated=[POLYSACCHARIDE])),
    ("EU-26c", dict(role="CombinedRole", cargo=[POLYSACCHARIDE]),
     dict(role="CombinedRole", cargo=[dict(POLYSACCHARIDE, manufacture="Recombinant")])),
    ("EU-26", dict(role="CombinedRole", cargo=[dict(POLYSACCHARIDE, manufacture="Recombinant")]),
     dict(role="CombinedRole", cargo=[POLYSACCHARIDE])),
    ("EU-05b", dict(BOVINE, role="DeliveryVehicleRole", cargo=[POLYSACCHARIDE]),
     dict(BOVINE, role="DeliveryVehicleRole", cargo=[dict(POLYSACCHARIDE, manufacture="ChemicallySynthesised")])),
    ("EU-06b", CASES["EU-06b"][0], dict(CASES["EU-06b"][0], cargo=[SMALL_MOLECULE, POLYSACCHARIDE])),
    ("EU-06c", CASES["EU-06c"][0], dict(CASES["EU-06c"][0], coformulated=[POLYSACCHARIDE])),
]

# A fully synthetic carrier of a chemical is a chemical medicine only while nothing biological is beside it or in it:
# each of these made EU-06b answer "non-biological" next to EU-05's or EU-05b's "biological"
BIOLOGICAL_BESIDE_A_SYNTHETIC_CARRIER = {
    "recombinant protein beside": dict(coformulated=[PROTEIN]),
    "extracted enzyme inside": dict(cargo=[SMALL_MOLECULE, EXTRACTED_ENZYME]),
    "extracted enzyme beside": dict(coformulated=[EXTRACTED_ENZYME]),
}


@pytest.mark.parametrize("case", sorted(BIOLOGICAL_BESIDE_A_SYNTHETIC_CARRIER))
def test_a_synthetic_carrier_with_a_biological_substance_is_not_read_as_a_chemical_medicine(case):
    facts = dict(CASES["EU-06b"][0], **BIOLOGICAL_BESIDE_A_SYNTHETIC_CARRIER[case])
    result = run(**facts)
    assert not fired(result, "EU-06b"), f"EU-06b must not fire on {facts}"
    answers = {(o.category.split("#")[1], o.status) for o in result.outcomes if o.question.endswith("Q_EU_Biological")}
    assert answers in ({("EU_BiologicalMedicinalProduct", "settled")}, {("EU_BiologicalMedicinalProduct", "provisional")})


# An immunological medicinal product is a biological medicinal product (Annex I Part I 3.2.1.1(b)): a synthetic
# vaccine, or synthetic vesicles EU-08 reads as an immunological anti-tumour product, is not a chemical medicine.
# Each of these made EU-06b or EU-06c answer "non-biological" next to the immunological reading's "biological"
IMMUNOLOGICAL_SYNTHETIC = {
    "synthetic carrier of a peptide antigen in a vaccine": (
        "EU-06b", dict(CASES["EU-06b"][0], uses=("InfectiousDiseaseVaccine",),
                       cargo=[{"cargoKind": "Antigen", "manufacture": "ChemicallySynthesised", "lengthAminoAcids": 9}])),
    "synthetic carrier of a peptide antigen against a tumour": (
        "EU-06b", dict(CASES["EU-06b"][0], uses=("AntiTumourImmunotherapy",),
                       cargo=[{"cargoKind": "Antigen", "manufacture": "ChemicallySynthesised", "lengthAminoAcids": 9}])),
    "synthetic vesicles as a vaccine": ("EU-06c", dict(CASES["EU-06c"][0], uses=("InfectiousDiseaseVaccine",))),
    "synthetic vesicles presenting antigen to a tumour": (
        "EU-06c", dict(CASES["EU-06c"][0], uses=("AntiTumourImmunotherapy",), mechanisms=("AntigenPresentation",))),
}


# EU-09c: cells in a product whose vesicles are all of plant or bacterial origin are cells of that plant or
# bacterium, not cells in the ATMP sense; the engineered-cell rules stood beside its "neither" as a contradiction
PLANT_OR_BACTERIAL_CELLS = [(rule_id, dict(CASES[rule_id][0], origin=origin, material=material))
                            for rule_id in ("EU-16", "EU-16b", "EU-17", "EU-17b")
                            for origin, material in (("PlantOrigin", "PlantMaterial"), ("BacterialOrigin", "MicrobialCulture"))]


@pytest.mark.parametrize("rule_id,facts", PLANT_OR_BACTERIAL_CELLS, ids=[f"{r}-{f['origin']}" for r, f in PLANT_OR_BACTERIAL_CELLS])
def test_cells_beside_plant_or_bacterial_vesicles_make_no_cell_or_tissue_atmp(rule_id, facts):
    result = run(**facts)
    assert fired(run(**CASES[rule_id][0]), rule_id) and not fired(result, rule_id)
    assert fired(result, "EU-09c") and not result.consistency_errors


@pytest.mark.parametrize("case", sorted(IMMUNOLOGICAL_SYNTHETIC))
def test_an_immunological_product_of_synthetic_vesicles_is_not_read_as_a_chemical_medicine(case):
    rule_id, facts = IMMUNOLOGICAL_SYNTHETIC[case]
    result = run(**facts)
    assert not fired(result, rule_id), f"{rule_id} must not fire on {facts}"
    assert not result.consistency_errors
    answers = {o.category.split("#")[1] for o in result.outcomes if o.question.endswith("Q_EU_Biological")}
    assert answers == {"EU_BiologicalMedicinalProduct"}


@pytest.mark.parametrize("rule_id,fires,quiet", POLYSACCHARIDE_CASES, ids=[c[0] for c in POLYSACCHARIDE_CASES])
def test_a_polysaccharide_antigen_is_read_as_an_antigen_of_biological_origin(rule_id, fires, quiet):
    assert fired(run(**fires), rule_id), f"{rule_id} should fire on {fires}"
    assert not fired(run(**quiet), rule_id), f"{rule_id} must not fire on {quiet}"


@pytest.mark.parametrize("rule_id", sorted(NOT_STATED))
def test_closing_rule_waits_for_its_fact(rule_id):
    facts = NOT_STATED[rule_id]
    assert not fired(run(**facts), rule_id), f"{rule_id} must not fire when {facts} leaves its fact unstated"


def test_centralised_procedure_optional_is_settled_only_once_no_orphan_designation_is_stated():
    def answer(**facts):
        return next(o for o in run(**facts).outcomes if o.question == str(EVKG.Q_EU_CentralisedProcedure))
    unknown, none = answer(), answer(orphan=False)
    assert (unknown.category, unknown.status, unknown.rule) == (str(EVKG.EU_CentralisedProcedureOptional),
                                                                 "provisional", "EU-26c")
    assert (none.category, none.status) == (str(EVKG.EU_CentralisedProcedureOptional), "settled")
    assert answer(orphan=True).category == str(EVKG.EU_CentralisedProcedureMandatory)


@pytest.mark.parametrize("rule_id, category", [
    ("EU-01", "EU_MedicinalProduct"), ("EU-02", "EU_BiologicalMedicinalProduct"), ("EU-09", "EU_NotSCTMP"),
    ("EU-09", "EU_NotTEP"), ("EU-12", "EU_NotGTMP"), ("EU-14", "EU_NotATMP"), ("EU-21b", "EU_NotCombinedATMP"),
    ("EU-27", "EU_HumanStartingMaterialRules")])
def test_rules_conclude_their_categories(rule_id, category):
    result = run()
    assert any(o.rule == rule_id and o.category == str(EVKG[category]) for o in result.outcomes)
    assert (URIRef(PRODUCT), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), EVKG[category]) in result.graph


def test_vesicles_from_human_milk_are_not_put_under_the_tissues_and_cells_directive():
    """Directive 2004/23/EC governs the donation and testing of human tissues and cells; milk is outside it and
    outside the blood directive, and comes under Regulation (EU) 2024/1938 from 7 August 2027. Vesicles from
    human milk were told the directives' rules apply (EU-27, settled); vesicles from another body fluid still are."""
    answers = [o for o in run(**HUMAN_MILK).outcomes if o.question == str(EVKG.Q_EU_StartingMaterial)]
    assert [(o.rule, o.category, o.status) for o in answers] == [
        ("EU-27d", str(EVKG.EU_HumanStartingMaterialRules), "provisional")]
    assert "7 August 2027" in answers[0].rationale
    assert fired(run(material="OtherHumanBodyFluidOrTissue", biofluid="UBERON_0001836"), "EU-27")
    # a body fluid not named might be milk: the answer waits for it
    assert not fired(run(material="OtherHumanBodyFluidOrTissue"), "EU-27")


def test_open_world_no_negative_from_absence():
    # Cargo not stated: neither "not a GTMP" nor "not an ATMP" may be concluded.
    result = run(no_cargo=False)
    categories = {o.category for o in result.outcomes}
    assert str(EVKG.EU_NotGTMP) not in categories
    assert str(EVKG.EU_NotATMP) not in categories


def test_unknown_cargo_kind_blocks_negative():
    # A cargo item without a kind might be a nucleic acid: EU-12 must wait.
    result = run(cargo=[{"lengthAminoAcids": 12}])
    assert not fired(result, "EU-12")


def test_vaccine_blocks_gtmp_even_with_recombinant_mrna():
    result = run(**dict(GTMP, uses=("InfectiousDiseaseVaccine",)))
    gtmp = [o for o in result.outcomes if o.question == str(EVKG.Q_EU_GTMP)]
    assert [o.category for o in gtmp] == [str(EVKG.EU_NotGTMP)] and gtmp[0].rule == "EU-07"


def test_a_skin_product_without_a_disease_claim_is_not_read_as_a_food_supplement():
    """A food supplement is a foodstuff taken by mouth (Directive 2002/46/EC Art. 2); a product spread on the skin
    can instead be a cosmetic (Regulation (EC) No 1223/2009 Art. 2(1)(a)), a route human-origin material cannot
    take (Annex II entry 416); an injected product is neither, so it is medicinal by function, to confirm."""
    topical = [o for o in run(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",),
                              origin="PlantOrigin", material="PlantMaterial").outcomes
               if o.category == str(EVKG.EU_MedicinalProduct)]
    assert [(o.rule, o.status) for o in topical] == [("EU-01c", "contested")]
    assert [a for a, _ in topical[0].alternatives] == [str(EVKG.EU_Cosmetic)]
    human = [o for o in run(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Topical",)).outcomes
             if o.category == str(EVKG.EU_MedicinalProduct)]
    assert [(o.rule, o.status, o.alternatives) for o in human] == [("EU-01e", "provisional", [])]
    assert any(s["iri"].endswith("eu-reg-1223-2009/annex-ii-416") for s in human[0].sources)
    assert "EV origin kind: human origin" in human[0].premises
    injected = [o for o in run(uses=("Regenerative", "NonMedical"), disease_claim=False, routes=("Intradermal",)).outcomes
                if o.category == str(EVKG.EU_MedicinalProduct)]
    assert [(o.rule, o.status, o.alternatives) for o in injected] == [("EU-01d", "provisional", [])]
    unstated = [o for o in run(uses=("Regenerative", "NonMedical"), disease_claim=False).outcomes
                if o.category == str(EVKG.EU_MedicinalProduct)]
    assert [a for o in unstated for a, _ in o.alternatives] == [str(EVKG.EU_FoodSupplement)]


def test_a_human_origin_product_with_only_a_non_medical_use_is_told_it_cannot_be_an_eu_cosmetic():
    """Out of scope for medicinal-product law, but the non-medical route a skin product would take is closed to
    vesicles of human origin (Regulation (EC) No 1223/2009, Annex II entry 416); plant vesicles are not told so."""
    def scope_outcome(**facts):
        result = run(uses=("NonMedical",), routes=("Topical",), **facts)
        return next(o for o in result.outcomes if o.jurisdiction == "EU" and o.status == "out-of-scope")

    human = scope_outcome()
    assert "cannot be a cosmetic in the EU" in human.rationale
    assert any(s["iri"].endswith("eu-reg-1223-2009/annex-ii-416") for s in human.sources)
    plant = scope_outcome(origin="PlantOrigin", material="PlantMaterial")
    assert "cosmetic in the EU" not in plant.rationale
    assert not any(s["iri"].endswith("annex-ii-416") for s in plant.sources)


def test_a_gene_therapy_product_answers_the_cell_therapy_and_tissue_engineering_questions():
    """Exosomes carrying a recombinant mRNA whose cell content is not stated: a GTMP (Annex I Part IV 2.1), and a
    product that could also be an sCTMP or a TEP is considered a GTMP (Reg. 1394/2007 Art. 2(5)), so neither
    question waits for the cell content. With engineered cells stated as well, the sCTMP answer is overridden
    (EU-19) and no contradiction is reported."""
    unknown_cells = run(**dict(GTMP, cells=None))
    answers = {(o.category.split("#")[1], o.status, o.rule) for o in unknown_cells.outcomes}
    assert {("EU_NotSCTMP", "settled", "EU-19b"), ("EU_NotTEP", "settled", "EU-19b")} <= answers
    assert not [o for o in unknown_cells.outcomes if o.status == "undecided"
                and o.question.split("#")[1] in ("Q_EU_SCTMP", "Q_EU_TEP")]
    with_cells = run(**dict(GTMP, cells="ViableCells", engineered=True, role="CombinedRole"))
    assert not with_cells.consistency_errors
    assert any(o.rule == "EU-17" and o.status == "superseded" for o in with_cells.outcomes)


def route(result):
    """(category, status, rule, alternatives) of the EU answer on the law of a product with an integral device."""
    answer = next(o for o in result.outcomes if o.question == str(EVKG.Q_EU_IntegralDeviceRoute))
    return (answer.category.split("#")[1], answer.status, answer.rule,
            tuple(iri.split("#")[1] for iri, _ in answer.alternatives))


def test_a_titanium_implant_coated_with_msc_exosomes_to_aid_osseointegration_is_a_device():
    """The implant gives mechanical support and the vesicles only aid its integration: under Reg. (EU) 2017/745
    Art. 1(8) a device incorporating a medicinal substance with ancillary action, not a medicinal product. Human
    vesicles are also a derivative of human cells (Art. 1(10)), so which consultation applies is contested; the
    same implant coated with bovine milk vesicles is settled."""
    implant = dict(uses=("Regenerative",), device=True, principal="DevicePrincipal")
    assert route(run(**implant)) == ("EU_DeviceWithAncillaryMedicinalSubstance", "contested", "EU-22d",
                                     ("EU_DeviceWithHumanCellDerivative",))
    assert route(run(**implant, **BOVINE)) == ("EU_DeviceWithAncillaryMedicinalSubstance", "settled", "EU-22c", ())
    assert not [o for o in run(**implant).outcomes if o.category == str(EVKG.EU_IntegralProductMedicinalRoute)]


def test_a_hydrogel_whose_vesicles_act_principally_is_governed_by_medicinal_product_law():
    hydrogel = run(uses=("Regenerative",), routes=("TopicalOnWound",), device=True, principal="VesiclesPrincipal")
    assert route(hydrogel) == ("EU_IntegralProductMedicinalRoute", "settled", "EU-22b", ())
    assert not [o for o in hydrogel.outcomes if o.category == str(EVKG.EU_DeviceWithAncillaryMedicinalSubstance)]


def test_unstated_principal_action_keeps_both_routes_open_and_asks_which_part_acts():
    """Both routes stay open as before (EU-22); the route question is undecided and names the fact that decides it
    and the rules it would let fire."""
    result = run(device=True)
    assert any(o.rule == "EU-22" and o.category == str(EVKG.EU_MedicinalProductDeviceCombination)
               and o.status == "settled" for o in result.outcomes)
    answer = next(o for o in result.outcomes if o.question == str(EVKG.Q_EU_IntegralDeviceRoute))
    assert answer.status == "undecided"
    [missing] = answer.missing
    assert missing["property"] == str(EVKG.principalAction)
    assert set(missing["rules"]) == {"EU-22b", "EU-22d"}
    assert "DevicePrincipal" in missing["prompt"] and "VesiclesPrincipal" in missing["prompt"]


def test_the_route_question_is_not_asked_without_a_device_or_of_an_atmp():
    for facts in (dict(), dict(GTMP, device=True, principal="DevicePrincipal")):
        assert not [o for o in run(**facts).outcomes if o.question == str(EVKG.Q_EU_IntegralDeviceRoute)], facts
