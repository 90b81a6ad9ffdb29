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
