"""A product whose every intended use is non-medical (a cosmetic, a food) is outside the medicinal-product rules
(Directive 2001/83/EC Art. 1(2)): it is classified out of scope and not asked the facts and tests of a medicine
(shapes marked evkg:onlyForMedicalUse), while its vesicles are still checked against MISEV. Presented for a
disease, it is a medicinal product whatever it is sold as (V-13), and asked everything."""
from __future__ import annotations

from pathlib import Path

import pytest

from descriptions import checked_yaml
from evkg.core.namespaces import EVKG

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "products" / "lu-milk-exo-skin-ageing.yaml"
# the bovine milk exosomes of the fixture, sold as a skincare ingredient only (the fixture also claims a
# regenerative use, which makes it a product with a medical use)
COSMETIC = (FIXTURE.read_text().replace("intendedUse: [NonMedical, Regenerative]", "intendedUse: [NonMedical]")
            .replace("therapeuticApproach: ImmunomodulatoryRegenerativeTherapy\n", "")
            .replace("evRole: ActiveSubstanceRole\n", "").replace("manufacturingSetting: IndustrialManufacture\n", "")
            .replace("integralMedicalDevice: false\n", "").replace("annexI3Indication: false\n", "")
            .replace("notReported: [cellContent]\n", ""))
# asked only of a product with a medical use: the facts that decide a medicine's category, role and approach,
# indication, route, release tests, dose, potency and non-clinical studies
FOR_MEDICAL_USE = {"F-annexI3Indication", "F-cellContent", "F-integralMedicalDevice", "F-manufacturingSetting",
                   "Q-37", "Q-28", "Q-29", "Q-30", "Q-34", "Q-39", "Q-40", "S-indication"}


checked = checked_yaml


def test_the_cosmetic_description_states_none_of_the_medicinal_facts():
    for absent in ("therapeuticApproach", "evRole", "manufacturingSetting", "integralMedicalDevice",
                   "annexI3Indication", "cellContent", "indication:", "routeOfAdministration: [Intra"):
        assert absent not in COSMETIC, absent
    assert "intendedUse: [NonMedical]\n" in COSMETIC and "diseaseClaim: false" in COSMETIC


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_cosmetic_is_not_asked_what_a_medicine_is_asked_and_its_vesicles_are_still_checked(engine):
    report, result = checked(COSMETIC, engine=engine)
    asked = {r.constraint_id for r in report.results}
    assert not asked & FOR_MEDICAL_USE, asked & FOR_MEDICAL_USE
    assert {"Q-19", "Q-20", "Q-32"} <= asked, asked          # MISEV markers; shelf life and storage
    assert {o.category for o in result.outcomes} == {str(EVKG.OutOfScope)}


def test_a_cosmetic_is_asked_everything_once_it_names_a_medical_use():
    report, result = checked(COSMETIC.replace("intendedUse: [NonMedical]", "intendedUse: [NonMedical, Regenerative]"))
    asked = {r.constraint_id for r in report.results}
    assert {"F-cellContent", "F-manufacturingSetting", "Q-37", "Q-28", "Q-34", "Q-40"} <= asked, asked
    assert str(EVKG.OutOfScope) not in {o.category for o in result.outcomes}


def test_a_value_a_cosmetic_does_state_is_still_checked():
    report, _ = checked(COSMETIC + "evRole: SomethingElse\n")
    assert any("SomethingElse" in (r.value or "") + r.message for r in report.results), report.results


def test_a_cosmetic_presented_for_a_disease_is_told_so_and_classified_as_a_medicine():
    """Sold as a cosmetic but presented as treating a disease, it is a medicinal product by presentation
    (Dir. 2001/83/EC Art. 1(2)(a)) and a drug by its claim (FD&C Act 201(g)(1)(B)), as V-13 tells the describer:
    no longer out of scope, asked everything, and so classified, where before both questions waited for the
    medical use although the claim alone decides them. Which medical use it presents is still unsaid, so what
    turns on it (a vaccine or not, an immunological product or not) waits for it instead of reading the non-medical
    use as the whole story."""
    report, result = checked(COSMETIC.replace("diseaseClaim: false", "diseaseClaim: true"))
    by_id = {r.constraint_id: r for r in report.results}
    assert by_id["V-13"].severity == "Violation" and not report.conforms
    assert {"F-cellContent", "Q-37", "Q-34"} <= set(by_id), set(by_id)
    assert str(EVKG.OutOfScope) not in {o.category for o in result.outcomes}
    for question, category, rule in ((EVKG.Q_EU_Medicinal, EVKG.EU_MedicinalProduct, "EU-01"),
                                     (EVKG.Q_US_Drug, EVKG.US_Drug, "US-01")):
        answers = [(o.category, o.status, o.rule) for o in result.outcomes if o.question == str(question)]
        assert answers == [(str(category), "settled", rule)], answers
    for question in (EVKG.Q_EU_Vaccine, EVKG.Q_EU_Immunological):
        waiting = [o for o in result.outcomes if o.question == str(question)]
        assert [o.status for o in waiting] == ["undecided"], waiting
        assert str(EVKG.intendedUse) in {m["property"] for m in waiting[0].missing}, waiting[0].missing
        prompt = next(m["prompt"] for m in waiting[0].missing if m["property"] == str(EVKG.intendedUse))
        assert prompt.startswith("The uses stated are all non-medical, yet a disease claim (finding V-13)"), prompt


def test_a_cosmetic_presented_for_a_disease_with_its_medical_use_is_a_medicinal_product():
    _, result = checked(COSMETIC.replace("diseaseClaim: false", "diseaseClaim: true")
                        .replace("intendedUse: [NonMedical]", "intendedUse: [NonMedical, Treatment]"))
    medicinal = [o for o in result.outcomes if o.question == str(EVKG.Q_EU_Medicinal)]
    assert [(o.category, o.status, o.rule) for o in medicinal] == [(str(EVKG.EU_MedicinalProduct), "settled", "EU-01")]


@pytest.mark.parametrize("route", ["Intravenous", "Inhalation", "TopicalOnWound"])
def test_a_cosmetic_injected_inhaled_or_put_on_a_wound_is_told_so_and_classified_as_a_medicine(route):
    """No cosmetic or food is injected, inhaled or put on a wound (Reg. 1223/2009 Art. 2(1)(a), Reg. 178/2002
    Art. 2): given that way to act on the body it is a medicinal product by function, and the EU question waits
    for the medical use that EU-01d needs instead of the product being out of scope."""
    report, result = checked(COSMETIC.replace("routeOfAdministration: [Topical]", f"routeOfAdministration: [{route}]"))
    assert "routeOfAdministration: [Topical]" in COSMETIC
    v14 = [r for r in report.results if r.constraint_id == "V-14"]
    assert [(r.severity, r.value_term) for r in v14] == [("Violation", EVKG[route])], report.results
    # the finding says what the report shows: asked everything, classified once the medical use is stated
    assert "classified as one" not in v14[0].message
    assert "classification waits for the medical use" in v14[0].message
    assert {"F-cellContent", "Q-37", "Q-34"} <= {r.constraint_id for r in report.results}
    medicinal = [o for o in result.outcomes if o.question == str(EVKG.Q_EU_Medicinal)]
    assert [o.status for o in medicinal] == ["undecided"], medicinal
    waiting = {rule for m in medicinal[0].missing if m["property"] == str(EVKG.intendedUse) for rule in m["rules"]}
    assert "EU-01d" in waiting, medicinal[0].missing
    # the use it waits for is asked for as a medical use beside the non-medical one stated, not as if none were
    prompt = next(m["prompt"] for m in medicinal[0].missing if m["property"] == str(EVKG.intendedUse))
    assert prompt.startswith("The uses stated are all non-medical, yet the route (finding V-14) makes the product "
                             "a medicine all the same: add the medical use it is given for."), prompt


def test_a_cosmetic_or_food_taken_by_mouth_or_put_on_the_skin_stays_out_of_scope():
    for route in ("Topical", "Oral"):
        report, result = checked(COSMETIC.replace("routeOfAdministration: [Topical]", f"routeOfAdministration: [{route}]"))
        assert "V-14" not in {r.constraint_id for r in report.results}
        assert {o.category for o in result.outcomes} == {str(EVKG.OutOfScope)}, route


def test_a_cosmetic_is_not_asked_whether_its_producer_cells_are_genetically_modified():
    """Whether the producer is modified decides only medicinal questions (recombinant DNA, Reg. 726/2004 Annex I
    point 1; the GMO and gene-therapy questions), none of which is asked of a product with no medical use: the
    cosmetic with that fact left out is not told that those questions stay undecided. Given a medical use, it is."""
    unstated = COSMETIC.replace("      geneticallyModified: false\n", "")
    assert unstated != COSMETIC
    report, _ = checked(unstated)
    assert "F-geneticallyModified" not in {r.constraint_id for r in report.results}
    report, _ = checked(unstated.replace("intendedUse: [NonMedical]", "intendedUse: [NonMedical, Regenerative]"))
    assert "F-geneticallyModified" in {r.constraint_id for r in report.results}


def test_a_cosmetic_is_told_where_a_cosmetic_claim_makes_a_drug_in_the_us_and_korea():
    """A cosmetic's maker asks next which claim would make it a drug: the US (FD&C Act 201(i) with 201(g)(1)(C))
    and Korea (Cosmetics Act Art. 2(1)) draw that line, and the out-of-scope answer says so and cites them."""
    _, result = checked(COSMETIC)
    by_jurisdiction = {o.jurisdiction: o for o in result.outcomes}
    us, kr, eu = by_jurisdiction["US"], by_jurisdiction["KR"], by_jurisdiction["EU"]
    assert "structure or a function of the body" in us.rationale and "drug as well" in us.rationale
    assert "FD&C Act section 201(i), 21 U.S.C. 321(i)" in {s["label"] for s in us.sources}
    assert "mild action" in kr.rationale
    assert "Cosmetics Act (Korea), Article 2(1)" in {s["label"] for s in kr.sources}
    assert "drug as well" not in eu.rationale
