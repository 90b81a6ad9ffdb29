"""One representation of an overridden conclusion: the status evkg:Superseded.

A recorded agency determination (here a marketing authorisation saying "not an ATMP") overrides the inferred
ATMP conclusion of a gene-therapy-like product. The engine gives the overridden outcome the status
evkg:Superseded; every named query that lists conclusions leaves it out (they filter on that status), every
report format leaves it out, and `evkg explain` still shows it as superseded, with what overrides it.
"""
from __future__ import annotations

import functools
import re
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from evkg.classification.engine import classify
from evkg.cli.explain import command as explain_command
from evkg.core import resources
from evkg.core.namespaces import EVKG
from evkg.graph.queries import catalogue, run_named_query
from evkg.graph.store import GRAPHS, EmbeddedStore
from evkg.pipeline import check_files
from evkg.report.render import REPORT_FORMATS, render

from test_rules_eu import GTMP, describe

PRODUCT_ID = "overridden-atmp"
PRODUCT = f"https://w3id.org/evkg/data/product/{PRODUCT_ID}"
ATMP_LABEL = "EU advanced therapy medicinal product (ATMP)"


def description() -> str:
    return describe(PRODUCT, **GTMP, determinations=[("EU_MarketingAuthorisation", "EU_NotATMP")])


@functools.cache
def outcome_graph() -> Graph:
    return classify(Graph().parse(data=description(), format="turtle")).graph


def superseded_outcomes(graph: Graph) -> set:
    return {s for s in graph.subjects(EVKG.status, EVKG.Superseded)}


def test_the_overridden_atmp_conclusion_has_the_superseded_status_and_names_its_overrider():
    graph = outcome_graph()
    atmp = [o for o in graph.subjects(EVKG.category, EVKG.EU_ATMP) if graph.value(o, EVKG.ofProduct) == URIRef(PRODUCT)]
    assert atmp, "the rules infer an ATMP from the gene therapy facts"
    for outcome in atmp:
        assert set(graph.objects(outcome, EVKG.status)) == {EVKG.Superseded}
        overriders = set(graph.objects(outcome, EVKG.supersededBy))
        assert overriders and all(graph.value(o, EVKG.category) == EVKG.EU_NotATMP for o in overriders)
    # Every outcome with an overrider is superseded, and only those: one representation, not two.
    assert superseded_outcomes(graph) == set(graph.subjects(EVKG.supersededBy, None))
    assert (URIRef(PRODUCT), None, EVKG.EU_ATMP) not in graph


def _store(outcomes: Graph) -> EmbeddedStore:
    store = EmbeddedStore(store=ox.Store())
    for name, graph in (("ontology", resources.ontology_graph()), ("curated", resources.data_graph())):
        store.bulk_load_graph(graph.serialize(format="nt", encoding="utf-8"), GRAPHS[name])
    product = Graph().parse(data=description(), format="turtle")
    store.bulk_load_graph(product.serialize(format="nt", encoding="utf-8"), GRAPHS["curated"])
    store.bulk_load_graph(outcomes.serialize(format="nt", encoding="utf-8"), GRAPHS["inferred"])
    return store


def _runs():
    """(query name, parameters) for every named query, with every jurisdiction where it takes one."""
    for name, query in sorted(catalogue().items()):
        params = {p.name: None for p in query.params}
        if "product" in params:
            yield name, {"product": PRODUCT_ID}
        elif "jurisdiction" in params:
            for jurisdiction in ("EU", "US", "KR"):
                yield name, {"jurisdiction": jurisdiction}
        else:
            yield name, {}


_QUOTED = re.compile(r'^"(.*)"(@[A-Za-z0-9-]+|\^\^<[^>]*>)?$', re.DOTALL)


def _cell(value):
    # GROUP_CONCAT joins in no fixed order, so compare the joined tokens of a literal's text as a set
    if not isinstance(value, str):
        return value
    quoted = _QUOTED.match(value)
    if quoted is None:
        return " ".join(sorted(value.split(" ")))
    return '"' + " ".join(sorted(quoted.group(1).split(" "))) + '"' + (quoted.group(2) or "")


def _answers(store: EmbeddedStore) -> dict:
    return {(name, tuple(sorted(params.items()))):
            sorted(tuple(_cell(v) for v in row) for row in run_named_query(name, store=store, **params).row_set())
            for name, params in _runs()}


def test_no_named_query_shows_the_overridden_conclusion():
    graph = outcome_graph()
    superseded = superseded_outcomes(graph)
    assert superseded
    without = Graph()
    for triple in graph:
        if triple[0] not in superseded:
            without.add(triple)
    with_record = _answers(_store(graph))
    assert with_record == _answers(_store(without))
    # Not vacuous: were the overridden outcome live (its chain status), the queries would show it.
    live = Graph()
    for s, p, o in graph:
        live.add((s, p, EVKG.Settled if (p == EVKG.status and o == EVKG.Superseded) else o))
    shown = _answers(_store(live))
    changed = sorted(key[0] for key in with_record if with_record[key] != shown[key])
    assert "products-by-category" in changed and "classification-matrix" in changed


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = tmp_path_factory.mktemp("superseded") / "product.ttl"
    path.write_text(description(), encoding="utf-8")
    return path, check_files([path])


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_no_report_shows_the_overridden_conclusion(checked, fmt):
    _, run = checked
    text = render(run, fmt)
    assert "EU gene therapy medicinal product" in text           # the report does list the live answers
    assert ATMP_LABEL not in text and str(EVKG.EU_ATMP) + '"' not in text and "evkg:EU_ATMP " not in text
    if fmt == "json":
        categories = {c["category"] for p in json.loads(text)["files"][0]["products"] for c in p["classifications"]}
        assert str(EVKG.EU_NotATMP) in categories and str(EVKG.EU_ATMP) not in categories
    if fmt == "ttl":
        report = Graph().parse(data=text, format="turtle")
        assert (None, EVKG.category, EVKG.EU_ATMP) not in report
        assert (None, EVKG.status, EVKG.Superseded) not in report


def test_explain_still_shows_the_overridden_conclusion_as_superseded(checked):
    path, _ = checked
    output = CliRunner().invoke(explain_command, [str(path), "-j", "EU"]).output
    assert f"{ATMP_LABEL} [superseded" in output
    assert "overridden by EU-30" in output
