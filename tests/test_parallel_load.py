"""A large N-Triples or N-Quads text loaded by several bulk loaders at once gives the store exactly what one
loader gives: every statement once, every blank node one node (evkg.core.store_loading)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from evkg.core import store_loading
from evkg.core.store_loading import blank_node_labels, load_serialized, parts_keeping_blank_nodes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from make_products import make_products  # noqa: E402

P = "<http://example.org/p>"
# Blank nodes written every way N-Triples allows: linked to each other in chains, a dot inside a label, a label
# right before the closing dot, tabs between terms, a label inside a literal and an IRI (not a blank node), a
# comment, a line ending in CR LF, a label outside ASCII, and the same labels again far apart.
TRICKY_LINES = [
    f"_:a {P} _:b .",
    f"_:b {P} _:c.d .",
    f'_:c.d {P} "text with _:z in it" .',
    f"<urn:_:e> {P} _:f.",
    f"_:f\t{P}\t_:g\t.",
    f'_:h {P} "x" . # _:i is only mentioned here',
    f'_:j {P} "y" .\r',
    f'_:\u00fcber {P} "z" .',
    f"_:z {P} <http://example.org/o> .",
]
FILLER = [f'<http://example.org/s{i}> {P} "{i}" .' for i in range(400)]


def tricky_text(quads: bool = False) -> bytes:
    lines = TRICKY_LINES[:3] + FILLER[:200] + TRICKY_LINES[3:] + FILLER[200:] + TRICKY_LINES[:2]
    if quads:
        lines += [f"_:k {P} _:l _:m .", f"_:m {P} _:a <http://example.org/g> .", f"_:n {P} _:k _:m ."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def canonical(store: ox.Store) -> set[str]:
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


@pytest.fixture
def parallel_from_small(monkeypatch):
    """The parallel path taken for small texts too, with four loaders whatever the machine's cores."""
    monkeypatch.setattr(store_loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(store_loading, "usable_cores", lambda: 4)


def test_every_label_a_parser_reads_in_a_line_is_found_in_it():
    """What keeps a blank node's statements together: its label is found, as written, in each of its lines."""
    for line in tricky_text(quads=True).split(b"\n"):
        read = {term.value for quad in ox.parse(io.BytesIO(line + b"\n"), format=ox.RdfFormat.N_QUADS)
                for term in (quad.subject, quad.object, quad.graph_name) if isinstance(term, ox.BlankNode)}
        assert read <= {label.decode() for label in blank_node_labels(line)}, line


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_the_parts_hold_every_line_once_and_each_blank_node_in_one_part_only(parts):
    data = tricky_text(quads=True)
    texts = parts_keeping_blank_nodes(data, parts)
    assert len(texts) == parts
    lines = [line for text in texts for line in text.split(b"\n") if line]
    assert sorted(lines) == sorted(line for line in data.split(b"\n") if line)
    labels_of_part = []
    for text in texts:                           # read by a real parser, labels as written
        labels = set()
        for quad in ox.parse(io.BytesIO(text), format=ox.RdfFormat.N_QUADS):
            labels |= {term.value for term in (quad.subject, quad.object, quad.graph_name)
                       if isinstance(term, ox.BlankNode)}
        labels_of_part.append(labels)
    for index, labels in enumerate(labels_of_part):
        for other in labels_of_part[index + 1:]:
            assert not labels & other
    assert {"a", "b", "c.d"} <= next(labels for labels in labels_of_part if "a" in labels)   # a chain stays together


@pytest.mark.parametrize("rdf_format, quads", [(ox.RdfFormat.N_TRIPLES, False), (ox.RdfFormat.N_QUADS, True)])
def test_loading_in_parallel_gives_the_store_what_one_loader_gives(parallel_from_small, rdf_format, quads):
    data = tricky_text(quads)
    one, several = ox.Store(), ox.Store()
    graph = ox.NamedNode("http://example.org/graph") if not quads else None
    load_serialized(one, data, rdf_format, to_graph=graph)
    load_serialized(several, data, rdf_format, to_graph=graph, parallel=True)
    assert len(several) == len(one) > 400
    assert canonical(several) == canonical(one)


def test_generated_products_keep_every_measurement_on_disk(parallel_from_small, tmp_path):
    data = make_products(40, seed=3).serialize(format="nt", encoding="utf-8")
    graph = ox.NamedNode("http://example.org/products")
    one, several = ox.Store(), ox.Store(str(tmp_path / "store"))
    load_serialized(one, data, ox.RdfFormat.N_TRIPLES, to_graph=graph)
    load_serialized(several, data, ox.RdfFormat.N_TRIPLES, to_graph=graph, parallel=True)
    count = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b ?p ?o FILTER(isBlank(?b)) } }"
    assert int(next(iter(several.query(count)))["n"].value) == int(next(iter(one.query(count)))["n"].value) > 100
    assert canonical(several) == canonical(one)


def test_a_text_one_loader_refuses_is_refused_in_parallel_too(parallel_from_small):
    bad = tricky_text() + b"<http://example.org/s> <http://example.org/p> \"unterminated .\n"
    with pytest.raises(SyntaxError):
        load_serialized(ox.Store(), bad, ox.RdfFormat.N_TRIPLES, parallel=True)


def test_a_small_text_or_another_format_is_loaded_by_one_loader(monkeypatch):
    loads = []
    monkeypatch.setattr(store_loading, "_load_in_parts", lambda *args, **kwargs: loads.append(args))
    load_serialized(ox.Store(), tricky_text(), ox.RdfFormat.N_TRIPLES, parallel=True)       # under 16 MB
    monkeypatch.setattr(store_loading, "PARALLEL_MIN_BYTES", 0)
    load_serialized(ox.Store(), b"<urn:s> <urn:p> _:x .", ox.RdfFormat.TURTLE, parallel=True)
    assert loads == []
