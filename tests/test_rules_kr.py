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
    ("KR-02", "KR_GeneTherapyProduct", dict(source_geneticallyModified="true"), {}),
    ("KR-02", "KR_GeneTherapyProduct", dict(cargo=RECOMBINANT_RNA), dict(cargo=SYNTHETIC_RNA)),
    ("KR-02", "KR_GeneTherapyProduct", dict(source_geneticallyModified="true"),
     dict(source_geneticallyModified="true", prep_vesicleKind="evkg:HybridVesicle")),
    ("KR-03", "Undecided", dict(prep_evOriginKind="evkg:PlantOrigin"), {}),
    ("KR-03", "Undecided", dict(prep_vesicleKind="evkg:CellDerivedMimetic"), dict(prep_vesicleKind="evkg:HybridVesicle")),
]


@pytest.mark.parametrize("rule_id, category, fires, blocks", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_is_blocked(rule_id, category, fires, blocks):
    assert derived(run(describe(**fires)), rule_id, category), f"{rule_id} should conclude {category}"
    assert not derived(run(describe(**blocks)), rule_id, category), f"{rule_id} must not conclude {category}"


def test_every_korean_rule_is_implemented_attached_and_tested():
    graph = Graph().parse(resources.folder("shapes") / "rules-kr.ttl", format="turtle")
    ids = {str(i) for i in graph.objects(None, EVKG.ruleId)}
    assert ids == {"KR-01", "KR-02", "KR-03"} == {c[0] for c in CASES}
    assert set(graph.objects(EVSH.KRRules, SH.rule)) == {EVSH[i] for i in ids}
    assert graph.value(EVSH.KRRules, SH.targetClass) == EVKG.EVProduct


def statuses(result) -> dict:
    return {o.category.split("#")[1]: o.status for o in result.for_product(EX + "p")
            if o.jurisdiction == "KR" and o.category != str(EVKG.Undecided)}


def test_cell_free_msc_evs_are_ev_therapy_products_not_cell_therapy():
    result = run(describe())
    # KR_EVTherapyProduct is a kind of KR_BiologicalProduct (MFDS guideline, section 2), so both are concluded
    assert statuses(result) == {"KR_EVTherapyProduct": "settled", "KR_NotCellTherapyProduct": "settled",
                                "KR_BiologicalProduct": "settled"}
    # producer cells stated unmodified and no cargo: the gene-therapy question is not asked
    assert not [o for o in result.for_product(EX + "p") if o.question == str(EVKG.Q_KR_GeneTherapy)]


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
