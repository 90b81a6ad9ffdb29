"""Both sides of every numeric line in the classification rules: the 40-amino-acid line of 21 CFR 600.3(h)(6)
(a protein is a chain of more than 40 amino acids), tried at 39, 40, 41 and 50 residues, as an exact length and
as a lower bound, on cargo and on co-formulated substances.

Each rule's conclusion must be the same at 39 and 40 and at 41 and 50, and must change between 40 and 41, in
the direction the regulation gives. The size cut-offs and counts of the validation shapes are inline cases of
tests/test_shapes.py (small-ev-diameter-199/200, large-ev-diameter-200/201, loading efficiency, lengths).
"""
from __future__ import annotations

import pytest

from test_rules_us import PLANT, SMALL_MOLECULE, SYNTHETIC, derived, describe, run

LENGTHS = (39, 40, 41, 50)


def protein(n: int, bound: bool = False) -> dict:
    return {"cargoKind": "evkg:RecombinantProtein", "manufacture": "evkg:Recombinant",
            ("minimumLengthAminoAcids" if bound else "lengthAminoAcids"): str(n)}


def peptide(n: int) -> dict:
    return {"cargoKind": "evkg:Antigen", "manufacture": "evkg:ChemicallySynthesised", "lengthAminoAcids": str(n)}


def extracted(n: int, bound: bool = False) -> dict:
    """A protein taken from plasma or tissue, not recombinant: still a protein above 40 amino acids."""
    return {"cargoKind": "evkg:OtherSubstanceKind", "manufacture": "evkg:ExtractedNatural",
            ("minimumLengthAminoAcids" if bound else "lengthAminoAcids"): str(n)}


def antigen(n: int) -> dict:
    return {"cargoKind": "evkg:Antigen", "manufacture": "evkg:Recombinant", "lengthAminoAcids": str(n)}


# (rule, category, description for a length n, True when the rule concludes above 40 / False when at or below)
LINES = [
    ("US-09", "US_BiologicalProduct", lambda n: dict(evRole="evkg:CombinedRole", cargo=[protein(n)]), True),
    ("US-09", "US_BiologicalProduct", lambda n: dict(evRole="evkg:CombinedRole", cargo=[protein(n, bound=True)]),
     True),
    ("US-09", "US_BiologicalProduct", lambda n: dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole",
                                                     cargo=[SMALL_MOLECULE], coform=[protein(n)]), True),
    ("US-08", "US_Vaccine", lambda n: dict(SYNTHETIC, intendedUse="evkg:InfectiousDiseaseVaccine",
                                           cargo=[antigen(n)]), True),
    ("US-15", "US_CombinationProduct", lambda n: dict(evRole="evkg:DeliveryVehicleRole", cargo=[peptide(n)]), False),
    ("US-15f", "US_CombinationProduct", lambda n: dict(evRole="evkg:CombinedRole", cargo=[peptide(n)]), False),
    ("US-15b", "US_NonBiologicDrug", lambda n: dict(PLANT, evRole="evkg:DeliveryVehicleRole", cargo=[peptide(n)]),
     False),
    ("US-15c", "US_NotCombinationProduct", lambda n: dict(evRole="evkg:CombinedRole", cargo=[protein(n)]), True),
    ("US-15c", "US_NotCombinationProduct", lambda n: dict(coform=[protein(n)]), True),
    ("US-15c", "US_NotCombinationProduct", lambda n: dict(coform=[extracted(n, bound=True)]), True),
    ("US-09", "US_BiologicalProduct", lambda n: dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole",
                                                     cargo=[SMALL_MOLECULE], coform=[extracted(n)]), True),
    ("US-15f", "US_CombinationProduct", lambda n: dict(coform=[peptide(n)]), False),
    ("US-12", "US_NonBiologicDrug", lambda n: dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[extracted(n)]),
     False),
    ("US-12", "US_NonBiologicDrug", lambda n: dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[peptide(n)]),
     False),
    ("EU-06b", "EU_NonBiologicalMedicinalProduct",
     lambda n: dict(SYNTHETIC, evRole="evkg:DeliveryVehicleRole", cargo=[peptide(n)]), False),
    ("EU-06", "EU_NonBiologicalMedicinalProduct",
     lambda n: dict(evRole="evkg:DeliveryVehicleRole", prep_evOriginKind="evkg:AnimalOrigin",
                    prep_evSourceMaterial="evkg:AnimalMaterial", cargo=[peptide(n)]), False),
]


@pytest.mark.parametrize("rule, category, description, above", LINES,
                         ids=[f"{r}-{c}-{i}" for i, (r, c, _, _) in enumerate(LINES)])
def test_the_40_amino_acid_line(rule, category, description, above):
    jurisdiction = rule.split("-")[0]
    fires = {n: derived(run(describe(**description(n)), jurisdictions=(jurisdiction,)), rule, category)
             for n in LENGTHS}
    expected = {n: (n > 40) == above for n in LENGTHS}
    assert fires == expected, f"{rule} {category}: concluded at {fires}, the 40-amino-acid line says {expected}"
