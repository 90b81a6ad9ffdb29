"""What a newcomer meets in the CLI and the web service: aligned reports, plain names instead of IRIs, the
same flags for the same things, and addresses that never echo a client's Host header."""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from cli_session import run, write
from evkg.cli import main
from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))

PREFIXES = """@prefix evkg: <https://w3id.org/evkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
# An EV preparation with an unnamed separation step and a small-EV claim without its size basis.
UNNAMED_PARTS = PREFIXES + """
<https://example.org/knee-ev> a evkg:EVProduct ; rdfs:label "Knee EV" ;
    evkg:hasEVComponent [ a evkg:EVPreparation ; evkg:particleKind evkg:SmallEV ;
                          evkg:separationStep [ a evkg:SeparationStep ] ] .
"""


# --- the text report ------------------------------------------------------------------------------------

def test_severity_and_check_id_stand_in_aligned_columns(capsys):
    code, out, _ = run(capsys, "check", *INVALID[:4])
    heads = [line for line in out.splitlines() if re.match(r"    (VIOLATION|WARNING|INFO)\b", line)]
    assert heads, out
    assert not re.search(r"(VIOLATION|WARNING|INFO)[A-Z]+-", out), "severity glued to the check id"
    for line in heads:
        severity, rest = line[4:13], line[13:]
        assert severity.strip() in ("VIOLATION", "WARNING", "INFO") and rest.startswith("  "), line


def test_batch_summary_counts_notes_like_each_verdict(capsys):
    _, out, _ = run(capsys, "check", *VALID[:2])
    summary = out.strip().splitlines()[-1]
    assert re.search(r"\d+ violation\(s\), \d+ warning\(s\), \d+ note\(s\)", summary), summary


def test_help_explains_every_kind_of_check_id(capsys):
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0
    for prefix in ("Q-", "V-", "F-", "S-", "TERM-", "SRC-"):
        assert f"{prefix}…" in out, prefix
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for prefix in ("Q-", "V-", "F-", "S-", "TERM-", "SRC-"):
        assert f"`{prefix}…`" in readme, prefix


def test_unnamed_nodes_are_named_by_what_they_are_and_whose(capsys, tmp_path):
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.ttl", UNNAMED_PARTS))
    assert "(unnamed node)" not in out
    assert "(on the separation step of Knee EV)" in out
    assert "of Knee EV)" in out


def test_parts_a_form_left_unnamed_are_named_by_kind_and_number_not_by_the_yaml_key(capsys, tmp_path):
    form = ("id: two-preps\ntype: EVProduct\nlabel: Two preps\nhasEVComponent:\n"
            "  - type: EVPreparation\n    particleKind: SmallEV\n  - type: EVPreparation\n    particleKind: SmallEV\n"
            "    hasSource:\n      type: CellCultureSource\n")
    _, out, _ = run(capsys, "check", write(tmp_path, "two.yaml", form))
    assert "hasEVComponent-" not in out
    assert "(on the EV preparation #1 of Two preps)" in out and "(on the EV preparation #2 of Two preps)" in out


def test_messages_name_properties_instead_of_printing_iris(capsys, tmp_path):
    _, out, _ = run(capsys, "check", write(tmp_path, "knee.ttl", UNNAMED_PARTS), "--format", "json")
    messages = [r["message"] for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    leaked = [m for m in messages if re.search(r"(?<![<\w])https://w3id\.org/evkg#", m)]
    assert not leaked, leaked
    assert any("(evkg:sizeCutoffNm)" in m or "evkg:sizeCutoffNm" in m for m in messages)


def test_a_file_without_a_product_is_named_in_the_error(capsys, tmp_path):
    path = write(tmp_path, "labels-only.ttl", PREFIXES + '<https://example.org/x> rdfs:label "no product" .\n')
    code, out, _ = run(capsys, "check", path)
    assert code == 2
    assert f"ERROR: {path}: describes no product" in out
    assert "input: describes no product" not in out


def test_a_rule_that_leaves_a_question_open_names_the_question_and_why(capsys):
    # KR-03: plant vesicles are outside the MFDS guideline's core scope, so the EV-therapy question stays open
    _, out, _ = run(capsys, "check", ROOT / "data" / "products" / "ginger-exo-pcos.ttl")
    korea = out[out.index("South Korea:"):]
    assert "- undecided [" not in korea, korea
    assert re.search(r"\? KR: is it an extracellular vesicle therapy product under the MFDS guideline\? — "
                     r"undecided \[provisional — confirm with the regulator; rule KR-03\]", korea), korea
    assert "asks for additional considerations for plant-cell vesicles" in korea, korea


# --- the same flags everywhere --------------------------------------------------------------------------

def test_format_names_are_accepted_in_both_spellings(capsys, tmp_path):
    source = VALID[0]
    code, out, _ = run(capsys, "check", source, "--format", "turtle")
    code2, out2, _ = run(capsys, "check", source, "-f", "ttl")
    assert code == code2 == 0 and out == out2
    assert "@prefix" in out and "evkg:ClassificationOutcome" in out          # the report as Turtle
    copy = write(tmp_path, "product.data", source.read_text(encoding="utf-8"))
    for name in ("ttl", "turtle", "TTL"):
        code, _, err = run(capsys, "check", copy, "--input-format", name)
        assert code == 0, err


def test_check_can_limit_the_classification_to_a_jurisdiction(capsys):
    _, out, _ = run(capsys, "check", VALID[0], "--jurisdiction", "EU", "--format", "json")
    jurisdictions = {o["jurisdiction"] for f in json.loads(out)["files"] for p in f["products"]
                     for o in p["classifications"]}
    assert "EU" in jurisdictions and not jurisdictions & {"US", "KR"}


def test_explain_has_formats_and_an_output_file(capsys, tmp_path):
    target = tmp_path / "derivation.md"
    code, out, _ = run(capsys, "explain", VALID[0], "-j", "KR", "--format", "markdown", "-o", target)
    text = target.read_text(encoding="utf-8")
    assert code == 0 and out == ""
    assert text.startswith("## ") and "#### South Korea" in text and "Republic of Korea" not in text
    code, out, _ = run(capsys, "explain", VALID[0], "-f", "json")
    answers = json.loads(out)[0]["products"][0]["answers"]
    assert {a["jurisdiction"] for a in answers} >= {"EU", "US", "KR"}


def test_one_name_and_one_labelling_style_per_jurisdiction(capsys):
    _, explained, _ = run(capsys, "explain", VALID[0])
    _, checked, _ = run(capsys, "check", VALID[0])
    for text in (explained, checked):
        assert "South Korea" in text and "Republic of Korea" not in text
    questions = re.findall(r"Q: (.+)", explained)
    assert questions
    for question in questions:
        assert re.match(r"(EU|US|KR|All jurisdictions): [a-z]", question), question


def test_serve_uses_the_same_size_limit_as_check():
    from evkg.cli.group import cli

    check = cli.get_command(None, "check")
    serve = cli.get_command(None, "serve")
    limits = {p.name: p for p in serve.params}
    assert limits["max_bytes"].default is None            # the shared default, EVKG_MAX_BYTES or 50 MB
    assert "50 MB" in limits["max_bytes"].help and "50 MB" in next(p for p in check.params
                                                                   if p.name == "max_bytes").help


# --- the web service ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    with running_server() as url:
        yield url


def test_redirects_and_api_description_use_the_configured_address(served):
    with httpx.Client(base_url=served, timeout=60, follow_redirects=False) as client:
        answer = client.get("/products/", headers={"Host": "attacker.example"})
        assert answer.status_code == 308
        assert answer.headers["location"] == served.rstrip("/") + "/products"
        spec = client.get("/openapi.json", headers={"Host": "attacker.example"}).json()
        assert spec["servers"] == [{"url": served.rstrip("/")}]


def test_pasted_text_is_not_called_a_file(served):
    with httpx.Client(base_url=served, timeout=120) as client:
        page = client.post("/report", data={"text": VALID[0].read_text(encoding="utf-8"), "format": "turtle"})
    assert page.status_code == 200
    assert "Report for the pasted description (Turtle)" in page.text
    assert "submission.ttl" not in page.text


def test_report_page_is_accessible_and_grouped_by_node(served):
    with httpx.Client(base_url=served, timeout=120) as client:
        page = client.post("/report", data={"text": UNNAMED_PARTS, "format": "turtle"}).text
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert "On the separation step</h" in page and "On the product</h" in page
    assert '<span class="check-id">Q-12</span>' in page
    assert "<caption>" in page and 'scope="col"' in page
    assert 'class="legend"' in page and "confirm with the regulator" in page


def test_term_index_and_rule_pages(served):
    with httpx.Client(base_url=served, timeout=60) as client:
        index = client.get("/terms").json()
        rule = client.get("/terms/evsh:EU-11").json()
        medicinal = client.get("/terms/evkg:EU_MedicinalProduct").json()
    titles = [g["title"] for g in index["groups"]]
    assert "Classification rules" in titles and "Classes and categories" in titles
    listed = {t["curie"] for g in index["groups"] for t in g["terms"]}
    assert "evkg:EU_GTMP" in listed and not any(c.startswith("evkg:Premises_") for c in listed)
    assert rule["rule"]["status"] in ("settled", "provisional", "contested")
    assert rule["rule"]["rationale"] and rule["rule"]["needs_facts"]
    assert not any(t["curie"].startswith("evkg:Premises_") for t in medicinal["subclasses"])
    assert any(t["curie"].startswith("evkg:Premises_") for t in medicinal["cross_check_classes"])
    owl_class = next(t for t in medicinal["types"] if t["curie"] == "owl:Class")
    assert owl_class["local"] is False                     # linked to its own IRI, not to a 404 page here


def test_findings_on_a_yaml_description_speak_its_words_not_turtles(capsys):
    """A value name in a finding on a YAML description is written as in YAML (IdentityTest), by the command line
    and by the web service; on the Turtle twin it keeps its prefix (evkg:IdentityTest)."""
    import json as json_module

    from evkg.cli import main as cli_main
    from evkg.web.jobs import check_description

    root = Path(__file__).resolve().parent.parent / "examples" / "valid"

    def q30(path) -> str:
        cli_main(["check", "-q", "--no-classify", "-f", "json", str(path)])
        results = json_module.loads(capsys.readouterr().out)["files"][0]["products"][0]["results"]
        return next(r["message"] for r in results if r["constraint"] == "Q-30")

    yaml_path = root / "e1-ucmsc-sev-neonatal-lung.yaml"
    in_yaml, in_turtle = q30(yaml_path), q30(root / "e1-ucmsc-sev-neonatal-lung.ttl")
    assert "evkg:IdentityTest" in in_turtle
    assert "IdentityTest" in in_yaml and "evkg:" not in in_yaml
    served = check_description(yaml_path.read_bytes(), "yaml", yaml_path.name).files[0].products[0].results
    assert {r.message for r in served if r.constraint_id == "Q-30"} == {in_yaml}


def test_what_an_undecided_answer_asks_for_is_in_the_words_of_a_yaml_description(capsys):
    """The facts an undecided classification question waits for are asked in the words of the YAML form
    (cellContent), in `check`'s report and JSON and in `explain`, as the findings are; the Turtle twin keeps
    its prefix (evkg:cellContent)."""
    import json as json_module

    from evkg.cli import main as cli_main

    root = Path(__file__).resolve().parent.parent / "examples" / "valid"
    yaml_path, turtle_path = root / "e7-platelet-ev-gel-incomplete.yaml", root / "e7-platelet-ev-gel-incomplete.ttl"

    def prompts(path) -> list[str]:
        cli_main(["check", "-q", "-f", "json", str(path)])
        products = json_module.loads(capsys.readouterr().out)["files"][0]["products"]
        return [m["prompt"] for o in products[0]["classifications"] for m in o["missing"]]

    in_yaml, in_turtle = prompts(yaml_path), prompts(turtle_path)
    assert any("(evkg:cellContent)" in p for p in in_turtle)
    assert any("(cellContent)" in p for p in in_yaml) and not any("evkg:" in p for p in in_yaml)
    for command in (["check", "-q", str(yaml_path)], ["check", "-q", "--explain", str(yaml_path)],
                    ["explain", str(yaml_path)]):
        cli_main(command)
        text = capsys.readouterr().out
        assert "(cellContent)" in text and "(evkg:" not in text, command


def test_a_term_in_a_yaml_finding_is_named_once():
    """A term finding on a YAML description names the term once, as a CURIE ("NCBITaxon:624 is not in the
    term index"), not the CURIE beside its IRI compacted into the same CURIE again."""
    from evkg.web.jobs import check_description

    yaml_text = (Path(__file__).resolve().parent / "fixtures" / "products" / "gmma-1790gahb.yaml").read_bytes()
    results = check_description(yaml_text, "yaml", "gmma.yaml").files[0].products[0].results
    message = next(r.message for r in results if r.constraint_id == "TERM-02")
    assert "NCBITaxon:624 is not in the term index" in message and message.count("NCBITaxon:624") == 1, message


def test_a_port_in_use_is_said_at_once_with_how_to_fix_it():
    """A second `evkg serve` on a taken port stops before building anything, says which port and what to do,
    and exits 2 (bad usage), not 3 (internal error) after a start-up that claimed to be ready."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "evkg.cli", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode == 2, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"--port {port + 1}" in done.stderr
    assert "ready at" not in done.stderr and "evkg build" not in done.stderr


def test_port_0_serves_on_the_port_it_announces():
    """--port 0 lets the system choose; the address printed (and used in redirects) is the one that answers."""
    import os
    import subprocess
    import sys
    import time

    from evkg.graph.oxigraph_server import stop_process

    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--port", "0"], stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline, announced = time.monotonic() + 300, None
        while announced is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, "evkg serve stopped before it was ready"
            announced = re.search(r"ready at (http://127\.0\.0\.1:(\d+)/)", line)
        assert announced and announced.group(2) != "0", "no port announced"
        with httpx.Client(base_url=announced.group(1), timeout=60, follow_redirects=False) as client:
            assert client.get("/health").json()["status"] == "ok"
            assert client.get("/products/").headers["location"] == announced.group(1) + "products"
    finally:
        stop_process(process)
        process.stderr.close()


def test_a_term_of_several_words_is_found_without_quotes(capsys):
    """docs/authoring.md searches `bone marrow` as typed; several words are one phrase, quoted or not."""
    code, out, err = run(capsys, "terms", "search", "bone", "marrow", "--for", "producerCellType")
    assert code == 0, err
    assert "CL:0002540" in out
    assert run(capsys, "terms", "search", "bone marrow", "--for", "producerCellType")[1] == out


def _leaf_commands():
    import click

    from evkg.cli.group import COMMANDS, cli

    for name in COMMANDS:
        command = cli.get_command(None, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(None):
                yield f"{name} {sub}", command.get_command(None, sub)
        else:
            yield name, command


@pytest.mark.parametrize("name, command", list(_leaf_commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_help_explains_every_option_and_shows_an_example(name, command, capsys):
    """`evkg COMMAND --help` is where a newcomer looks: every option says what it does, and an example shows
    the command in use."""
    import click

    unexplained = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not p.hidden
                   and p.name != "help" and not (p.help or "").strip()]
    assert not unexplained, f"evkg {name}: options without help: {unexplained}"
    assert main([*name.split(), "--help"]) == 0
    assert re.search(r"Examples?\b.*:", capsys.readouterr().out), f"evkg {name} --help shows no example"


def test_explain_names_an_unlabelled_product_as_check_does(capsys, tmp_path):
    path = write(tmp_path, "unnamed.yaml", "id: knee-ev\ntype: EVProduct\nintendedUse: [Treatment]\n")
    _, checked, _ = run(capsys, "check", path)
    _, explained, _ = run(capsys, "explain", path)
    iri = "https://w3id.org/evkg/data/product/knee-ev"
    assert f"Product: knee-ev  <{iri}>" in checked
    assert f"Product knee-ev  <{iri}>" in explained, explained[:300]


def test_a_missing_extra_is_named_in_a_sentence_that_reads(capsys):
    """"`evkg serve` needs its web packages, which is not installed (jinja2 is missing)" became one clause."""
    from evkg.core.errors import UsageError, import_extra

    with pytest.raises(UsageError) as refused:
        import_extra("evkg_web_package_not_installed", "`evkg serve` needs its web packages", "serve")
    assert str(refused.value).startswith("`evkg serve` needs its web packages; evkg_web_package_not_installed is "
                                         "not installed. Install it with: ")


def test_a_missing_extra_is_installed_with_this_environments_pip_from_the_folder_evkg_came_from():
    """'pip install evkg[serve]' asked PyPI, which has no evkg, and a bare pip may be another environment's:
    the README installs from a clone into .venv."""
    import sys
    from importlib import metadata

    from evkg.core.errors import UsageError, import_extra

    with pytest.raises(UsageError) as refused:
        import_extra("evkg_web_package_not_installed", "`evkg serve` needs its web packages", "serve")
    command = str(refused.value).partition("Install it with: ")[2]
    assert command.startswith(f"{sys.executable} -m pip install ")
    origin = json.loads(metadata.distribution("evkg").read_text("direct_url.json") or "{}")
    assert origin.get("url", "").startswith("file://"), "the test environment installs evkg from its folder"
    folder = origin["url"][len("file://"):]
    assert command.endswith(f"{folder}[serve]'") and "evkg[serve]" not in command


# --- values a rule cannot read ----------------------------------------------------------------------------

# A biologist's first draft: siRNA where the vocabulary says NucleicAcid, and "yes" for a true/false fact.
SIRNA_DRAFT = """id: hek-sirna-liver
type: EVProduct
label: HEK293 EVs loaded with PCSK9 siRNA
cellContent: NoCells
evRole: DeliveryVehicleRole
intendedUse: Treatment
diseaseClaim: yes
hasEVComponent:
  - type: EVPreparation
    evOriginKind: HumanOrigin
    hasSource: {type: CellCultureSource, geneticallyModified: false}
loadedCargo:
  - type: CargoItem
    cargoKind: siRNA
    manufacture: ChemicallySynthesised
"""


def _answers(capsys, path) -> dict:
    _, out, _ = run(capsys, "check", path, "--format", "json")
    product = json.loads(out)["files"][0]["products"][0]
    return {c["question_label"]: c for c in product["classifications"]}


def test_a_value_the_vocabulary_does_not_define_decides_no_answer(capsys, tmp_path):
    answers = _answers(capsys, write(tmp_path, "sirna.yaml", SIRNA_DRAFT))
    gene_therapy = [a for q, a in answers.items() if "gene therapy" in (q or "")]
    assert gene_therapy, sorted(answers)
    for answer in gene_therapy:
        assert answer["status"] == "undecided", answer
        assert "siRNA" in " ".join(m["prompt"] for m in answer["missing"]), answer


def test_a_premise_never_reads_an_unreadable_yes_as_no(capsys, tmp_path):
    answers = _answers(capsys, write(tmp_path, "sirna.yaml", SIRNA_DRAFT))
    premises = [p for a in answers.values() for p in a.get("premises", [])]
    assert premises
    assert not [p for p in premises if "disease claim: no" in str(p) or "siRNA" in str(p)], premises


def test_a_species_the_index_lacks_is_not_matched_to_one_merely_spelled_alike(capsys, tmp_path):
    """`organism: Centella asiatica` (a plant the bundled index does not hold) was answered "Did you mean
    NCBITaxon:520 (Bordetella pertussis)? Write it as `organism: NCBITaxon:520`": a bacterium, for letters
    in common. A name that shares no word with the text is offered only when spelled alike."""
    text = SIRNA_DRAFT.replace("hasSource: {type: CellCultureSource, geneticallyModified: false}",
                               "hasSource: {type: PlantSource, organism: Centella asiatica}")
    _, out, _ = run(capsys, "check", write(tmp_path, "skin.yaml", text), "--format", "json")
    product = json.loads(out)["files"][0]["products"][0]
    [finding] = [r for r in product["results"] if r["constraint"] == "TERM-06"]
    assert "Bordetella" not in finding["message"] and "NCBITaxon:520" not in finding["message"], finding
    assert 'evkg terms search "Centella asiatica" --for organism' in finding["message"], finding


def test_an_unclosed_quote_in_yaml_is_pointed_at_where_it_opens(capsys, tmp_path):
    """An unclosed quote on line 3 of a 4-line file was reported only as "line 5, column 1: found unexpected
    end of stream", a line the file does not have."""
    path = write(tmp_path, "bad.yaml", 'id: x\ntype: EVProduct\nlabel: "unclosed\ncellContent: NoCells\n')
    code, out, _ = run(capsys, "check", path)
    assert code == 2
    assert "line 3, column 8" in out and "quoted text" in out and "never closed" in out and "line 5" not in out, out


def test_input_format_json_is_accepted_as_a_json_file_is(capsys, tmp_path):
    """README: "evkg check my-product.yaml  # YAML, JSON, JSON-LD or Turtle"; a .json file is read, but
    `--input-format json` (for standard input or a file named otherwise) was refused."""
    path = write(tmp_path, "product.txt", json.dumps({"id": "x", "type": "EVProduct", "label": "X"}))
    code, out, err = run(capsys, "check", path, "--input-format", "json", "--no-classify")
    assert code == 1 and "Product: X" in out, (out, err)
    _, help_text, _ = run(capsys, "check", "--help")
    assert "yaml" in help_text.split("Format of the input files", 1)[1].split("-o, --output")[0]


def test_cite_given_a_description_file_says_which_command_reads_files(capsys):
    """A reviewer's `evkg cite product.ttl` was answered "Closest names: evkg:Settled"."""
    code, _, err = run(capsys, "cite", VALID[0])
    assert code == 2
    assert "evkg:Settled" not in err and f"evkg explain {VALID[0]}" in err, err


def test_a_first_build_does_not_speak_of_replacing_a_store(capsys, tmp_path):
    code, _, err = run(capsys, "build", "--store", tmp_path / "new-store")
    assert code == 0
    assert "replacing the previous store" not in err and "putting the new store in place" in err, err


def test_post_check_reads_plain_json_as_evkg_check_reads_a_json_file(served):
    """A script posting a description with `Content-Type: application/json` got 415, though the same JSON as a
    .json upload, or to `evkg check`, is read through the evkg context."""
    import yaml

    described = yaml.safe_load((ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text("utf-8"))
    with httpx.Client(base_url=served, timeout=120) as client:
        answer = client.post("/check", content=json.dumps(described),
                             headers={"Content-Type": "application/json; charset=utf-8"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["files"][0]["conforms"] is True
        spec = client.get("/openapi.json").json()
        assert "application/json" in spec["paths"]["/check"]["post"]["requestBody"]["content"]


def test_new_and_convert_take_the_format_names_check_takes(capsys, tmp_path):
    """`evkg check --input-format turtle` (or json-ld, yml) is accepted, but `evkg new -f turtle` and
    `evkg convert --to json-ld` were refused."""
    for given, canonical in (("turtle", "ttl"), ("json-ld", "jsonld"), ("yml", "yaml"), ("TTL", "ttl")):
        code, out, err = run(capsys, "new", "-k", "msc-ev", "-f", given)
        assert code == 0, err
        assert out == run(capsys, "new", "-k", "msc-ev", "-f", canonical)[1]
        code, converted, err = run(capsys, "convert", VALID[0], "--to", given)
        assert code == 0, err
        assert converted == run(capsys, "convert", VALID[0], "--to", canonical)[1]


def test_a_short_flag_means_one_option_in_every_command():
    """`-j` was --jurisdiction in check and explain but --workers in serve."""
    import click

    meanings: dict[str, set] = {}
    for name, command in _leaf_commands():
        for param in command.params:
            if isinstance(param, click.Option):
                for short in [o for o in param.opts + param.secondary_opts if len(o) == 2]:
                    meanings.setdefault(short, set()).add(next(o for o in param.opts if o.startswith("--")))
    assert {s: m for s, m in meanings.items() if len(m) > 1} == {}


def test_a_search_that_finds_nothing_gives_an_identifier_of_the_ontology_the_key_takes(capsys):
    """`evkg terms search "Centella asiatica" --for organism` said "write it as a CURIE (e.g. MONDO:0005178)",
    a disease, where a species is wanted."""
    code, out, err = run(capsys, "terms", "search", "Centella asiatica", "--for", "organism")
    said = out + err
    assert "MONDO:0005178" not in said and "NCBITaxon:" in said, said
    _, out, err = run(capsys, "terms", "search", "no such disease xyzzy", "--for", "indication")
    assert "MONDO:" in out + err


@pytest.mark.parametrize("word, command", [("template", "new"), ("validate", "check"), ("init", "new"),
                                           ("sparql", "query")])
def test_a_command_named_as_other_tools_name_it_is_shown_the_evkg_command(capsys, word, command):
    """`evkg template` listed all sixteen commands with nothing to say that `evkg new` writes templates."""
    assert main([word]) == 2
    said = capsys.readouterr().err
    assert f"no command '{word}'. `evkg {command}` does that: " in said and f"See: evkg {command} --help." in said


def test_the_intended_use_prompt_tells_a_sample_test_from_an_in_vivo_diagnostic(capsys, tmp_path):
    """A urine test that measures exosomal RNA (ExoDx Prostate) gives nothing to a patient. When the only diagnostic
    value on offer was DiagnosticInVivo, such a test became a medicinal product, a drug and a biological product
    needing a BLA. The template says what each diagnostic value means: a test run on a sample taken from the body is
    DiagnosticInVitro, an in vitro diagnostic medical device (Regulation (EU) 2017/746 Art. 2(2); 21 CFR 809.3(a))."""
    template = tmp_path / "new.yaml"
    code, _, _ = run(capsys, "new", "--kind", "generic", "-o", template)
    assert code == 0
    lines = template.read_text().splitlines()
    end = lines.index("intendedUse:")
    start = max(i for i in range(end) if lines[i].startswith("# intended use"))
    prompt = " ".join(line.lstrip("# ") for line in lines[start:end])
    assert "a test run on a sample taken from the body" in prompt
    assert "in vitro diagnostic medical device" in prompt and "21 CFR 809.3(a)" in prompt
    assert "DiagnosticInVitro means a test run on a sample taken from the body" in prompt
