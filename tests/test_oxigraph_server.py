"""The same graph and queries on a real Oxigraph server: `evkg load` round-trips, results are identical,
and endpoint failures give a plain message and exit code 2 within the timeout."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from evkg.cli import main
from evkg.graph.build import push_store
from evkg.graph.queries import catalogue, run_named_query
from evkg.graph.store import RemoteEndpoint, all_graphs

SAMPLE_PARAMS = {
    "products-by-category": [{}, {"jurisdiction": "US"}, {"jurisdiction": "KR"}],
    "evidence-for-product": [{"product": "iexosomes"}],
    "rules-citing-act": [{"act": "eu-reg-726-2004"}],
    "ev-subtypes": [{"type": "SmallEV"}],
    "ev-role": [{"role": "ActiveSubstance"}],
    "whatif-changes": [{}, {"baseline": "eu-reform-proposal-2023"}],
}


def normalised(results):
    """Row sets with space-separated cells token-sorted: GROUP_CONCAT order is unspecified in SPARQL."""
    def cell(term):
        if term is None:
            return ""
        kind = type(term).__name__
        return kind + ":" + " ".join(sorted(term.value.split(" ")))

    return sorted(tuple(cell(term) for term in row) for row in results.rows)


@pytest.fixture(scope="module")
def loaded_server(oxigraph_server, built_store_path):
    code = main(["load", "--endpoint", oxigraph_server.update_url, "--store", str(built_store_path)])
    assert code == 0
    return oxigraph_server


def test_load_round_trips_every_graph(loaded_server, built_store):
    remote = RemoteEndpoint(loaded_server.query_url)
    assert remote.graph_counts() == built_store.graph_counts()
    assert set(remote.graph_counts()) == set(all_graphs())


def test_load_through_the_graph_store_protocol_replaces_graphs(loaded_server, built_store, capsys):
    code = main(["load", "--endpoint", loaded_server.update_url, "--graph-store", loaded_server.store_url,
                 "--store", str(built_store.path)])
    _, err = capsys.readouterr()
    assert code == 0 and f"triples in {len(all_graphs())} graphs sent" in err
    assert RemoteEndpoint(loaded_server.query_url).graph_counts() == built_store.graph_counts()


def test_small_update_chunks_keep_blank_nodes_together(loaded_server, built_store):
    sent = push_store(built_store, RemoteEndpoint(loaded_server.update_url), chunk_size=50,
                      progress=lambda m: None)
    assert sent == built_store.graph_counts()
    assert RemoteEndpoint(loaded_server.query_url).graph_counts() == sent


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_server_answers_like_the_embedded_store(loaded_server, built_store, name):
    for params in SAMPLE_PARAMS.get(name, [{}]):
        embedded = run_named_query(name, store=built_store, **params)
        remote = run_named_query(name, endpoint=loaded_server.query_url, **params)
        assert remote.variables == embedded.variables
        assert normalised(remote) == normalised(embedded), (name, params)


def test_w3c_formats_from_the_endpoint(loaded_server, built_store_path, capsysbinary):
    import pyoxigraph as ox

    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
               "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    for fmt, results_format in formats.items():
        assert main(["query", "ev-role", "--format", fmt, "--store", str(built_store_path)]) == 0
        local, _ = capsysbinary.readouterr()
        assert main(["query", "ev-role", "--format", fmt, "--endpoint", loaded_server.query_url]) == 0
        remote, _ = capsysbinary.readouterr()
        if fmt == "csv":  # CSV results cannot be read back as terms; compare the lines
            assert sorted(remote.splitlines()) == sorted(local.splitlines())
            continue
        parsed = [sorted(tuple(str(term) for term in solution)
                         for solution in ox.parse_query_results(data, format=results_format))
                  for data in (local, remote)]
        assert parsed[0] == parsed[1] and parsed[0], fmt


def test_endpoint_query_as_a_subprocess(loaded_server):
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", "products-by-category", "--param",
                           "jurisdiction=US", "--endpoint", loaded_server.query_url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "evd:product/exoflo" in done.stdout


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint(capsys):
    url = f"http://127.0.0.1:{_closed_port()}/query"
    assert main(["query", "ev-role", "--endpoint", url]) == 2
    _, err = capsys.readouterr()
    assert "cannot reach the endpoint" in err and "connection refused" in err
    assert main(["load", "--endpoint", url.replace("query", "update")]) == 2


def test_http_errors_are_reported(loaded_server, built_store, capsys):
    assert main(["query", "ev-role", "--endpoint", loaded_server.base + "/no-such-path"]) == 2
    _, err = capsys.readouterr()
    assert "was not found (HTTP 404)" in err
    # a query-only URL does not accept updates: `load` reports the server's refusal
    assert main(["load", "--endpoint", loaded_server.query_url, "--store", str(built_store.path)]) == 2
    _, err = capsys.readouterr()
    assert f"the endpoint {loaded_server.query_url}" in err and "Traceback" not in err


def test_a_silent_server_times_out(capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    stop = threading.Event()

    def accept_and_say_nothing():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        assert main(["query", "ev-role", "--endpoint", url, "--timeout", "1"]) == 2
        _, err = capsys.readouterr()
        assert "did not answer within 1 s" in err
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def test_bad_endpoint_urls(capsys):
    assert main(["query", "ev-role", "--endpoint", "localhost:7878"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    assert main(["query", "ev-role", "--endpoint", "http://127.0.0.1:1/q", "--timeout", "0"]) == 2
    assert "give a number of seconds above 0" in capsys.readouterr().err


def test_a_query_to_a_server_nothing_was_loaded_into_says_to_load_it(tmp_path, built_store_path, capsys):
    from evkg.graph.oxigraph_server import running_oxigraph

    with running_oxigraph(tmp_path / "empty-server") as server:
        code = main(["query", "eu-us-kind-differs", "--endpoint", server.query_url])
        _, err = capsys.readouterr()
        assert code == 2, err
        assert f"the endpoint {server.query_url} holds none of evkg's graphs" in err, err
        assert f"evkg load --endpoint {server.update_url}" in err, err
        # a query naming its own dataset may ask any endpoint
        own = tmp_path / "own.rq"
        own.write_text("SELECT ?s FROM <urn:evkg:test> WHERE { ?s ?p ?o }\n")
        assert main(["query", str(own), "--endpoint", server.query_url]) == 0, capsys.readouterr().err
        capsys.readouterr()
        assert main(["load", "--endpoint", server.update_url, "--store", str(built_store_path), "--quiet"]) == 0
        code = main(["query", "eu-us-kind-differs", "--endpoint", server.query_url])
        out, err = capsys.readouterr()
        assert code == 0 and "evd:product/exosting" in out, err


def test_the_query_and_update_services_mixed_up_say_which_to_use(oxigraph_server, built_store_path, capsys):
    base = oxigraph_server.base
    assert main(["query", "eu-us-kind-differs", "--endpoint", oxigraph_server.update_url]) == 2
    err = capsys.readouterr().err
    assert (f"the endpoint {base}/update is a service for changing data (SPARQL Update), not for queries: ask its "
            f"query service instead, e.g. --endpoint {base}/query") in err, err
    assert main(["load", "--endpoint", oxigraph_server.query_url, "--store", str(built_store_path),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert (f"the endpoint {base}/query is a query service and does not take changes: load through its update "
            f"service, e.g. --endpoint {base}/update") in err, err
