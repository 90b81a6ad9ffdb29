"""A test run on specimens taken from the body (evkg:DiagnosticInVitro, e.g. exosomal RNA measured in urine) is
an in vitro diagnostic medical device, not a medicinal product: Regulation (EU) 2017/746 Art. 2(2) with Directive
2001/83/EC Art. 1(2); FD&C Act 201(h) with 21 CFR 809.3(a); the Korean In Vitro Diagnostic Medical Devices Act,
Art. 2. Every question of each jurisdiction is answered by that finding, and a product that is also given to
people is classified by that other use."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from test_every_question import QUESTIONS
from test_rules_eu import describe

from evkg.classification.engine import classify
from evkg.classification.explain import explain_text
from evkg.core.namespaces import EVKG
from evkg.io.load import load_rdf

E = str(EVKG)
ACT = "https://w3id.org/evkg/data/act/"
DEVICE = {"EU": ("EU-01f", "EU_InVitroDiagnosticMedicalDevice", {"eu-reg-2017-746/art-2-2", "eu-dir-2001-83/art-1-2"}),
          "US": ("US-01d", "US_InVitroDiagnosticProduct", {"us-fdca/201-h", "us-21-cfr-809/809-3-a"}),
          "KR": ("KR-01f", "KR_InVitroDiagnosticMedicalDevice", {"kr-ivd-act/art-2"})}
MEDICINAL = ("EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "US_Drug", "US_BiologicalProduct",
             "KR_EVTherapyProduct", "KR_BiologicalProduct")


def run(**facts):
    return classify(Graph().parse(data=describe(**facts), format="turtle"))


def test_a_urine_exosome_test_is_an_in_vitro_diagnostic_device_for_every_question_in_every_jurisdiction():
    result = run(uses=("DiagnosticInVitro",))
    for jurisdiction, questions in QUESTIONS.items():
        rule, category, acts = DEVICE[jurisdiction]
        for question in questions:
            answers = [o for o in result.outcomes if o.question == E + "Q_" + question]
            device = [o for o in answers if o.category == E + category]
            assert device, f"{question} not answered as an in vitro diagnostic device"
            assert all(o.status == "settled" and o.rule == rule for o in device), question
            assert {s["iri"] for s in device[0].sources} >= {ACT + a for a in acts}, question
            assert not [o for o in answers if o.status == "undecided"], question
    assert not [o for o in result.outcomes if o.category in {E + c for c in MEDICINAL}]
    assert not result.consistency_errors


def test_exodx_prostate_from_its_publication_gets_every_question_answered():
    # McKiernan et al. 2016 (tests/fixtures/products/exodx-prostate.yaml): only the use is stated
    result = classify(load_rdf(Path(__file__).resolve().parent / "fixtures" / "products" / "exodx-prostate.yaml"))
    outcomes = result.for_product(next(iter(result.products)))
    assert not [o for o in outcomes if o.status in ("undecided", "out-of-scope")]
    for jurisdiction, questions in QUESTIONS.items():
        rule, category, _ = DEVICE[jurisdiction]
        for question in questions:
            assert any(o.question == E + "Q_" + question and o.category == E + category for o in outcomes), question


def test_the_explanation_names_the_rule_and_the_acts():
    text = explain_text(run(uses=("DiagnosticInVitro",)))
    for rule, label in (("EU-01f", "Regulation (EU) 2017/746, Article 2(2)"),
                        ("US-01d", "21 CFR 809.3(a)"), ("US-01d", "FD&C Act section 201(h)"),
                        ("KR-01f", "In Vitro Diagnostic Medical Devices Act (Korea), Article 2")):
        assert f"rule {rule}:" in text and label in text, (rule, label)
    assert "not a medicinal product" in text


def test_a_research_use_beside_the_diagnostic_one_does_not_make_it_medicinal():
    result = run(uses=("DiagnosticInVitro", "NonMedical"), disease_claim=False)
    for rule, category, _ in DEVICE.values():
        assert any(o.category == E + category and o.rule == rule for o in result.outcomes), rule
    assert not [o for o in result.outcomes if o.category in {E + c for c in MEDICINAL}]


def test_a_product_also_given_to_patients_is_classified_by_that_use_not_as_a_device():
    # contradictory uses: the shapes warn (V-11); the rules read the use in people
    result = run(uses=("DiagnosticInVitro", "Treatment"), disease_claim=True)
    categories = {o.category for o in result.outcomes if o.status != "undecided"}
    assert {E + "EU_MedicinalProduct", E + "US_Drug", E + "KR_EVTherapyProduct"} <= categories
    assert not categories & {E + c for _, c, _ in DEVICE.values()}


def test_in_vivo_diagnosis_stays_a_medicinal_use():
    result = run(uses=("DiagnosticInVivo",))
    categories = {o.category for o in result.outcomes}
    assert E + "EU_MedicinalProduct" in categories and E + "US_Drug" in categories
    assert not categories & {E + c for _, c, _ in DEVICE.values()}


def test_vesicles_in_a_urine_specimen_are_no_starting_material_donated_for_use_in_people():
    # Directive 2004/23/EC covers human tissues and cells meant for application to people (EU-27); a test's
    # specimen is not, so the starting-material question is answered by EU-01f alone
    result = run(uses=("DiagnosticInVitro",), material="OtherHumanBodyFluidOrTissue")
    answers = {o.category for o in result.outcomes if o.question == E + "Q_EU_StartingMaterial"}
    assert answers == {E + "EU_InVitroDiagnosticMedicalDevice"}
    treated = run(material="OtherHumanBodyFluidOrTissue", biofluid="UBERON_0001836")    # saliva, given to people
    assert any(o.category == E + "EU_HumanStartingMaterialRules" for o in treated.outcomes)


# ---------------------------------------------------------------- what is asked of a test on specimens

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "products" / "exodx-prostate.yaml"
# Asked only of a product given to people: the vesicles' role and approach, the facts that decide a medicine's
# category, release tests, dose, route and studies (Dir. 2001/83/EC Annex I); none is a fact of a urine test.
FOR_USE_IN_PEOPLE = {"Q-37", "F-annexI3Indication", "F-cargoStatement", "F-cellContent", "F-hasEVComponent",
                     "F-integralMedicalDevice", "F-manufacturingSetting", "Q-28", "Q-29", "Q-30", "Q-32", "Q-34",
                     "Q-40"}


def test_a_test_on_specimens_is_not_asked_what_a_medicine_given_to_people_is_asked():
    for engine in ("compiled", "pyshacl"):
        report = validate_yaml(FIXTURE.read_text(), engine=engine)
        asked = {r.constraint_id for r in report.results}
        assert not asked & FOR_USE_IN_PEOPLE, (engine, asked & FOR_USE_IN_PEOPLE)
        assert report.conforms, [r.message for r in report.results if r.severity == "Violation"]
        assert "release tests" not in report.completeness_by_section, report.completeness_by_section


def test_a_plasma_test_describing_the_vesicles_it_reads_is_not_asked_whether_the_patient_is_genetically_modified():
    """The lung-cancer plasma test describes the vesicles it reads (human plasma, autologous). Whether the person
    they come from carries a transgene decides only the recombinant-DNA, GMO and gene-therapy questions of a product
    given to people; for a test on specimens every question is answered by the device finding, so it is not asked.
    The vesicles are still checked against MISEV."""
    lung = FIXTURE.with_name("short-exotna-egfr-nsclc.yaml").read_text()
    for engine in ("compiled", "pyshacl"):
        asked = {r.constraint_id for r in validate_yaml(lung, engine=engine).results}
        assert "F-geneticallyModified" not in asked, (engine, asked)
        assert {"Q-12", "Q-19"} <= asked, (engine, asked)
    given = validate_yaml(lung.replace("intendedUse: [DiagnosticInVitro]", "intendedUse: [DiagnosticInVitro, Treatment]"))
    modified = [r.message for r in given.results if r.constraint_id == "F-geneticallyModified"]
    # asked of the body fluid in the words for a body fluid, not for producer cells
    assert len(modified) == 1 and "not from cultured cells" in modified[0] and "producer cells" not in modified[0]


def test_a_test_on_specimens_also_given_to_people_is_asked_everything():
    """A second, medical use makes it a product given to people: every check applies, and V-11 names the mix."""
    text = FIXTURE.read_text().replace("intendedUse: [DiagnosticInVitro]", "intendedUse: [DiagnosticInVitro, Treatment]")
    report = validate_yaml(text)
    required = {r.constraint_id for r in report.results if r.severity == "Violation"}
    assert {"Q-37", "F-cellContent", "F-hasEVComponent"} <= required, required
    assert "V-11" in {r.constraint_id for r in report.results}
    assert not report.conforms


def test_a_test_on_specimens_is_still_checked_for_what_it_does_state():
    """Only the questions of a medicine are dropped: a wrong value it does state is still a finding."""
    text = FIXTURE.read_text() + "evRole: SomethingElse\n"
    report = validate_yaml(text)
    assert not report.conforms
    assert any("SomethingElse" in (r.value or "") + r.message for r in report.results), report.results


def validate_yaml(text: str, **options):
    import tempfile

    from evkg.validation.engine import validate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "description.yaml"
        path.write_text(text)
        return validate(load_rdf(path), **options).products[0]


def test_the_text_report_tells_a_conclusion_that_answers_every_question_once(capsys):
    from evkg.cli import main

    main(["check", str(FIXTURE)])
    out = capsys.readouterr().out
    for rule in ("EU-01f", "US-01d", "KR-01f"):
        assert out.count(f"rule {rule}]") == 1, out


def test_a_test_on_specimens_gets_only_the_device_answers_and_hermit_agrees():
    """US-08b also answered 'not a vaccine' for a urine test, which the OWL definition of that category (a
    product with a medical use) does not reach: `evkg reason` reported a disagreement."""
    from evkg.classification.reason import cross_check, labels

    data = load_rdf(FIXTURE)
    settled = {(o.rule, o.category.split("#")[1]) for o in classify(data).outcomes if o.status == "settled"}
    assert settled == {(rule, category) for rule, category, _ in DEVICE.values()}, settled
    result = cross_check(data)
    assert result.consistent and result.disagreements == [], [d.describe(labels()) for d in result.disagreements]


def test_a_test_on_specimens_given_a_route_or_a_dose_is_told_it_reads_as_given_to_people():
    """Declaring in vitro diagnosis alone drops the checks of a product given to people, so a description that
    also says how the product is given to people contradicts itself (V-12) instead of passing unasked."""
    for addition, where in (("routeOfAdministration: [Intravenous]\n", "routeOfAdministration"),
                            ("dose:\n  - value: 2.0e9\n    unit: Particles\n    quantityKind: ParticleNumber\n", "dose")):
        report = validate_yaml(FIXTURE.read_text() + addition)
        found = [r for r in report.results if r.constraint_id == "V-12"]
        assert found and found[0].severity == "Violation" and found[0].path.endswith(where), report.results
        assert "add that use" in found[0].message and not report.conforms
    assert "V-12" not in {r.constraint_id for r in validate_yaml(FIXTURE.read_text()).results}
    both = FIXTURE.read_text().replace("[DiagnosticInVitro]", "[DiagnosticInVitro, DiagnosticInVivo]")
    assert "V-12" not in {r.constraint_id for r in validate_yaml(both + "routeOfAdministration: [Intravenous]\n").results}
