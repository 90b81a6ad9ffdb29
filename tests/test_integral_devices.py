"""A product with an integral medical device, written in YAML, says which part acts principally (principalAction),
and is classified by it: device law or medicinal-product law in the EU (Regulation (EU) 2017/745, Article 1(8)),
the lead centre of the primary mode of action in the US (21 CFR 3.2(k), 3.2(m), 3.4), a candidate drug or device
in Korea. The statement is a fact about the product's design; stated without a device it is a mistake."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from rdflib import Graph

from descriptions import checked_yaml
from evkg.authoring.model import description_model
from evkg.authoring.template import template
from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG
from evkg.io.load import load_rdf
from evkg.io.write import to_turtle, to_yaml

E1 = (Path(__file__).resolve().parent.parent / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text()


def with_device(principal: str | None = None, device: str = "true", text: str = E1) -> str:
    stated = f"integralMedicalDevice: {device}\n" + (f"principalAction: {principal}\n" if principal else "")
    assert "integralMedicalDevice: false\n" in text
    return text.replace("integralMedicalDevice: false\n", stated)


# E1's MSC small EVs as the coating of a titanium bone implant that gives mechanical support: the vesicles only
# aid osseointegration (no route of administration fits an implant: it is left out)
IMPLANT = with_device("DevicePrincipal").replace("intendedUse:\n- Regenerative\n- Treatment\n",
                                                 "intendedUse:\n- Regenerative\n").replace(
    "routeOfAdministration: Intravenous\n", "")
# the same vesicles in a hydrogel that only holds them on a wound while they act
HYDROGEL = with_device("VesiclesPrincipal").replace("routeOfAdministration: Intravenous\n",
                                                    "routeOfAdministration: TopicalOnWound\n")


def answers(result, question: str) -> set:
    return {(o.category.split("#")[1], o.status, o.rule) for o in result.outcomes if o.question == str(EVKG[question])}


def test_the_implant_text_differs_from_the_example_only_in_the_device_facts():
    assert "intendedUse:\n- Regenerative\n" in IMPLANT and "principalAction: DevicePrincipal\n" in IMPLANT
    assert "routeOfAdministration" not in IMPLANT


def test_a_titanium_implant_coated_with_msc_exosomes_is_classified_as_device_led():
    report, result = checked_yaml(IMPLANT)
    assert report.conforms, [r.message for r in report.results if r.severity == "Violation"]
    assert answers(result, "Q_EU_IntegralDeviceRoute") == {
        ("EU_DeviceWithAncillaryMedicinalSubstance", "contested", "EU-22d")}
    assert answers(result, "Q_US_LeadCenter") == {("US_LeadCenterCDRH", "provisional", "US-16g")}
    # not the BLA and IND of a vesicle product alone: the device lead's route, which FDA sets
    assert answers(result, "Q_US_Application") == {("Undecided", "provisional", "US-17b")}
    assert answers(result, "Q_KR_IntegralDeviceRoute") == {("KR_IntegralProductAsDevice", "provisional", "KR-04b")}


def test_a_hydrogel_whose_vesicles_act_principally_is_classified_as_vesicle_led():
    report, result = checked_yaml(HYDROGEL)
    assert report.conforms
    assert answers(result, "Q_EU_IntegralDeviceRoute") == {("EU_IntegralProductMedicinalRoute", "settled", "EU-22b")}
    assert answers(result, "Q_US_LeadCenter") == {("US_LeadCenterCBER", "provisional", "US-16e")}
    assert {a[0] for a in answers(result, "Q_US_Application")} == {"US_INDRequired", "US_BLARequired"}
    assert answers(result, "Q_KR_IntegralDeviceRoute") == {("KR_IntegralProductAsDrug", "provisional", "KR-04")}


def test_a_device_without_a_stated_principal_action_keeps_both_eu_routes_and_is_asked_for_it():
    report, result = checked_yaml(with_device())
    assert "F-principalAction" in {r.constraint_id for r in report.results}
    assert answers(result, "Q_EU_CombinedATMP") >= {("EU_MedicinalProductDeviceCombination", "settled", "EU-22")}
    assert answers(result, "Q_EU_IntegralDeviceRoute") == {("Undecided", "undecided", None)}
    assert answers(result, "Q_KR_IntegralDeviceRoute") == {("Undecided", "undecided", None)}


@pytest.mark.parametrize("device", ["false", None])
def test_a_principal_action_without_an_integral_device_is_a_violation_saying_how_to_fix_it(device):
    text = with_device("DevicePrincipal", device="false")
    if device is None:
        text = text.replace("integralMedicalDevice: false\n", "")
    report, result = checked_yaml(text)
    [finding] = [r for r in report.results if r.constraint_id == "V-15"]
    assert finding.severity == "Violation" and not report.conforms
    assert "integralMedicalDevice true" in finding.message and "remove evkg:principalAction" in finding.message
    assert not answers(result, "Q_EU_IntegralDeviceRoute") and not answers(result, "Q_KR_IntegralDeviceRoute")


def test_the_template_and_the_form_offer_the_principal_action_with_its_two_values():
    field = next(f for s in description_model().slots.values() for f in s.fields if f.key == "principalAction")
    assert (field.kind, field.level, [c[0] for c in field.choices]) == (
        "choice", "classification", ["VesiclesPrincipal", "DevicePrincipal"])
    text = template("msc-ev")
    assert "\nprincipalAction:\n" in text and "DevicePrincipal" in text


def test_the_principal_action_survives_conversion_to_turtle_and_back():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "implant.yaml"
        path.write_text(IMPLANT)
        graph = load_rdf(path)
    turtle = to_turtle(graph)
    assert "evkg:principalAction evkg:DevicePrincipal" in turtle
    assert "principalAction: DevicePrincipal" in to_yaml(Graph().parse(data=turtle, format="turtle"))


def test_the_json_form_takes_the_principal_action_as_the_yaml_form_does(tmp_path):
    path = tmp_path / "implant.json"
    path.write_text(json.dumps(yaml.safe_load(IMPLANT)))
    result = classify(load_rdf(path))
    assert answers(result, "Q_US_LeadCenter") == {("US_LeadCenterCDRH", "provisional", "US-16g")}
