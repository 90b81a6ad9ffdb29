"""A regulator's written classification of the product is its answer: a determination stating a category its body
decides (the ontology's evkg:decidesCategory) is adopted, settled, whatever the description's other facts would
give; one stating a category its body does not decide, or in another jurisdiction, is not used, and the check says
so (V-17) instead of dropping it in silence."""
from __future__ import annotations

import functools

import pytest
from descriptions import EX, product_turtle
from rdflib import Graph

from evkg.classification.engine import classify
from evkg.classification.knowledge import knowledge
from evkg.core import resources
from evkg.core.namespaces import EVKG, EVSH
from evkg.pipeline import check
from evkg.validation.compiled import bundled_compiled_shapes, run_compiled, run_pyshacl
from evkg.validation.store import store_of_graph

JURISDICTION_OF_BODY = {"CAT": "EU", "EU_MarketingAuthorisation": "EU", "FDA_RFD": "US", "FDA_OCP": "US",
                        "FDA_Licence": "US", "FDA_Enforcement": "US", "MFDS": "KR"}
# E1-like: human MSC vesicles, cell-free, nothing loaded, for treatment
PRODUCT = {"intendedUse": "evkg:Treatment", "evRole": "evkg:ActiveSubstanceRole",
           "cellContent": "evkg:NoCells", "hasNoLoadedCargo": "true", "integralMedicalDevice": "false"}
PREP = {"evOriginKind": "evkg:HumanOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
        "evSourceMaterial": "evkg:PrimaryHumanCells"}
SOURCE = {"geneticallyModified": "false", "donorRelation": "evkg:Allogeneic"}


def determination(body: str, category: str, jurisdiction: str | None = None) -> dict:
    return {"jurisdiction": f"<https://w3id.org/evkg/data/jurisdiction/{jurisdiction or JURISDICTION_OF_BODY[body]}>",
            "determiningBody": f"evkg:{body}", "determinedCategory": f"evkg:{category}",
            "<http://purl.org/dc/terms/source>": "<https://w3id.org/evkg/data/act/us-fdca/563>"}


def described(*determinations: dict) -> Graph:
    return Graph().parse(data=product_turtle((PRODUCT, PREP, SOURCE), determinations=list(determinations)),
                         format="turtle")


@functools.cache
def decided() -> list[tuple[str, str]]:
    """(body, category) for every category the ontology says a body decides."""
    ontology = resources.ontology_graph()
    return sorted((str(body).rpartition("#")[2], str(category).rpartition("#")[2])
                  for body, category in ontology.subject_objects(EVKG.decidesCategory))


def test_every_body_decides_categories_of_its_own_jurisdiction_only():
    questions = knowledge().category_questions
    assert {body for body, _ in decided()} == set(JURISDICTION_OF_BODY)
    for body, category in decided():
        assert category.startswith(JURISDICTION_OF_BODY[body] + "_"), (body, category)
        assert str(EVKG[category]) in questions, f"{category} answers no question"


@pytest.mark.parametrize("body, category", decided())
def test_a_determination_of_a_category_its_body_decides_is_the_settled_answer(body, category):
    result = classify(described(determination(body, category)), jurisdictions=(JURISDICTION_OF_BODY[body],))
    agency_rules = {r.id for r in knowledge().rules if r.agency}
    adopted = [o for o in result.for_product(EX + "p") if o.category == str(EVKG[category])
               and o.rule in agency_rules]
    assert [o.status for o in adopted] == ["settled"], f"{body}'s {category} was not adopted"
    question = adopted[0].question
    assert question in knowledge().category_questions[str(EVKG[category])]
    others = [o for o in result.for_product(EX + "p") if o.question == question and o.category != str(EVKG[category])
              and o.status not in ("superseded", "undecided")]
    assert not others, f"inferred answers still stand beside {body}'s: {[(o.rule, o.category) for o in others]}"


def test_an_fda_designation_of_cber_as_lead_centre_overrides_the_inferred_centre():
    """21 CFR 3.8: FDA's letter of designation assigns the centre; the inferred CDER reading of a protein carrier
    (US-16h, contested) is kept for the record only, and no request for designation is advised any more."""
    carrier = dict(PRODUCT, evRole="evkg:DeliveryVehicleRole")
    protein = {"cargoKind": "evkg:RecombinantProtein", "manufacture": "evkg:Recombinant", "lengthAminoAcids": "120"}
    graph = Graph().parse(data=product_turtle((carrier, PREP, SOURCE), cargo=[protein],
                                              determinations=[determination("FDA_RFD", "US_LeadCenterCBER")]),
                          format="turtle")
    outcomes = classify(graph, jurisdictions=("US",)).for_product(EX + "p")
    centre = {(o.category.rpartition("#")[2], o.rule, o.status) for o in outcomes
              if o.question == str(EVKG.Q_US_LeadCenter)}
    assert ("US_LeadCenterCBER", "US-19", "settled") in centre
    assert all(status == "superseded" for category, _, status in centre if category != "US_LeadCenterCBER")
    assert not [o for o in outcomes if o.question == str(EVKG.Q_US_RFD) and o.status != "superseded"]


def test_an_mfds_classification_overrides_the_guideline_reading():
    outcomes = classify(described(determination("MFDS", "KR_NotEVTherapyProduct")),
                        jurisdictions=("KR",)).for_product(EX + "p")
    answer = {(o.category.rpartition("#")[2], o.rule, o.status) for o in outcomes
              if o.question == str(EVKG.Q_KR_EVTherapy)}
    assert answer == {("KR_NotEVTherapyProduct", "KR-05", "settled"), ("KR_EVTherapyProduct", "KR-01", "superseded")}


def findings(graph: Graph, constraint_id: str) -> list:
    products, _ = check(graph, classify=False, profile="published")
    return [r for p in products for r in p.results if r.constraint_id == constraint_id]


@pytest.mark.parametrize("body, category, jurisdiction", [
    ("CAT", "EU_Vaccine", None),               # Reg. 1394/2007 Art. 17: CAT classifies ATMPs only
    ("EU_MarketingAuthorisation", "EU_Cosmetic", None),
    ("FDA_RFD", "US_Drug", "EU"),              # an FDA designation in the EU
    ("MFDS", "US_BiologicalProduct", None),
])
def test_a_determination_that_cannot_be_adopted_is_reported_not_dropped(body, category, jurisdiction):
    graph = described(determination(body, category, jurisdiction))
    [finding] = findings(graph, "V-17")
    assert finding.severity == "Warning" and "not used" in finding.message
    assert f"<{EVKG[category]}>" in str(finding.value)
    result = classify(graph)
    assert not [o for o in result.for_product(EX + "p") if o.category == str(EVKG[category])
                and o.rule in {r.id for r in knowledge().rules if r.agency}]


def test_an_adoptable_determination_is_not_reported():
    assert findings(described(determination("FDA_RFD", "US_LeadCenterCBER"),
                              determination("CAT", "EU_NotATMP")), "V-17") == []


def test_plain_pyshacl_reports_the_same_determinations():
    graph = described(determination("CAT", "EU_Vaccine"), determination("MFDS", "KR_EVTherapyProduct"),
                      determination("FDA_OCP", "US_NotHCTP", "KR")).skolemize()
    shape = EVSH["V-17-DeterminationNotAdopted"]
    ours = {(r.focus, r.value) for r in run_compiled(store_of_graph(graph), bundled_compiled_shapes())
            if r.shape == shape}
    reference = {(r.focus, r.value) for r in run_pyshacl(graph, use_shapes=[shape])}
    assert ours == reference
    assert {value for _, value in ours} == {EVKG.EU_Vaccine, EVKG.US_NotHCTP}


def test_a_fact_repeated_past_what_a_product_can_hold_is_named_as_the_description_s(tmp_path, capsys):
    """1,500 copies of one MFDS determination: the bundled rule adopting it drew a premise from each and was
    stopped at its limit, which the report blamed on 'the bundled rules'. The file is named, with the fix."""
    from evkg.cli import main

    copies = [dict(determination("MFDS", "KR_NotEVTherapyProduct"), **{"rdfs:label": f'"decision {i}"'})
              for i in range(1500)]
    path = tmp_path / "repeated.ttl"
    path.write_text(product_turtle((PRODUCT, PREP, SOURCE), determinations=copies), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    said = " ".join(capsys.readouterr().out.split())
    assert f"ERROR: {path}: the description states so many of one fact that the classification was stopped" in said
    assert "the bundled rules" not in said and "state each one once" in said
    copies = copies[:3]                  # a few determinations are a normal description
    path.write_text(product_turtle((PRODUCT, PREP, SOURCE), determinations=copies), encoding="utf-8")
    main(["check", str(path)])
    assert "states so many" not in capsys.readouterr().out


def test_a_category_written_without_its_jurisdiction_is_answered_with_the_categories_it_may_mean():
    """`determinedCategory: BiologicalProduct` for an FDA answer was asked "Did you mean EVProduct or
    ProductWithBiologicalOrigin or ProductInScope?": the suggestions left out every category, the only values a
    determination states."""
    products, _ = check(described(determination("FDA_RFD", "BiologicalProduct")), classify=False,
                        profile="published")
    said = [r.message for p in products for r in p.results if "evkg:BiologicalProduct" in str(r.value)
            or str(EVKG.BiologicalProduct) in str(r.value)]
    assert said and all("Did you mean evkg:US_BiologicalProduct or evkg:KR_BiologicalProduct" in m for m in said), said
    assert not any("EVProduct" in m for m in said), said


def test_a_cleared_ind_written_as_a_determination_is_told_it_decides_no_category():
    """Neural stem-cell exosomes for stroke (AB126): the developer's news is that FDA cleared the IND, so a
    newcomer records it as an agency determination by "FDA". The body list named evkg:FDA_OCP and evkg:FDA_RFD
    without saying what they are, and the suggestion offered them for an IND clearance, which decides no category."""
    cleared = {"jurisdiction": "<https://w3id.org/evkg/data/jurisdiction/US>", "determiningBody": '"FDA"',
               "rdfs:label": '"FDA cleared the IND for a phase 1b/2a trial"'}
    products, _ = check(described(cleared), classify=False, profile="published")
    said = [r.message for p in products for r in p.results if r.constraint_id == "S-determiningBody"]
    assert said, [r.constraint_id for p in products for r in p.results]
    assert all("A cleared IND" in m and "trialRegistryId" in m for m in said), said
    assert all("request for designation" in m and "Office of Combination Products" in m for m in said), said
