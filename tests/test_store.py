"""The embedded store and the build: the main named graphs as the default graph, each overlay rule set's rules
and outcomes in graphs of their own, fingerprinted rebuilds, export."""
from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from evkg.cli import main
from evkg.core.errors import UsageError
from evkg.graph.build import BUILD_INFO_FILE, build, ensure_built, fingerprint, recorded_fingerprint
from evkg.graph.store import EmbeddedStore, StoreError, all_graphs, rule_set_graphs


def test_build_fills_the_named_graphs(built_store, built_store_path):
    counts = built_store.graph_counts()
    assert set(counts) == set(all_graphs())
    assert {"https://w3id.org/evkg/graph/rule-set/eu-reform-proposal-2023",
            "https://w3id.org/evkg/graph/outcomes/eu-reform-proposal-2023"} <= set(rule_set_graphs())
    assert all(n > 0 for n in counts.values()), counts
    info = json.loads((built_store_path / BUILD_INFO_FILE).read_text())
    assert info["triples"] == counts
    assert recorded_fingerprint(built_store) == fingerprint()


def test_queries_read_the_union_of_the_named_graphs(built_store):
    # ontology term, rule node and inferred outcome answered together without GRAPH clauses
    results = built_store.query("""
        ASK { <https://w3id.org/evkg#ExtracellularVesicle> ?p ?o .
              ?rule a <https://w3id.org/evkg#ClassificationRule> .
              ?outcome a <https://w3id.org/evkg#ClassificationOutcome> ;
                       <https://w3id.org/evkg#ofProduct> <https://w3id.org/evkg/data/product/exoflo> }""")
    assert results.boolean is True


def test_other_rule_sets_stay_out_of_the_default_graph(built_store):
    # iExosomes is a GTMP only under the reform proposal: queries without GRAPH see the law in force alone
    gtmp = """ASK { ?o <https://w3id.org/evkg#ofProduct> <https://w3id.org/evkg/data/product/iexosomes> ;
                      <https://w3id.org/evkg#category> <https://w3id.org/evkg#EU_GTMP> }"""
    assert built_store.query(gtmp).boolean is False
    in_graph = gtmp.replace("ASK {", "ASK { GRAPH <https://w3id.org/evkg/graph/outcomes/eu-reform-proposal-2023> {") + " }"
    assert built_store.query(in_graph).boolean is True


def test_a_stale_store_is_rebuilt_and_a_current_one_is_not(tmp_path):
    messages = []
    store = EmbeddedStore(tmp_path / "store")
    assert ensure_built(store, progress=messages.append) is not None
    assert "first use" in messages[0]
    messages.clear()
    assert ensure_built(store, progress=messages.append) is None and messages == []
    info = tmp_path / "store" / BUILD_INFO_FILE
    info.write_text(json.dumps({"fingerprint": "built-from-older-data"}))
    summary = ensure_built(store, progress=messages.append)
    assert summary is not None and "changed" in messages[0]
    assert store.graph_counts() == summary.triples  # replaced, not added twice


@pytest.mark.parametrize("suffix, rdf_format", [(".nq", ox.RdfFormat.N_QUADS), (".trig", ox.RdfFormat.TRIG)])
def test_export(tmp_path, suffix, rdf_format):
    out = tmp_path / f"graph{suffix}"
    summary = build(tmp_path / "store", out, progress=lambda m: None)
    quads = list(ox.parse(path=str(out), format=rdf_format))
    assert len(quads) == summary.total
    assert {q.graph_name.value for q in quads} == set(all_graphs())


def test_export_refuses_other_formats(tmp_path, capsys):
    with pytest.raises(UsageError, match=r"\.nq \(N-Quads\) or \.trig"):
        build(tmp_path / "store", tmp_path / "graph.ttl", progress=lambda m: None)
    assert main(["build", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "g.json")]) == 2


def test_build_command_summarises_on_stderr_without_a_bar_in_a_pipe(tmp_path, capsys):
    assert main(["build", "--store", str(tmp_path / "store")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"triples in {len(all_graphs())} graphs" in err
    assert "\r" not in err                                  # the bar is for terminals only
    assert any(line.startswith("evkg build: classifying the curated products") for line in err.splitlines())
    assert main(["build", "--store", str(tmp_path / "store"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_a_store_held_for_writing_gives_a_plain_error_to_writers_and_still_answers_queries(built_store_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom evkg.graph.store import EmbeddedStore\n"
                               f"store = EmbeddedStore({str(built_store_path)!r})\nprint('held', flush=True)\n"
                               "time.sleep(60)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code = ("from evkg.graph.store import EmbeddedStore\n"
                f"EmbeddedStore({str(built_store_path)!r})\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and "in use by another evkg process" in done.stderr
        # a query only reads: it opens the store read-only and answers while the other process holds it
        done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", "ev-role", "--store",
                               str(built_store_path), "--format", "csv"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "exosting" in done.stdout and "Traceback" not in done.stderr
    finally:
        holder.kill()
        holder.wait()


def test_several_commands_query_the_same_store_at_once(built_store_path):
    command = [sys.executable, "-m", "evkg.cli", "query", "eu-us-kind-differs", "--store", str(built_store_path),
               "--format", "csv"]
    running = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    answers = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0, 0, 0], [err for _, err in answers]
    assert len({out for out, _ in answers}) == 1 and "exosting" in answers[0][0]


def test_commands_that_find_the_store_missing_at_once_build_it_once(tmp_path):
    """Two first uses at the same moment: one builds, the other waits for it and uses what it built (before,
    both built and swapped their folders over each other's)."""
    target = tmp_path / "store"
    code = ("import sys\nfrom evkg.graph.build import open_store\n"
            f"store = open_store({str(target)!r}, progress=lambda m: print(m, flush=True))\n"
            "print('triples', len(store.store), flush=True)\n")
    running = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    answers = [process.communicate(timeout=300) for process in running]
    assert [process.returncode for process in running] == [0, 0], [err for _, err in answers]
    said = "".join(out for out, _ in answers)
    assert said.count("evkg build: putting the new store in place") == 1, said        # one build, into the missing store
    counts = {line for line in said.splitlines() if line.startswith("triples ")}
    assert len(counts) == 1 and int(counts.pop().split()[1]) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.lock", "store"]


def test_unwritable_store_location(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="could not be opened"):
        EmbeddedStore(blocker / "store")


def test_a_graph_store_address_without_http_is_refused_with_an_example_like_the_endpoint():
    """`evkg load --graph-store localhost:7878/store` said "cannot reach the graph store … (unknown url type:
    localhost)" after building the store; the endpoint example named /query even for loading."""
    from evkg.graph.store import RemoteEndpoint

    with pytest.raises(UsageError) as refused:
        RemoteEndpoint("http://localhost:7878/update", graph_store="localhost:7878/store")
    assert str(refused.value) == ("the graph store 'localhost:7878/store' is not an http(s) URL; give one like "
                                  "http://localhost:7878/store")
    with pytest.raises(UsageError) as refused:
        RemoteEndpoint("localhost:7878/update")
    assert "give one like http://localhost:7878/query (/update to load)" in str(refused.value)
