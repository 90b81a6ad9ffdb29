"""Hostile and careless input to the newer ways in: query files whose work needs no data or waits on another
host, and numbers in YAML and JSON descriptions that a float cannot hold as written.

Commands run as child processes with a memory ceiling and a time limit (see test_hostile_input).
"""
from __future__ import annotations

import socket
import threading

import pytest

from tests.test_hostile_input import assert_refused, evkg

# 300^4 = 8.1e9 rows counted from VALUES alone: no store is read, so the work happened while the query was
# being checked, before the time limit applied
COUNT_OVER_VALUES = ("SELECT (COUNT(*) AS ?n) WHERE { "
                     + " ".join(f"VALUES ?{v} {{{' '.join(map(str, range(300)))}}}" for v in "abcd") + " }\n")


@pytest.fixture(scope="module")
def own_store(tmp_path_factory):
    from evkg.graph.build import build

    path = tmp_path_factory.mktemp("query-store") / "store"
    build(path, progress=lambda message: None)
    return path


@pytest.fixture()
def silent_host():
    """A host that accepts connections and never answers; yields (address, connections accepted)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []

    def accept():
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", accepted
    server.close()
    for connection in accepted:
        connection.close()


def test_a_query_whose_work_needs_no_data_stops_at_the_time_limit(tmp_path, own_store):
    """The syntax check ran the query on an empty store outside --timeout: this one ran for hours."""
    query = tmp_path / "count.rq"
    query.write_text(COUNT_OVER_VALUES, encoding="utf-8")
    assert_refused(evkg("query", query, "--store", own_store, "--timeout", "1", timeout=60),
                   "did not finish within 1 s")


def test_a_service_call_to_a_host_that_never_answers_stops_at_the_time_limit(tmp_path, own_store, silent_host):
    address, _ = silent_host
    query = tmp_path / "remote.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <{address}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    assert_refused(evkg("query", query, "--store", own_store, "--timeout", "1", timeout=60),
                   "did not finish within 1 s")


def test_checking_a_query_never_contacts_the_host_its_service_call_names(tmp_path, silent_host):
    from evkg.graph.queries import prepared_text

    address, accepted = silent_host
    query = tmp_path / "remote.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE SILENT <{address}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    assert "SERVICE SILENT" in prepared_text(str(query))
    assert accepted == []


def test_a_syntax_error_inside_a_service_call_is_still_refused_as_such(tmp_path):
    query = tmp_path / "broken.rq"
    query.write_text("SELECT * WHERE {\n  SERVICE\n  SILENT <http://127.0.0.1:9/> { ?s ?p ?o , , }\n}\n",
                     encoding="utf-8")
    assert_refused(evkg("query", query, timeout=60), "broken.rq", "not valid SPARQL")


# --- numbers a float cannot hold as written ----------------------------------------------------------------

def _decimals(path):
    from rdflib.namespace import XSD

    from evkg.core.namespaces import EVKG
    from evkg.io.load import load_rdf

    graph = load_rdf(path)
    found = {str(o) for p in (EVKG.sizeCutoffNm, EVKG.value) for o in graph.objects(None, p)}
    assert all(o.datatype == XSD.decimal for p in (EVKG.sizeCutoffNm, EVKG.value) for o in graph.objects(None, p))
    return found


@pytest.mark.parametrize("suffix, written", [
    (".yaml", "sizeCutoffNm: 12345678901234567.89\n  measurement:\n    value: 0.30000000000000000001\n"),
    (".json", '"sizeCutoffNm": 12345678901234567.89, "measurement": {"value": 0.30000000000000000001}}')])
def test_a_decimal_fact_is_recorded_with_every_digit_written(tmp_path, suffix, written):
    """Read through a float, these were recorded as 12345678901234568.0 and 0.3: not the facts submitted."""
    path = tmp_path / f"knee{suffix}"
    if suffix == ".yaml":
        path.write_text(f"id: knee-ev\ntype: EVProduct\nhasEVComponent:\n  {written}", encoding="utf-8")
    else:
        path.write_text('{"id": "knee-ev", "type": "EVProduct",\n "hasEVComponent": {' + written + "}\n",
                        encoding="utf-8")
    assert _decimals(path) == {"12345678901234567.89", "0.30000000000000000001"}


def test_usual_numbers_and_a_written_zero_keep_their_usual_form(tmp_path):
    path = tmp_path / "knee.yaml"
    path.write_text("id: knee-ev\ntype: EVProduct\nhasEVComponent:\n  sizeCutoffNm: 2.5E+2\n  measurement:\n"
                    "  - value: 0.0e-99999999\n  - value: 2.4e11\n", encoding="utf-8")
    assert _decimals(path) == {"250.0", "0.0", "240000000000.0"}


@pytest.mark.parametrize("name, text, line", [
    ("knee.yaml", "id: knee-ev\ntype: EVProduct\nhasEVComponent:\n  sizeCutoffNm: 1e-400\n", 4),
    ("knee.json", '{"id": "knee-ev", "type": "EVProduct",\n "hasEVComponent": {"sizeCutoffNm": 1e-400}}\n', 2)])
def test_a_number_a_float_rounds_to_zero_is_refused_at_its_line_not_recorded_as_zero(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert_refused(evkg("convert", path, "--to", "ttl", timeout=60), f"{name}, line {line}", "too close to zero")


def test_an_endpoint_that_sends_its_answer_a_byte_at_a_time_is_stopped_at_the_time_limit(tmp_path):
    """Each read arrived within --timeout, so a trickle of one byte a second never ended the command."""
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def trickle():
        try:
            connection = server.accept()[0]
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n")
            while True:
                connection.sendall(b"1\r\n \r\n")
                time.sleep(0.2)
        except OSError:
            return

    threading.Thread(target=trickle, daemon=True).start()
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    try:
        assert_refused(evkg("query", query, "--endpoint", f"http://127.0.0.1:{server.getsockname()[1]}/sparql",
                            "--timeout", "1", timeout=60), "did not answer within 1 s (to the last byte")
    finally:
        server.close()
