"""What a reviewer or analyst reads: the help of each command, the words of a finding on a number or a dose,
and the walk-through's figures, each as the command prints it."""
from __future__ import annotations

import re

import pytest

from cli_session import run, write


def _offered(capsys, command: str) -> list[str]:
    _, text, _ = run(capsys, command, "--help")
    return re.search(r"its extension \(([^)]*)\)", " ".join(text.split())).group(1).split(", ")


def test_every_extension_the_query_output_help_offers_is_written(capsys, tmp_path):
    """`evkg query --help` offered .html and .md, which the command then refused to write."""
    offered = _offered(capsys, "query")
    assert ".html" not in offered and ".md" not in offered and ".csv" in offered
    graph = tmp_path / "graph.rq"            # .ttl and .nt hold the graph a CONSTRUCT gives
    graph.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3\n", encoding="utf-8")
    for suffix in offered:
        query = graph if suffix in (".ttl", ".nt") else "rules-by-status"
        code, _, err = run(capsys, "query", query, "-o", tmp_path / f"rules{suffix}")
        assert code == 0 and (tmp_path / f"rules{suffix}").stat().st_size > 0, (suffix, err)


@pytest.mark.parametrize("command, writes, not_written", [("check", ".html", ".csv"), ("whatif", ".csv", ".html"),
                                                          ("explain", ".md", ".html")])
def test_the_output_help_of_each_command_offers_its_own_formats(command, writes, not_written, capsys):
    offered = _offered(capsys, command)
    assert writes in offered and not_written not in offered


def test_sigterm_stops_the_server_as_ctrl_c_does_and_it_says_so(tmp_path):
    """docs/serve.md: Ctrl+C or SIGTERM ... the server says `evkg serve: stopped.`; on SIGTERM (a service manager,
    `kill PID`) uvicorn raised the signal again after its clean shutdown and the process died of it, silently."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from evkg.graph.oxigraph_server import free_port
    from test_serve_stop import group_members, wait_until_serving

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--port", str(port), "--workers", "1"],
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_serving(server, port, lambda: log.read_text()[-2000:])
        server.send_signal(signal.SIGTERM)                 # to the server alone, as `kill PID` does
        assert server.wait(timeout=60) == 0, log.read_text()[-2000:]
        output = log.read_text()
        assert output.rstrip().endswith("evkg serve: stopped.") and "Traceback" not in output, output[-2000:]
        stopped = time.monotonic() + 10
        while group_members(server.pid) and time.monotonic() < stopped:
            time.sleep(0.1)
        assert group_members(server.pid) == []             # its workers stopped with it
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


DOSES = """id: dose-forms
type: EVProduct
label: Dose forms
dose:
  - type: Measurement
    quantityKind: ParticleNumber
    value: 2 x 10^9
    unit: Particles
  - type: Measurement
    quantityKind: ParticleNumber
    value: 2×10⁹ particles
  - type: Measurement
    quantityKind: ProteinMass
    value: 1.5 mg
  - type: Measurement
    quantityKind: ProteinMass
    value: about 120
hasEVComponent:
  - type: EVPreparation
    measurement:
      - type: Measurement
        quantityKind: ModalDiameter
        value: 120 nm
        method: NanoparticleTrackingAnalysis
"""


def test_a_number_written_with_its_unit_or_as_a_power_of_ten_is_answered_with_what_to_write(capsys, tmp_path):
    """A developer's `value: 120 nm` or `2 x 10^9` was told only "one number without quotes or units"."""
    import json

    path = write(tmp_path, "doses.yaml", DOSES)
    _, out, _ = run(capsys, "check", "-q", "--no-classify", "-f", "json", path)
    said = {r["value"]: r["message"] for r in json.loads(out)["files"][0]["products"][0]["results"]
            if r["constraint"] == "S-measurementValue"}
    assert said["2 x 10^9"].endswith(" Write it as 2.0e9.")
    assert said["2×10⁹ particles"].endswith(" Write the number alone (2.0e9) and the unit on its own (unit Particles).")
    assert said["120 nm"].endswith(" Write the number alone (120) and the unit on its own (unit Nanometre).")
    assert "1.5 mg is 1500 in Microgram (value 1500, unit Microgram)." in said["1.5 mg"]
    assert said["about 120"].endswith("with the unit in unit.")          # nothing is guessed from other words
    turtle = write(tmp_path, "dose.ttl", "@prefix evkg: <https://w3id.org/evkg#> .\n"
                   "<https://w3id.org/evkg/data/product/t> a evkg:EVProduct ; evkg:dose [ a evkg:Measurement ;\n"
                   '  evkg:quantityKind evkg:ParticleNumber ; evkg:value "2e9"^^<http://www.w3.org/2001/XMLSchema#decimal> ;\n'
                   "  evkg:unit evkg:Particles ] .\n")
    _, text, _ = run(capsys, "check", "--no-classify", turtle)
    assert "with the unit in evkg:unit. Write it as 2.0e9.\n      found: 2e9" in text


def test_a_dose_is_named_as_a_dose_not_as_the_measurement_its_preparation_also_has(capsys, tmp_path):
    """Both findings read "(on the measurement #1 of Dose forms)": the dose and the preparation's first
    measurement could not be told apart but by the location line."""
    path = write(tmp_path, "doses.yaml", DOSES)
    _, text, _ = run(capsys, "check", "--no-classify", path)
    assert "measured value (on the dose #1 of Dose forms)\n      at line 7: dose #1 › value" in text
    assert "(on the dose #3 of Dose forms)" in text
    assert "measured value (on the measurement #1 of Dose forms)\n      at line 23: hasEVComponent #1 › measurement #1" \
        in text


def test_the_walk_through_shows_the_completeness_the_untouched_template_gets(capsys, tmp_path):
    """docs/authoring.md step 2 said "product and claims 46 %" where `evkg check` says 47 %."""
    from pathlib import Path

    from evkg.authoring.template import template

    text = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    shown = text.split("$ evkg check knee.yaml\n", 1)[1].split("```", 1)[0]
    lines = [line.strip().rstrip("…").rstrip(", ") for line in shown.splitlines()
             if line.strip().startswith("Completeness by section")]
    assert len(lines) == 1
    path = write(tmp_path, "knee.yaml", template("msc-ev", "yaml"))
    _, out, _ = run(capsys, "check", path)
    assert lines[0] in out


def test_every_fact_a_rule_waits_for_is_asked_for_in_a_sentence(capsys, tmp_path):
    """An anti-tumour product without a mechanism of action was told only "add: State mechanism of action.": the
    facts a rule needs and no prompt asks for got a bare label."""
    from evkg.classification.knowledge import knowledge

    kb = knowledge(())
    needed = {str(fact) for rule in kb.rules for fact in rule.needs_facts}
    assert needed and sorted(needed - set(kb.prompts)) == []
    path = write(tmp_path, "dc.yaml", "id: dc-ev\ntype: EVProduct\nlabel: DC EVs\nintendedUse: [AntiTumourImmunotherapy]\n"
                 "diseaseClaim: true\nevRole: ActiveSubstanceRole\nhasNoLoadedCargo: true\n")
    _, text, _ = run(capsys, "explain", path)
    assert "State mechanism of action" not in text
    assert "Say how the product is claimed to act, e.g. AntigenPresentation" in text


def test_a_wrong_query_parameter_over_http_points_to_the_service_catalogue_not_to_a_command():
    """GET /queries/ev-role?rol=… answered "`evkg queries` lists each query's parameters": a command the web
    client cannot run; a misspelt query name was already pointed to GET /queries."""
    import httpx

    from evkg.web.app import running_server

    with running_server() as url:
        answer = httpx.get(f"{url}/queries/ev-role", params={"rol": "ActiveSubstance"}, timeout=120)
        assert answer.status_code == 400 and answer.json()["error"] == "bad-parameter"
        message = answer.json()["message"]
        assert "has no parameter 'rol'; it accepts: role." in message
        assert "GET /queries lists each query's parameters" in message and "evkg queries" not in message
        answer = httpx.get(f"{url}/queries/ev-rol", timeout=120)
        assert answer.status_code == 404 and "GET /queries lists them" in answer.json()["message"]


TYPO_TURTLE = """@prefix evkg: <https://w3id.org/evkg#> .
@prefix product: <https://w3id.org/evkg/data/product/> .
product:typo a evkg:EVProduct ; evkg:intendedUse evkg:Treatement .
"""


@pytest.mark.parametrize("fmt, shown", [("text", "found: evkg:Treatement\n"), ("markdown", "| evkg:Treatement |"),
                                        ("html", "found: evkg:Treatement</span>")])
def test_a_misspelt_evkg_name_in_turtle_is_quoted_as_written(fmt, shown, capsys, tmp_path):
    """The finding said "Did you mean evkg:Treatment?" and then "found: https://w3id.org/evkg#Treatement"; the
    JSON report keeps the IRI, for programs."""
    import json

    path = write(tmp_path, "typo.ttl", TYPO_TURTLE)
    _, out, _ = run(capsys, "check", "--no-classify", "-f", fmt, path)
    assert shown in out and "https://w3id.org/evkg#Treatement" not in out
    _, out, _ = run(capsys, "check", "--no-classify", "-f", "json", path)
    values = {r["value"] for r in json.loads(out)["files"][0]["products"][0]["results"]}
    assert "https://w3id.org/evkg#Treatement" in values


@pytest.mark.parametrize("kind, conditional", [("msc-ev", True), ("dc-ev", True), ("cosmetic-ev", False)])
def test_a_template_does_not_say_the_product_names_a_non_medical_use_when_its_kind_does_not(kind, conditional):
    """The MSC-EV template told its author "The product names a non-medical use but does not say …" above the
    disease claim; only the cosmetic and food kinds name one."""
    from evkg.authoring.template import template

    text = " ".join(line.lstrip("# ") for line in template(kind, "yaml").split("\ndiseaseClaim:", 1)[0]
                    .rsplit("# disease claim", 1)[1].splitlines())
    assert ("When it applies, evkg check says: The product names a non-medical use" in text) == conditional
    assert "The product names a non-medical use" in text


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_facts_an_undecided_answer_waits_for_read_as_one_list(fmt, capsys, tmp_path):
    """The markdown and HTML tables joined the sentences with '.;' ("… (intendedUse).; add: State …")."""
    path = write(tmp_path, "dc.yaml", "id: dc-ev\ntype: EVProduct\nlabel: DC EVs\nintendedUse: [AntiTumourImmunotherapy]\n"
                 "diseaseClaim: true\nevRole: ActiveSubstanceRole\nhasNoLoadedCargo: true\n")
    _, out, _ = run(capsys, "check", "-f", fmt, path)
    assert "; add: " in out and ".; add:" not in out


def test_a_json_list_of_products_written_with_evkg_keys_is_checked_product_by_product(capsys, tmp_path):
    """A developer's JSON file holding a list of two products was read as JSON-LD without a context: "holds no
    RDF statements", and neither product was checked."""
    import json

    products = [{"id": "first-ev", "type": "EVProduct", "label": "First EV", "intendedUse": ["Treatment"]},
                {"id": "second-ev", "type": "EVProduct", "label": "Second EV", "diseaseClaim": "yes"}]
    path = write(tmp_path, "two.json", json.dumps(products, indent=2))
    _, out, err = run(capsys, "check", "-q", "-f", "json", path)
    file = json.loads(out)["files"][0]
    assert file["error"] is None, err
    assert [p["label"] for p in file["products"]] == ["First EV", "Second EV"]
    second = {r["constraint"]: r for r in file["products"][1]["results"]}
    assert second["S-diseaseClaim"]["value"] == "yes" and second["S-diseaseClaim"]["line"] == 14
    expanded = [{"@id": "https://w3id.org/evkg/data/product/x", "@type": ["https://w3id.org/evkg#EVProduct"]}]
    path = write(tmp_path, "expanded.json", json.dumps(expanded))     # JSON-LD as RDF tools write it: as before
    _, out, _ = run(capsys, "check", "-q", "-f", "json", path)
    assert [p["iri"] for p in json.loads(out)["files"][0]["products"]] == ["https://w3id.org/evkg/data/product/x"]


def test_whatif_says_an_answer_follows_from_a_narrower_category_instead_of_naming_hierarchy(capsys):
    """`evkg whatif` listed "rules HIERARCHY, EU-06": an id no rule of the law has and no page explains;
    `evkg check` says "follows from a narrower category". The CSV keeps the ids, for programs."""
    code, text, _ = run(capsys, "whatif", "--rules", "eu-reform-proposal-2023", "--no-examples")
    assert code == 0 and "HIERARCHY" not in text
    assert "rules EU-06 (also follows from a narrower category)" in text
    _, markdown, _ = run(capsys, "whatif", "--rules", "eu-reform-proposal-2023", "--no-examples", "-f", "markdown")
    assert "HIERARCHY" not in markdown and "narrower category" in markdown
    _, csv, _ = run(capsys, "whatif", "--rules", "eu-reform-proposal-2023", "--no-examples", "-f", "csv")
    assert "HIERARCHY" in csv


def test_a_source_written_as_text_gets_one_finding_that_guesses_no_type(capsys, tmp_path):
    """`hasSource: bone-marrow MSCs` was told to write `hasSource: [{type: BacterialSource, …}]` (the first type
    of the list, and a list for a fact given once), and a second finding (Q-03) quoted the same text."""
    import json

    path = write(tmp_path, "source.yaml", "id: src\ntype: EVProduct\nhasEVComponent:\n  - type: EVPreparation\n"
                 "    hasSource: bone-marrow MSCs from two donors\n")
    _, out, _ = run(capsys, "check", "-q", "--no-classify", "-f", "json", path)
    on_text = [r for r in json.loads(out)["files"][0]["products"][0]["results"]
               if r["value"] == "bone-marrow MSCs from two donors"]
    assert [r["constraint"] for r in on_text] == ["S-blockAsText"]
    assert "Write it as a block: `hasSource: {type: …, …}`" in on_text[0]["message"]
    assert "CellCultureSource" in on_text[0]["message"]


@pytest.mark.parametrize("args, said", [
    (("ev-role", "--param", "role"), "write it like --param role=DeliveryVehicle"),
    (("products-by-category", "-p", "US"), "write it like --param jurisdiction=EU"),
    (("gm-producer-cells", "-p", "x"), "the query gm-producer-cells takes no parameters: run it without --param"),
    (("ev-rol", "-p", "role"), "there is no named query 'ev-rol'. Did you mean: ev-role?")])
def test_a_parameter_without_a_value_is_answered_with_the_querys_own_parameter(args, said, capsys):
    """`evkg query ev-role --param role` was told to write it like `--param jurisdiction=EU`, a parameter ev-role
    does not take."""
    code, _, err = run(capsys, "query", *args)
    assert code == 2 and said in err, err
