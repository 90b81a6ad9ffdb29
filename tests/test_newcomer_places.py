"""Where a finding about a missing fact points: the block that lacks it, at the line where that block names
itself, in every report form."""
from __future__ import annotations

import json

from cli_session import run, write

JSON_PRODUCT = """{
  "@context": "https://w3id.org/evkg/context.jsonld",
  "@comment": ["a note on the first lines",
               "and another"],
  "id": "knee-ev",
  "type": "EVProduct",
  "label": "Knee EV",
  "intendedUse": ["Treatment"]
}
"""
YAML_PRODUCT = "# Knee EV, first draft\n\nid: knee-ev\ntype: EVProduct\nlabel: Knee EV\nintendedUse: [Treatment]\n"


def _missing(results: list[dict], key: str) -> dict:
    return next(r for r in results if r["field"] == f"/{key}")


def test_a_fact_missing_from_a_json_product_points_to_its_id_line_not_to_line_1(capsys, tmp_path):
    path = write(tmp_path, "knee.jsonld", JSON_PRODUCT)
    code, out, _ = run(capsys, "check", "-q", "-f", "json", path)
    results = json.loads(out)["files"][0]["products"][0]["results"]
    for key in ("routeOfAdministration", "indication", "cellContent"):
        assert _missing(results, key)["line"] == 5, key
    code, text, _ = run(capsys, "check", path)
    assert "at line 5: routeOfAdministration" in text and "at line 1:" not in text


def test_jsonl_findings_name_their_line_and_key_as_json_does(capsys, tmp_path):
    path = write(tmp_path, "knee.yaml", YAML_PRODUCT)
    code, out, _ = run(capsys, "check", "-q", "-f", "jsonl", path)
    product = json.loads(out.splitlines()[0])["product"]
    route = _missing(product["results"], "routeOfAdministration")
    assert route["line"] == 3
    code, out, _ = run(capsys, "check", "-q", "-f", "json", path)
    assert json.loads(out)["files"][0]["products"][0]["results"] == product["results"]


def test_preparation_facts_written_on_a_product_without_a_preparation_are_named_not_dropped(capsys, tmp_path):
    """particleKind and hasSource written on the product itself were read by no check or rule, and the finding
    about the missing vesicle preparation did not say that they had been written at all."""
    text = ("id: c-ev\ntype: EVProduct\nlabel: C\nintendedUse: Treatment\nparticleKind: SmallEV\n"
            "hasSource:\n  type: CellCultureSource\n  producerCellType: CL:0000134\n")
    code, out, _ = run(capsys, "check", "--format", "json", write(tmp_path, "c.yaml", text))
    assert code == 1
    results = json.loads(out)["files"][0]["products"][0]["results"]
    lacking = next(r for r in results if r["constraint"] == "F-hasEVComponent")
    assert lacking["message"].endswith(" You gave hasSource and particleKind on C itself, where no check or rule "
                                       "reads them: they describe the vesicle preparation, so move them into that "
                                       "node."), lacking["message"]
