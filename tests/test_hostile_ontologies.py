"""An ontology file from elsewhere (`evkg terms add FILE`) is untrusted: adding it must not reach the network
nor take the machine's memory, and what it cannot be is said in plain words."""
from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from evkg.cli import main

ONTOLOGIES = Path(__file__).resolve().parent / "fixtures" / "ontologies"


@pytest.fixture()
def terms_dir(tmp_path, monkeypatch):
    folder = tmp_path / "terms"
    monkeypatch.setenv("EVKG_TERMS_DIR", str(folder))
    return folder


@pytest.mark.parametrize("name, text", [
    ("imports.obo", "format-version: 1.2\nontology: mondo\nimport: {url}\n\n[Term]\nid: MONDO:0000001\nname: disease\n"),
    ("imports.owl", (ONTOLOGIES / "mondo-excerpt.owl").read_text(encoding="utf-8").replace(
        '<owl:Ontology rdf:about="http://purl.obolibrary.org/obo/mondo.owl"/>',
        '<owl:Ontology rdf:about="http://purl.obolibrary.org/obo/mondo.owl"><owl:imports rdf:resource="{url}"/>'
        '</owl:Ontology>')),
], ids=["obo-import", "owl-imports"])
def test_an_ontology_that_imports_another_is_read_without_reaching_the_network(tmp_path, terms_dir, capsys,
                                                                               listener, name, text):
    """The imported ontology was fetched from the address the file named."""
    path = tmp_path / name
    path.write_text(text.replace("{url}", f"http://127.0.0.1:{listener.port}/other.obo"), encoding="utf-8")
    assert main(["terms", "add", str(path)]) == 0, capsys.readouterr().err
    assert "MONDO" in capsys.readouterr().out
    time.sleep(0.5)
    assert not listener.connected


def test_a_compressed_file_named_like_an_ontology_is_refused_before_it_is_unpacked(tmp_path, terms_dir, capsys):
    """3.6 MB of gzip named .obo was unpacked behind its name and took more than 5 GB of memory."""
    path = tmp_path / "mondo.obo"
    with gzip.open(path, "wb") as handle:
        handle.write(b"format-version: 1.2\nontology: mondo\n\n[Term]\nid: MONDO:0000001\nname: disease\n")
    assert main(["terms", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: is a compressed (gzip) file" in err and "Unpack it first" in err, err
    assert not terms_dir.exists() or not any(terms_dir.iterdir())


def test_a_json_ontology_nested_deeper_than_any_obo_graph_is_refused_before_it_is_parsed(tmp_path, terms_dir, capsys):
    """100,000 levels of brackets in 200 kB took the OBO-Graph reader 40 s, during which Ctrl+C was not heard;
    the time grew with the square of the nesting."""
    path = tmp_path / "mondo.json"
    graph = ('{"graphs": [{"id": "http://purl.obolibrary.org/obo/mondo.owl", "nodes": [{"id": '
             '"http://purl.obolibrary.org/obo/MONDO_0000001", "lbl": "disease"}]}], "x": ')
    path.write_text(graph + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    assert main(["terms", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: is nested more than 100 levels deep" in err and "Traceback" not in err, err
