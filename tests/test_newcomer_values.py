"""Values a first description gets wrong in the YAML form: each is told at its line, in the words of the form,
with what to write instead; none makes the file unreadable."""
from __future__ import annotations

import json

import pytest

from cli_session import run, write

HEAD = "id: knee-ev\ntype: EVProduct\nlabel: Knee EV\n"


def check_json(capsys, tmp_path, text: str) -> dict:
    code, out, err = run(capsys, "check", "-q", "-f", "json", write(tmp_path, "knee.yaml", text))
    assert code in (0, 1), (code, out, err)
    return json.loads(out)["files"][0]


@pytest.mark.parametrize("line, value", [("organism: 9606", "9606"), ("indication: 5178", "5178"),
                                         ("hasEVComponent: 3", "3"), ("dose: 1e10", "1e+10"),
                                         ("hasEVComponent: true", "true")])
def test_a_number_where_a_term_or_block_belongs_is_a_finding_at_its_line_not_an_unreadable_file(
        capsys, tmp_path, line, value):
    file = check_json(capsys, tmp_path, HEAD + line + "\n")
    assert file["error"] is None
    key = line.partition(":")[0]
    at_key = [r for r in file["products"][0]["results"] if r["field"] == f"/{key}" and r["value"] == value]
    if key in ("organism", "indication"):
        assert at_key and at_key[0]["line"] == 4 and "ontology term" in at_key[0]["message"], file


SIRNA = HEAD + """evRole: DeliveryVehicleRole
intendedUse: Treatment
diseaseClaim: true
hasEVComponent:
  - type: EVPreparation
    evOriginKind: HumanOrigin
    hasSource:
      type: CellCultureSource
      geneticallyModified: true
loadedCargo:
  - type: CargoItem
    cargoKind: NucleicAcid
"""


def test_a_premise_names_an_unnamed_cargo_item_as_the_findings_do_not_by_its_yaml_key(capsys, tmp_path):
    path = write(tmp_path, "sirna.yaml", SIRNA)
    _, text, _ = run(capsys, "check", path)
    _, explained, _ = run(capsys, "explain", path)
    _, as_json, _ = run(capsys, "check", "-f", "json", path)
    premises = [p for c in json.loads(as_json)["files"][0]["products"][0]["classifications"]
                for p in c["premises"]]
    assert "loaded cargo: cargo item #1" in premises
    for out in (text, explained, as_json):
        assert "loadedCargo-1" not in out.replace("/loadedCargo-1", "")
        assert "loaded cargo: cargo item #1" in out
