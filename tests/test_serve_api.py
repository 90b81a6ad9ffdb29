"""`evkg serve` over HTTP: a real server in a child process on 127.0.0.1, every endpoint exercised with httpx."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from evkg.core.namespaces import EVKG, EVSH
from evkg.io.load import parse_located
from evkg.pipeline import CheckRun, FileCheck, check
from evkg.report.render import to_dict
from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
# an empty folder must fail, not silently run nothing
NONE_FOUND = [pytest.param(None, id="none-found")]
TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        with httpx.Client(base_url=url, timeout=120) as client:
            yield client


@pytest.fixture(scope="module")
def strict_server():
    """A second server with a tiny time limit and body limit, to see 504 and --max-bytes at work."""
    with running_server("--timeout", "0.001", "--max-bytes", "2000") as url:
        with httpx.Client(base_url=url, timeout=120) as client:
            yield client


def expand(curie: str) -> str:
    for prefix, namespace in (("evkg:", EVKG), ("evsh:", EVSH)):
        if curie.startswith(prefix):
            return str(namespace) + curie[len(prefix):]
    return curie


def valid_example() -> Path:
    assert VALID, "examples/valid holds no example to submit"
    return VALID[0]


def sidecar(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def non_conforming_example() -> Path:
    """An example of examples/invalid whose mistake is a violation (some show only warnings)."""
    found = [p for p in INVALID if sidecar(p)["conforms"] is False]
    assert found, "examples/invalid holds no example that must fail to conform"
    return found[0]


# ------------------------------------------------------------------------------------------- health, API

def test_health_reports_ready_with_limits(server):
    answer = server.get("/health").json()
    assert answer["status"] == "ok"
    assert answer["products"] >= 1
    assert answer["version"] == str(Graph().parse(ROOT / "ontology" / "evkg.ttl").value(
        URIRef("https://w3id.org/evkg"), OWL.versionInfo))
    from evkg.io.load import DEFAULT_MAX_BYTES

    assert answer["max_bytes"] == DEFAULT_MAX_BYTES     # one default for `evkg check` and `evkg serve`
    assert answer["timeout_seconds"] == 30.0


def test_openapi_describes_every_endpoint(server):
    spec = server.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/check", "/products", "/products/{id}", "/queries", "/queries/{name}", "/sparql",
                 "/terms/{curie}", "/evkg/{path}", "/ontology", "/ontology/{file}", "/health", "/trials",
                 "/whatif"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/sparql"]) == {"get", "post"}
    assert "413" in spec["paths"]["/check"]["post"]["responses"]



def test_openapi_lists_every_form_post_check_reads(server):
    """The spec offered Turtle, JSON-LD, RDF/XML and N-Triples only; the service reads YAML (the form `evkg new`
    writes) and the rest too, by Content-Type and in the upload's `format` field."""
    from evkg.web.service import CONTENT_TYPES, FORM_FORMATS

    body = server.get("/openapi.json").json()["paths"]["/check"]["post"]["requestBody"]["content"]
    assert set(CONTENT_TYPES) <= set(body)
    upload = body["multipart/form-data"]["schema"]["properties"]
    assert upload["format"]["enum"] == [value for value, *_ in FORM_FORMATS]
    assert all(suffix in upload["file"]["description"] for *_, suffix in FORM_FORMATS)
    yaml = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_bytes()
    for sent in ({"content": yaml, "headers": {"Content-Type": "application/yaml"}},
                 {"content": yaml, "headers": {"Content-Type": "application/x-yaml"}},      # a 415 before
                 {"content": yaml, "headers": {"Content-Type": "text/x-yaml; charset=utf-8"}},
                 {"files": {"file": ("e1.txt", yaml)}, "data": {"format": "yaml"}}):
        assert server.post("/check", **sent).json()["files"][0]["conforms"] is True

# ------------------------------------------------------------------------------------------- POST /check

@pytest.mark.parametrize("path", VALID or NONE_FOUND, ids=lambda p: p.stem)
def test_valid_example_conforms_and_is_classified(server, path):
    assert path is not None, "examples/valid holds no example to submit"
    raw = path.read_bytes()
    response = server.post("/check", content=raw, headers=TURTLE)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["summary"]["conforms"] is sidecar(path).get("conforms", True)
    products = report["files"][0]["products"]
    assert products and all(p["conforms"] is sidecar(path).get("conforms", True) for p in products)
    published = server.post("/check?profile=published", content=raw, headers=TURTLE).json()
    assert published["summary"]["conforms"] is True and published["summary"]["profile"] == "published"
    jurisdictions = {o["jurisdiction"] for p in products for o in p["classifications"]}
    assert {"EU", "US"} <= jurisdictions


def test_check_gives_the_same_report_as_the_library(server):
    raw = valid_example().read_bytes()
    served = server.post("/check", content=raw, headers=TURTLE).json()
    graph, source_map = parse_located(raw, "turtle", source_name="submission.ttl")
    products, others = check(graph)
    expected = to_dict(CheckRun(files=[FileCheck(path="submission.ttl", products=products, other_results=others,
                                                 source_map=source_map)]))
    assert served == json.loads(json.dumps(expected))


@pytest.mark.parametrize("path", INVALID or NONE_FOUND, ids=lambda p: p.stem)
def test_invalid_example_reports_its_mistake(server, path):
    assert path is not None, "examples/invalid holds no example to submit"
    expected = sidecar(path)
    report = server.post("/check", content=path.read_bytes(), headers=TURTLE).json()
    assert report["summary"]["conforms"] is expected["conforms"]
    results = [r for f in report["files"] for p in f["products"] for r in p["results"]]
    results += [r for f in report["files"] for r in f["other_results"]]
    for wanted in expected["submission"]["results"]:
        assert any(("shape" not in wanted or r["shape"] == expand(wanted["shape"]))
                   and ("severity" not in wanted or r["severity"] == wanted["severity"])
                   and ("path" not in wanted or r["path"] == expand(wanted["path"])) for r in results), wanted


@pytest.mark.parametrize("path", INVALID or NONE_FOUND, ids=lambda p: p.stem)
def test_findings_on_posted_turtle_point_to_the_lines_evkg_check_gives(server, path, capsys):
    from evkg.cli import main

    assert path is not None, "examples/invalid holds no example to submit"
    main(["check", "--format", "json", str(path)])
    on_the_command_line = json.loads(capsys.readouterr().out)
    served = server.post("/check", content=path.read_bytes(), headers=TURTLE).json()

    def lines(report):
        return sorted((r["shape"], r["focus"], r["path"] or "", r["line"] or 0)
                      for f in report["files"] for p in f["products"] for r in p["results"])
    assert [line for *_, line in lines(served) if line], "no finding has a line"
    assert lines(served) == lines(on_the_command_line)


def test_non_conforming_example_gives_conforms_false_with_violations(server):
    report = server.post("/check", content=non_conforming_example().read_bytes(), headers=TURTLE).json()
    assert report["summary"]["conforms"] is False
    assert report["summary"]["violations"] >= 1
    product = report["files"][0]["products"][0]
    assert product["conforms"] is False
    assert all(r["message"] for r in product["results"] if r["severity"] == "Violation")


@pytest.mark.parametrize("rdflib_format,content_type", [("nt", "application/n-triples"),
                                                         ("json-ld", "application/ld+json"),
                                                         ("xml", "application/rdf+xml")])
def test_other_rdf_formats_give_the_same_verdict(server, rdflib_format, content_type):
    graph = Graph().parse(valid_example())
    body = graph.serialize(format=rdflib_format).encode("utf-8")
    report = server.post("/check", content=body, headers={"Content-Type": content_type}).json()
    assert report["summary"]["conforms"] is True
    assert report["summary"]["products"] >= 1


def test_multipart_upload_reads_the_format_from_the_file_name(server):
    path = valid_example()
    response = server.post("/check", files={"file": (path.name, path.read_bytes(), "application/octet-stream")})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["files"][0]["path"] == path.name
    assert report["summary"]["conforms"] is True
    as_jsonld = Graph().parse(path).serialize(format="json-ld").encode("utf-8")
    upload = server.post("/check", files={"file": ("product.jsonld", as_jsonld, "application/octet-stream")})
    assert upload.status_code == 200, upload.text
    assert upload.json()["summary"]["products"] == report["summary"]["products"]
    unknown = server.post("/check", files={"file": ("product.docx", b"PK...", "application/octet-stream")})
    assert unknown.status_code == 415
    assert "field `format`" in unknown.json()["hint"] and "--input-format" not in unknown.json()["hint"]


def test_report_formats_follow_the_accept_header(server):
    raw = valid_example().read_bytes()
    html = server.post("/check", content=raw, headers={**TURTLE, "Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "conforms" in html.text and "<table>" in html.text
    markdown = server.post("/check", content=raw, headers={**TURTLE, "Accept": "text/markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# evkg check report")
    turtle = server.post("/check", content=raw, headers={**TURTLE, "Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    outcomes = set(Graph().parse(data=turtle.text, format="turtle").subjects(None, EVKG.ClassificationOutcome))
    assert outcomes


def test_malformed_turtle_is_400_with_line_and_column(server):
    body = b"@prefix evkg: <https://w3id.org/evkg#> .\n\n<https://example.org/p> a evkg:EVProduct ;\n  evkg:x \"open .\n"
    response = server.post("/check", content=body, headers=TURTLE)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "bad-rdf"
    assert error["line"] is not None and error["line"] >= 3
    assert "line" in error["message"]


def test_a_relative_iri_in_a_sent_description_is_named_at_its_line(server):
    """Was 'Base <urn:evkg:input:> has no slash after colon - with relative 'p'', with no line and with the
    server's own placeholder address in the message."""
    body = b"@prefix evkg: <https://w3id.org/evkg#> .\n\n<knee-ev> a evkg:EVProduct .\n"
    error = server.post("/check", content=body, headers=TURTLE).json()
    assert error["error"] == "bad-rdf" and (error["line"], error["column"]) == (3, 1), error
    assert "uses the relative IRI <knee-ev>, which names nothing by itself" in error["message"]
    assert "@base <https://example.org/products/>" in error["hint"] and "urn:" not in error["message"]


def test_too_large_body_is_413(strict_server):
    body = b"# " + b"x" * 5000 + b"\n"
    response = strict_server.post("/check", content=body, headers=TURTLE)
    assert response.status_code == 413
    assert response.json()["error"] == "too-large"


def test_a_value_longer_than_the_parser_holds_is_400_naming_it(server):
    text = valid_example().read_text(encoding="utf-8").replace('rdfs:label "', 'rdfs:label "' + "Y" * 17_000_000, 1)
    response = server.post("/check", content=text.encode("utf-8"), headers=TURTLE)
    assert response.status_code == 400, response.text[:500]
    assert "longer than 16 MB" in response.json()["message"]


def test_description_without_product_is_422(server):
    body = b"<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"not a product\" .\n"
    response = server.post("/check", content=body, headers={"Content-Type": "application/n-triples"})
    assert response.status_code == 422
    assert response.json()["error"] == "no-product"
    assert "EVProduct" in response.json()["message"]


def test_a_fact_repeated_past_what_the_classification_takes_is_422_naming_the_upload(server):
    from descriptions import product_turtle

    copies = [{"jurisdiction": "<https://w3id.org/evkg/data/jurisdiction/KR>", "determiningBody": "evkg:MFDS",
               "determinedCategory": "evkg:KR_NotEVTherapyProduct", "rdfs:label": f'"decision {i}"'}
              for i in range(1500)]
    body = product_turtle(({"intendedUse": "evkg:Treatment"}, {"evOriginKind": "evkg:HumanOrigin"}, {}),
                          determinations=copies).encode()
    response = server.post("/check", content=body, headers=TURTLE)
    assert response.status_code == 422, response.text[:300]
    answer = response.json()
    assert answer["error"] == "cannot-classify"
    assert "states so many of one fact" in answer["message"] and not answer["message"].startswith("input:")


def test_unknown_content_type_is_415(server):
    response = server.post("/check", content=b"hello", headers={"Content-Type": "application/pdf"})
    assert response.status_code == 415
    error = response.json()
    assert error["error"] == "unsupported-media-type"
    assert "text/turtle" in error["accepted"]


def test_remote_jsonld_context_is_refused_not_fetched(server):
    body = json.dumps({"@context": "https://example.org/context.jsonld", "@id": "https://example.org/p"})
    response = server.post("/check", content=body, headers={"Content-Type": "application/ld+json"})
    assert response.status_code == 400
    assert "remote JSON-LD context" in response.json()["message"]


def test_concurrent_checks_all_succeed_with_the_same_answer(server):
    raw = valid_example().read_bytes()

    def submit(_):
        with httpx.Client(base_url=str(server.base_url), timeout=300) as client:
            return client.post("/check", content=raw, headers=TURTLE)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(submit, range(12)))
    assert [r.status_code for r in responses] == [200] * 12
    first = responses[0].json()
    assert all(r.json() == first for r in responses)
    assert server.get("/health").json()["status"] == "ok"


def test_slow_check_is_504_and_limit_is_configurable(strict_server):
    small = b"@prefix evkg: <https://w3id.org/evkg#> .\n<https://example.org/p> a evkg:EVProduct .\n"
    response = strict_server.post("/check", content=small, headers=TURTLE)
    assert response.status_code == 504
    assert response.json()["error"] == "timeout"
    # what to do, for a check (it said 'a smaller description or a narrower query' for both)
    assert "Check fewer products at a time (split the description)" in response.json()["message"]
    query = strict_server.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert query.status_code == 504 and "Narrow the query (fewer patterns matched at once, a LIMIT)" in \
        query.json()["message"], query.text

    def chunks():  # no Content-Length: the limit must hold on the bytes actually sent
        for _ in range(10):
            yield b"# " + b"x" * 400 + b"\n"

    response = strict_server.post("/check", content=chunks(), headers=TURTLE)
    assert response.status_code == 413
    assert response.json()["max_bytes"] == 2000


# ------------------------------------------------------------------------------------------- products, trials

def test_products_list_with_classification(server):
    products = server.get("/products").json()["products"]
    assert len(products) >= 1
    classified = [p for p in products if p["classification"]["EU"] and p["classification"]["US"]]
    assert classified, "no curated product has an EU and a US category"
    assert all(p["url"] == f"/products/{p['id']}" for p in products)


def test_product_detail_has_classification_evidence_and_sources(server):
    products = server.get("/products").json()["products"]
    detail = server.get(products[0]["url"]).json()
    assert detail["id"] == products[0]["id"]
    assert detail["classifications"]
    sourced = [o for o in detail["classifications"] if o["sources"]]
    assert sourced and all(s["iri"] for o in sourced for s in o["sources"])
    assert isinstance(detail["evidence"], list) and isinstance(detail["trials"], list)
    with_evidence = [server.get(p["url"]).json() for p in products]
    assert any(d["evidence"] for d in with_evidence), "no curated product cites its evidence"


def test_product_description_is_a_checkable_sample(server):
    product_id = server.get("/products").json()["products"][0]["id"]
    turtle = server.get(f"/products/{product_id}/description")
    assert turtle.headers["content-type"].startswith("text/turtle")
    report = server.post("/check", content=turtle.content, headers=TURTLE).json()
    assert report["summary"]["products"] == 1
    assert report["files"][0]["products"][0]["iri"].endswith(product_id)


def test_unknown_product_is_404(server):
    response = server.get("/products/no-such-product")
    assert response.status_code == 404
    assert response.json()["error"] == "unknown-product"


def test_whatif_lists_the_answers_the_reform_proposal_changes(server):
    diff = server.get("/whatif", params={"rules": "eu-reform-proposal-2023"}).json()
    assert diff["declaration"]["law_status"] == "proposal"
    assert {(c["kind"], c["rule_id"]) for c in diff["rule_changes"]} >= {("retired", "EU-11"), ("added", "EU-R02")}
    gtmp = [c for c in diff["changes"] if c["product"].endswith("/iexosomes") and c["question"].endswith("Q_EU_GTMP")]
    assert gtmp and [r["id"] for r in gtmp[0]["before"]["rules"]] == ["EU-11"]
    assert [r["id"] for r in gtmp[0]["after"]["rules"]] == ["EU-R02"]
    page = server.get("/whatif", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "EU-R02" in page.text and "iExosomes" in page.text
    # ?format=html was accepted but answered with JSON
    asked = server.get("/whatif", params={"format": "html"}, headers={"Accept": "application/json"})
    assert asked.headers["content-type"].startswith("text/html") and "iExosomes" in asked.text
    missing = server.get("/whatif", params={"rules": "eu-reform-2099"})
    assert missing.status_code == 404 and "eu-reform-proposal-2023" in missing.json()["message"]


def test_trials_list(server):
    trials = server.get("/trials").json()["trials"]
    assert trials
    assert any(t["registry_id"] and t["registry_id"].startswith("NCT") for t in trials)
    assert all(t["products"] for t in trials)


# ------------------------------------------------------------------------------------------- queries

def test_queries_catalogue_lists_at_least_15(server):
    queries = server.get("/queries").json()["queries"]
    assert len(queries) >= 15
    assert all(q["title"] and q["url"] == f"/queries/{q['name']}" for q in queries)


def test_named_query_in_sparql_json_and_csv(server):
    queries = {q["name"]: q for q in server.get("/queries").json()["queries"]}
    assert "products-by-category" in queries
    answer = server.get("/queries/products-by-category", params={"jurisdiction": "US"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    results = answer.json()
    assert results["head"]["vars"] and results["results"]["bindings"]
    csv = server.get("/queries/products-by-category", params={"jurisdiction": "US"},
                     headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    from evkg.graph.queries import get_query

    titles = get_query("products-by-category").column_title
    assert lines[0].split(",") == [titles(v) for v in results["head"]["vars"]]   # titles for people in CSV
    assert lines[0].split(",")[:2] == ["Product", "Product name"]
    assert len(lines) == len(results["results"]["bindings"]) + 1


def test_named_query_csv_for_a_spreadsheet_writes_formula_cells_as_text(built_store_path, tmp_path):
    """The page's "Download CSV" gave no spreadsheet-safe choice: a label beginning with = in the graph opens as a
    live formula. spreadsheet-safe=true writes such cells with a leading '; without it the CSV stays exact."""
    import csv
    import io
    import shutil

    import pyoxigraph as ox

    from evkg.graph.store import GRAPHS

    store_path = tmp_path / "store"
    shutil.copytree(built_store_path, store_path)
    store = ox.Store(str(store_path))
    subtype, formula = ox.NamedNode("https://example.org/HostileVesicle"), '=HYPERLINK("http://example.org/x","x")'
    ontology = ox.NamedNode(GRAPHS["ontology"])
    store.add(ox.Quad(subtype, ox.NamedNode(str(RDFS.subClassOf)), ox.NamedNode(str(EVKG.Exosome)), ontology))
    store.add(ox.Quad(subtype, ox.NamedNode(str(RDFS.label)), ox.Literal(formula), ontology))
    store.flush()
    del store
    with running_server("--store", str(store_path)) as url, httpx.Client(base_url=url, timeout=120) as client:
        def rows(**extra):
            answer = client.get("/queries/ev-subtypes", params={"type": "Exosome", "format": "csv", **extra})
            assert answer.status_code == 200, answer.text
            return [row for row in csv.reader(io.StringIO(answer.text, newline="")) if row[0] == subtype.value]

        assert rows() == [[subtype.value, formula, str(EVKG.Exosome)]]
        assert rows(**{"spreadsheet-safe": "true"}) == [[subtype.value, "'" + formula, str(EVKG.Exosome)]]
        page = client.get("/queries/ev-subtypes", params={"type": "Exosome"}, headers={"Accept": "text/html"})
        assert "format=csv&amp;spreadsheet-safe=true" in page.text and "CSV for a spreadsheet" in page.text
        for params, said in (({"spreadsheet-safe": "true"}, "this answer is not CSV; add format=csv"),
                             ({"format": "csv", "spreadsheet-safe": "maybe"}, "is not a yes or no")):
            refused = client.get("/queries/ev-subtypes", params={"type": "Exosome", **params})
            assert refused.status_code == 400 and said in refused.json()["message"], refused.text


def test_named_query_errors(server):
    assert server.get("/queries/no-such-query").status_code == 404
    bad = server.get("/queries/products-by-category", params={"jurisdiction": "Atlantis"})
    assert bad.status_code == 400
    assert "jurisdiction" in bad.json()["message"]
    assert server.get("/queries/..%2F..%2Fetc%2Fpasswd.rq").status_code == 404


def test_named_query_parameter_naming_a_missing_product_or_rule_set_is_400(server):
    for path, params, named in (("/queries/evidence-for-product", {"product": "exofl"}, "Closest names: exoflo"),
                                ("/queries/whatif-changes", {"ruleSet": "nonexistent"}, "evkg rules")):
        response = server.get(path, params=params)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "bad-parameter"
        assert "in the knowledge graph" in response.json()["message"] and named in response.json()["message"]
    page = server.get("/queries/evidence-for-product", params={"product": "exofl"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "exoflo" in page.text


def test_named_query_takes_only_declared_parameters_and_existing_things(server):
    """A computed column given as a parameter would fake the table; a missing rule or act would read as 'none'."""
    for path, params, said in (("/queries/classification-matrix", {"EU": "foo"}, "takes no parameters"),
                               ("/queries/ev-role", {"productLabel": "foo"}, "it accepts: role."),
                               ("/queries/literature-rule-sources", {"rule": "EU-99"}, "no rule or shape 'EU-99'"),
                               ("/queries/rules-citing-act", {"act": "nope"}, "no act or provision 'nope'"),
                               ("/queries/ev-subtypes", {"type": "Nope"}, "no class 'Nope'"),
                               ("/queries/literature-first-reports", {"paper": "10.9999/nope"},
                                "no paper '10.9999/nope'")):
        response = server.get(path, params=params)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"] == "bad-parameter" and said in response.json()["message"]
        assert "foo" not in response.text.replace("'foo'", "").replace("=foo", "")
    assert server.get("/queries/ev-role", params={"role": "ActiveSubstance"}).status_code == 200


def test_sparql_empty_or_unbalanced_query_says_so(server):
    for text, said in (("# only a comment\n", "is empty"), ("SELECT * WHERE { ?s ?p ?o LIMIT 1", "is never closed"),
                       ("SELECT * WHERE { ?s ?p ?o }}", "closes nothing")):
        response = server.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 400, response.text
        assert said in response.json()["message"] and "OPTIONAL" not in response.json()["message"]


# ------------------------------------------------------------------------------------------- SPARQL

SELECT_PRODUCTS = ("PREFIX evkg: <https://w3id.org/evkg#> SELECT ?p WHERE { ?p a evkg:EVProduct }")


def test_sparql_select_by_get_and_post(server):
    by_get = server.get("/sparql", params={"query": SELECT_PRODUCTS})
    assert by_get.status_code == 200
    rows = by_get.json()["results"]["bindings"]
    assert len(rows) == server.get("/health").json()["products"]
    by_post = server.post("/sparql", content=SELECT_PRODUCTS, headers={"Content-Type": "application/sparql-query"})
    assert by_post.json() == by_get.json()
    by_form = server.post("/sparql", data={"query": SELECT_PRODUCTS}, headers={"Accept": "text/csv"})
    assert by_form.headers["content-type"].startswith("text/csv")
    assert len(by_form.text.strip().splitlines()) == len(rows) + 1


def test_sparql_head_answers_as_get_without_the_body(server):
    """HEAD /sparql?query=… was read as a POST without a Content-Type: 415 'send the query as
    application/sparql-query', for a request that is a GET without its body."""
    by_get = server.get("/sparql", params={"query": SELECT_PRODUCTS})
    head = server.head("/sparql", params={"query": SELECT_PRODUCTS})
    assert head.status_code == 200 and head.content == b"", head.headers
    assert head.headers["content-type"] == by_get.headers["content-type"]
    assert server.head("/sparql", headers={"Accept": "text/html"}).status_code == 200      # the empty query page


def test_sparql_construct_gives_a_graph(server):
    query = "CONSTRUCT { ?p a <https://w3id.org/evkg#EVProduct> } WHERE { ?p a <https://w3id.org/evkg#EVProduct> }"
    answer = server.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert answer.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=answer.text, format="turtle")) == server.get("/health").json()["products"]


CONSTRUCT_PRODUCTS = ("PREFIX evkg: <https://w3id.org/evkg#> CONSTRUCT { ?p a evkg:EVProduct } WHERE "
                      "{ ?p a evkg:EVProduct }")


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("xml", "application/sparql-results+xml"),
                                        ("json", "application/sparql-results+json"), ("html", "text/html")])
def test_sparql_format_parameter_chooses_the_answer(server, fmt, media):
    """format=csv, tsv, xml and even html were answered in SPARQL JSON."""
    answer = server.get("/sparql", params={"query": SELECT_PRODUCTS, "format": fmt})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), answer.text[:300]


@pytest.mark.parametrize("fmt, media", [("ttl", "text/turtle"), ("nt", "application/n-triples")])
def test_sparql_construct_in_the_graph_format_asked(server, fmt, media):
    answer = server.get("/sparql", params={"query": CONSTRUCT_PRODUCTS, "format": fmt})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), answer.text[:300]
    graph = Graph().parse(data=answer.text, format="turtle" if fmt == "ttl" else "nt")
    assert len(graph) == server.get("/health").json()["products"]


@pytest.mark.parametrize("query, fmt, words", [
    (CONSTRUCT_PRODUCTS, "json", "is a CONSTRUCT query: its answer is a graph (RDF triples), not a table of results"),
    (CONSTRUCT_PRODUCTS, "csv", "Ask for format=ttl (Turtle) or format=nt (N-Triples)"),
    (SELECT_PRODUCTS, "ttl", "is a SELECT query: its answer is a table of results, not a graph"),
    (SELECT_PRODUCTS, "rdf", "format=rdf is not offered here; use json, csv, tsv or xml for a SELECT or ASK"),
])
def test_sparql_format_the_query_cannot_be_written_in_is_refused_in_words(server, query, fmt, words):
    """A CONSTRUCT asked for as format=json or csv was answered in Turtle, unsaid but in its header."""
    answer = server.get("/sparql", params={"query": query, "format": fmt})
    assert answer.status_code == 400 and answer.json()["error"] == "bad-format", answer.text[:300]
    assert words in answer.json()["message"], answer.json()["message"]


def test_sparql_updates_are_refused(server):
    insert = "INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }"
    for response in (
        server.get("/sparql", params={"update": insert}),
        server.post("/sparql", data={"update": insert}),
        server.post("/sparql", content=insert, headers={"Content-Type": "application/sparql-update"}),
        server.post("/sparql", content=insert, headers={"Content-Type": "application/sparql-query"}),
        server.get("/sparql", params={"query": "DROP ALL"}),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "update-refused"
    check = server.get("/sparql", params={"query": "ASK { <https://example.org/a> ?p ?o }"}).json()
    assert check["boolean"] is False


def test_sparql_service_and_bad_syntax(server):
    service = server.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"})
    assert service.status_code == 403
    assert service.json()["error"] == "remote-refused"
    bad = server.get("/sparql", params={"query": "SELECT ?s WHERE {\n ?s ?p ?o ]\n}"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "bad-query"
    assert isinstance(bad.json()["line"], int) and f"line {bad.json()['line']}" in bad.json()["message"]
    assert server.get("/sparql").status_code == 400


def test_sparql_malformed_text_is_400_with_line_and_column_not_an_update(server):
    for text, line, column in (("SELEC * WHERE {?s ?p ?o}", 1, 1), ("foo", 1, 1),
                               ("PREFIX x: <y> SELEKT * {}", 1, 15)):
        for response in (server.get("/sparql", params={"query": text}),
                         server.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})):
            assert response.status_code == 400, response.text
            answer = response.json()
            assert answer["error"] == "bad-query"
            assert (answer["line"], answer["column"]) == (line, column)
            assert "update" not in answer["message"]


# ------------------------------------------------------------------------------------------- terms, 404

def test_term_page_data(server):
    term = server.get("/terms/evkg:EU_GTMP").json()
    assert term["iri"] == str(EVKG.EU_GTMP)
    assert term["label"] and term["definition"]
    assert term["sources"] and term["sources"][0]["iri"]
    assert any(s["curie"] == "evkg:EU_ATMP" for s in term["superclasses"])
    atmp = server.get("/terms/evkg:EU_ATMP").json()
    assert any(s["curie"] == "evkg:EU_GTMP" for s in atmp["subclasses"])


RDF_FORMATS = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
               ("application/n-triples", "nt")]


@pytest.mark.parametrize("accept, fmt", RDF_FORMATS, ids=[f for _, f in RDF_FORMATS])
def test_term_iri_answers_rdf_by_content_negotiation(server, accept, fmt):
    response = server.get("/terms/evkg:EU_GTMP", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert response.headers["vary"] == "Accept"
    graph = Graph().parse(data=response.content, format=fmt)
    gtmp = EVKG.EU_GTMP
    assert str(graph.value(gtmp, RDFS.label)).startswith("EU gene therapy medicinal product")
    assert graph.value(gtmp, SKOS.definition) is not None
    sources = set(graph.objects(gtmp, DCTERMS.source))
    assert sources and all(graph.value(s, RDFS.label) is not None for s in sources)
    assert (gtmp, RDFS.subClassOf, EVKG.EU_ATMP) in graph


def test_term_iri_gives_browsers_html_and_api_clients_json(server):
    page = server.get("/terms/evkg:EU_GTMP", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html") and page.headers["vary"] == "Accept"
    assert "EU gene therapy medicinal product" in page.text
    assert server.get("/terms/evkg:EU_GTMP").json()["curie"] == "evkg:EU_GTMP"
    clicked = server.get("/terms/evkg:EU_GTMP", params={"format": "ttl"}, headers={"Accept": "text/html"})
    assert clicked.headers["content-type"].startswith("text/turtle")
    missing = server.get("/terms/evkg:NoSuchThing", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and missing.headers["vary"] == "Accept"


def test_full_iri_path_and_full_iri_answer_like_the_curie(server):
    by_path = server.get("/evkg/data/product/exoflo", headers={"Accept": "text/turtle"})
    assert by_path.status_code == 200 and by_path.headers["vary"] == "Accept"
    graph = Graph().parse(data=by_path.text, format="turtle")
    assert (URIRef("https://w3id.org/evkg/data/product/exoflo"), RDF.type, EVKG.EVProduct) in graph
    by_iri = server.get("/terms/https://w3id.org/evkg%23EU_GTMP", headers={"Accept": "text/turtle"})
    assert by_iri.text == server.get("/terms/evkg:EU_GTMP", headers={"Accept": "text/turtle"}).text


def test_ontology_documentation_and_release_files_are_served(server):
    page = server.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["vary"] == "Accept"
    assert 'id="hierarchy"' in page.text and 'href="/ontology/evkg.owl"' in page.text
    merged = Graph().parse(data=server.get("/ontology", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (URIRef("https://w3id.org/evkg"), OWL.versionInfo, None) in merged
    assert (EVKG.KR_EVTherapyProduct, RDF.type, OWL.Class) in merged
    owl_file = server.get("/ontology/evkg.owl")
    assert owl_file.headers["content-type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=owl_file.content, format="xml")) == len(merged)
    assert server.get("/ontology/nothing.owl").status_code == 404


def test_unknown_term_and_path_are_404(server):
    assert server.get("/terms/evkg:NoSuchThing").json()["error"] == "unknown-term"
    assert server.get("/terms/nope:Thing").status_code == 404
    missing = server.get("/no-such-page")
    assert missing.status_code == 404 and missing.json()["error"] == "not-found"


def test_web_pages_render(server):
    html = {"Accept": "text/html"}
    home = server.get("/", headers=html)
    assert home.status_code == 200 and "<textarea" in home.text
    product_id = server.get("/products").json()["products"][0]["id"]
    sample = server.get("/", params={"sample": product_id}, headers=html)
    assert "EVProduct" in sample.text
    for page in ("/products", f"/products/{product_id}", "/trials", "/queries", "/sparql", "/api",
                 "/terms/evkg:EU_GTMP", "/queries/products-by-category"):
        response = server.get(page, headers=html)
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html"), page
    error_page = server.post("/report", data={"text": "@prefix broken", "format": "turtle"}, headers=html)
    assert error_page.status_code == 400 and "line" in error_page.text


def test_a_term_page_takes_the_short_names_the_term_search_prints(server):
    """/api/terms hands out CL:0000134; its page is the one of obo:CL_0000134."""
    short = server.get("/terms/CL:0000134", headers={"Accept": "application/json"})
    long = server.get("/terms/obo:CL_0000134", headers={"Accept": "application/json"})
    assert short.status_code == long.status_code == 200
    assert short.json() == long.json()


def test_check_of_yaml_names_the_line_and_key_of_each_finding_as_the_cli_does(server, capsys):
    from evkg.cli import main

    e7 = ROOT / "examples" / "valid" / "e7-platelet-ev-gel-incomplete.yaml"
    response = server.post("/check", content=e7.read_bytes(), headers={"Content-Type": "application/yaml",
                                                                       "Accept": "application/json"})
    assert response.status_code == 200
    served = [(r["constraint"], r["line"], r["field"]) for f in response.json()["files"]
              for p in f["products"] for r in p["results"]]
    main(["check", "-q", "-f", "json", str(e7)])
    printed = [(r["constraint"], r["line"], r["field"]) for f in json.loads(capsys.readouterr().out)["files"]
               for p in f["products"] for r in p["results"]]
    assert served == printed and any(line is not None for _, line, _ in served)


@pytest.mark.parametrize("path, words", [
    ("/queries/products-by-category?jurisdiction=FR&jurisdiction=EU", "given more than once"),
    ("/queries/products-by-category?jurisdiction=", "is empty"),
    ("/queries/products-by-category?format=pdf", "format=pdf is not offered"),
    ("/whatif?rules=nope&rules=eu-in-force", "given more than once"),
    ("/terms/evkg:EU_GTMP?format=pdf", "format=pdf is not offered"),
])
def test_a_repeated_empty_or_unknown_parameter_is_refused_not_replaced(server, path, words):
    response = server.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 400 and words in response.json()["message"], response.text[:300]


def test_a_pasted_page_as_a_format_is_quoted_shortened_in_the_error(server):
    """A 5,000-character format of a starting description or an upload was echoed whole in the message."""
    page = "x" * 5000
    new = server.get("/api/new", params={"kind": "msc-ev", "format": page})
    upload = server.post("/check", files={"file": ("mine.ttl", b"@prefix x: <http://x/> .", "text/turtle")},
                         data={"format": page})
    for response in (new, upload):
        assert 400 <= response.status_code < 500, response.text[:300]
        message = response.json()["message"]
        assert "x" * 50 in message and len(message) < 300, message[:400]
