"""`evkg serve` under attack: a real server in a child process on 127.0.0.1.

Work that overruns is stopped (its worker process is killed and replaced) and the next request is served;
queries past the worker pool get 503 with Retry-After; slow headers and bodies are cut with 408; invalid
input is a 4xx JSON answer, never a 500.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
TIMEOUT = 4.0
# a cartesian product of the whole store with itself, three times over: never finishes in time
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


def slow_description(products: int = 12_000) -> str:
    """Many small products (1.8 MB): a real description whose check takes far longer than TIMEOUT, even on a
    quiet machine (checks run at some hundreds of products per second per worker)."""
    return ("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            + "".join(f'<http://example.org/p{i}> a evkg:EVProduct ; rdfs:label "P{i}" ; '
                      f'rdfs:seeAlso <http://example.org/p{i + 1}> .\n' for i in range(products)))


@pytest.fixture(scope="module")
def server():
    with running_server("--timeout", str(TIMEOUT), "--workers", "1", "--read-timeout", "1",
                        "--max-bytes", "3000000") as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


def health(server) -> dict:
    response = server.get("/health")
    assert response.status_code == 200, (response.status_code, response.headers, response.text[:800])
    return response.json()["workers"]


@pytest.fixture(autouse=True)
def workers_idle_at_start(request):
    """Each test starts with every worker warm and idle: a test that fails while its runaway query still runs
    would otherwise fail the next ones too (503 busy), hiding which failure came first."""
    if "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        deadline = time.monotonic() + TIMEOUT + 15
        while True:
            pools = health(server)
            if all(pool["idle"] == pool["workers"] for pool in pools.values()):
                break
            assert time.monotonic() < deadline, f"workers still busy or starting from an earlier test: {pools}"
            time.sleep(0.05)
    yield


def assert_json_error(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    body = response.json()
    assert body["status"] == response.status_code and body["error"] and body["message"]
    return body


def test_a_runaway_query_is_stopped_and_the_next_one_is_served(server):
    before = health(server)["queries"]["killed_for_overrunning"]
    started = time.monotonic()
    response = server.post("/sparql", content=RUNAWAY, headers={"Content-Type": "application/sparql-query",
                                                                  "Accept": "application/sparql-results+json"})
    assert_json_error(response, 504)
    assert time.monotonic() - started < TIMEOUT + 5
    assert health(server)["queries"]["killed_for_overrunning"] == before + 1
    answer = server.get("/queries/ev-role", headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["results"]["bindings"]


def test_an_endless_answer_stops_at_the_byte_cap_or_the_time_limit(server):
    response = server.get("/sparql", params={"query": ENDLESS}, headers={"Accept": "text/csv"})
    body = assert_json_error(response, 400, 413, 504)
    assert body["error"] in ("bad-query", "timeout", "too-complex")


def test_queries_past_the_pool_get_503_with_retry_after(server):
    def runaway():
        server.post("/sparql", content=RUNAWAY, headers={"Content-Type": "application/sparql-query"})

    busy = threading.Thread(target=runaway)
    busy.start()
    try:
        time.sleep(1.0)
        response = server.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
        assert_json_error(response, 503)
        assert int(response.headers["retry-after"]) > 0
    finally:
        busy.join()
    answer = server.get("/sparql", params={"query": "ASK { ?s ?p ?o }"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json()["boolean"] is True


def _server_cpu_seconds(server) -> float:
    """User and system CPU time of the server's main process (found by its port), from /proc."""
    import os

    port = f"--port\0{server.base_url.port}\0".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if port in Path(f"/proc/{pid}/cmdline").read_bytes():
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    raise AssertionError("the server process was not found")


def test_reading_hostile_query_texts_costs_the_server_process_nothing(server):
    """A query of a million characters takes a second of CPU to read (its comments, strings and IRIs are masked
    to find an update or a SERVICE call). That reading was done in the server process, stalling every request;
    it is now done in a query worker, under the time limit, and queries past the pool get 503 at once."""
    from concurrent.futures import ThreadPoolExecutor

    hostile = ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 " + "#\n" * 490_000).encode()

    def send(_):
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            return client.post("/sparql", content=hostile, headers={"Content-Type": "application/sparql-query"},
                               ).status_code

    before = _server_cpu_seconds(server)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert set(statuses) <= {200, 503, 504} and statuses.count(503) >= 6, statuses
    assert _server_cpu_seconds(server) - before < 2.0
    update = server.post("/sparql", content=b"# a comment\nDROP ALL", headers={"Content-Type": "application/sparql-query"})
    assert assert_json_error(update, 403)["error"] == "update-refused"
    remote = server.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert assert_json_error(remote, 403)["error"] == "remote-refused"


@pytest.mark.parametrize("query", ["SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
                                   "PREFIX schema: <http://schema.org/> ASK { ?s schema:service ?o }"])
def test_a_variable_or_property_named_service_is_no_federated_query(server, query):
    """Any word 'service' was refused as a SERVICE call (403 remote-refused)."""
    assert server.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
                      ).status_code == 200
    remote = server.get("/sparql", params={"query": "SELECT * WHERE { VALUES ?x {1} .SERVICE <http://127.0.0.1:9/> "
                                                    "{ ?s ?p ?o } }"})
    assert assert_json_error(remote, 403)["error"] == "remote-refused"


def test_a_query_page_of_thousands_of_rows_is_built_outside_the_server_process(server):
    """The HTML table of a query's answer was built and rendered in the server process: 6,000 rows took some
    0.4 s of its CPU, during which no other client was answered. The table is now made in the query worker."""
    wanted = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 6000"
    pages = [("/sparql", {"query": wanted, "format": "html"}),
             ("/queries/ev-role", {"role": "ActiveSubstanceRole", "format": "html"})]
    first = server.get(pages[0][0], params=pages[0][1])
    assert first.status_code == 200 and first.text.count("<tr>") == 6001, first.text[:300]
    assert '<td><a href="/terms/evkg:' in first.text and "<html" in first.text
    named = server.get(pages[1][0], params=pages[1][1])
    assert named.status_code == 200 and "<th scope=\"col\">Product</th>" in named.text, named.text[:300]
    before = _server_cpu_seconds(server)
    for _ in range(6):
        assert server.get("/sparql", params={"query": wanted, "format": "html"}).status_code == 200
    assert _server_cpu_seconds(server) - before < 0.6


def test_a_client_that_stops_reading_its_answer_is_dropped_with_the_answer(server):
    """A client that asked for a 28 MB answer and read none of it held the answer in the server's memory for as
    long as it kept the connection open; now it must read some of it in every --read-timeout (1 s here)."""
    from urllib.parse import urlencode

    query = urlencode({"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000", "format": "csv"})
    whole = len(server.get(f"/sparql?{query}").content)
    assert whole > 20_000_000
    reader = socket.socket()
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reader.connect((server.base_url.host, server.base_url.port))
    reader.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert reader.recv(12) == b"HTTP/1.1 200"
    time.sleep(4)                        # reads nothing, far longer than the read timeout
    received = 12
    reader.settimeout(10)
    try:
        while chunk := reader.recv(1 << 20):
            received += len(chunk)
    except ConnectionResetError:
        pass
    finally:
        reader.close()
    assert received < whole / 2, (received, whole)
    assert server.get("/health").status_code == 200


def _server_peak_memory_kb(server, reset: bool = False) -> int:
    """The peak resident memory of the server's main process (VmHWM) from /proc; ``reset``: from now on."""
    import os

    port = f"--port\0{server.base_url.port}\0".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if port in Path(f"/proc/{pid}/cmdline").read_bytes():
                if reset:
                    Path(f"/proc/{pid}/clear_refs").write_text("5")       # the peak starts again from here
                status = Path(f"/proc/{pid}/status").read_text()
                return int(status.split("VmHWM:", 1)[1].split()[0])
        except (OSError, IndexError):
            continue
    raise AssertionError("the server process was not found")


def test_a_page_request_of_a_million_empty_objects_is_read_outside_the_server_process(server):
    """The JSON around a description was read in the server process: 3 MB of [{}, {}, …] took some 100 MB
    there (50 MB bodies, six at once, several gigabytes)."""
    body = b'{"text": "id: x", "format": "yaml", "pad": [' + b"{}," * 990_000 + b"{}]}"
    before = _server_peak_memory_kb(server, reset=True)
    for path in ("/api/describe", "/api/convert"):
        response = server.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code < 500, response.text[:300]
    assert _server_peak_memory_kb(server) - before < 40_000
    empty = server.post("/api/describe", json={"text": " ", "format": "yaml"})
    assert assert_json_error(empty, 400)["error"] == "empty-description"


def test_a_query_given_twice_is_refused_not_one_of_them_chosen(server):
    """The last of two `query` parameters was run: a client could not tell which answer it got."""
    twice = server.get("/sparql", params=[("query", "ASK { ?s ?p ?o }"), ("query", "ASK { <urn:x:none> ?p ?o }")],
                       headers={"Accept": "application/sparql-results+json"})
    assert "2 times" in assert_json_error(twice, 400)["message"]
    form = server.post("/sparql", data={"query": ["ASK { ?s ?p ?o }", "ASK {}"]})
    assert "2 times" in assert_json_error(form, 400)["message"]


def test_seven_runaway_queries_at_once_leave_checks_and_later_queries_served(server):
    """The attack that once made every request answer 504 until a restart: now the pool takes one query per
    worker (stopped at the time limit), the rest get 503 at once, and checks run in their own workers."""
    from concurrent.futures import ThreadPoolExecutor

    def runaway(_):
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            return client.post("/sparql", content=RUNAWAY,
                               headers={"Content-Type": "application/sparql-query"}).status_code

    with ThreadPoolExecutor(max_workers=7) as pool:
        statuses = pool.map(runaway, range(7))
        time.sleep(0.5)
        check = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                          "Accept": "application/json"})
        statuses = sorted(statuses)
    assert check.status_code == 200
    assert statuses.count(504) == 1 and statuses.count(503) == 6, statuses
    answer = server.get("/queries/ev-role", headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200


def test_a_check_that_overruns_is_stopped_and_the_next_check_is_served(server):
    before = health(server)["checks"]["killed_for_overrunning"]
    response = server.post("/check", content=slow_description(), headers={"Content-Type": "text/turtle"})
    assert_json_error(response, 504)
    assert health(server)["checks"]["killed_for_overrunning"] == before + 1
    answer = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                      "Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["files"][0]["products"]


def _hang_up_during(server, request: bytes) -> float:
    """Send a whole request on a raw connection, close it a second later, and return when that was."""
    with _raw_connection(server) as connection:
        connection.sendall(request)
        time.sleep(1.0)
    return time.monotonic()


def _wait_for_stop(server, pool: str, before: dict) -> float:
    """Seconds until the pool reports a worker stopped for a gone client (or TIMEOUT + 5 s have passed)."""
    started = time.monotonic()
    while time.monotonic() - started < TIMEOUT + 5:
        if health(server)[pool]["stopped_for_gone_clients"] > before["stopped_for_gone_clients"]:
            break
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.parametrize("pool, request_bytes", [
    ("checks", lambda: b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: %d\r\n\r\n%s"
     % (len(body := slow_description().encode()), body)),
    ("queries", lambda: b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: %d\r\n\r\n%s" % (len(RUNAWAY), RUNAWAY.encode())),
])
def test_a_client_that_hangs_up_stops_its_work_well_before_the_time_limit(server, pool, request_bytes):
    """Each check or query ran on until --timeout after its client had gone: a client could keep every worker
    busy for nobody by sending and hanging up."""
    before = health(server)[pool]
    _hang_up_during(server, request_bytes())
    waited = _wait_for_stop(server, pool, before)
    after = health(server)[pool]
    assert after["stopped_for_gone_clients"] == before["stopped_for_gone_clients"] + 1, (waited, after)
    assert after["killed_for_overrunning"] == before["killed_for_overrunning"]
    assert waited < TIMEOUT - 1.5                # the work would otherwise have run to TIMEOUT (4 s) from its start
    answer = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                      "Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["files"][0]["products"]


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
          'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="http://e.org/x">'
          '<rdfs:label>&c;</rdfs:label></rdf:Description></rdf:RDF>')
# (method, path, content type, body) -> every one must be a 4xx JSON error
INVALID = [
    ("POST", "/check", "application/rdf+xml", LAUGHS),
    ("POST", "/check", "application/rdf+xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
                                              '"file:///etc/passwd">]><r>&x;</r>'),
    ("POST", "/check", "application/ld+json", '{"@id": "http://e.org/a", "http://e.org/p": '
                                              + "[" * 3000 + "]" * 3000 + "}"),
    ("POST", "/check", "text/turtle", "<http://e.org/a> <http://e.org/p> " + "(" * 20000 + ")" * 20000 + " ."),
    ("POST", "/check", "text/turtle", "<http://e.org/a b> a <https://w3id.org/evkg#EVProduct> ."),
    ("POST", "/check", "application/n-triples", '<http://e.org/a> <http://e.org/p> "a\\u0000b" .'),
    ("POST", "/check", "text/turtle", b"\xff\xfe\x00garbage"),
    ("POST", "/check", "text/turtle", '<http://e.org/a> a <https://w3id.org/evkg#EVProduct> ; '
                                      '<http://www.w3.org/2000/01/rdf-schema#label> "a\\uD800b" .'),
    ("POST", "/check", "text/turtle", ""),
    ("POST", "/check", "application/ld+json", '{"@context": "http://127.0.0.1:9/ctx", "@id": "x"}'),
    ("POST", "/check", "application/ld+json", "[1, 2"),
    ("POST", "/check", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name"),
    ("POST", "/check", "multipart/form-data", "no boundary at all"),
    ("POST", "/check", "application/x-www-form-urlencoded", "text=%ZZ%&format=turtle"),
    ("POST", "/check", "image/png", "\x89PNG"),
    # whole numbers with more digits than int() converts: were 500
    ("POST", "/check", "application/yaml", "type: EVProduct\nid: x\nparticleCount: " + "9" * 5000 + "\n"),
    ("POST", "/check", "application/ld+json", '{"@id": "http://e.org/a", "http://e.org/n": ' + "9" * 5000 + "}"),
    ("POST", "/api/describe", "application/json", '{"text": "id: x", "format": "yaml", "n": ' + "9" * 5000 + "}"),
    ("POST", "/api/describe", "application/json", json.dumps({"text": "id: x\nn: " + "9" * 5000, "format": "yaml"})),
    ("POST", "/report", "application/x-www-form-urlencoded", "text=&format=nonsense"),
    ("POST", "/sparql", "application/sparql-query", "SELECT * WHERE { ?s ?p }"),
    ("POST", "/sparql", "application/sparql-query", b"\xff\xfe SELECT"),
    ("POST", "/sparql", "application/sparql-update", "DROP ALL"),
    ("POST", "/sparql", "application/sparql-query", "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000),
    ("POST", "/sparql", "application/sparql-query", 'SELECT * WHERE { ?s ?p "' + '\\"' * 50_000 + " }"),
    ("POST", "/sparql", "application/sparql-query", "SELECT * WHERE { ?s ?p ?o } # " + "x" * 1_100_000),
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%20SERVICE%20%3Chttp%3A%2F%2Fx%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D",
     None, None),
    ("GET", "/queries/products-by-category?jurisdiction=EU%3E%20%7D%20DROP%20ALL", None, None),
    ("GET", "/queries/no-such-query", None, None),
    ("GET", "/terms/evkg:%00", None, None),
    ("GET", "/products/%2e%2e%2f%2e%2e%2fetc%2fpasswd", None, None),
]


@pytest.mark.parametrize("method, path, media, body", INVALID, ids=[f"{m} {p[:40]} {c}" for m, p, c, _ in INVALID])
def test_invalid_input_is_a_4xx_json_answer_never_500(server, method, path, media, body):
    headers = {"Accept": "application/json"}
    if media:
        headers["Content-Type"] = media
    content = body.encode("utf-8") if isinstance(body, str) else body
    response = server.request(method, path, content=content, headers=headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    if path == "/report":                   # the web form answers with the form page and its error shown
        assert response.headers["content-type"].startswith("text/html") and "format" in response.text
        return
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.text)["error"]


def test_an_upload_cut_short_is_400_saying_so_not_an_empty_form(server):
    """A multipart body that stops before its closing boundary once read as a form without a description."""
    head = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="e1.ttl"\r\n'
            b"Content-Type: text/turtle\r\n\r\n")
    multipart = {"Content-Type": "multipart/form-data; boundary=xyz", "Accept": "application/json"}
    for cut in (head + E1.read_bytes()[:2000], head[:40], b'--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\n@prefix'):
        for path in ("/check", "/sparql"):
            body = assert_json_error(server.post(path, content=cut, headers=multipart), 400)
            assert body["error"] == "bad-request" and "cut short" in body["message"], body
    whole = head + E1.read_bytes() + b"\r\n--xyz--\r\n"
    answer = server.post("/check", content=whole, headers=multipart)
    assert answer.status_code == 200 and answer.json()["files"][0]["products"], answer.text[:300]
    empty = assert_json_error(server.post("/check", content=b"--xyz--\r\n", headers=multipart), 400)
    assert empty["error"] == "no-description"


def _raw_connection(server) -> socket.socket:
    host, port = server.base_url.host, server.base_url.port
    return socket.create_connection((host, port), timeout=10)


def test_an_upload_whose_part_header_is_too_long_to_read_is_a_bad_request(server):
    """A file name of 20,000 characters: Starlette's 400 was answered with the error code 'error'."""
    response = server.post("/check", files={"file": ("a" * 20_000 + ".ttl", E1.read_bytes(), "text/turtle")},
                           headers={"Accept": "application/json"})
    body = assert_json_error(response, 400)
    assert body["error"] == "bad-request"
    # what was wrong and what to do ('the request could not be read: Invalid multipart data.' said neither)
    assert "could not be read as the multipart/form-data it says it is" in body["message"], body
    assert "the file in the field 'file', under a short name" in body["message"]


def test_a_method_a_route_does_not_take_is_answered_with_the_methods_it_takes(server):
    body = assert_json_error(server.delete("/products"), 405)
    assert body["message"] == "DELETE is not accepted at /products; it takes GET, HEAD.", body


def test_a_compressed_upload_is_told_to_unpack_it_not_to_rename_it(server):
    response = server.post("/check", files={"file": ("e1.ttl.gz", E1.read_bytes(), "application/gzip")},
                           headers={"Accept": "application/json"})
    body = assert_json_error(response, 415)
    assert "is a compressed (.gz) file" in body["message"] and body["hint"].startswith("Unpack it first"), body


@pytest.mark.parametrize("sent, location", [
    # decoded, the line break went into the Location header: the server dropped the connection with a traceback
    (b"/products%0d%0aSet-Cookie:%20a=b/", b"/products%0d%0aSet-Cookie:%20a=b"),
    (b"/products/caf%C3%A9/?x=%0d%0a", b"/products/caf%C3%A9?x=%0d%0a"),
    # an absolute-form target: its host went into the Location after the server's own address
    (b"http://evil.example/products/", b"/products"),
    (b"//evil.example/", b"/evil.example"),
])
def test_a_trailing_slash_redirect_keeps_the_path_as_sent(server, sent, location):
    with _raw_connection(server) as connection:
        connection.sendall(b"GET " + sent + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert head[0].startswith(b"HTTP/1.1 308"), answer[:300]
    assert [h for h in head if h.lower().startswith(b"location: ")] == [
        b"location: " + str(server.base_url).rstrip("/").encode() + location]
    assert not [h for h in head if h.lower().startswith(b"set-cookie")]


@pytest.mark.parametrize("raw, location", [
    (b"//evil.example/", b"/evil.example"), (b"http://evil.example/x/", b"/x"), (b"///", b"/"),
])
def test_a_trailing_slash_redirect_without_a_configured_address_stays_on_this_server(raw, location):
    """Without a configured address (create_app under another ASGI server), '//evil.example/' was answered
    with Location: //evil.example, an address on another server, and an absolute-form target with its host."""
    import asyncio

    from evkg.web.http import TrailingSlashRedirect

    sent = []

    async def send(message):
        sent.append(message)

    async def never(scope, receive, send):
        raise AssertionError("redirected requests do not reach the app")

    scope = {"type": "http", "path": raw.decode(), "raw_path": raw, "query_string": b""}
    asyncio.run(TrailingSlashRedirect(never, base="")(scope, None, send))
    assert sent[0]["status"] == 308 and dict(sent[0]["headers"])[b"location"] == location


def test_slow_headers_are_cut_with_408(server):
    with _raw_connection(server) as connection:
        connection.sendall(b"POST /check HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = connection.recv(4096)
        while answer and b"\r\n\r\n" not in answer:
            answer += connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 5


def test_a_request_line_over_the_header_limit_is_refused_in_json_saying_what_to_do(server):
    """uvicorn answered with the bare text 'Invalid HTTP request received.'"""
    with _raw_connection(server) as connection:
        connection.sendall(b"GET /sparql?query=" + b"x" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head, answer[:300]
    assert "larger than 64 KB. Send a long SPARQL query in the body of a POST" in json.loads(body)["message"]


def test_a_long_word_where_a_query_form_belongs_is_quoted_shortened(server):
    """The 70,000-character word came back whole in the message."""
    response = server.get("/sparql", params={"query": "x" * 50_000})
    assert response.status_code == 400 and "is not a query form" in response.json()["message"], response.text
    assert len(response.content) < 2000


def test_past_the_connection_limit_the_answer_is_json_with_retry_after():
    """uvicorn's 503 was the bare text 'Service Unavailable', with no word of when to come back."""
    from evkg.web.server import MAX_CONNECTIONS

    # this machine may hold every place but one; the request below takes that one
    with running_server("--read-timeout", "60", "--max-connections-per-client", str(MAX_CONNECTIONS)) as url:
        host, port = httpx.URL(url).host, httpx.URL(url).port
        held = []
        try:
            for _ in range(MAX_CONNECTIONS - 1):
                connection = socket.create_connection((host, port), timeout=10)
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")       # headers never finished
                held.append(connection)
            for _ in range(100):                    # until the server has taken them all in
                response = httpx.get(f"{url.rstrip('/')}/health", timeout=30)
                if response.status_code == 503:
                    break
                time.sleep(0.1)
        finally:
            for connection in held:
                connection.close()
    assert response.status_code == 503 and response.headers["retry-after"] == "5", response.text
    assert "connections open, as many as it takes" in response.json()["message"]


def test_a_slow_body_is_cut_with_408(server):
    with _raw_connection(server) as connection:
        connection.sendall(b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                           b"Content-Length: 1000\r\n\r\n@prefix ex: <http://e.org/> .\n")
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 5, answer[:200]


def test_the_server_still_answers_after_the_attacks(server):
    answer = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                      "Accept": "application/json"})
    assert answer.status_code == 200
    state = server.get("/health").json()
    assert state["status"] == "ok" and state["workers"]["checks"]["workers"] == 1


def test_a_whatif_comparison_that_overruns_is_stopped_in_its_worker():
    """The comparison classifies every curated product twice (seconds): with a limit far below that, its worker
    is killed and replaced, and the server goes on answering."""
    with running_server("--timeout", "0.3", "--workers", "1") as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            response = client.get("/whatif", params={"rules": "eu-reform-proposal-2023"})
            assert_json_error(response, 504)
            assert health(client)["checks"]["killed_for_overrunning"] == 1
            assert client.get("/products").status_code == 200
            unknown = client.get("/whatif", params={"rules": "eu-reform-2099"})
            assert_json_error(unknown, 404)
            assert client.get("/health").json()["workers"]["checks"]["workers"] == 1
