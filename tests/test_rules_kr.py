"""The Korean classification rules (shapes/rules-kr.ttl) run by the real engine."""
from __future__ import annotations

import pytest
from descriptions import EX, product_turtle
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from evkg.classification.engine import classify
from evkg.core import resources

EVKG = Namespace("https://w3id.org/evkg#")
EVSH = Namespace("https://w3id.org/evkg/shapes#")

PRODUCT = {"intendedUse": "evkg:Treatment", "evRole": "evkg:ActiveSubstanceRole", "cellContent": "evkg:NoCells",
           "hasNoLoadedCargo": "true"}
PREP = {"evOriginKind": "evkg:HumanOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
        "evSourceMaterial": "evkg:PrimaryHumanCells"}
SOURCE = {"geneticallyModified": "false"}
RECOMBINANT_RNA = {"cargoKind": "evkg:NucleicAcid", "manufacture": "evkg:Recombinant",
                   "nucleicAcidMechanism": "evkg:Expression", "effectIsGenetic": "true"}
SYNTHETIC_RNA = dict(RECOMBINANT_RNA, manufacture="evkg:ChemicallySynthesised")
BORDERLINE_USE = ["evkg:NonMedical", "evkg:Regenerative"]
SYNTHETIC = dict(prep_evOriginKind="evkg:NoBiologicalOrigin", prep_vesicleKind="evkg:FullySyntheticVesicle",
                 prep_evSourceMaterial=None, source_geneticallyModified=None)
SMALL_MOLECULE = {"cargoKind": "evkg:SmallMolecule", "manufacture": "evkg:ChemicallySynthesised"}
MFDS_NOT_EV_THERAPY = {"jurisdiction": "<https://w3id.org/evkg/data/jurisdiction/KR>", "determiningBody": "evkg:MFDS",
                       "determinedCategory": "evkg:KR_NotEVTherapyProduct"}


def describe(**changes) -> str:
    """Turtle for product ex:p; keys are product properties, `prep_<p>`, `source_<p>` or `cargo` (None removes)."""
    if changes.get("cargo") is not None:
        changes["cargo"] = [changes["cargo"]]
    else:
        changes.pop("cargo", None)
    return product_turtle((PRODUCT, PREP, SOURCE), **changes)


def run(turtle: str):
    return classify(Graph().parse(data=turtle, format="turtle"), jurisdictions=("KR",))


def derived(result, rule_id: str, category: str) -> bool:
    graph = result.graph
    return any(graph.value(o, EVKG.ofProduct) == URIRef(EX + "p") and graph.value(o, EVKG.category) == EVKG[category]
               for o in graph.subjects(EVKG.derivedByRule, EVSH[rule_id]))


CASES = [
    ("KR-01", "KR_EVTherapyProduct", {}, dict(prep_vesicleKind="evkg:CellDerivedMimetic")),
    ("KR-01", "KR_NotCellTherapyProduct", dict(prep_evOriginKind="evkg:BacterialOrigin"),
     dict(cellContent="evkg:ViableCells")),
    ("KR-01", "KR_EVTherapyProduct", dict(prep_evOriginKind="evkg:AnimalOrigin"), dict(cellContent=None)),
    ("KR-01", "KR_EVTherapyProduct", {}, dict(prep_evOriginKind="evkg:PlantOrigin")),
    # plant vesicles beside the human ones are outside the guideline's core scope: the product's scope is open (KR-03),
    # while having no cells still answers the cell-therapy question
    ("KR-01", "KR_EVTherapyProduct", {}, dict(second_prep={"evOriginKind": "evkg:PlantOrigin",
                                                           "vesicleKind": "evkg:NaturallyReleasedEV"})),
    ("KR-01", "KR_NotCellTherapyProduct", dict(second_prep={"evOriginKind": "evkg:PlantOrigin",
                                                            "vesicleKind": "evkg:NaturallyReleasedEV"}),
     dict(cellContent="evkg:ViableCells")),
    ("KR-02", "KR_GeneTherapyProduct", dict(source_geneticallyModified="true"), {}),
    ("KR-02", "KR_GeneTherapyProduct", dict(cargo=RECOMBINANT_RNA), dict(cargo=SYNTHETIC_RNA)),
    ("KR-02", "KR_GeneTherapyProduct", dict(source_geneticallyModified="true"),
     dict(source_geneticallyModified="true", prep_vesicleKind="evkg:HybridVesicle")),
    # Enforcement Decree of the Advanced Regenerative Bio Act Art. 2(1)2: transferring genetic material into the body
    # is gene therapy, whatever the cell content or the guideline's scope; an infectious-disease vaccine is not read so
    ("KR-02d", "KR_GeneTherapyProduct", dict(cargo=RECOMBINANT_RNA, cellContent=None),
     dict(cargo=RECOMBINANT_RNA, cellContent=None, intendedUse="evkg:InfectiousDiseaseVaccine")),
    ("KR-03", "Undecided", dict(prep_evOriginKind="evkg:PlantOrigin"), {}),
    ("KR-03", "Undecided", dict(prep_vesicleKind="evkg:CellDerivedMimetic"), dict(prep_vesicleKind="evkg:HybridVesicle")),
    ("KR-03", "Undecided", dict(prep_evOriginKind="evkg:PlantOrigin"),
     dict(prep_evOriginKind="evkg:PlantOrigin", cellContent="evkg:ViableCells")),
    # closing rules (rule table, second revision)
    ("KR-01b", "KR_NotEVTherapyProduct",
     dict(prep_evOriginKind="evkg:NoBiologicalOrigin", prep_vesicleKind="evkg:FullySyntheticVesicle"),
     dict(prep_evOriginKind="evkg:NoBiologicalOrigin", prep_vesicleKind="evkg:HybridVesicle")),
    # the guideline's vesicle therapy products contain no living cells (section 2)
    ("KR-01i", "KR_NotEVTherapyProduct", dict(cellContent="evkg:ViableCells"), dict(cellContent="evkg:NonViableCells")),
    # Enforcement Decree Art. 2(1)1: treatment using cells of humans or animals; cells beside bacterial vesicles are not
    ("KR-01j", "KR_CellTherapyProduct", dict(cellContent="evkg:ViableCells"),
     dict(cellContent="evkg:ViableCells", prep_evOriginKind="evkg:BacterialOrigin")),
    ("KR-01j", "KR_CellTherapyProduct", dict(cellContent="evkg:ViableCells", prep_evOriginKind="evkg:AnimalOrigin"),
     dict(cellContent="evkg:NonViableCells")),
    ("KR-02b", "KR_NotGeneTherapyProduct", {}, dict(source_geneticallyModified=None)),
    ("KR-02b", "KR_NotGeneTherapyProduct", dict(cargo=SYNTHETIC_RNA), dict(cargo=RECOMBINANT_RNA)),
    # nothing genetic introduced answers the question whether or not the vesicles are in the guideline's core scope
    # (Enforcement Decree Art. 2(1)2): cell content unstated, plant or extracted vesicles; not for a synthetic carrier
    ("KR-02b", "KR_NotGeneTherapyProduct", dict(cellContent=None), dict(intendedUse="evkg:DiagnosticInVitro")),
    ("KR-02b", "KR_NotGeneTherapyProduct", dict(prep_evOriginKind="evkg:PlantOrigin"),
     dict(prep_evOriginKind="evkg:NoBiologicalOrigin", prep_vesicleKind="evkg:FullySyntheticVesicle")),
    ("KR-02b", "KR_NotGeneTherapyProduct", dict(prep_evOriginKind="evkg:BacterialOrigin", prep_vesicleKind=None),
     dict(prep_evOriginKind=None)),
    # a synthetic carrier with no nucleic acid has no genetic material to transfer (Enforcement Decree Art. 2(1)2)
    ("KR-02c", "KR_NotGeneTherapyProduct", dict(SYNTHETIC),
     dict(SYNTHETIC, hasNoLoadedCargo=None, cargo=SYNTHETIC_RNA)),
    ("KR-02c", "KR_NotGeneTherapyProduct", dict(SYNTHETIC, hasNoLoadedCargo=None, cargo=SMALL_MOLECULE),
     dict(SYNTHETIC, hasNoLoadedCargo=None, cargo={"manufacture": "evkg:ChemicallySynthesised"})),
    ("KR-02c", "KR_NotGeneTherapyProduct", dict(SYNTHETIC), dict(SYNTHETIC, intendedUse="evkg:DiagnosticInVitro")),
    # In Vitro Diagnostic Medical Devices Act Art. 2: a test on specimens taken from people
    ("KR-01f", "KR_InVitroDiagnosticMedicalDevice", dict(intendedUse="evkg:DiagnosticInVitro"),
     dict(intendedUse=["evkg:DiagnosticInVitro", "evkg:Regenerative"])),
    # Medical Devices Act Art. 2(1): an apparatus treating by removing vesicles from blood outside the body
    ("KR-01g", "KR_MedicalDevice", dict(intendedUse="evkg:ExtracorporealRemoval"),
     dict(intendedUse=["evkg:ExtracorporealRemoval", "evkg:Treatment"])),
    ("KR-01c", "KR_NotCellTherapyProduct", dict(prep_evOriginKind="evkg:PlantOrigin"),
     dict(prep_evOriginKind="evkg:PlantOrigin", cellContent=None)),
    # cell therapy uses cells of humans or animals (Enforcement Decree Art. 2(1)1): plant or bacterial material
    # answers at once, whatever the cell content
    ("KR-01e", "KR_NotCellTherapyProduct", dict(prep_evOriginKind="evkg:BacterialOrigin", cellContent=None),
     dict(prep_evOriginKind="evkg:AnimalOrigin", cellContent=None)),
    ("KR-01e", "KR_NotCellTherapyProduct", dict(prep_evOriginKind="evkg:PlantOrigin", cellContent="evkg:ViableCells"),
     dict(prep_evOriginKind=None, cellContent=None)),
    # also meant for a non-medical use (a skin booster sold as a cosmetic): a drug only with a disease claim
    ("KR-01", "KR_EVTherapyProduct", dict(intendedUse=BORDERLINE_USE, diseaseClaim="true"),
     dict(intendedUse=BORDERLINE_USE, diseaseClaim="false")),
    ("KR-01", "KR_NotCellTherapyProduct", dict(intendedUse=BORDERLINE_USE, diseaseClaim="false"),
     dict(intendedUse="evkg:NonMedical")),
    ("KR-01d", "KR_EVTherapyProduct", dict(intendedUse=BORDERLINE_USE, diseaseClaim="false"),
     dict(intendedUse=BORDERLINE_USE, diseaseClaim="true")),
    ("KR-01d", "KR_EVTherapyProduct", dict(intendedUse=BORDERLINE_USE, diseaseClaim="false"),
     dict(intendedUse=BORDERLINE_USE, diseaseClaim="false", prep_evOriginKind="evkg:PlantOrigin")),
    # a product with an integral device, read by the constituent that acts principally (provisional)
    ("KR-04", "KR_IntegralProductAsDrug", dict(integralMedicalDevice="true", principalAction="evkg:VesiclesPrincipal"),
     dict(integralMedicalDevice="true", principalAction="evkg:DevicePrincipal")),
    ("KR-04", "KR_IntegralProductAsDrug", dict(integralMedicalDevice="true", principalAction="evkg:VesiclesPrincipal"),
     dict(integralMedicalDevice="false", principalAction="evkg:VesiclesPrincipal")),
    ("KR-04b", "KR_IntegralProductAsDevice", dict(integralMedicalDevice="true", principalAction="evkg:DevicePrincipal"),
     dict(integralMedicalDevice="true")),
    ("KR-04b", "KR_IntegralProductAsDevice", dict(integralMedicalDevice="true", principalAction="evkg:DevicePrincipal"),
     dict(integralMedicalDevice="true", principalAction="evkg:DevicePrincipal", prep_evOriginKind="evkg:PlantOrigin")),
    # MFDS's own classification settles the question it answers; another body's determination is not MFDS's
    ("KR-05", "KR_NotEVTherapyProduct", dict(determinations=[MFDS_NOT_EV_THERAPY]),
     dict(determinations=[dict(MFDS_NOT_EV_THERAPY, determiningBody="evkg:CAT")])),
    # cell-free human or animal vesicles are vesicle therapy products and living cells make a cell therapy product,
    # both biological products (MFDS 2024 guideline, section 2): with cells not ruled out, a biological product
    ("KR-01h", "KR_BiologicalProduct", dict(cellContent=None), {}),
    ("KR-01h", "KR_BiologicalProduct", dict(cellContent="evkg:ViableCells"), dict(cellContent="evkg:NonViableCells")),
    ("KR-01h", "KR_BiologicalProduct", dict(cellContent=None, prep_evOriginKind="evkg:AnimalOrigin"),
     dict(cellContent=None, prep_evOriginKind="evkg:BacterialOrigin")),
    ("KR-01h", "KR_BiologicalProduct", dict(cellContent=None),
     dict(cellContent=None, prep_vesicleKind="evkg:CellDerivedMimetic")),
    ("KR-01h", "KR_BiologicalProduct", dict(cellContent=None),
     dict(cellContent=None, intendedUse=BORDERLINE_USE, diseaseClaim="false")),
    # a biological product whichever therapy product it is (KR-01h) is a drug too: its integral device is read the same way
    ("KR-04", "KR_IntegralProductAsDrug",
     dict(cellContent=None, integralMedicalDevice="true", principalAction="evkg:VesiclesPrincipal"),
     dict(cellContent="evkg:NonViableCells", integralMedicalDevice="true", principalAction="evkg:VesiclesPrincipal")),
    ("KR-04b", "KR_IntegralProductAsDevice",
     dict(cellContent=None, integralMedicalDevice="true", principalAction="evkg:DevicePrincipal"),
     dict(cellContent=None, integralMedicalDevice="true", principalAction="evkg:DevicePrincipal",
          prep_evOriginKind="evkg:BacterialOrigin")),
]


@pytest.mark.parametrize("rule_id, category, fires, blocks", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_is_blocked(rule_id, category, fires, blocks):
    assert derived(run(describe(**fires)), rule_id, category), f"{rule_id} should conclude {category}"
    assert not derived(run(describe(**blocks)), rule_id, category), f"{rule_id} must not conclude {category}"


def test_every_korean_rule_is_implemented_attached_and_tested():
    graph = Graph().parse(resources.folder("shapes") / "rules-kr.ttl", format="turtle")
    ids = {str(i) for i in graph.objects(None, EVKG.ruleId)}
    assert ids == {"KR-01", "KR-01b", "KR-01c", "KR-01d", "KR-01e", "KR-01f", "KR-01g", "KR-01h", "KR-01i", "KR-01j", "KR-02", "KR-02b", "KR-02c",
                   "KR-02d", "KR-03",
                   "KR-04",
                   "KR-04b", "KR-05"} == \
        {c[0] for c in CASES}
    assert set(graph.objects(EVSH.KRRules, SH.rule)) == {EVSH[i] for i in ids}
    assert graph.value(EVSH.KRRules, SH.targetClass) == EVKG.EVProduct


def statuses(result) -> dict:
    return {o.category.split("#")[1]: o.status for o in result.for_product(EX + "p")
            if o.jurisdiction == "KR" and o.category != str(EVKG.Undecided)}


def test_cell_free_msc_evs_are_ev_therapy_products_not_cell_therapy():
    result = run(describe())
    # KR_EVTherapyProduct is a kind of KR_BiologicalProduct (MFDS guideline, section 2), so both are concluded
    assert statuses(result) == {"KR_EVTherapyProduct": "settled", "KR_NotCellTherapyProduct": "settled",
                                "KR_BiologicalProduct": "settled", "KR_NotGeneTherapyProduct": "provisional"}
    # producer cells stated unmodified and no cargo: the gene-therapy question is answered no (KR-02b)
    answers = [o for o in result.for_product(EX + "p") if o.question == str(EVKG.Q_KR_GeneTherapy)]
    assert [(o.rule, o.status) for o in answers] == [("KR-02b", "provisional")]


def test_gene_therapy_question_behind_an_open_gate_names_the_gates_missing_fact():
    result = run(describe(cellContent=None, source_geneticallyModified="true"))
    answer = next(o for o in result.for_product(EX + "p") if o.question == str(EVKG.Q_KR_GeneTherapy))
    assert answer.status == "undecided"
    assert {m["property"] for m in answer.missing} == {str(EVKG.cellContent)}
    assert set(answer.missing[0]["rules"]) >= {"KR-01"}


def test_gene_therapy_question_of_a_synthetic_carrier_of_a_nucleic_acid_is_left_to_mfds():
    result = run(describe(**dict(SYNTHETIC, hasNoLoadedCargo=None, cargo=SYNTHETIC_RNA)))
    answer = next(o for o in result.for_product(EX + "p") if o.question == str(EVKG.Q_KR_GeneTherapy))
    assert answer.status == "undecided" and not answer.missing
    assert "MFDS" in answer.rationale


def test_genetically_modified_producer_gives_a_provisional_gene_therapy_candidate():
    result = run(describe(source_geneticallyModified="true"))
    assert statuses(result)["KR_GeneTherapyProduct"] == "provisional"
    assert statuses(result)["KR_EVTherapyProduct"] == "settled"


def test_unknown_modification_leaves_the_gene_therapy_question_open_and_says_what_to_add():
    result = run(describe(source_geneticallyModified=None))
    open_questions = {o.question: o for o in result.for_product(EX + "p") if o.status == "undecided"}
    gene = open_questions[str(EVKG.Q_KR_GeneTherapy)]
    assert str(EVKG.geneticallyModified) in {m["property"] for m in gene.missing}


def test_plant_vesicles_are_outside_the_guideline_core_scope():
    result = run(describe(prep_evOriginKind="evkg:PlantOrigin", prep_evSourceMaterial="evkg:PlantMaterial"))
    answers = [o for o in result.for_product(EX + "p") if o.question == str(EVKG.Q_KR_EVTherapy)]
    assert [(o.category, o.rule) for o in answers] == [(str(EVKG.Undecided), "KR-03")]
    assert "KR_EVTherapyProduct" not in statuses(result)


def test_a_borderline_product_waits_for_its_disease_claim_and_is_contested_without_one():
    """Korean law: a drug is used against disease or acts pharmacologically (PAA Art. 2(4)); a cosmetic is not a
    drug (Cosmetics Act Art. 2(1)). A product also meant for a non-medical use is settled only by a disease claim."""
    def answer(**facts):
        outcomes = run(describe(intendedUse=BORDERLINE_USE, **facts)).outcomes
        return next(o for o in outcomes if o.question == str(EVKG.Q_KR_EVTherapy))

    unknown = answer(diseaseClaim=None)
    assert unknown.status == "undecided"
    assert any(m["property"] == str(EVKG.diseaseClaim) for m in unknown.missing)
    border = answer(diseaseClaim="false")
    assert (border.category, border.status) == (str(EVKG.KR_EVTherapyProduct), "contested")
    assert str(EVKG.KR_NotEVTherapyProduct) in {iri for iri, _ in border.alternatives}
    assert answer(diseaseClaim="true").status == "settled"


def test_the_korean_route_of_a_device_product_is_provisional_and_says_the_sources_are_silent():
    """Neither the acts read for Korea nor the MFDS vesicle guideline say how a product joining a drug and a
    device is assigned, so both readings are provisional and the rationale says so."""
    device_led = run(describe(integralMedicalDevice="true", principalAction="evkg:DevicePrincipal"))
    assert statuses(device_led)["KR_IntegralProductAsDevice"] == "provisional"
    answer = next(o for o in device_led.for_product(EX + "p") if o.rule == "KR-04b")
    assert "unverified" in answer.rationale and "MFDS" in answer.rationale
    unstated = run(describe(integralMedicalDevice="true"))
    open_question = next(o for o in unstated.for_product(EX + "p") if o.question == str(EVKG.Q_KR_IntegralDeviceRoute))
    assert open_question.status == "undecided"
    assert [m["property"] for m in open_question.missing] == [str(EVKG.principalAction)]


def test_human_vesicles_whose_cell_content_is_not_stated_are_a_biological_product_either_way():
    """A cell-free product is a vesicle therapy product and one with living cells a cell therapy product; MFDS
    regulates both as biological products. With the cell content unstated no Korean answer was given at all,
    although the Pharmaceutical Affairs Act answers the biological question either way."""
    result = run(describe(cellContent=None))
    assert statuses(result) == {"KR_BiologicalProduct": "provisional", "KR_NotGeneTherapyProduct": "provisional"}
    undecided = {o.question.split("#")[1] for o in result.for_product(EX + "p") if o.status == "undecided"}
    assert {"Q_KR_EVTherapy", "Q_KR_CellTherapy"} <= undecided

