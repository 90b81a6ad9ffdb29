"""The classification engine itself: determinism, the caller's graph, undecided answers, status
propagation, superseding by agency determinations and precedence, contradictions, scope."""
from __future__ import annotations

import random

from rdflib import RDF, BNode, Graph
from rdflib.compare import isomorphic
from test_rules_eu import GTMP, MRNA, SIRNA, describe

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG

EU = ("EU",)


def graph_of(*descriptions: str) -> Graph:
    graph = Graph()
    for text in descriptions:
        graph.parse(data=text, format="turtle")
    return graph


def several() -> Graph:
    return graph_of(describe("https://example.org/a"),
                    describe("https://example.org/b", **GTMP),
                    describe("https://example.org/c", role="CombinedRole", cargo=[SIRNA]),
                    describe("https://example.org/d", cells=None, no_cargo=False))


def by_category(result, product, category):
    return [o for o in result.for_product(product) if o.category == str(EVKG[category])]


def test_running_twice_gives_identical_graphs():
    data = several()
    first, second = classify(data), classify(data)
    assert first.ntriples == second.ntriples
    assert [o.iri for o in first.outcomes] == [o.iri for o in second.outcomes]


def test_input_order_does_not_matter():
    data = several()
    triples = list(data)
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for t in triples:
        shuffled.add(t)
    assert classify(data).ntriples == classify(shuffled).ntriples


def test_one_product_alone_gets_the_same_outcomes_as_in_a_batch():
    alone = classify(graph_of(describe("https://example.org/b", **GTMP)))
    batch = classify(several())
    assert [o.iri for o in alone.outcomes] == [o.iri for o in batch.for_product("https://example.org/b")]


def test_caller_graph_is_untouched():
    data = several()
    before = Graph()
    for t in data:
        before.add(t)
    classify(data)
    assert len(data) == len(before) and isomorphic(data, before)


def test_no_blank_nodes_in_the_output_even_with_blank_node_input():
    text = """@prefix evkg: <https://w3id.org/evkg#> .
    <https://example.org/x> a evkg:EVProduct ; evkg:intendedUse evkg:Treatment ; evkg:evRole evkg:ActiveSubstanceRole ;
        evkg:cellContent evkg:NoCells ; evkg:hasNoLoadedCargo true ;
        evkg:hasEVComponent [ evkg:evOriginKind evkg:HumanOrigin ; evkg:vesicleKind evkg:NaturallyReleasedEV ;
                              evkg:hasSource [ evkg:geneticallyModified false ] ] ;
        evkg:agencyDetermination [ evkg:determiningBody evkg:CAT ; evkg:determinedCategory evkg:EU_NotATMP ] ."""
    result = classify(graph_of(text))
    assert not any(isinstance(term, BNode) for triple in result.graph for term in triple)
    assert by_category(result, "https://example.org/x", "EU_NotATMP")


def test_outcome_iris_follow_the_shared_formula():
    import hashlib

    result = classify(graph_of(describe("https://example.org/a")), jurisdictions=EU)
    outcome = by_category(result, "https://example.org/a", "EU_NotATMP")[0]
    digest = hashlib.sha1("https://example.org/a|EU-14|EU_NotATMP".encode()).hexdigest()
    assert outcome.iri == f"https://w3id.org/evkg/data/outcome/{digest}"


def test_undecided_lists_missing_facts_with_prompts_and_waiting_rules():
    result = classify(graph_of(describe("https://example.org/d", cells=None, no_cargo=False)), jurisdictions=EU)
    atmp = next(o for o in result.outcomes if o.question == str(EVKG.Q_EU_ATMP))
    assert atmp.status == "undecided" and atmp.category == str(EVKG.Undecided)
    missing = {m["property"]: m for m in atmp.missing}
    assert str(EVKG.cellContent) in missing and str(EVKG.loadedCargo) in missing
    assert "EU-09" in missing[str(EVKG.cellContent)]["rules"]
    assert missing[str(EVKG.cellContent)]["prompt"]
    assert (None, EVKG.missingFact, EVKG.cellContent) in result.graph


def test_status_is_the_weakest_link_of_the_chain():
    # EU-11 (contested) -> EU-14 (settled rule) -> EU-21b (settled rule): both inherit "contested".
    result = classify(graph_of(describe("https://example.org/c", role="CombinedRole", cargo=[SIRNA])),
                      jurisdictions=EU)
    assert by_category(result, "https://example.org/c", "EU_NotATMP")[0].status == "contested"
    # EU-21b's derivation is contested; EU-21c answers the same question from the absent device alone (settled)
    combined = by_category(result, "https://example.org/c", "EU_NotCombinedATMP")[0]
    assert ("EU-21b", "contested") in combined.other_derivations
    # Contested conclusions stay on their outcome node but do not type the product.
    from rdflib import RDF, URIRef

    assert (None, EVKG.category, EVKG.EU_NotATMP) in result.graph
    assert (URIRef("https://example.org/c"), RDF.type, EVKG.EU_NotATMP) not in result.graph
    assert (URIRef("https://example.org/c"), RDF.type, EVKG.EU_BiologicalMedicinalProduct) in result.graph


def test_contested_rule_reports_its_alternative():
    result = classify(graph_of(describe("https://example.org/c", role="CombinedRole", cargo=[SIRNA])),
                      jurisdictions=EU)
    outcome = by_category(result, "https://example.org/c", "EU_NotGTMP")[0]
    assert outcome.status == "contested" and str(EVKG.EU_GTMP) in [a for a, _ in outcome.alternatives]
    assert (None, EVKG.alternativeCategory, EVKG.EU_GTMP) in result.graph


def test_marketing_authorisation_supersedes_inferred_conclusions():
    product = "https://example.org/ma"
    result = classify(graph_of(describe(product, **GTMP, determinations=[("EU_MarketingAuthorisation", "EU_NotATMP")])),
                      jurisdictions=EU)
    adopted = by_category(result, product, "EU_NotATMP")[0]
    assert adopted.rule == "EU-30" and adopted.status == "settled"
    inferred_atmp = by_category(result, product, "EU_ATMP")[0]
    assert inferred_atmp.status == "superseded" and adopted.iri in inferred_atmp.superseded_by
    # Conclusions built on the overridden one are overridden with it, and the record is kept: the centralised
    # procedure still follows from recombinant-DNA manufacture (EU-26), not from the ATMP answer (EU-25).
    centralised = by_category(result, product, "EU_CentralisedProcedureMandatory")[0]
    assert (centralised.rule, centralised.status) == ("EU-26", "provisional")
    assert ("EU-25", "superseded") in centralised.other_derivations
    assert (None, EVKG.status, EVKG.Superseded) in result.graph
    assert (None, EVKG.supersededBy, None) in result.graph
    assert not result.consistency_errors


def test_cat_recommendation_supersedes_inferred_gtmp():
    product = "https://example.org/cat"
    result = classify(graph_of(describe(product, **GTMP, determinations=[("CAT", "EU_NotGTMP")])), jurisdictions=EU)
    gtmp = by_category(result, product, "EU_GTMP")[0]
    not_gtmp = by_category(result, product, "EU_NotGTMP")[0]
    assert gtmp.status == "superseded" and not_gtmp.rule == "EU-29" and not_gtmp.status == "settled"
    from rdflib import RDF, URIRef

    assert (URIRef(product), RDF.type, EVKG.EU_GTMP) not in result.graph
    assert (URIRef(product), RDF.type, EVKG.EU_NotGTMP) in result.graph
    assert any(s for s in not_gtmp.sources if s["iri"] == "https://example.org/decision/0")


def test_statutory_precedence_gtmp_over_sctmp():
    product = "https://example.org/prec"
    result = classify(graph_of(describe(product, cells="ViableCells", engineered=True, role="CombinedRole",
                                        cargo=[MRNA], modified=True)), jurisdictions=EU)
    assert by_category(result, product, "EU_SCTMP")[0].status == "superseded"
    assert by_category(result, product, "EU_GTMP")[0].status == "settled"
    assert by_category(result, product, "EU_ATMP")[0].status == "settled"
    assert not result.consistency_errors


def test_contradiction_is_reported_not_resolved():
    product = "https://example.org/contra"
    text = describe(product, cells="ViableCells", engineered=True)
    text += f"<{product}> evkg:cellContent evkg:NoCells .\n"
    result = classify(graph_of(text), jurisdictions=EU)
    errors = [e for e in result.consistency_errors if e.category == str(EVKG.EU_SCTMP)]
    assert errors, result.consistency_errors
    error = errors[0]
    assert error.product == product and {d[0] for d in error.derivations} == {"EU-17", "EU-09"}
    assert "cell content" in str(error)
    # Both conclusions stay in the result.
    assert by_category(result, product, "EU_SCTMP") and by_category(result, product, "EU_NotSCTMP")


def test_only_non_medical_use_is_out_of_scope_everywhere():
    product = "https://example.org/cosmetic"
    result = classify(graph_of(describe(product, uses=("NonMedical",), disease_claim=False)))
    assert {(o.jurisdiction, o.status) for o in result.outcomes} == {
        ("EU", "out-of-scope"), ("US", "out-of-scope"), ("KR", "out-of-scope")}


def test_blood_question_asked_only_for_blood_sources():
    plain = classify(graph_of(describe("https://example.org/a")), jurisdictions=EU)
    blood = classify(graph_of(describe("https://example.org/bl", material="HumanBloodOrBloodComponent")),
                     jurisdictions=EU)
    assert str(EVKG.Q_EU_BloodDerived) not in {o.question for o in plain.outcomes}
    assert str(EVKG.Q_EU_BloodDerived) in {o.question for o in blood.outcomes}


def test_every_eu_question_answered_or_undecided():
    result = classify(graph_of(describe("https://example.org/a")), jurisdictions=EU)
    from evkg.classification.knowledge import knowledge

    asked = {q.iri for q in knowledge().questions.values() if q.jurisdiction == "EU" and q.asked_when is None}
    assert asked <= {o.question for o in result.outcomes}


def test_sources_resolve_labels():
    result = classify(graph_of(describe("https://example.org/a")), jurisdictions=EU)
    outcome = by_category(result, "https://example.org/a", "EU_NotATMP")[0]
    assert outcome.sources and all(s["label"] for s in outcome.sources)


def test_unknown_jurisdiction_is_a_usage_error():
    import pytest

    from evkg.core.errors import UsageError

    with pytest.raises(UsageError):
        classify(graph_of(describe()), jurisdictions=("XX",))


def test_explain_command_prints_chain_and_missing_facts(tmp_path):
    from click.testing import CliRunner

    from evkg.cli.explain import command

    path = tmp_path / "p.ttl"
    path.write_text(describe("https://example.org/d", cells=None, no_cargo=False))
    output = CliRunner().invoke(command, [str(path), "-j", "EU"]).output
    assert "rule EU-01" in output and "undecided" in output and "add:" in output
    assert "eur-lex.europa.eu" in output or "Directive 2001/83/EC" in output


def _every_example_and_curated_product() -> Graph:
    from pathlib import Path

    from evkg.core import resources

    graph = Graph()
    for path in sorted(Path(__file__).parent.parent.glob("examples/valid/*.ttl")):
        graph.parse(path, format="turtle")
    for triple in resources.data_graph():
        graph.add(triple)
    return graph


def test_the_evaluation_order_does_not_change_any_conclusion(monkeypatch):
    """The engine runs rules producers-first to spare re-runs; the decision order (and its reverse) must reach
    the same outcome graph, or the order would be deciding answers."""
    from evkg.classification.knowledge import HIERARCHY_RULE_ID, knowledge

    data = _every_example_and_curated_product()
    ours = classify(data).ntriples
    kb = knowledge()
    decision = [r for r in kb.rules if r.id != HIERARCHY_RULE_ID]
    hierarchy = [r for r in kb.rules if r.id == HIERARCHY_RULE_ID]
    assert list(kb.evaluation_order) != decision + hierarchy      # the order is really changed
    for order in (decision, decision[::-1]):
        monkeypatch.setattr(kb, "evaluation_order", tuple(order + hierarchy))    # the engine's (cached) rules
        assert knowledge().evaluation_order == tuple(order + hierarchy)
        assert classify(data).ntriples == ours


def test_one_hierarchy_step_takes_an_outcome_up_every_level_with_each_level_as_premise():
    """An immunological medicinal product is a biological one, and so a medicinal product: one call takes it
    up both levels, the medicinal-product outcome resting on the biological one it made, whatever ran before
    (taken up one level per call, the second level waited for a run that the rule order may never bring)."""
    from evkg.classification.engine import _Index
    from evkg.classification.hierarchy import hierarchy_conclusions
    from evkg.classification.knowledge import knowledge

    product, start = "https://w3id.org/evkg/data/p", "https://w3id.org/evkg/data/outcome/eu-08"
    index = _Index()
    for p, o in (("ofProduct", product), ("category", str(EVKG.EU_ImmunologicalMedicinalProduct)),
                 ("derivedByRule", "https://w3id.org/evkg/shapes#EU-08")):
        index.add(start, str(EVKG) + p, o)
    seen: set = set()
    triples = hierarchy_conclusions(knowledge(), index, {product}, seen)
    category = {t.subject.value: t.object.value for t in triples if t.predicate.value == str(EVKG.category)}
    premises = {(t.subject.value, t.object.value) for t in triples if t.predicate.value == str(EVKG.premise)}
    by_category = {c: node for node, c in category.items()}
    biological = by_category[str(EVKG.EU_BiologicalMedicinalProduct)]
    medicinal = by_category[str(EVKG.EU_MedicinalProduct)]
    assert (biological, start) in premises
    assert (medicinal, biological) in premises
    assert {start, biological, medicinal} <= seen
    assert hierarchy_conclusions(knowledge(), index, {product}, seen) == []      # nothing looked at twice


def test_a_rule_runs_after_the_rules_that_conclude_what_it_reads():
    from evkg.classification.knowledge import HIERARCHY_RULE_ID, knowledge

    kb = knowledge()
    position = {r.iri: i for i, r in enumerate(kb.evaluation_order)}
    eu_02 = next(r for r in kb.rules if r.id == "EU-02")
    assert str(EVKG.EU_MedicinalProduct) in eu_02.reads_categories
    eu_01 = next(r for r in kb.rules if r.id == "EU-01")          # concludes a medicinal product
    assert str(EVKG.EU_MedicinalProduct) in eu_01.concludes
    assert position[eu_01.iri] < position[eu_02.iri]
    assert kb.evaluation_order[-1].id == HIERARCHY_RULE_ID


def test_categories_read_are_those_after_evkg_category_not_the_conclusions():
    from evkg.classification.schedule import categories_read as _categories_read

    everything = {str(EVKG.EU_ATMP), str(EVKG.EU_GTMP), str(EVKG.KR_EVTherapyProduct)}
    where = """?p evkg:ofProduct ?this ; evkg:category evkg:EU_ATMP , <https://w3id.org/evkg#EU_GTMP> .
               VALUES (?category) { (evkg:KR_EVTherapyProduct) }"""
    assert _categories_read(where, everything) == {str(EVKG.EU_ATMP), str(EVKG.EU_GTMP)}
    assert _categories_read("?p evkg:category ?c . VALUES ?c { evkg:EU_GTMP }", everything) == {str(EVKG.EU_GTMP)}
    assert _categories_read("?p evkg:category ?any .", everything) == everything


def _one_product_graphs() -> list[Graph]:
    """Every example and every curated product, each on its own (with what it links to)."""
    from pathlib import Path

    from evkg.core import resources

    graphs = [Graph().parse(path, format="turtle")
              for path in sorted(Path(__file__).parent.parent.glob("examples/valid/*.ttl"))]
    data = resources.data_graph()
    for product in sorted(data.subjects(RDF.type, EVKG.EVProduct)):
        graph = Graph()
        for triple in data.triples((product, None, None)):
            graph.add(triple)
        for node in data.transitiveClosure(lambda n, g: g.objects(n, None), product):
            for triple in data.triples((node, None, None)):
                graph.add(triple)
        graphs.append(graph)
    return graphs


def test_rules_waiting_for_a_missing_category_change_no_conclusion(monkeypatch):
    """A rule whose WHERE needs a category no outcome has yet is not sent (it runs when the category appears);
    sending every rule every time must give the same outcome graph, product by product (where the left-out
    rules are many)."""
    from evkg.classification.engine import _Run

    graphs = _one_product_graphs()
    assert len(graphs) > 20
    ours = [classify(graph).ntriples for graph in graphs]
    left_out = []
    real = _Run.required_categories

    def noted(self, rules):
        required = real(self, rules)
        left_out.append(required)
        return required

    monkeypatch.setattr(_Run, "required_categories", noted)
    classify(graphs[0])
    assert any(left_out[0].values())                      # some rule really waits for a category
    monkeypatch.setattr(_Run, "required_categories", lambda self, rules: {r.iri: frozenset() for r in rules})
    assert [classify(graph).ntriples for graph in graphs] == ours


def test_premises_name_a_described_item_by_its_own_label():
    """A premise about a cargo item reads the description's name for it, not the IRI the YAML form generated."""
    from descriptions import product_turtle

    turtle = product_turtle(
        ({"intendedUse": "evkg:Treatment", "evRole": "evkg:DeliveryVehicleRole", "cellContent": "evkg:NoCells",
          "integralMedicalDevice": "false"},
         {"evOriginKind": "evkg:PlantOrigin", "vesicleKind": "evkg:NaturallyReleasedEV",
          "evSourceMaterial": "evkg:PlantMaterial"},
         {"geneticallyModified": "false"}),
        cargo=[{"cargoKind": "evkg:SmallMolecule", "rdfs:label": '"Doxorubicin"'}])
    result = classify(Graph().parse(data=turtle, format="turtle"), jurisdictions=("EU",))
    words = [w for o in result.outcomes for w in o.premises if w.startswith("loaded cargo:")]
    assert words and all(w == "loaded cargo: Doxorubicin" for w in words), words


def test_explain_names_each_premise_category_once_by_its_strongest_derivation():
    """A category reached by a rule and by the category hierarchy was shown twice under every answer resting on
    it, the hierarchy's way round (medicinal, from biological, from medicinal) looking like a circle."""
    import re
    from pathlib import Path

    from click.testing import CliRunner

    from evkg.cli.explain import command

    examples = sorted(str(p) for p in (Path(__file__).parent.parent / "examples" / "valid").glob("*.ttl"))
    output = CliRunner().invoke(command, examples).output
    assert "also derived by HIERARCHY" in output             # the examples do reach categories both ways
    lines = output.splitlines()
    depth = [len(line) - len(line.lstrip()) for line in lines]
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("rule "):
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() and depth[j] <= depth[i]), len(lines))
        premises = [lines[j].strip() for j in range(i + 1, end)
                    if depth[j] == depth[i] + 2 and lines[j].lstrip().startswith("from: ")]
        assert len(premises) == len(set(premises)), (line, premises)
    for status in re.findall(r"status: .*", output):
        named = re.findall(r"premise '([^']+)'", status)
        assert len(named) == len(set(named)), status
