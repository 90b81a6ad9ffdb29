"""`evkg check` end to end: exit codes, report formats, and every kind of hostile or malformed input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic

from evkg.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))


def run_cli(*args, capsys):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_examples_exist():
    assert len(VALID) >= 6 and len(INVALID) >= 10


def test_valid_example_conforms_with_exit_0(capsys):
    code, out, _ = run_cli("check", str(VALID[0]), capsys=capsys)
    assert code == 0, out
    assert "conforms" in out and "Classification:" in out


def test_invalid_example_exits_1(capsys):
    code, out, _ = run_cli("check", str(INVALID[0]), "--format", "json", capsys=capsys)
    payload = json.loads(out)
    assert code == 1
    assert payload["summary"]["conforms"] is False


def test_json_contract(capsys):
    code, out, _ = run_cli("check", str(VALID[0]), "--format", "json", capsys=capsys)
    payload = json.loads(out)
    file = payload["files"][0]
    assert {"path", "error", "products"} <= set(file)
    product = file["products"][0]
    assert {"iri", "label", "conforms", "completeness", "results", "classifications"} <= set(product)
    assert 0 <= product["completeness"] <= 100
    for result in product["results"]:
        assert {"severity", "focus", "path", "value", "message", "shape", "source"} <= set(result)
    assert product["classifications"], "a valid example gets a classification"
    for outcome in product["classifications"]:
        assert {"jurisdiction", "category", "category_label", "status", "rule", "sources", "premises",
                "missing"} <= set(outcome)
        if outcome["status"] not in ("undecided", "out-of-scope"):
            assert outcome["sources"], f"outcome without a legal source: {outcome}"
    assert {"EU", "US"} <= {o["jurisdiction"] for o in product["classifications"]}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "ttl"])
def test_every_report_format_renders(fmt, capsys, tmp_path):
    target = tmp_path / f"report.{fmt}"
    code, _, _ = run_cli("check", str(VALID[0]), str(INVALID[0]), "--format", fmt, "-o", str(target),
                         capsys=capsys)
    assert code == 1
    text = target.read_text(encoding="utf-8")
    assert text.strip()
    if fmt == "json":
        assert len(json.loads(text)["files"]) == 2
    if fmt == "ttl":
        graph = Graph().parse(data=text, format="turtle")
        assert len(graph) > 10
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "</html>" in text


def test_report_is_deterministic(capsys):
    first = run_cli("check", str(VALID[0]), "--format", "json", capsys=capsys)[1]
    second = run_cli("check", str(VALID[0]), "--format", "json", capsys=capsys)[1]
    assert first == second


def _hostile_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase the one-paragraph message must contain)."""
    cases = {}

    def write(name, content, phrase, binary=False):
        path = tmp / name
        if binary:
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        cases[name] = (path, phrase)

    write("syntax.ttl", "@prefix evkg: <https://w3id.org/evkg#> .\n<urn:p> a evkg:EVProduct ;\n  evkg:x \"open .\n",
          "line 3")
    write("prefix.ttl", "<urn:p> a undeclared:EVProduct .\n", "line 1, column")
    write("empty.ttl", "", "empty")
    write("blank.ttl", "   \n# only a comment\n", "no RDF statements")
    write("noproduct.ttl", "<urn:a> <urn:b> <urn:c> .\n", "no product")
    write("latin1.ttl", "<urn:a> <urn:b> \"caf\xe9\" .\n".encode("latin-1"), "not UTF-8", binary=True)
    # saved as "Unicode" by Notepad or Excel: the bare "byte 0xff cannot be decoded" did not say what the file is
    write("utf16.yaml", "id: product:x\ntype: EVProduct\n".encode("utf-16"), "is UTF-16 text", binary=True)
    write("remote.jsonld", json.dumps({"@context": "https://example.org/context.jsonld", "@id": "urn:a"}),
          "remote JSON-LD context")
    write("xxe.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
          '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:a">'
          '<rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>', "external XML entity")
    write("broken.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
          "<rdf:Description></rdf:RDF>", "line 3")
    write("bad.nt", "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> nonsense .\n", "line 2")
    write("product.xyz", "<urn:a> <urn:b> <urn:c> .\n", "extension")
    return cases


def test_every_hostile_input_gives_exit_2_and_a_located_message(tmp_path, capsys):
    cases = _hostile_files(tmp_path)
    for name, (path, phrase) in cases.items():
        code, out, err = run_cli("check", str(path), capsys=capsys)
        assert code == 2, f"{name}: exit {code}\n{out}{err}"
        message = out + err
        assert phrase.lower() in message.lower(), f"{name}: {message}"
        assert "Traceback" not in message


def test_missing_file_and_directory(tmp_path, capsys):
    code, out, _ = run_cli("check", str(tmp_path / "nope.ttl"), capsys=capsys)
    assert code == 2 and "no such file" in out
    code, out, _ = run_cli("check", str(tmp_path), capsys=capsys)
    assert code == 2 and f"{tmp_path}: holds no description (no .ttl, " in out and ".yaml or .yml file" in out
    assert "not a file" not in out and "evkg new" in out
    (tmp_path / "notes.json").write_text("{}")
    code, out, _ = run_cli("check", "-q", str(tmp_path), capsys=capsys)
    assert code == 2 and "holds no description" in out and f"name it, e.g. {tmp_path / 'notes.json'}" in out


def test_a_report_path_in_a_folder_that_refuses_new_files_says_so(capsys):
    code, _, err = run_cli("check", "-q", str(VALID[0]), "-o", "/proc/version", capsys=capsys)
    assert code == 2
    assert "cannot write the output to /proc/version: the folder /proc refuses new files" in err
    assert "does not exist" not in err


@pytest.mark.parametrize("text, words", [
    ("@prefix", "line 1, column 8: is not valid Turtle: the text ends in the middle of a statement."),
    ("<https://example.org/a", "line 1, column 23: is not valid Turtle: unterminated URI reference."),
])
def test_turtle_cut_off_mid_statement_is_located_in_words(tmp_path, capsys, text, words):
    """A Turtle text cut off after '@prefix' was reported as 'string index out of range' (Python's words) with
    no line, and one cut off inside an IRI at column 0."""
    path = tmp_path / "cut.ttl"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", "-q", str(path), capsys=capsys)
    assert code == 2 and f"{path}, {words}" in out + err
    assert "index out of range" not in out + err


def test_a_description_on_standard_input_is_read_in_the_form_it_starts_like():
    """Standard input has no file name to say its form: YAML (`id: ...` lines) and JSON (`{`) are read as such,
    anything else as Turtle; each gives the findings and answers of the same description in a file."""
    turtle = VALID[0]
    yaml_text = turtle.with_suffix(".yaml").read_bytes()
    json_text = subprocess.run([sys.executable, "-m", "evkg.cli", "convert", str(turtle), "--to", "jsonld"],
                               capture_output=True, timeout=300, check=True).stdout
    from_file = json.loads(subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--format", "json",
                                           str(turtle)], capture_output=True, timeout=300).stdout)
    expected = [(p["iri"], p["conforms"], sorted(c["category"] for c in p["classifications"]))
                for f in from_file["files"] for p in f["products"]]
    assert len(expected) == 1 and expected[0][2]
    for text in (turtle.read_bytes(), b"# a comment first\n\n" + yaml_text, json_text):
        on_stdin = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--format", "json", "-"],
                                  input=text, capture_output=True, timeout=300)
        report = json.loads(on_stdin.stdout)
        assert [(p["iri"], p["conforms"], sorted(c["category"] for c in p["classifications"]))
                for f in report["files"] for p in f["products"]] == expected, text[:40]


def test_relative_iris_on_standard_input_are_named_at_their_line_or_kept_with_their_lines():
    """Standard input completed <knee-ev> to <urn:knee-ev> and went on, where the web service names such an IRI;
    and a product written <#knee-ev> lost the lines of its findings (the line scan completed it otherwise)."""
    prefix = b"@prefix evkg: <https://w3id.org/evkg#> .\n\n"
    refused = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "-"], capture_output=True,
                             input=prefix + b"<knee-ev> a evkg:EVProduct .\n", timeout=300)
    out = refused.stdout.decode()
    assert refused.returncode == 2 and "line 3, column 1: uses the relative IRI <knee-ev>, which names nothing" in out
    assert "urn:" not in out
    fragment = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--format", "json", "-"],
                              input=prefix + b"<#knee-ev> a evkg:EVProduct ;\n  evkg:productLabel \"Knee EVs\" .\n",
                              capture_output=True, timeout=300)
    products = [p for f in json.loads(fragment.stdout)["files"] for p in f["products"]]
    assert [p["iri"] for p in products] == ["urn:evkg:stdin:#knee-ev"]
    lines = {r["line"] for r in products[0]["results"] if r["focus"] == "urn:evkg:stdin:#knee-ev"}
    assert lines == {3, 4}, lines                # the node's line, and the line of the label a finding is about


def test_text_in_another_format_than_it_is_read_as_gets_a_hint(tmp_path):
    listed_yaml = b"- " + VALID[0].with_suffix(".yaml").read_bytes().replace(b"\n", b"\n  ")   # starts like no form
    on_stdin = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "-"], input=listed_yaml,
                              capture_output=True, timeout=300)
    out = on_stdin.stdout.decode()
    assert on_stdin.returncode == 2 and "is not valid Turtle" in out
    assert "if this is YAML or JSON, add --input-format yaml" in out
    turtle_as_yaml = tmp_path / "product.yaml"
    turtle_as_yaml.write_bytes(VALID[0].read_bytes())
    read_as_yaml = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", str(turtle_as_yaml)],
                                  capture_output=True, timeout=300)
    out = read_as_yaml.stdout.decode()
    assert read_as_yaml.returncode == 2 and "is not valid YAML" in out
    assert "It looks like Turtle (it has @prefix or PREFIX lines), not YAML" in out and "indentation" not in out


def test_size_limit(tmp_path, capsys):
    code, out, _ = run_cli("check", str(VALID[0]), "--max-bytes", "100", capsys=capsys)
    assert code == 2 and "size limit" in out


def test_unknown_report_format_lists_the_choices(capsys):
    code, _, err = run_cli("check", str(VALID[0]), "--format", "pdf", capsys=capsys)
    assert code == 2 and "json" in err and "markdown" in err


def test_batch_one_bad_file_never_hides_the_others(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    code, out, _ = run_cli("check", str(VALID[0]), str(bad), str(INVALID[0]), "--format", "json", capsys=capsys)
    payload = json.loads(out)
    assert code == 2
    verdicts = {Path(f["path"]).name: f for f in payload["files"]}
    assert verdicts[VALID[0].name]["conforms"] is True
    assert verdicts["bad.ttl"]["error"]
    assert verdicts[INVALID[0].name]["conforms"] is False


def test_library_never_modifies_the_callers_graph():
    from evkg.pipeline import check

    graph = Graph().parse(VALID[0])
    before = to_isomorphic(graph)
    check(graph)
    assert to_isomorphic(graph) == before


def test_remote_context_allowed_only_when_asked(tmp_path, capsys):
    # With --allow-remote the loader no longer refuses; the network is closed here, so rdflib then fails
    # to fetch, which must still be a clean exit 2 rather than a traceback.
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "http://127.0.0.1:9/none.jsonld", "@id": "urn:a"}), encoding="utf-8")
    code, out, err = run_cli("check", str(doc), "--allow-remote", capsys=capsys)
    assert code == 2 and "Traceback" not in out + err


def test_console_script_runs_as_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "evkg.cli", "check", str(VALID[0]), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["conforms"] is True


def test_unknown_command_suggests_the_closest(capsys):
    code, _, err = run_cli("chek", capsys=capsys)
    assert code == 2 and "check" in err


def test_a_source_that_cannot_be_resolved_is_a_warning(tmp_path, capsys):
    doc = tmp_path / "cited.ttl"
    doc.write_text(VALID[0].read_text(encoding="utf-8") + """
<https://w3id.org/evkg/data/product/example-e1> <http://purl.org/dc/terms/source>
    <https://doi.org/10.9999/no-such-paper> .
""", encoding="utf-8")
    code, out, _ = run_cli("check", str(doc), "--format", "json", capsys=capsys)
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    unresolved = [r for r in results if r["constraint"] == "SRC-01"]
    assert [r["value"] for r in unresolved] == ["https://doi.org/10.9999/no-such-paper"]
    assert unresolved[0]["severity"] == "Warning"


@pytest.mark.parametrize("suffix, written", [
    (".ttl", '<https://w3id.org/evkg/data/product/example-e1> <http://purl.org/dc/terms/source> '
             '"Smith et al. 2020", "https://ex ample.org/a b" .\n'),
    (".yaml", None),
])
def test_a_source_written_as_text_is_a_warning_that_says_to_give_a_link(tmp_path, capsys, suffix, written):
    """A source in quotes, or a web address with a space (which YAML reads as text), names no paper; it was
    passed over without a word while a link to an unknown paper got SRC-01."""
    doc = tmp_path / f"cited{suffix}"
    if suffix == ".ttl":
        doc.write_text(VALID[0].read_text(encoding="utf-8") + written, encoding="utf-8")
        expected = ["Smith et al. 2020", "https://ex ample.org/a b"]
    else:
        yaml_text = VALID[0].with_suffix(".yaml").read_text(encoding="utf-8")
        assert "source:\n- paper:doi/10.1002/jev2.12404" in yaml_text
        doc.write_text(yaml_text.replace("source:\n- paper:doi/10.1002/jev2.12404",
                                         "source:\n- https://ex ample.org/a b"), encoding="utf-8")
        expected = ["https://ex ample.org/a b"]
    code, out, _ = run_cli("check", str(doc), "--format", "json", capsys=capsys)
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    as_text = [r for r in results if r["constraint"] == "SRC-01"]
    assert sorted(r["value"] for r in as_text) == sorted(expected), as_text
    assert all(r["severity"] == "Warning" and "written as text" in r["message"] and "%20" in r["message"]
               for r in as_text)


def test_a_misspelt_evkg_term_is_named_with_the_closest_declared_ones(tmp_path, capsys):
    doc = tmp_path / "typo.ttl"
    doc.write_text(VALID[0].read_text(encoding="utf-8").replace("evkg:cellContent", "evkg:cellcontent"),
                   encoding="utf-8")
    code, out, _ = run_cli("check", str(doc), "--format", "json", capsys=capsys)
    results = [r for f in json.loads(out)["files"] for p in f["products"] for r in p["results"]]
    unknown = [r for r in results if r["constraint"] == "TERM-01"]
    assert len(unknown) == 1 and unknown[0]["value"] == "https://w3id.org/evkg#cellcontent"
    assert "evkg:cellcontent" in unknown[0]["message"] and "Did you mean evkg:cellContent" in unknown[0]["message"]
    # the fact now counts as missing for the classification, and the report says what to add
    assert any(o["status"] == "undecided" and any(m["property"].endswith("#cellContent") for m in o["missing"])
               for f in json.loads(out)["files"] for p in f["products"] for o in p["classifications"])


def test_explain_in_markdown_is_under_a_heading_in_fenced_blocks(capsys):
    """A Markdown renderer joins indented plain lines into one paragraph: the derivations are code blocks."""
    code, out, err = run_cli("check", str(VALID[0]), str(VALID[1]), "--explain", "-q", "-f", "markdown",
                             capsys=capsys)
    assert code == 0, err
    report, heading, derivations = out.partition("\n## Derivations\n")
    assert heading and "```" not in report
    fences = [line for line in derivations.splitlines() if line.startswith("```")]
    assert fences and len(fences) % 2 == 0 and fences[0::2] == ["```text"] * (len(fences) // 2)
    assert set(fences[1::2]) == {"```"}
    assert len(fences) // 2 == out.count("\nProduct ") >= 2
    for block in derivations.split("```text\n")[1:]:
        body = block.split("\n```\n")[0]
        assert body.startswith("Product ") and "\n    Q: " in body
    assert f"### `{VALID[0]}`" in derivations and f"### `{VALID[1]}`" in derivations


@pytest.mark.parametrize("fmt", ["json", "ttl", "html"])
def test_explain_stays_inside_a_json_turtle_or_html_report(fmt, capsys, tmp_path):
    from html.parser import HTMLParser

    from rdflib.namespace import RDFS

    target = tmp_path / f"report.{fmt}"
    code, _, err = run_cli("check", str(VALID[0]), "--explain", "-q", "-f", fmt, "-o", str(target), capsys=capsys)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        product = json.loads(text)["files"][0]["products"][0]
        assert product["explanation"].startswith("Product ") and "Q: " in product["explanation"]
    elif fmt == "ttl":
        comments = [str(c) for c in Graph().parse(data=text, format="turtle").objects(None, RDFS.comment)]
        assert any("Q: " in c for c in comments), comments
    else:
        class Derivations(HTMLParser):
            def __init__(self):
                super().__init__()
                self.open, self.pre = [], []

            def handle_starttag(self, tag, attrs):
                if tag in ("meta", "br", "hr", "img", "input", "link"):     # void elements close nothing
                    return
                self.open.append(tag)
                if tag == "pre":
                    self.pre.append("")

            def handle_endtag(self, tag):
                assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"

            def handle_data(self, data):
                if self.open and self.open[-1] == "pre":
                    self.pre[-1] += data

        page = Derivations()
        page.feed(text)
        page.close()
        assert page.open == [] and any("Q: " in pre for pre in page.pre), page.pre
        assert text.rstrip().endswith("</html>")


def test_contested_answers_promise_alternatives_only_when_they_have_some(capsys):
    milk = ROOT / "examples" / "valid" / "e5-milk-ev-paclitaxel-oral.ttl"
    gm_vaccine = ROOT / "examples" / "valid" / "e4-omv-vaccine-gm-strain.ttl"
    code, out, err = run_cli("check", str(milk), str(gm_vaccine), capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    for at, line in enumerate(lines):
        if "[contested — alternatives below" in line:
            assert lines[at + 1].strip().startswith("or: "), line
    # US-16 is contested only through the contested combination-product answer of US-15 it rests on
    lead = next(at for at, line in enumerate(lines) if "lead centre CDER [contested; rule US-16]" in line)
    assert lines[lead + 1].strip() == ("contested because: it rests on a contested answer: "
                                       "combination product (US) (US-15)")
    # EU-28 is contested by its own reading: its rationale says why
    gmo = next(at for at, line in enumerate(lines) if "EU GMO assessment question [contested; rule EU-28]" in line)
    assert lines[gmo + 1].strip().startswith("contested because: Genetically modified producer cells")


def test_a_curated_product_id_given_for_a_file_points_to_its_description(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)              # no file called exoflo here
    curated = ROOT / "data" / "products" / "exoflo.ttl"
    for command in ("explain", "check"):
        assert main([command, "exoflo"]) == 2
        out, err = capsys.readouterr()
        assert (f"exoflo: no such file. exoflo is the id of a curated product; its description is the file "
                f"{curated}: give that path instead") in out + err, (command, out, err)
    assert main(["explain", "exofloo"]) == 2
    assert "exofloo: no such file. Check the path and spelling." in capsys.readouterr().err


def test_output_read_only_in_part_stops_the_check_with_141_not_with_a_finding_code():
    """`evkg check … --format jsonl | head -1` ended with 1, the code for 'some finding at the --fail-on level',
    when every product conformed."""
    valid = sorted(str(p) for p in VALID)
    proc = subprocess.Popen([sys.executable, "-m", "evkg.cli", "check", *valid, *valid, "--format", "jsonl"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()             # the reader goes away, as `head -1` does, long before the last product
    code = proc.wait(timeout=300)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert json.loads(first)["file"] == valid[0]
    assert code == 141, (code, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.parametrize("name, text, said", [
    ("trailing.json", '{\n  "id": "knee-ev",\n  "type": "EVProduct",\n  "label": "Knee EVs",\n}\n',
     "trailing.json, line 4, column 22: is not valid JSON: a comma is left after the last entry, before the closing "
     "brace }; JSON allows none there: remove that comma."),
    ("list.jsonld", '{"@context": "https://w3id.org/evkg/context.jsonld", "@id": "x",\n "intendedUse": ["Treatment", ]}',
     "list.jsonld, line 2, column 29: is not valid JSON: a comma is left after the last entry, before the closing "
     "bracket ]; JSON allows none there: remove that comma."),
    ("unquoted.json", '{"id": "knee-ev", label: "Knee EVs"}',
     "unquoted.json, line 1, column 19: is not valid JSON: a field name is not in double quotes"),
    ("pasted.json", '{"id": "knee-ev",\u00a0"label": "Knee EVs"}',
     "pasted.json, line 1, column 18: is not valid JSON: there is a non-breaking space (U+00A0) here, which looks "
     "like a space but is not one to JSON: replace it with an ordinary space."),
    ("missing.json", '{"id": "knee-ev" "label": "Knee EVs"}',
     "missing.json, line 1, column 18: is not valid JSON: a comma is missing between two values"),
])
def test_a_json_slip_is_said_in_words_at_its_place(tmp_path, capsys, name, text, said):
    """A description with a comma before its closing brace was 'not valid JSON (Expecting property name enclosed
    in double quotes)', at the brace: the parser's words, not the writer's."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = " ".join(capsys.readouterr().out.split())
    assert said in err, err
    assert "Expecting" not in err


@pytest.mark.parametrize("label, quote", [("\u201cKnee EVs\u201d", "\u201c"), ('"Knee EVs\u2019', "\u2019")])
def test_a_turtle_text_in_typographic_quotes_is_named_as_such(tmp_path, capsys, label, quote):
    """A label pasted from a word processor, in “…”, was 'objectList expected' (or 'newline found in string
    literal') with the generic hint about missing dots and prefixes."""
    path = tmp_path / "pasted.ttl"
    path.write_text("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix product: <https://w3id.org/evkg/data/product/> .\n"
                    f"product:knee-ev a evkg:EVProduct ;\n    evkg:label {label} ;\n    evkg:intendedUse evkg:Treatment .\n",
                    encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert f"pasted.ttl, line 4, column" in out, out
    assert f"Line 4 holds the typographic quote {quote}, as a word processor writes it; texts are enclosed in " \
           'straight quotes ("Knee EVs"): replace it with "' in out, out


def test_yaml_nested_past_the_readers_own_limit_is_said_as_nesting(tmp_path, capsys):
    """Brackets nested a thousand deep on one line reached the YAML reader's own limit before evkg's: 'exceeded
    maximum nesting depth', with the hint about tabs and colons."""
    path = tmp_path / "deep.yaml"
    path.write_text("id: knee-ev\ntype: EVProduct\nlabel: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "deep.yaml, line 3, column" in out
    assert "its lists and blocks are nested more than 64 levels deep. A description needs only a few levels; " \
           "check the [ and { brackets of this line." in out, out
    assert "tabs" not in out and "exceeded" not in out


def test_a_file_that_cannot_be_opened_says_what_to_do(tmp_path, capsys):
    """'cannot be read (Too many levels of symbolic links).' said what the system met, not what to do."""
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.symlink_to(second)
    second.symlink_to(first)
    assert main(["check", str(first)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "a.ttl: cannot be read (Too many levels of symbolic links). It is a symbolic link that leads round in " \
           "a circle (or through too many links): give the path of the file itself." in out, out


def test_a_non_breaking_space_after_a_colon_is_named_in_yaml(tmp_path, capsys):
    """'intendedUse:' followed by a non-breaking space (pasted from a web page) was told to write 'a colon and a
    space', which is what the line seemed to hold."""
    path = tmp_path / "pasted.yaml"
    path.write_text("id: knee-ev\ntype: EVProduct\nlabel: Knee EVs\nintendedUse:\u00a0Treatment\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "pasted.yaml, line 4, column 13: is not valid YAML: this line holds a non-breaking space (U+00A0), " \
           "which looks like a space but is not one to YAML. Replace it with an ordinary space" in out, out


def test_explain_of_a_file_without_a_product_says_so_as_check_does_and_exits_2(tmp_path, capsys):
    """`evkg explain` said 'No product found: add `a evkg:EVProduct`' (Turtle only, also for YAML) and ended
    with exit code 0, where `evkg check` of the same file ends with 2."""
    path = tmp_path / "notes.yaml"
    path.write_text("id: knee-ev\nlabel: Knee EVs\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    capsys.readouterr()
    assert main(["explain", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "No product found: no node is typed evkg:EVProduct. Type the product node `type: EVProduct` in YAML, " \
           "`a evkg:EVProduct` in Turtle" in out, out
    assert f"error: {path}: describes no product" in err


LARGE_PREFIXES = "@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"


@pytest.mark.parametrize("last_line, said, hint", [
    ('<https://example.org/p> rdfs:label "x" ;\n  dct:source <https://example.org/s> .\n',
     "line 204, column 3: is not valid Turtle: The prefix dct: has not been declared.",
     "Declare the prefix at the top of the file: @prefix dct: <http://purl.org/dc/terms/> ."),
    ('<https://example.org/p> rdfs:label “Knee EVs” .\n', "line 203, column",
     "Line 203 holds the typographic quote “"),
    ('<p> rdfs:label "x" .\n', "line 203, column 1: uses the relative IRI <p>, which names nothing by itself",
     "@base <https://example.org/products/>"),
])
def test_a_large_text_with_a_mistake_at_its_end_is_located_without_a_second_full_read(
        monkeypatch, tmp_path, capsys, last_line, said, hint):
    """rdflib read a refused text again for its located message: 14 s and 640 MB for a typo at the end of 18 MB.
    Past a size Oxigraph's own location is given, with the same words and hints (here the size is lowered)."""
    import io

    import evkg.io.load

    monkeypatch.setattr(evkg.io.load, "REREAD_CHARACTERS", 1_000)
    monkeypatch.setattr(evkg.io.load, "_parse_text", lambda *args, **kwargs: pytest.fail("read again by rdflib"))
    text = LARGE_PREFIXES + "".join(f'<https://example.org/x{i}> rdfs:label "item {i}" .\n' for i in range(199))
    text += "\n" + last_line
    relative = last_line.startswith("<p>")
    if relative:                       # only standard input has no address to complete <p> from
        monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": io.BytesIO(text.encode())})())
    else:
        (tmp_path / "large.ttl").write_text(text, encoding="utf-8")
    assert main(["check", "-q", "-" if relative else str(tmp_path / "large.ttl")]) == 2
    out = capsys.readouterr().out
    assert said in out and hint in out, out
