"""`evkg serve` on a real server (a child process on 127.0.0.1): the dataset a SPARQL request names, request
smuggling with two body lengths, and descriptions whose text would reorder or hide what a page shows."""
from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from evkg.graph.store import GRAPHS
from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
INVALID = ROOT / "examples" / "invalid" / "missing-producer-cell-type.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server():
    with running_server("--timeout", "20", "--workers", "1") as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


def count(response) -> int:
    assert response.status_code == 200, response.text[:1000]
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_from_in_a_query_sets_its_dataset(server):
    """FROM was ignored: every query ran on the whole default graph, whatever graph it named."""
    everything = count(server.get("/sparql", params={"query": COUNT}, headers=JSON))
    from_ontology = COUNT.replace("WHERE", f"FROM <{GRAPHS['ontology']}> WHERE")
    ontology = count(server.get("/sparql", params={"query": from_ontology}, headers=JSON))
    assert 0 < ontology < everything
    only_named = "SELECT (COUNT(*) AS ?n) FROM NAMED <%s> WHERE { GRAPH ?g { ?s ?p ?o } }" % GRAPHS["shapes"]
    shapes = count(server.post("/sparql", data={"query": only_named}, headers=JSON))
    by_protocol = count(server.get("/sparql", params={"query": COUNT, "default-graph-uri": GRAPHS["shapes"]},
                                   headers=JSON))
    assert 0 < shapes == by_protocol < everything
    # a query naming no dataset still sees evkg's default graph
    assert count(server.get("/sparql", params={"query": COUNT}, headers=JSON)) == everything


def test_the_protocol_graphs_take_precedence_over_from(server):
    """SPARQL 1.1 Protocol 2.1.4: default-graph-uri and named-graph-uri override FROM and FROM NAMED."""
    from_ontology = COUNT.replace("WHERE", f"FROM <{GRAPHS['ontology']}> WHERE")
    ontology = count(server.get("/sparql", params={"query": from_ontology}, headers=JSON))
    shapes = count(server.get("/sparql", params={"query": from_ontology, "default-graph-uri": GRAPHS["shapes"]},
                              headers=JSON))
    assert shapes != ontology
    assert shapes == count(server.get("/sparql", params={"query": COUNT.replace("WHERE", f"FROM <{GRAPHS['shapes']}> WHERE")},
                                      headers=JSON))


@pytest.mark.parametrize("where, request_args", [
    ("FROM", {"params": {"query": COUNT.replace("WHERE", "FROM <https://w3id.org/evkg/graph/curatd> WHERE")}}),
    ("default-graph-uri", {"params": {"query": COUNT, "default-graph-uri": "javascript:alert(1)"}}),
])
def test_a_graph_the_store_does_not_hold_is_refused_naming_the_graphs_it_holds(server, where, request_args):
    """A misspelt graph answered nothing (a count of 0), as if the data were not there."""
    response = server.get("/sparql", headers=JSON, **request_args)
    assert response.status_code == 400, response.text[:500]
    message = response.json()["message"]
    assert message.startswith(f"{where} names the graph <") and "does not hold" in message
    assert f"<{GRAPHS['curated']}>" in message and "leave the dataset out" in message


def test_a_graph_uri_that_is_no_iri_is_refused(server):
    response = server.get("/sparql", params={"query": COUNT, "named-graph-uri": "a graph"}, headers=JSON)
    assert response.status_code == 400 and "is not the IRI of a graph" in response.json()["message"]


def _raw(server, data: bytes) -> bytes:
    with socket.create_connection((server.base_url.host, server.base_url.port), timeout=10) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_request_with_two_body_lengths_is_refused_and_nothing_after_it_is_served(server):
    """Content-Length and Transfer-Encoding together: a proxy reading the length would pass what follows the
    chunked body on as part of this request, while the server ran it as a second request of its own."""
    query = b"ASK { ?s ?p ?o }"
    smuggled = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" % len(query))
    answer = _raw(server, smuggled)          # returns once the server closes the connection
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:300]
    assert answer.count(b"HTTP/1.1 ") == 1 and b"ambiguous-length" in answer, answer[:1000]
    assert b"connection: close" in answer.lower()
    twice = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
             b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(query), len(query) + 5) + query)
    assert _raw(server, twice).startswith(b"HTTP/1.1 400 ")
    assert server.get("/health").json()["status"] == "ok"


def test_the_report_page_shows_an_override_in_a_label_as_an_escape(server):
    """U+202E in a label reversed the rest of its line on the page (and on the error page, a path)."""
    text = INVALID.read_text(encoding="utf-8").replace(
        '"Nebulised adipose-MSC small EVs', '"Safe\\u202e\\u200b product')
    page = server.post("/report", data={"text": text, "format": "turtle"}, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[:1000]
    assert "\u202e" not in page.text and "\u200b" not in page.text
    assert "Safe\\u202e\\u200b product" in page.text
    missing = server.get("/nothing\u202eabc", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "\u202e" not in missing.text and "/nothing\\u202eabc" in missing.text


def test_the_text_box_gives_back_the_description_exactly(server):
    """What the user pasted comes back unchanged in the form, invisible characters included, so that sending
    it again sends the same description."""
    text = "@prefix x: <urn:x:> .\nx:a x:b \"\u200bvalue\" .\x01"
    page = server.post("/report", data={"text": text, "format": "turtle"}, headers={"Accept": "text/html"})
    assert page.status_code in (400, 422), page.text[:500]
    assert "\u200bvalue" in page.text


def test_evkg_query_on_an_endpoint_keeps_the_dataset_its_query_names(server, tmp_path):
    """`evkg query FILE.rq --endpoint` sent default-graph-uri for evkg's graphs with every query, which overrides
    the query's own FROM: the query below counted every graph instead of the ontology."""
    import subprocess
    import sys

    def ask(text: str) -> int:
        path = tmp_path / "count.rq"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", str(path), "-f", "csv", "--endpoint",
                               f"{server.base_url}/sparql"], capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        return int(done.stdout.decode().split()[-1])

    ontology = count(server.get("/sparql", params={"query": COUNT.replace(
        "WHERE", f"FROM <{GRAPHS['ontology']}> WHERE")}, headers=JSON))
    assert ask(COUNT.replace("WHERE", f"FROM <{GRAPHS['ontology']}> WHERE")) == ontology
    assert ask(COUNT) == count(server.get("/sparql", params={"query": COUNT}, headers=JSON))


@pytest.mark.parametrize("text, clauses", [
    ("SELECT * FROM <urn:g:1> FROM NAMED <urn:g:2> WHERE { ?s ?p ?o }", [("FROM", "urn:g:1"), ("FROM NAMED", "urn:g:2")]),
    ("PREFIX g: <https://w3id.org/evkg/graph/>\nSELECT * from g:curated { ?s ?p ?o }",
     [("FROM", "https://w3id.org/evkg/graph/curated")]),
    ("SELECT ?from WHERE { ?from ex:from \"FROM <urn:x>\" } # FROM <urn:y>", []),
])
def test_the_dataset_a_query_names_is_read_around_strings_variables_and_comments(text, clauses):
    from evkg.graph.query_forms import dataset_clause

    assert dataset_clause(text) == clauses
