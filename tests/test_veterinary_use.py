"""A product meant only for animals is a veterinary medicinal product (Regulation (EU) 2019/6, Article 4(1)), a new
animal drug or veterinary biologic in the US (FD&C Act 201(v); Virus-Serum-Toxin Act) and an animal drug under
Korea's agriculture ministry (Pharmaceutical Affairs Act Art. 85): outside the human medicinal-product law evkg
applies. It is classified out of scope naming that law, and asked only what a non-medical product is asked."""
from __future__ import annotations

from pathlib import Path

import pytest

from descriptions import checked_yaml
from evkg.core.namespaces import EVKG

E1 = (Path(__file__).resolve().parent.parent / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text()
# E1 for horses: the facts only a medicine for people needs are left out, and the vesicles' tetraspanin result
WITHOUT_MEDICINAL_FACTS = (E1.replace("annexI3Indication: false\n", "").replace("manufacturingSetting: "
                                                                               "IndustrialManufacture\n", "")
                           .replace("cellContent: NoCells\n", "").replace("integralMedicalDevice: false\n", ""))


def for_species(*species: str, text: str = E1) -> str:
    return text.replace("routeOfAdministration: Intravenous\n",
                        "routeOfAdministration: Intravenous\ntargetSpecies: [" + ", ".join(species) + "]\n")


checked = checked_yaml


def test_the_example_states_the_facts_the_test_leaves_out():
    for fact in ("annexI3Indication: false", "manufacturingSetting:", "cellContent: NoCells", "integralMedicalDevice"):
        assert fact in E1 and fact not in WITHOUT_MEDICINAL_FACTS
    assert "routeOfAdministration: Intravenous\n" in E1 and "targetSpecies" not in E1


def test_a_product_for_animals_only_is_out_of_scope_naming_the_veterinary_law_of_each_jurisdiction():
    _, result = checked(for_species("NonHumanAnimals"))
    by_jurisdiction = {o.jurisdiction: o for o in result.outcomes}
    assert set(by_jurisdiction) == {"EU", "US", "KR"}
    assert {o.category for o in result.outcomes} == {str(EVKG.OutOfScope)}
    cited = {j: {s["iri"].rpartition("/act/")[2] for s in o.sources} for j, o in by_jurisdiction.items()}
    assert "eu-reg-2019-6/art-4-1" in cited["EU"]
    assert {"us-fdca/201-v", "us-virus-serum-toxin-act"} <= cited["US"]
    assert "kr-pharmaceutical-affairs-act/art-85" in cited["KR"]
    assert all("animals" in o.rationale and "veterinary" in o.rationale.lower() for o in result.outcomes)


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_product_for_animals_is_not_asked_what_only_a_medicine_for_people_needs(engine):
    for_people, _ = checked(WITHOUT_MEDICINAL_FACTS, engine=engine)
    for_animals, _ = checked(for_species("NonHumanAnimals", text=WITHOUT_MEDICINAL_FACTS), engine=engine)
    medicinal = {"F-annexI3Indication", "F-manufacturingSetting", "F-cellContent", "F-integralMedicalDevice"}
    assert medicinal <= {r.constraint_id for r in for_people.results}
    assert not medicinal & {r.constraint_id for r in for_animals.results}
    assert "Q-27" in {r.constraint_id for r in for_animals.results}     # the vesicles are still checked (EV-TRACK)


def test_a_product_for_people_and_animals_is_classified_as_a_medicine_for_people():
    _, both = checked(for_species("HumanPatients", "NonHumanAnimals"))
    _, people = checked(for_species("HumanPatients"))
    _, unstated = checked(E1)
    answers = [sorted((o.jurisdiction, o.category, o.status) for o in r.outcomes) for r in (both, people, unstated)]
    assert answers[0] == answers[1] == answers[2]
    assert str(EVKG.EU_MedicinalProduct) in {o.category for o in both.outcomes}


def test_a_target_species_outside_the_list_is_a_violation_that_names_the_values():
    report, result = checked(for_species("Dogs"))
    found = [r for r in report.results if r.constraint_id == "S-targetSpecies"]
    assert found and "NonHumanAnimals" in found[0].message
    assert str(EVKG.OutOfScope) not in {o.category for o in result.outcomes}   # a value no rule can read


def test_explain_says_why_a_product_for_animals_is_out_of_scope(capsys, tmp_path):
    from cli_session import run

    path = tmp_path / "equine.yaml"
    path.write_text(for_species("NonHumanAnimals"))
    code, out, err = run(capsys, "explain", path)
    assert code == 0, err
    assert out.count("Meant only for animals: a veterinary product") == 3
    assert "only non-medical uses" not in out


def test_the_owl_cross_check_agrees_that_a_product_for_animals_is_out_of_scope(tmp_path):
    # HermiT inferred every human category for the product while the rules concluded none
    from evkg.classification.reason import cross_check
    from evkg.io.load import load_rdf

    for species in (("NonHumanAnimals",), ("HumanPatients", "NonHumanAnimals")):
        path = tmp_path / "equine.yaml"
        path.write_text(for_species(*species))
        result = cross_check(load_rdf(path))
        assert result.agree, [d.describe() for d in result.disagreements][:3]
        owl = set().union(*result.owl_types.values())
        assert (str(EVKG.EU_MedicinalProduct) in owl) == ("HumanPatients" in species)
