"""The rule queries the engine runs are rewritten for Oxigraph's planner (premises first, unions spread,
negations as MINUS, evkg.core.sparql_rewrite); on real descriptions each must construct exactly what the rule
as written constructs."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import SH

from evkg.core.sparql_rewrite import rewrite_for_oxigraph

ROOT = Path(__file__).parent.parent
PREFIXES = "PREFIX evkg: <https://w3id.org/evkg#>\n"


@pytest.fixture(scope="module")
def classified_run():
    """A working store as the engine leaves it: every example, the curated products and 60 generated ones,
    with all their conclusions."""
    from rdflib import Graph

    from evkg.classification import engine
    from evkg.classification.knowledge import knowledge
    from evkg.core import resources

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_products import make_products

    data = make_products(60, seed=11)
    for path in sorted(ROOT.glob("examples/*/*.ttl")):
        data += Graph().parse(path, format="turtle")
    data += resources.data_graph()
    run = engine._Run(data.serialize(format="nt", encoding="utf-8"), engine.JURISDICTIONS, knowledge())
    run.scope()
    run.fixpoint()
    return run


@pytest.fixture(scope="module")
def classified_store(classified_run):
    return classified_run.store


def _as_written(rule_iri: str) -> str:
    from evkg.classification.knowledge import _IN_SCOPE, knowledge
    from evkg.core import resources

    construct = str(resources.rules_graph().value(URIRef(rule_iri), SH.construct))
    query = construct.replace("$this", "?this")
    at = query.index("WHERE {") + len("WHERE {")
    return knowledge().prefixes + query[:at] + f" ?this <{_IN_SCOPE.value}> true . " + query[at:]


def test_every_rewritten_rule_constructs_what_the_rule_as_written_constructs(classified_store):
    from evkg.classification.knowledge import HIERARCHY_RULE_ID, knowledge

    compared = rewritten = 0
    for rule in knowledge().rules:
        if not rule.query or rule.id == HIERARCHY_RULE_ID:
            continue
        written = _as_written(rule.iri)
        ours = {str(t) for t in classified_store.query(rule.query)}
        theirs = {str(t) for t in classified_store.query(written)}
        assert ours == theirs, rule.id
        compared += 1
        rewritten += " UNION " in rule.query and " UNION " not in written or "MINUS" in rule.query
    assert compared > 80 and rewritten >= 10          # the rewrites really are exercised


def test_every_rewritten_asked_when_finds_the_products_the_condition_as_written_finds(classified_store):
    """The conditions under which a question is asked (evkg:askedWhen) run rewritten too; each must find the
    same products as written. The request-for-designation condition is rewritten (its negations become MINUS)
    and finds products on this store."""
    from evkg.classification.answers import _asked_when_query
    from evkg.classification.knowledge import _IN_SCOPE, knowledge

    kb = knowledge()
    compared, rewritten, found = 0, 0, {}
    for question in kb.questions.values():
        if question.asked_when is None:
            continue
        written = kb.prefixes + f"SELECT DISTINCT ?this WHERE {{ ?this <{_IN_SCOPE.value}> true . {question.asked_when} }}"
        ours = _asked_when_query(kb.prefixes, question.asked_when)
        products = {str(row[0]) for row in classified_store.query(ours)}
        assert products == {str(row[0]) for row in classified_store.query(written)}, question.iri
        compared += 1
        rewritten += ours != written
        found[question.iri.rsplit("#", 1)[-1]] = len(products)
    assert compared >= 3 and rewritten >= 1
    assert found["Q_US_RFD"] > 0, found


def test_unions_are_spread_over_the_group():
    query = PREFIXES + "SELECT * WHERE { ?this evkg:a ?x . { ?x evkg:b ?y } UNION { ?x evkg:c ?y } FILTER(?y != 1) }"
    rewritten = rewrite_for_oxigraph(query)
    assert rewritten.count("?this evkg:a ?x") == 2 and rewritten.count("FILTER(?y != 1)") == 2
    assert rewritten.count("UNION") == 1


def test_a_branch_with_a_filter_on_an_outside_variable_keeps_its_braces():
    query = PREFIXES + ("SELECT * WHERE { ?this evkg:a ?x . { ?this evkg:b ?y FILTER(?x = ?y) } "
                        "UNION { ?this evkg:c ?y } }")
    rewritten = rewrite_for_oxigraph(query)
    assert "{ ?this evkg:b ?y FILTER(?x = ?y) }" in rewritten or "{ ?this evkg:b ?y . FILTER(?x = ?y) }" in rewritten


def test_not_exists_becomes_minus_only_for_plain_patterns_on_this():
    plain = rewrite_for_oxigraph(PREFIXES + "SELECT * WHERE { ?this evkg:a ?x . FILTER NOT EXISTS { ?this evkg:b true } }")
    assert "MINUS { ?this evkg:b true }" in plain and "NOT EXISTS" not in plain
    nested = PREFIXES + ("SELECT * WHERE { ?this evkg:a ?x . "
                         "FILTER NOT EXISTS { ?this evkg:b ?y FILTER NOT EXISTS { ?y evkg:c true } } }")
    assert "NOT EXISTS" in rewrite_for_oxigraph(nested) and "MINUS" not in rewrite_for_oxigraph(nested)
    other = PREFIXES + "SELECT * WHERE { ?this evkg:a ?x . FILTER NOT EXISTS { ?x evkg:b true } }"
    assert "MINUS" not in rewrite_for_oxigraph(other)            # ?x may be what differs: left alone


def test_rewrites_give_the_same_rows_on_a_small_store():
    store = ox.Store()
    store.load(b"""@prefix evkg: <https://w3id.org/evkg#> .
        evkg:p1 evkg:a evkg:x1 . evkg:x1 evkg:b 1 . evkg:p1 evkg:gone true .
        evkg:p2 evkg:a evkg:x2 . evkg:x2 evkg:c 2 .
        evkg:p3 evkg:a evkg:x3 .""", format=ox.RdfFormat.TURTLE)
    queries = [
        "SELECT ?this ?y WHERE { ?this evkg:a ?x . { ?x evkg:b ?y } UNION { ?x evkg:c ?y } }",
        "SELECT ?this WHERE { ?this evkg:a ?x . FILTER NOT EXISTS { ?this evkg:gone true } }",
        "SELECT ?this ?y WHERE { ?this evkg:a ?x . OPTIONAL { ?x evkg:b ?y } { ?x evkg:b ?z FILTER(?z > 0) } "
        "UNION { ?x evkg:c ?z } }",
    ]
    for query in queries:
        before = sorted(str(s) for s in store.query(PREFIXES + query))
        after = sorted(str(s) for s in store.query(rewrite_for_oxigraph(PREFIXES + query)))
        assert before == after, query


def test_an_unreadable_query_is_left_as_it_is():
    assert rewrite_for_oxigraph("this is { not sparql") == "this is { not sparql"


def test_the_hierarchy_step_concludes_what_its_sparql_form_does(classified_run):
    """The engine applies the category hierarchy in Python, incrementally; the rule's SPARQL form (kept for
    the rules document and the what-if comparison) must construct the same statements."""
    from evkg.classification.knowledge import HIERARCHY_RULE_ID, knowledge

    hierarchy = next(r for r in knowledge().rules if r.id == HIERARCHY_RULE_ID)
    by_sparql = {str(t) for t in classified_run.store.query(hierarchy.query)}
    rule_iri = hierarchy.iri
    by_step = {str(t) for t in classified_run.derived
               if classified_run.index.rule.get(t.subject.value) == rule_iri}
    assert by_sparql and by_step == by_sparql


def test_hostile_rule_texts_are_left_as_they_are_quickly():
    """An overlay rule is the user's text: groups nested thousands deep, or unions nested in unions, must
    neither crash the rewrite nor make the query grow without bound."""
    from evkg.core.sparql_patterns import Needs, needs_of

    deep = PREFIXES + "SELECT * WHERE { " + "{ " * 5000 + "?this evkg:a ?x " + "} " * 5000 + "}"
    assert rewrite_for_oxigraph(deep) == deep
    assert needs_of(deep) == Needs()
    nested = "?this evkg:a ?x"
    for level in range(12):
        nested = f"{{ {nested} . ?this evkg:b{level} ?y }} UNION {{ {nested} . ?this evkg:c{level} ?z }}"
    unions = PREFIXES + "SELECT * WHERE { ?this evkg:p ?q . " + nested + " }"
    assert len(rewrite_for_oxigraph(unions)) <= 8 * len(unions)
