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


def test_a_store_in_use_by_another_process_gives_a_plain_error(built_store_path):
    code = ("from evkg.graph.store import EmbeddedStore\n"
            f"EmbeddedStore({str(built_store_path)!r})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "in use by another evkg process" in done.stderr
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", "ev-role", "--store", str(built_store_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "in use by another evkg process" in done.stderr
    assert "Traceback" not in done.stderr


def test_unwritable_store_location(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="could not be opened"):
        EmbeddedStore(blocker / "store")
