"""`evkg serve` against a query that hides a remote call from the endpoint's reading of it, a client that leaves
in the middle of sending a description, and a small description whose report is huge: a real server in a child
process on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
MAX_ANSWER = 1_000_000


@pytest.fixture(scope="module")
def server():
    with running_server("--timeout", "20", "--workers", "1", "--max-bytes", "3000000",
                        "--max-answer-bytes", str(MAX_ANSWER)) as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


@pytest.fixture
def listener():
    """A real TCP socket on 127.0.0.1: whether anything connected to it is seen by accept()."""
    opened = socket.create_server(("127.0.0.1", 0))
    opened.setblocking(False)
    yield opened
    opened.close()


def connected(listener) -> bool:
    try:
        listener.accept()[0].close()
        return True
    except BlockingIOError:
        return False


@pytest.mark.parametrize("query", [
    # an escaped '#' in a prefixed name was read as the start of a comment hiding the rest of the line
    "PREFIX ex: <https://example.org/>\nSELECT * WHERE { OPTIONAL { ?s ?p ex:a\\#b } SERVICE <{url}> { ?x ?y ?z\n} }",
    # a comment ends at a carriage return for Oxigraph, but was read to the next line feed
    "SELECT * WHERE { # a note\rSERVICE <{url}> { ?x ?y ?z } }",
], ids=["escaped-hash", "carriage-return"])
def test_a_remote_call_the_endpoint_could_not_see_is_refused_and_nothing_is_sent(server, listener, query):
    """Both queries made the server post a query to any address a client chose (its own network included)."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/internal"
    response = server.post("/sparql", content=query.replace("{url}", url),
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert response.status_code == 403 and response.json()["error"] == "remote-refused", response.text[:300]
    assert not connected(listener)


def workers(server) -> dict:
    return server.get("/health").json()["workers"]["checks"]


def test_a_client_that_leaves_while_sending_its_description_has_nothing_checked(server):
    """The part of the body that had arrived was checked as if it were the whole description, for nobody."""
    body = ("@prefix evkg: <https://w3id.org/evkg#> .\n"          # thousands of products: a check of seconds
            + "".join(f"<http://example.org/p{i}> a evkg:EVProduct .\n" for i in range(12_000))).encode()
    before = workers(server)
    host, port = server.base_url.host, server.base_url.port
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                           b"Content-Length: %d\r\n\r\n%s" % (len(body) + 10_000, body))
        time.sleep(0.5)
    answer = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                          "Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["files"][0]["products"]
    assert workers(server)["stopped_for_gone_clients"] == before["stopped_for_gone_clients"]


SMALL_PRODUCTS = ("@prefix evkg: <https://w3id.org/evkg#> .\n"      # 2 kB, whose report is over 1 MB
                  + "".join(f"<http://example.org/p{i}> a evkg:EVProduct .\n" for i in range(40)))


@pytest.mark.parametrize("path, body, media", [
    ("/check", SMALL_PRODUCTS, "text/turtle"),
    ("/api/describe", json.dumps({"text": SMALL_PRODUCTS, "format": "ttl"}), "application/json"),
], ids=["check", "describe"])
def test_a_report_over_the_answer_limit_is_refused_in_its_worker(server, path, body, media):
    """A few kilobytes of small products gave a report a thousand times larger (48 kB of them, 87 MB), which the
    server process held, unpickled and sent whole, under no limit."""
    response = server.post(path, content=body.encode(), headers={"Content-Type": media, "Accept": "application/json"})
    assert response.status_code == 413, (response.status_code, len(response.content))
    answer = response.json()
    assert answer["error"] == "answer-too-large" and answer["max_answer_bytes"] == MAX_ANSWER
    assert "split the description" in answer["message"] and "--max-answer-bytes" in answer["message"]
    within = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                     "Accept": "application/json"})
    assert within.status_code == 200 and within.json()["files"][0]["products"]


def test_a_report_page_over_the_answer_limit_is_an_error_page_not_held_by_the_server(server):
    """The report page of the same 2 kB (1.5 MB of HTML fragments, and the whole check) came back to the server
    process to be put together, under no limit."""
    response = server.post("/report", data={"text": SMALL_PRODUCTS, "format": "turtle"},
                           headers={"Accept": "text/html"})
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert "--max-answer-bytes" in response.text and "Traceback" not in response.text


def test_a_conversion_over_the_answer_limit_is_refused_in_its_worker(server):
    """/api/convert sent back the whole conversion whatever --max-answer-bytes said (2.6 MB of JSON-LD under a
    limit of 200 kB), held whole by the server process."""
    products = ("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                + "".join(f'<https://w3id.org/evkg/data/product/p{i}> a evkg:EVProduct ; rdfs:label "product {i} '
                          f'{"x" * 60}" .\n' for i in range(12_000)))
    assert len(products) < 2_000_000
    response = server.post("/api/convert", json={"text": products, "format": "ttl", "to": "jsonld"})
    assert response.status_code == 413, (response.status_code, len(response.content))
    answer = response.json()
    assert answer["error"] == "answer-too-large" and answer["max_answer_bytes"] == MAX_ANSWER
    small = server.post("/api/convert", json={"text": E1.read_text(encoding="utf-8"), "format": "ttl", "to": "yaml"})
    assert small.status_code == 200 and small.json()["text"].startswith("id: product:example-e1")
