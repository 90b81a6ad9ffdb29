"""`evkg new`: for every kind and form, the untouched template fails `check` only on the facts left to fill,
each named in plain words, and the three forms list the same facts."""
from __future__ import annotations

import json
import re

import pytest

from evkg.authoring.model import description_model
from evkg.authoring.template import TEMPLATE_FORMATS, kinds, template
from evkg.cli import main

KINDS = sorted(kinds())
SUFFIX = {"yaml": ".yaml", "ttl": ".ttl", "jsonld": ".jsonld"}


def test_the_kinds_named_in_the_docs_exist():
    assert {"msc-ev", "engineered-ev", "omv-vaccine", "plant-ev", "loaded-ev", "generic"} <= set(KINDS)


def _findings(path, capsys) -> tuple[int, list[dict]]:
    code = main(["check", str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["error"] is None, report["files"][0]["error"]
    return code, report["files"][0]["products"][0]["results"]


@pytest.mark.parametrize("kind", KINDS)
def test_untouched_template_lists_exactly_the_facts_left_to_fill(kind, tmp_path, capsys):
    text = template(kind, "yaml")
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    code, results = _findings(path, capsys)
    assert code == 1 and results
    lines = text.splitlines()
    for result in results:
        assert result["constraint"] != "TERM-01", result
        key = result["field"].rstrip("/").rsplit("/", 1)[-1]
        assert re.search(rf"^\s*(# )?(- )?{re.escape(key)}:\s*$", text, re.MULTILINE), \
            f"{kind}: the finding on {result['field']} is not about a key the template leaves to fill"
        assert result["line"] is not None and 1 <= result["line"] <= len(lines)
        assert result["path_label"] and not result["path_label"].startswith(("http", "evkg:")), result
    filled_by_kind = {m.group(1) for m in re.finditer(r"^\s*(?:- )?(\w+): \S.*set for this kind", text, re.MULTILINE)}
    assert not {r["field"].rsplit("/", 1)[-1] for r in results} & filled_by_kind


@pytest.mark.parametrize("kind", ["msc-ev", "loaded-ev", "omv-vaccine"])
def test_the_three_forms_of_a_template_list_the_same_facts(kind, tmp_path, capsys):
    seen = {}
    for fmt in TEMPLATE_FORMATS:
        path = tmp_path / f"{kind}{SUFFIX[fmt]}"
        path.write_text(template(kind, fmt), encoding="utf-8")
        code, results = _findings(path, capsys)
        assert code == 1
        seen[fmt] = sorted((r["severity"], r["constraint"] or "", r["path"] or "", r["focus"]) for r in results)
    assert seen["yaml"] == seen["ttl"] == seen["jsonld"]


def test_new_writes_a_file_and_never_overwrites_one(tmp_path, capsys):
    target = tmp_path / "knee.yaml"
    assert main(["new", "--kind", "msc-ev", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# evkg description — kind: msc-ev.")
    assert main(["new", "--kind", "msc-ev", "-o", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "--kind", "no-such-kind"]) == 2
    assert "msc-ev" in capsys.readouterr().err


def test_new_never_writes_through_a_link_even_one_that_points_nowhere(tmp_path, capsys):
    """A dangling link passed the 'already exists' check and the description was written where it pointed."""
    elsewhere = tmp_path / "elsewhere" / "planted.txt"
    elsewhere.parent.mkdir()
    link = tmp_path / "new.yaml"
    link.symlink_to(elsewhere)
    assert main(["new", "-o", str(link)]) == 2
    err = capsys.readouterr().err
    assert f"{link} already exists (a link to {elsewhere})" in err and "nor writes through a link" in err
    assert not elsewhere.exists()
    assert main(["new", "-o", "/proc/evkg-new.yaml"]) == 2
    assert "the folder /proc refuses new files" in capsys.readouterr().err


def test_the_walk_through_description_conforms(tmp_path, capsys):
    """docs/authoring.md: the facts shown after step 4 make a conforming, classified description."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if b.startswith("id: knee-msc-ev"))
    path = tmp_path / "knee.yaml"
    path.write_text(block, encoding="utf-8")
    code, results = _findings(path, capsys)
    assert code == 0
    assert not [r for r in results if r["severity"] == "Violation"]
    assert main(["check", str(path)]) == 0
    assert "In short: EU medicinal product" in capsys.readouterr().out


def test_the_walk_through_lists_the_kinds_evkg_new_knows(capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    shown = text.split("$ evkg new --list-kinds\n", 1)[1].split("$ ", 1)[0]
    assert main(["new", "--list-kinds"]) == 0
    assert shown == capsys.readouterr().out


def test_the_walk_through_shows_what_checking_the_template_says(tmp_path, capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    shown = text.split("$ evkg check knee.yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "knee.yaml"
    path.write_text(template("msc-ev", "yaml"), encoding="utf-8")
    main(["check", str(path)])
    out = capsys.readouterr().out
    for line in shown.splitlines():
        if line.strip().startswith(("at line", "Verdict", "VIOLATION")):
            assert line.strip() in out, line


@pytest.mark.parametrize("kind, asked", [("msc-ev", True), ("omv-vaccine", False), ("plant-ev", False)])
def test_a_fact_checked_for_some_kinds_of_source_only_is_asked_of_those_only(kind, asked, tmp_path, capsys):
    """The producer cell type is a fact the classification needs of a cell-culture source; the templates of
    bacterial and plant vesicles no longer ask for a Cell Ontology term, and checking them agrees."""
    text = template(kind, "yaml")
    assert bool(re.search(r"^\s*producerCellType:\s*$", text, re.MULTILINE)) == asked
    assert "producerCellType" in text                      # still named, among the keys also possible
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    _, results = _findings(path, capsys)
    assert any(r["constraint"] == "F-producerCellType" for r in results) == asked


def test_the_walk_through_shows_what_the_term_searches_print(capsys):
    """docs/authoring.md step 3: each search, typed as shown, prints the lines shown."""
    import shlex
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    step = text.split("## 3.", 1)[1].split("## 4.", 1)[0]
    shown = re.findall(r"^\$ (evkg terms search .+)\n((?:[^$`].*\n)+)", step, re.MULTILINE)
    assert len(shown) == 2
    for command, lines in shown:
        assert main(shlex.split(command)[1:]) == 0, command
        printed = capsys.readouterr().out.splitlines()
        assert printed[:len(lines.splitlines())] == lines.splitlines(), command


def test_the_walk_through_shows_the_classification_of_the_finished_description(tmp_path, capsys):
    """docs/authoring.md step 5: the verdict and the summary line per jurisdiction are what `evkg check` says."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if b.startswith("id: knee-msc-ev"))
    shown = text.split("## 5.", 1)[1].split("```", 2)[1]
    path = tmp_path / "knee.yaml"
    path.write_text(block, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in shown.splitlines() if line.strip().startswith(("Verdict", "In short"))]
    assert len(lines) == 4
    for line in lines:
        assert line in out, line


def test_the_help_of_kind_points_to_where_the_kinds_are_listed(capsys):
    """It said "see the list below", and no list followed."""
    from evkg.authoring.template import kinds

    assert main(["new", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "see the list below" not in shown and "--list-kinds lists them all" in shown
    for named in ("msc-ev", "loaded-ev", "plant-ev"):
        assert named in kinds() and named in shown


def test_the_yaml_template_names_borrowed_properties_by_their_keys():
    """The YAML template asked for 'a name (rdfs:label)', a Turtle name the form does not use: its key is label."""
    yaml_text = template("msc-ev", "yaml")
    assert "a name (label)" in yaml_text and "rdfs:label" not in yaml_text
    assert re.search(r"^label:", yaml_text, re.MULTILINE)


def test_a_template_says_what_a_fact_is_not_what_a_finding_would_say_of_it():
    """The loaded-ev template said, above an empty key, "The vesicles come from cultured cells but no mycoplasma
    release test is reported" and "The product is declared a non-routine hospital preparation": the message
    of a check that runs only in that case, read as a statement about the writer's product."""
    for kind in KINDS:
        text = " ".join(line.strip("# ").strip() for line in template(kind, "yaml").splitlines())
        for finding in ("The product is declared a non-routine hospital preparation",
                        "The producer cells are genetically modified but the modification is not described",
                        "The dose is given only as a volume"):
            at = text.find(finding)
            assert at < 0 or "When it applies, evkg check says:" in text[max(0, at - 40):at], (kind, finding)
    model_fields = {f.key: f for s in description_model().slots.values() for f in s.fields}
    assert model_fields["hospitalPreparationDetails"].message.startswith(
        "The hospital, Member State and prescription basis of a non-routine hospital preparation.")


def test_a_template_is_the_same_in_every_process(tmp_path):
    """A fact checked by two shapes with different names (genetically modified) took whichever name the set of
    shapes gave first, which changed with Python's hash seed from one process to the next."""
    import os
    import subprocess
    import sys

    written = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"t{seed}.yaml"
        subprocess.run([sys.executable, "-m", "evkg.cli", "new", "--kind", "msc-ev", "-o", str(out)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        written.append(out.read_text(encoding="utf-8"))
    assert written[0] == written[1] == written[2]


def _comment_above(text: str, key: str) -> str:
    """The comment block written just above ``key:`` in a YAML template, as one line."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() in (f"{key}:", f"# {key}:"))
    block = []
    for line in reversed(lines[:at]):
        stripped = line.strip()
        if not stripped.startswith("# ") or re.fullmatch(r"# \w+:", stripped):
            break
        block.insert(0, stripped[2:])
        if re.search(r" — (REQUIRED|needed for the classification|recommended|optional)\b", stripped):
            break                      # the first line of a field's comment: "name — level. ..."
    return " ".join(block)


@pytest.mark.parametrize("key, for_which", [("lengthAminoAcids", "protein or antigen"),
                                            ("nucleicAcidMechanism", "nucleic-acid cargo"),
                                            ("effectIsGenetic", "nucleic acid"),
                                            ("manufacture", "antigen or nucleic-acid cargo")])
def test_a_cargo_fact_asked_for_some_kinds_of_cargo_says_for_which(key, for_which):
    """The loaded-ev template asked every cargo for its length in amino acids, an siRNA too: a fact the
    classification asks of some cargo only is written in the words of the check that asks it."""
    comment = _comment_above(template("loaded-ev", "yaml"), key)
    assert "needed for the classification" in comment and for_which in comment, comment


# The values a writer would give the keys a template leaves empty, for the kinds whose products are no medicine
# (in vitro diagnostic, cosmetic, food supplement); a kind's own values come first.
EXAMPLE_VALUES = {
    "label": "Example product", "annexI3Indication": "false", "cellContent": "NoCells",
    "evRole": "ActiveSubstanceRole", "integralMedicalDevice": "false", "manufacturingSetting": "IndustrialManufacture",
    "roleJustification": "The vesicles themselves are the ingredient; nothing is loaded into them.",
    "therapeuticApproach": "ImmunomodulatoryRegenerativeTherapy", "diseaseClaim": "false", "hasNoLoadedCargo": "true",
    "orphanDesignation": "false", "particleKind": "SmallEV", "sizeCutoffNm": "200",
    "vesicleKind": "NaturallyReleasedEV",
    "evOriginKind": "HumanOrigin", "evSourceMaterial": "PrimaryHumanCells", "detected": "true",
    "markerCategory": "TransmembraneMarker", "method": "NanoparticleTrackingAnalysis", "quantityKind": "ModalDiameter",
    "value": "120", "geneticallyModified": "false", "producerCellType": "CL:0000134",
    "principalAction": "",          # left empty: with no integral device there is no principal action to state
}
KIND_VALUES = {"ivd-test": {"evSourceMaterial": "OtherHumanBodyFluidOrTissue"}, "cosmetic-ev": {},
               "supplement-ev": {}, "removal-device": {}}


def _filled(text: str, values: dict) -> str:
    """The template with every key it leaves empty given its example value."""
    lines = text.splitlines()
    out = []
    for number, line in enumerate(lines):
        match = re.match(r"^(\s*(?:- )?)(\w+):\s*$", line)
        following = next((later for later in lines[number + 1:]
                          if later.strip() and not later.lstrip().startswith("#")), "")
        opens_block = len(following) - len(following.lstrip()) > len(line) - len(line.lstrip())
        if match and not opens_block:
            line = f"{match.group(1)}{match.group(2)}: {values[match.group(2)]}"
        out.append(line)
        if match and match.group(2) == "value":           # a size needs its unit (S-measurementUnit)
            out.append(" " * len(match.group(1)) + "unit: Nanometre")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("kind", sorted(KIND_VALUES))
def test_a_diagnostic_cosmetic_or_supplement_template_filled_with_example_values_has_no_violation(
        kind, tmp_path, capsys):
    assert kind in KINDS
    path = tmp_path / f"{kind}.yaml"
    path.write_text(_filled(template(kind, "yaml"), {**EXAMPLE_VALUES, **KIND_VALUES[kind]}), encoding="utf-8")
    _, results = _findings(path, capsys)
    assert not [(r["constraint"], r["field"], r["message"]) for r in results if r["severity"] == "Violation"]


def test_a_body_fluid_source_in_a_template_is_offered_its_fluid_key_and_not_asked_about_a_transgene():
    # whether the person a specimen comes from carries a transgene decides only questions of a product given to
    # people, which a test on specimens is not (its device finding answers them all)
    text = template("ivd-test", "yaml")
    source = text.split("    hasSource:\n", 1)[1]
    assert not re.search(r"^\s+(# )?geneticallyModified:", source, re.MULTILINE), source
    assert "# genetically modified —" not in source, source
    assert re.search(r"^      # biofluid:$", source, re.MULTILINE)


def _keys_to_fill(text: str) -> set[str]:
    return set(re.findall(r"^(\w+):", text, flags=re.M))


# what the checks do not ask of a product of the kind (shapes marked evkg:onlyForMedicalUse or
# evkg:onlyForUseInPeople), so its template does not offer it to fill
@pytest.mark.parametrize("kind, unasked, asked", [
    ("cosmetic-ev", {"therapeuticApproach", "evRole", "roleJustification", "cellContent", "manufacturingSetting",
                     "integralMedicalDevice", "annexI3Indication", "orphanDesignation", "hasNoLoadedCargo"},
     {"label", "diseaseClaim", "hasEVComponent"}),
    ("supplement-ev", {"therapeuticApproach", "evRole", "cellContent", "manufacturingSetting"},
     {"label", "diseaseClaim", "hasEVComponent"}),
    # nor the facts only the rules of a medicine wait for: the device answer decides every question
    ("ivd-test", {"therapeuticApproach", "evRole", "roleJustification", "cellContent", "manufacturingSetting",
                  "integralMedicalDevice", "annexI3Indication", "routeOfAdministration", "orphanDesignation",
                  "principalAction", "hasNoLoadedCargo"},
     {"label", "hasEVComponent"}),
    # a device taking vesicles out of the blood gives nothing to the patient, as a test on specimens does
    ("removal-device", {"therapeuticApproach", "evRole", "roleJustification", "cellContent", "manufacturingSetting",
                        "integralMedicalDevice", "annexI3Indication", "routeOfAdministration", "hasEVComponent",
                        "orphanDesignation", "principalAction", "hasNoLoadedCargo"},
     {"label"}),
    ("msc-ev", set(), {"cellContent", "manufacturingSetting", "integralMedicalDevice", "annexI3Indication",
                       "roleJustification"}),
])
def test_a_template_does_not_offer_what_the_checks_do_not_ask_of_its_kind(kind, unasked, asked):
    keys = _keys_to_fill(template(kind))
    assert not keys & unasked, keys & unasked
    assert asked <= keys, asked - keys



@pytest.mark.parametrize("kind", ["ivd-test", "removal-device"])
def test_a_template_of_a_product_given_to_no_one_recommends_no_fact_of_a_product_given_to_people(kind):
    """The in vitro diagnostic template recommended a dose, which V-12 then calls a contradiction for a test on
    specimens, and cell, hospital and mechanism facts no rule reads of such a product; the vesicles it measures
    are still described as MISEV asks."""
    text = template(kind)
    offered = set(re.findall(r"^(?:# )?(\w+):\s*$", text, flags=re.M))
    assert not offered & {"dose", "cellsEngineered", "hctpHomologousUse", "hospitalPreparationDetails",
                          "mechanismOfAction"}, offered
    if kind == "ivd-test":
        assert re.search(r"^\s+markerResult:", text, flags=re.M)

def test_the_omv_vaccine_template_leaves_how_the_vesicles_formed_to_the_describer():
    """The kind preset NaturallyReleasedEV, yet the licensed vaccine it names as its example (Bexsero) and MenBvac
    (tests/fixtures/products/menbvac-normandy.yaml) use vesicles extracted with detergent, whose formation their
    descriptions leave open: a describer keeping the preset told MFDS's scope question a fact the source never gave.
    The template now asks for it and says how extracted vesicles differ; the facts that define the kind stay set."""
    text = template("omv-vaccine", "yaml")
    assert re.search(r"^\s*vesicleKind:\s*$", text, re.MULTILINE)
    assert "NaturallyReleasedEV    #" not in text and "detergent" in text
    assert re.search(r"^\s*particleKind: OuterMembraneVesicle\s+# .*set for this kind", text, re.MULTILINE)


def test_a_term_key_names_every_ontology_its_check_accepts(capsys):
    """A loaded protein (srIkB, Cas9) is identified by a UniProt entry, which the cargo-identity check accepts; the
    template said "A CHEBI or SO term" (the id spaces the curated products happen to use) and `evkg terms search
    Cas9 --for cargoIdentity` said to write "CHEBI:<identifier>"."""
    from evkg.authoring.terms import no_match_message

    fields = {f.key: f for slot in description_model().slots.values() for f in slot.fields}
    assert {"CHEBI", "SO", "PR", "uniprot"} <= set(fields["cargoIdentity"].term_spaces)
    assert {"MONDO", "NCIT"} <= set(fields["indication"].term_spaces)
    assert "uniprot:<identifier>" in no_match_message("Cas9", "cargoIdentity")
    text = template("loaded-ev", "yaml")
    assert re.search(r"cargo identity — recommended\. A CHEBI, SO, PR or uniprot term as a CURIE", text), text
