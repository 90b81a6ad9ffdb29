"""Descriptions shaped to make the checker's own queries explode are checked in work linear in their size.

The work is counted, not timed: the rows the validator reads from the store for a description of n products
and for one of 2n. A query that walks every product's reach separately (a property path per product) reads
products × reachable nodes, four times as many rows when both double; a linear one reads twice as many.
Timings of the real command at larger sizes are in benchmarks/hostile_shapes.py.
"""
from __future__ import annotations

import pytest

from evkg.pipeline import check_files

HEADER = ("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
          "@prefix ex: <http://example.org/> .\n")


def chained_products(n: int) -> str:
    """n products, each pointing to the next with rdfs:seeAlso."""
    return HEADER + "".join(f'ex:p{i} a evkg:EVProduct ; rdfs:label "Product {i}" ; rdfs:seeAlso ex:p{i + 1} .\n'
                            for i in range(n))


def hub_behind_products(n: int, nodes_per_product: int = 20) -> str:
    """n products all pointing to one hub, with 20 labelled nodes per product behind the hub."""
    text = HEADER + "".join(f'ex:p{i} a evkg:EVProduct ; rdfs:label "Product {i}" ; rdfs:seeAlso ex:hub .\n'
                            for i in range(n))
    return text + "".join(f'ex:hub rdfs:seeAlso ex:n{j} . ex:n{j} rdfs:label "node {j}" .\n'
                          for j in range(n * nodes_per_product))


def rows_read(tmp_path, monkeypatch, text: str) -> int:
    from evkg.validation import engine

    path = tmp_path / f"shape-{len(text)}.ttl"
    path.write_text(text, encoding="utf-8")
    counted = [0]
    real_rows = engine._rows

    def counting(store, query):
        for row in real_rows(store, query):
            counted[0] += 1
            yield row

    monkeypatch.setattr(engine, "_rows", counting)
    run = check_files([path])
    monkeypatch.setattr(engine, "_rows", real_rows)
    assert run.files[0].error is None and len(run.files[0].products) == text.count("a evkg:EVProduct")
    return counted[0]


@pytest.mark.parametrize("shape", [chained_products, hub_behind_products])
def test_hostile_shapes_cost_linear_work(tmp_path, monkeypatch, shape):
    small = rows_read(tmp_path, monkeypatch, shape(40))
    large = rows_read(tmp_path, monkeypatch, shape(80))
    assert large <= 2.3 * small, f"{shape.__name__}: {small} rows for 40 products, {large} for 80"


def test_each_node_belongs_to_the_first_product_reaching_it(tmp_path):
    path = tmp_path / "hub.ttl"
    path.write_text(hub_behind_products(3, 2), encoding="utf-8")
    from evkg.io.load import load_rdf
    from evkg.validation.engine import SubmittedData
    from evkg.validation.store import store_of_graph
    from rdflib import URIRef

    owners = SubmittedData(store_of_graph(load_rdf(path))).owners
    ex = "http://example.org/"
    assert owners[URIRef(ex + "hub")] == URIRef(ex + "p0") and owners[URIRef(ex + "n5")] == URIRef(ex + "p0")
    assert owners[URIRef(ex + "p2")] == URIRef(ex + "p2")
