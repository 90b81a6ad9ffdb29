"""The writing routes of `evkg serve` on a real server: the context, term look-up, templates, conversion and
the check behind the writing page — and hostile YAML/JSON answered with 4xx, never a crash."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from evkg.io.context import CONTEXT_URL, bundled_context
from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung"


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        with httpx.Client(base_url=url, timeout=120) as client:
            yield client


def test_openapi_lists_the_writing_routes(server):
    paths = server.get("/openapi.json").json()["paths"]
    for path in ("/write", "/context.jsonld", "/api/form", "/api/terms", "/api/new", "/api/describe", "/api/convert"):
        assert path in paths, path


def test_the_context_is_served_at_a_stable_path(server):
    answer = server.get("/context.jsonld")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert answer.json() == bundled_context()


def test_yaml_and_jsonld_naming_the_public_context_are_checked_like_turtle(server):
    turtle = server.post("/check", content=E1.with_suffix(".ttl").read_bytes(), headers={"Content-Type": "text/turtle"})
    as_yaml = server.post("/check", content=E1.with_suffix(".yaml").read_bytes(),
                          headers={"Content-Type": "application/yaml"})
    converted = server.post("/api/convert", json={"text": E1.with_suffix(".yaml").read_text(encoding="utf-8"),
                                                   "format": "yaml", "to": "jsonld"}).json()["text"]
    assert json.loads(converted)["@context"] == CONTEXT_URL
    as_jsonld = server.post("/check", content=converted.encode("utf-8"),
                            headers={"Content-Type": "application/ld+json"})

    def verdict(answer):
        assert answer.status_code == 200, answer.text
        product = answer.json()["files"][0]["products"][0]
        return product["conforms"], sorted((r["constraint"], r["focus"]) for r in product["results"]), sorted(
            (c["jurisdiction"], c["category"], c["status"]) for c in product["classifications"])

    assert verdict(turtle) == verdict(as_yaml) == verdict(as_jsonld)


def test_term_lookup_is_filtered_by_the_kind_the_property_needs(server):
    found = server.get("/api/terms", params={"q": "osteoarthritis", "for": "indication"}).json()["terms"]
    assert found[0]["curie"] == "MONDO:0005178" and found[0]["label"] == "osteoarthritis"
    cells = server.get("/api/terms", params={"q": "bone marrow", "for": "producerCellType"}).json()["terms"]
    assert cells and all(t["curie"].startswith("CL:") for t in cells)
    assert server.get("/api/terms", params={"q": "x", "for": "noSuchProperty"}).status_code == 400


def test_templates_and_the_form_model(server):
    made = server.get("/api/new", params={"kind": "msc-ev", "format": "yaml"})
    assert made.status_code == 200 and made.json()["text"].startswith("# evkg description — kind: msc-ev.")
    assert server.get("/api/new", params={"kind": "nonsense"}).status_code == 400
    model = server.get("/api/form").json()
    assert model["groups"] == ["product", "source", "preparation", "cargo", "characterisation", "release tests"]
    assert {s["group"] for s in model["slots"]} == set(model["groups"])
    product = next(s for s in model["slots"] if s["name"] == "product")
    intended = next(f for f in product["fields"] if f["key"] == "intendedUse")
    assert intended["level"] == "required" and {"value": "Treatment", "label": "treatment"} in intended["choices"]


def test_describe_answers_findings_with_fields_and_every_download(server):
    text = "id: knee\ntype: EVProduct\nlabel: Knee EVs\nintendedUse: [Treatment]\n"
    answer = server.post("/api/describe", json={"text": text, "format": "yaml"})
    assert answer.status_code == 200
    data = answer.json()
    fields = {r["field"] for r in data["file"]["products"][0]["results"]}
    assert "/evRole" in fields and "/hasEVComponent" in fields
    assert set(data["description"]) == {"yaml", "ttl", "jsonld"} and set(data["report"]) == {"html", "markdown", "json"}
    assert "evkg:Treatment" in data["description"]["ttl"] and data["tree"]["intendedUse"] == "Treatment"


@pytest.mark.parametrize("text, fmt, words", [
    ("a: &x [1, 2]\nb: [*x, *x]\n", "yaml", "anchor"),
    ("- one\n- two\n", "yaml", "a list of plain values at the top"),
    ("42", "json", "a single value at the top"),
    ("[" * 50_000 + "]" * 50_000, "json", "levels deep"),
    ("".join("  " * i + "k:\n" for i in range(200)), "yaml", "levels deep"),
    ("id: x\ntype: EVProduct\nlabel: [unclosed\n", "yaml", "not valid YAML"),
])
def test_hostile_or_broken_input_gets_a_4xx_with_the_reason(server, text, fmt, words):
    answer = server.post("/api/describe", json={"text": text, "format": fmt})
    assert 400 <= answer.status_code < 500, answer.text
    assert words in answer.json()["message"]
    assert server.get("/health").json()["status"] == "ok"


@pytest.mark.parametrize("body, words", [
    (b'{"text": "id: x\xff", "format": "yaml"}', "the request body is not UTF-8 text (byte 0xff at position 15"),
    (b'{"text": "id: x", "format": "yaml",}', "the request body is not valid JSON: a comma is left after the last "
                                             "entry, before the closing brace }; JSON allows none there: remove "
                                             "that comma (line 1, column 35)"),
    (b'[1, 2]', "the request body is a list in JSON, not an object."),
    (b'{"format": "yaml"}', 'the JSON object has no field "text".'),
    (b'{"text": 5, "format": "yaml"}', 'the JSON object has a number in "text", where the description goes as one '
                                       'text.'),
])
def test_a_request_body_that_is_not_the_object_asked_for_says_what_it_is(server, body, words):
    """Each was 'send a JSON object {"text": …, "format": …}.', whatever was wrong with what was sent."""
    answer = server.post("/api/describe", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    message = answer.json()["message"]
    assert words in message and 'Send a JSON object {"text": the description, "format"' in message, message


def test_empty_and_oversized_requests_are_refused(server):
    assert server.post("/api/describe", json={"text": "  ", "format": "yaml"}).status_code == 400
    assert server.post("/api/describe", content=b"not json").status_code == 400
    limit = server.get("/health").json()["max_bytes"]
    huge = "comment:\n" + "- x\n" * (limit // 4 + 10)
    assert server.post("/api/describe", json={"text": huge, "format": "yaml"}).status_code == 413
    many = "comment:\n" + "- x\n" * 300_000               # under the byte limit, over the value limit
    answer = server.post("/api/describe", json={"text": many, "format": "yaml"})
    assert answer.status_code == 400 and "more than 200,000 values" in answer.json()["message"]


def test_the_check_page_form_takes_yaml_too(server):
    text = E1.with_suffix(".yaml").read_text(encoding="utf-8")
    answer = server.post("/check", data={"text": text, "format": "yaml"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["summary"]["conforms"] is True


@pytest.mark.parametrize("query, words", [
    ("q=cell&limit=-1", "from 1 to 50"), ("q=cell&limit=51", "from 1 to 50"), ("q=cell&limit=x", "from 1 to 50"),
    ("q=cell&for=label", "label takes no ontology terms"), ("q=cell&space=XYZ", "prefix XYZ"),
    # said as 'search with at most 200 characters.': neither what was wrong nor how to search instead
    ("q=" + "cell+" * 60, "the search words (q) are 299 characters long; a term search takes at most 200. Search "
                          "with a few words of the term's name"),
])
def test_term_look_up_refuses_what_it_cannot_honour(server, query, words):
    response = server.get(f"/api/terms?{query}")
    assert response.status_code == 400 and words in response.json()["message"], response.text


@pytest.mark.parametrize("path, words", [
    ("/api/new?kind=msc-ev&kind=loaded-ev", "the parameter kind is given more than once"),
    ("/api/new?kind=msc-ev&format=ttl&format=yaml", "the parameter format is given more than once"),
    ("/api/new?knd=msc-ev", "'knd' is not one this address takes; it takes kind, format"),
    ("/api/terms?q=lung&q=knee", "the parameter q is given more than once"),
    ("/api/terms?q=lung&for=indication&for=producerCellType", "the parameter for is given more than once"),
])
def test_a_parameter_given_twice_or_misspelt_is_refused_not_silently_replaced(server, path, words):
    """?kind=msc-ev&kind=loaded-ev answered with the loaded-ev template, and ?knd= with the generic one."""
    response = server.get(path)
    assert response.status_code == 400 and words in response.json()["message"], response.text


def test_a_profile_given_twice_is_refused(server):
    response = server.post("/check?profile=published&profile=submission", content=b"@prefix x: <http://e.org/> .",
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 400 and "profile is given more than once" in response.json()["message"]


def test_term_look_up_still_takes_several_spaces(server):
    assert server.get("/api/terms?q=lung&space=MONDO&space=UBERON").status_code == 200


def test_a_look_up_that_finds_nothing_says_what_to_do_as_the_command_line_does(server, capsys):
    """A species searched under a disease key, and a disease no bundled index holds: the page's look-up
    gives the same guidance as `evkg terms search`, not a bare empty list."""
    from evkg.cli import main

    for words, key in (("Neisseria meningitidis", "indication"), ("meningococcal disease", "indication")):
        answer = server.get("/api/terms", params={"q": words, "for": key})
        assert answer.status_code == 200 and answer.json()["terms"] == []
        message = answer.json()["message"]
        assert main(["terms", "search", words, "--for", key]) == 1
        printed = capsys.readouterr().out.strip()
        assert message == printed, (message, printed)
    species = server.get("/api/terms", params={"q": "Neisseria meningitidis", "for": "indication"}).json()
    assert "NCBITaxon:487" in species["message"] and "write it under organism" in species["message"]
    disease = server.get("/api/terms", params={"q": "meningococcal disease", "for": "indication"}).json()
    assert "write it as a CURIE" in disease["message"] and "TERM-02" in disease["message"]
    found = server.get("/api/terms", params={"q": "osteoarthritis", "for": "indication"}).json()
    assert "message" not in found


def test_convert_names_the_format_it_does_not_know_and_takes_the_input_names_as_targets(server):
    text = E1.with_suffix(".yaml").read_text(encoding="utf-8")
    as_turtle = server.post("/api/convert", json={"text": text, "format": "yaml", "to": "turtle"})
    assert as_turtle.status_code == 200, as_turtle.text
    assert "evkg:EVProduct" in as_turtle.json()["text"]
    wrong_target = server.post("/api/convert", json={"text": text, "format": "yaml", "to": "docx"})
    assert wrong_target.status_code == 400 and "'docx' to convert to" in wrong_target.text
    wrong_source = server.post("/api/convert", json={"text": text, "format": "rtf", "to": "ttl"})
    assert wrong_source.status_code == 400 and "'rtf' of the description to convert" in wrong_source.text


def test_a_huge_or_odd_format_name_is_refused_without_being_echoed_whole(server):
    text = E1.with_suffix(".yaml").read_text(encoding="utf-8")
    for body in ({"text": text, "format": "yaml", "to": "x" * 500_000}, {"text": text, "format": "y" * 500_000},
                 {"text": text, "format": "yaml", "to": ["ttl"]}, {"text": text, "profile": "p" * 500_000}):
        answer = server.post("/api/describe" if "profile" in body else "/api/convert", json=body)
        assert answer.status_code == 400, answer.text[:300]
        assert len(answer.content) < 2_000


@pytest.mark.parametrize("kind", ["../../examples/valid/e1-ucmsc-sev-neonatal-lung", "elsewhere", "a" * 300],
                         ids=["path-in-the-project", "path-anywhere", "long-name"])
def test_a_kind_is_a_name_never_a_path_to_a_file_of_the_server(server, kind, tmp_path):
    """'../../examples/valid/e1-…' (or the path of any .yaml file) made /api/new read that file of the server's
    disk and send its values back in the template; a long name was a 500 (file name too long)."""
    import os

    from evkg.core import resources

    if kind == "elsewhere":
        (tmp_path / "private.yaml").write_text("label: not-for-the-web-page\n", encoding="utf-8")
        kind = os.path.relpath(tmp_path / "private", resources.folder("ontology") / "kinds")
    answer = server.get("/api/new", params={"kind": kind})
    assert answer.status_code == 400, answer.text[:300]
    message = answer.json()["message"]
    assert "no kind of product" in message and "msc-ev" in message and len(message) < 400
    assert "example-e1" not in answer.text and "not-for-the-web-page" not in answer.text


@pytest.mark.parametrize("path", ["/products/{}", "/whatif?rules={}", "/queries/{}", "/{}", "/api/new?{}=1&{}=2",
                                  "/api/terms?q=lung&{}=1", "/products?format={}", "/ontology?format={}",
                                  "/check?profile={}"])
def test_a_pasted_page_in_an_address_is_quoted_shortened(server, path):
    """/products/ followed by 5,000 characters answered with all 5,000 in the message."""
    response = (server.post(path.replace("{}", "x" * 5000), content=E1.with_suffix(".ttl").read_bytes(),
                            headers={"Content-Type": "text/turtle"}) if path.startswith("/check")
                else server.get(path.replace("{}", "x" * 5000)))
    assert response.status_code in (400, 404) and "..." in response.json()["message"], response.text
    assert "x" * 200 not in response.text


@pytest.mark.parametrize("path", ["/products", "/trials", "/queries", "/terms"])
def test_a_page_format_not_offered_is_refused_not_answered_in_another(server, path):
    """/products?format=csv answered with JSON."""
    response = server.get(path, params={"format": "csv"})
    assert response.status_code == 400
    assert "format=csv is not offered here; use one of json, html" in response.json()["message"]
