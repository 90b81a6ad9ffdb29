"""What a query cannot match without (evkg.core.sparql_patterns): only patterns every solution must match
count, so a rule or check is never skipped when it could have found something."""
from __future__ import annotations

from rdflib import Graph

from evkg.core.sparql_patterns import RDF_TYPE, Needs, needs_of, template_writes

EVKG = "https://w3id.org/evkg#"
PREFIXES = "PREFIX evkg: <https://w3id.org/evkg#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"


def needs(where: str) -> Needs:
    return needs_of(PREFIXES + "SELECT ?this WHERE { " + where + " }")


def test_top_level_patterns_are_needed_with_their_iri_values():
    found = needs("?this evkg:evRole evkg:DeliveryVehicleRole ; evkg:loadedCargo ?c , ?d . ?c a evkg:Cargo .")
    assert found.predicates == {EVKG + "evRole", EVKG + "loadedCargo", RDF_TYPE}
    assert found.pairs == {(EVKG + "evRole", EVKG + "DeliveryVehicleRole"), (RDF_TYPE, EVKG + "Cargo")}


def test_full_iris_and_literal_objects():
    found = needs('?this <https://w3id.org/evkg#diseaseClaim> true ; evkg:name "x"@en ; evkg:n "1"^^<http://x/t> .')
    assert found.predicates == {EVKG + "diseaseClaim", EVKG + "name", EVKG + "n"}
    assert found.pairs == frozenset()


def test_what_may_not_match_is_not_needed():
    found = needs("""?this evkg:a ?x .
        OPTIONAL { ?this evkg:b ?y }
        MINUS { ?this evkg:c ?z }
        FILTER NOT EXISTS { ?this evkg:d ?w }
        FILTER(EXISTS { ?this evkg:e ?v } || ?x != evkg:f)
        { ?this evkg:g ?u } UNION { ?this evkg:h ?u }
        { SELECT (COUNT(*) AS ?n) WHERE { ?this evkg:l ?s } }
        BIND(IRI(CONCAT("x", STR(?this))) AS ?o)
        VALUES ?k { evkg:i evkg:j }
        GRAPH ?gr { ?this evkg:k ?t }""")
    assert found.predicates == {EVKG + "a"}


def test_a_nested_group_is_needed_and_of_a_union_what_every_branch_needs():
    found = needs("""?this evkg:a ?x . { ?x evkg:b ?y . ?y evkg:c evkg:V }
        { ?x evkg:d ?z ; evkg:e ?w } UNION { ?x evkg:d ?z . OPTIONAL { ?x evkg:f ?v } }""")
    assert found.predicates == {EVKG + "a", EVKG + "b", EVKG + "c", EVKG + "d"}
    assert found.pairs == {(EVKG + "c", EVKG + "V")}


def test_property_paths_and_variable_predicates_are_not_judged():
    found = needs("?this evkg:a/evkg:b ?x . ?this ^evkg:c ?y . ?this evkg:d* ?z . ?this ?p ?o . "
                  "?this (evkg:e|evkg:f) ?w . ?this evkg:g ?v .")
    assert found.predicates == {EVKG + "g"}


def test_blank_node_property_lists_and_collections_are_read_past():
    found = needs("?this evkg:a [ evkg:b ?x ] ; evkg:c ( 1 2 ) . [] evkg:d ?y .")
    assert {EVKG + "a", EVKG + "c", EVKG + "d"} <= found.predicates


def test_an_unreadable_query_needs_nothing():
    assert needs_of("SELECT ?x WHERE { ?x nope:thing ?y }") == Needs()      # an undeclared prefix
    assert needs_of("not sparql at all {") == Needs()
    assert needs_of(PREFIXES + "ASK { ?x evkg:a ?y }") == Needs()           # no WHERE keyword: not judged


def test_met_by_takes_written_predicates_and_pairs():
    found = needs("?o evkg:category evkg:EU_ATMP . ?this evkg:evRole evkg:X .")
    assert not found.met_by({EVKG + "evRole"}, {(EVKG + "evRole", EVKG + "X")})
    assert found.met_by({EVKG + "evRole"}, {(EVKG + "evRole", EVKG + "X")},
                        Needs(frozenset({EVKG + "category"})))                 # any category may be written
    assert found.met_by({EVKG + "evRole"}, {(EVKG + "evRole", EVKG + "X")},
                        Needs(pairs=frozenset({(EVKG + "category", EVKG + "EU_ATMP")})))
    assert not found.met_by({EVKG + "evRole"}, {(EVKG + "evRole", EVKG + "Y")},
                            Needs(frozenset({EVKG + "category"})))


def test_template_writes():
    writes = template_writes(PREFIXES + """CONSTRUCT { ?o a evkg:ClassificationOutcome ; evkg:ofProduct ?this ;
        evkg:category evkg:EU_ATMP ; dct:source <http://x/act> , ?src . } WHERE { ?this evkg:a ?b }""")
    assert writes.predicates == {EVKG + "ofProduct", "http://purl.org/dc/terms/source"}
    assert writes.pairs == {(RDF_TYPE, EVKG + "ClassificationOutcome"), (EVKG + "category", EVKG + "EU_ATMP"),
                            ("http://purl.org/dc/terms/source", "http://x/act")}
    assert template_writes(PREFIXES + "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") is None


def test_every_bundled_rule_and_sparql_check_is_read():
    """An unread rule would silently never be skipped; an unread check likewise. Both must be understood."""
    from rdflib.namespace import SH

    from evkg.classification.knowledge import knowledge
    from evkg.validation.compiled import bundled_compiled_shapes

    kb = knowledge()
    assert all(kb.needs[r.iri].predicates for r in kb.rules if r.query)
    assert kb.written is not None
    checks = [c for c in bundled_compiled_shapes().checks if c.component == SH.SPARQLConstraintComponent]
    assert sum(bool(c.needs.predicates) for c in checks) >= len(checks) // 2


def test_leaving_out_rules_that_cannot_match_changes_no_conclusion(monkeypatch):
    """Rules left out for a predicate nobody states, or for a premise category no kept rule concludes: the
    same outcome graph as running every rule, on all examples together and on each alone."""
    from pathlib import Path

    from evkg.classification import engine
    from evkg.classification.engine import classify
    from evkg.core import resources

    data = Graph()
    for path in sorted(Path(__file__).parent.parent.glob("examples/*/*.ttl")):
        data.parse(path, format="turtle")
    for triple in resources.data_graph():
        data.add(triple)
    left_out = []
    original = engine._Run.runnable

    def counted(self, rules):
        kept = original(self, rules)
        left_out.append(len(rules) - len(kept))
        return kept

    monkeypatch.setattr(engine._Run, "runnable", counted)
    ours = classify(data).ntriples
    singles = [Graph().parse(path) for path in sorted(Path(__file__).parent.parent.glob("examples/*/*.ttl"))]
    alone = [classify(single).ntriples for single in singles]
    assert min(left_out[1:]) > 0                # on one product, some rules really are left out
    monkeypatch.setattr(engine._Run, "runnable", lambda self, rules: rules)
    assert classify(data).ntriples == ours
    assert [classify(single).ntriples for single in singles] == alone


def test_a_value_the_group_limits_to_a_few_iris_is_a_choice_of_pairs():
    role, a, b = EVKG + "evRole", EVKG + "A", EVKG + "B"
    assert needs("?this evkg:evRole ?r . FILTER(?r IN (evkg:A, evkg:B))").choices == {
        frozenset({(role, a), (role, b)})}
    assert needs("FILTER(?r = evkg:A) ?this evkg:evRole ?r .").choices == {frozenset({(role, a)})}
    assert needs("?this evkg:evRole ?r . FILTER(sameTerm(?r, evkg:A))").choices == {frozenset({(role, a)})}
    assert needs("?this evkg:evRole ?r . VALUES ?r { evkg:A evkg:B }").choices == {frozenset({(role, a), (role, b)})}
    # of a UNION, the choices every branch makes
    assert needs("{ ?this evkg:evRole ?r FILTER(?r = evkg:A) } UNION { ?this evkg:evRole ?r FILTER(?r = evkg:A) }"
                 ).choices == {frozenset({(role, a)})}


def test_a_value_that_may_be_anything_else_is_no_choice():
    for where in ("?this evkg:evRole ?r . FILTER(?r IN (evkg:A, \"a\"))",          # a literal
                  "?this evkg:evRole ?r . FILTER(?r NOT IN (evkg:A))",
                  "?this evkg:evRole ?r . FILTER(?r IN (evkg:A) || ?r = evkg:B || true)",
                  "?this evkg:evRole ?r . FILTER(?r != evkg:A)",
                  "?this evkg:evRole ?r . VALUES (?r ?x) { (evkg:A 1) }",
                  "?this evkg:evRole ?r . VALUES ?r { evkg:A UNDEF }",
                  "OPTIONAL { ?this evkg:evRole ?r } FILTER(?r = evkg:A)",                # may be unbound
                  "?this evkg:evRole/evkg:x ?r . FILTER(?r = evkg:A)",                     # a path
                  "{ ?this evkg:evRole ?r FILTER(?r = evkg:A) } UNION { ?this evkg:evRole ?r FILTER(?r = evkg:B) }",
                  "{ ?this evkg:evRole ?r } FILTER(?r = evkg:A)"):                          # bound in another group
        assert needs(where).choices == frozenset(), where


def test_a_choice_is_met_by_any_of_its_pairs_stated_or_written():
    found = needs("?this evkg:evRole ?r . FILTER(?r IN (evkg:A, evkg:B))")
    role = EVKG + "evRole"
    assert found.met_by({role}, {(role, EVKG + "B")})
    assert not found.met_by({role}, {(role, EVKG + "C")})
    assert found.met_by(set(), set(), Needs(frozenset({role})))
    assert found.met_by({role}, set(), Needs(pairs=frozenset({(role, EVKG + "A")})))
