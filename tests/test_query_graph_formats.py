"""`evkg query` with a CONSTRUCT or DESCRIBE query: its answer is a graph, written as Turtle or N-Triples when
asked; a results format (csv, tsv, json, xml) is refused in words, never answered with N-Triples unsaid."""
from __future__ import annotations

import json

import pytest

from evkg.cli import main

CONSTRUCT = """PREFIX evkg: <https://w3id.org/evkg#>
CONSTRUCT { ?p a evkg:EVProduct } WHERE { ?p a evkg:EVProduct } LIMIT 2
"""
DESCRIBE = """PREFIX evkg: <https://w3id.org/evkg#>
DESCRIBE ?p WHERE { ?p a evkg:EVProduct } LIMIT 1
"""


@pytest.fixture
def graph_queries(tmp_path):
    (tmp_path / "graph.rq").write_text(CONSTRUCT)
    (tmp_path / "describe.rq").write_text(DESCRIBE)
    return tmp_path


@pytest.mark.parametrize("query", ["graph.rq", "describe.rq"])
@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_a_graph_query_asked_for_a_results_format_is_refused_in_words(graph_queries, built_store_path, capsys,
                                                                      query, fmt):
    """It wrote N-Triples to the screen, exit 0, for `-f json`."""
    status = main(["query", str(graph_queries / query), "-f", fmt, "--store", str(built_store_path)])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == "", captured.out[:300]
    kind = "CONSTRUCT" if query == "graph.rq" else "DESCRIBE"
    assert f"is a {kind} query: its answer is a graph" in captured.err, captured.err
    assert f"cannot be written as {fmt.upper()}" in captured.err
    assert "ttl (Turtle), nt (N-Triples) or table" in captured.err and "--format ttl" in captured.err


@pytest.mark.parametrize("fmt, first", [("nt", "<https://w3id.org/evkg/data/product/"), ("ttl", "@prefix"),
                                        ("turtle", "@prefix"), ("ntriples", "<https://w3id.org/")])
def test_a_graph_query_is_written_as_the_graph_format_asked(graph_queries, built_store_path, capsys, fmt, first):
    assert main(["query", str(graph_queries / "graph.rq"), "-f", fmt, "--store", str(built_store_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(first) and "EVProduct" in out, out[:300]


def test_the_file_name_chooses_the_graph_format(graph_queries, built_store_path, capsys):
    written = graph_queries / "answer.nt"
    assert main(["query", str(graph_queries / "graph.rq"), "-o", str(written), "--store", str(built_store_path)]) == 0
    lines = written.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("<") and line.endswith(" .") for line in lines), lines
    refused = graph_queries / "answer.json"
    assert main(["query", str(graph_queries / "graph.rq"), "-o", str(refused), "--store", str(built_store_path)]) == 2
    assert "cannot be written as JSON" in capsys.readouterr().err and not refused.exists()


def test_a_select_query_asked_for_a_graph_format_is_refused_in_words(built_store_path, capsys):
    assert main(["query", "ev-role", "-f", "ttl", "--store", str(built_store_path)]) == 2
    err = capsys.readouterr().err
    assert "the query ev-role is a SELECT query: its answer is a table of results, not a graph" in err, err
    assert "table, csv, tsv, json or xml" in err
    assert main(["query", "ev-role", "-f", "json", "--store", str(built_store_path)]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"]


def test_the_library_refuses_a_results_format_for_a_graph_too(built_store):
    from evkg.core.errors import UsageError

    with pytest.raises(UsageError, match="is for results; a CONSTRUCT or DESCRIBE query gives a graph"):
        built_store.query_serialized(CONSTRUCT, "json")
    assert built_store.query_serialized(CONSTRUCT, "ntriples").count(b"\n") == 2
