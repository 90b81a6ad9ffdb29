"""Every question is answered for every product in scope, in every jurisdiction; an undecided answer names only
facts that can still move it; curated products state, or mark as not reported, every fact they must.

The questions and the required facts are those of the rule table's sections on undecided results and minimum
facts (docs/rules.md); the descriptions are the curated products (data/products/) and the worked examples
(examples/valid/).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from test_rules_eu import describe

from evkg.classification.engine import classify
from evkg.core.namespaces import EVKG
from evkg.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
E = str(EVKG)

QUESTIONS = {
    "EU": ["EU_Medicinal", "EU_Biological", "EU_SCTMP", "EU_TEP", "EU_GTMP", "EU_ATMP", "EU_CombinedATMP",
           "EU_HospitalExemption", "EU_CentralisedProcedure", "EU_StartingMaterial", "EU_GMO", "EU_Vaccine",
           "EU_Immunological"],
    "US": ["US_Drug", "US_Biological", "US_HCTP", "US_361HCTP", "US_GeneTherapy", "US_Vaccine", "US_Combination",
           "US_LeadCenter"],
    "KR": ["KR_EVTherapy", "KR_GeneTherapy"],
}

# Undecided answers with nothing to add: no rule answers the question for the facts stated and none could with
# more facts (the report says so and names whom to ask, without claiming the law itself is silent). Anything else
# undecided must name a fact that could decide it.
RULES_DO_NOT_DECIDE = {
    ("e3-dc-ev-peptide-hospital", "Q_US_Combination"):
        "an active vesicle carrying a synthetic 9-mer: neither reading of a carrier applies (worked example E3)",
}
AUTHORITY = {"EU": "competent authority", "US": "FDA", "KR": "MFDS"}

# Facts of the minimum-facts table that every description must state or mark as not reported by its sources.
ALWAYS = ["intendedUse", "evOriginKind", "vesicleKind", "evRole", "cellContent", "manufacturingSetting",
          "integralMedicalDevice", "annexI3Indication"]

DESCRIPTIONS = sorted((ROOT / "data" / "products").glob("*.ttl")) + sorted((ROOT / "examples" / "valid").glob("*.ttl"))
CURATED = sorted((ROOT / "data" / "products").glob("*.ttl"))


@cache
def classified(path: Path):
    graph = Graph().parse(path, format="turtle")
    product = next(graph.subjects(RDF.type, EVKG.EVProduct))
    return graph, product, classify(graph).for_product(product)


def stated(graph: Graph, product) -> dict[str, set]:
    """property local name -> values, over the product, its preparations, sources and cargo items."""
    nodes = [product] + list(graph.objects(product, EVKG.hasEVComponent))
    nodes += [s for n in list(nodes) for s in graph.objects(n, EVKG.hasSource)]
    nodes += list(graph.objects(product, EVKG.loadedCargo))
    facts: dict[str, set] = {}
    for node in nodes:
        for p, o in graph.predicate_objects(node):
            if str(p).startswith(E):
                facts.setdefault(str(p)[len(E):], set()).add(o)
    return facts


@pytest.mark.parametrize("path", DESCRIPTIONS, ids=[p.stem for p in DESCRIPTIONS])
def test_every_question_is_reported_in_every_jurisdiction(path):
    graph, product, outcomes = classified(path)
    if all(o.status == "out-of-scope" for o in outcomes):
        return
    asked = {(o.jurisdiction, o.question) for o in outcomes}
    missing = [f"{j}: {q}" for j, questions in QUESTIONS.items() for q in questions if (j, E + "Q_" + q) not in asked]
    if EVKG.HumanBloodOrBloodComponent in stated(graph, product).get("evSourceMaterial", set()):
        missing += [] if ("EU", E + "Q_EU_BloodDerived") in asked else ["EU: EU_BloodDerived"]
    assert not missing, f"{path.stem}: questions never reported: {missing}"


@pytest.mark.parametrize("path", DESCRIPTIONS, ids=[p.stem for p in DESCRIPTIONS])
def test_nothing_to_add_only_where_the_rules_do_not_decide_the_question(path):
    _, _, outcomes = classified(path)
    for o in outcomes:
        if o.status != "undecided" or o.missing:
            continue
        key = (path.stem, o.question[len(E):])
        assert key in RULES_DO_NOT_DECIDE, f"{key}: undecided with nothing to add, but its facts are all stated"
        # the answer it waits for is one a rule leaves open (KR-03 for plant vesicles), or contested (EU-06),
        # each with its sources; otherwise it is evkg's rules that stop, which is not a claim about the law
        if o.sources:
            assert " leaves open (" in o.rationale or ", contested: " in o.rationale, o.rationale
        else:
            assert "a limit of evkg's rules, not a finding that the law is silent" in o.rationale, o.rationale
        assert "the law leaves it open" not in o.rationale
        assert AUTHORITY[o.jurisdiction] in o.rationale


def test_the_open_questions_listed_are_still_open():
    found = set()
    for path in DESCRIPTIONS:
        _, _, outcomes = classified(path)
        found |= {(path.stem, o.question[len(E):]) for o in outcomes if o.status == "undecided" and not o.missing}
    assert found == set(RULES_DO_NOT_DECIDE)


# ---------------------------------------------------------------------------- each missing fact can move it

_BOOL = (Literal(True), Literal(False))
_ENUM = {"cellContent": ("NoCells", "ViableCells", "NonViableCells"),
         "manufacturingSetting": ("IndustrialManufacture", "HospitalNonRoutinePreparation"),
         "evOriginKind": ("HumanOrigin", "AnimalOrigin", "PlantOrigin", "BacterialOrigin", "NoBiologicalOrigin"),
         "vesicleKind": ("NaturallyReleasedEV", "CellDerivedMimetic", "HybridVesicle", "FullySyntheticVesicle"),
         "evSourceMaterial": ("PrimaryHumanCells", "EstablishedCellLine", "HumanBloodOrBloodComponent",
                              "OtherHumanBodyFluidOrTissue"),
         "donorRelation": ("Autologous", "Allogeneic"),
         "manufacture": ("Recombinant", "ChemicallySynthesised", "ExtractedNatural")}
_ON_PREPARATION = {"evOriginKind", "vesicleKind", "evSourceMaterial", "incidentalRecombinantNucleicAcid"}
_ON_SOURCE = {"geneticallyModified", "donorRelation"}
_ON_ITEM = {"manufacture", "lengthAminoAcids", "cargoKind", "nucleicAcidMechanism", "effectIsGenetic"}
_CARGO = ({"cargoKind": EVKG.SmallMolecule},
          {"cargoKind": EVKG.NucleicAcid, "manufacture": EVKG.Recombinant, "nucleicAcidMechanism": EVKG.Expression,
           "effectIsGenetic": Literal(True)},
          {"cargoKind": EVKG.RecombinantProtein, "manufacture": EVKG.Recombinant,
           "lengthAminoAcids": Literal(120, datatype=XSD.integer)})


def statements(graph: Graph, product, prop: str) -> list[list[tuple]]:
    """Each way to state `prop` in this description, as triples to add."""
    if prop in ("loadedCargo", "hasNoLoadedCargo"):
        ways = [[(product, EVKG.hasNoLoadedCargo, Literal(True))]]
        for facts in _CARGO:
            item = BNode()
            ways.append([(product, EVKG.loadedCargo, item)] + [(item, EVKG[k], v) for k, v in facts.items()])
        return ways
    if prop in _ENUM:
        values = [EVKG[v] for v in _ENUM[prop]]
    elif prop == "lengthAminoAcids":
        values = [Literal(9, datatype=XSD.integer), Literal(120, datatype=XSD.integer)]
    else:
        values = list(_BOOL)
    preps = list(graph.objects(product, EVKG.hasEVComponent))
    sources = [s for p in preps for s in graph.objects(p, EVKG.hasSource)]
    extra = []
    if prop in _ON_SOURCE and not sources:          # a description that names no source yet
        sources = [BNode()]
        extra = [(p, EVKG.hasSource, sources[0]) for p in preps]
    subjects = (preps if prop in _ON_PREPARATION else sources if prop in _ON_SOURCE else
                [i for i in graph.objects(product, EVKG.loadedCargo) if (i, EVKG[prop], None) not in graph]
                if prop in _ON_ITEM else [product])
    return [extra + [(s, EVKG[prop], v) for s in subjects] for v in values]


def answer(outcomes, question: str):
    mine = [o for o in outcomes if o.question == question]
    decided = any(o.status != "undecided" for o in mine)
    missing = {m["property"] for o in mine if o.status == "undecided" for m in o.missing}
    return decided, missing


MOVES = [p for p in DESCRIPTIONS if p.stem in (
    "e7-platelet-ev-gel-incomplete", "dex2-nsclc", "mtx-atmp-mpe", "ahamsc-exo-alzheimer", "samara-exo-covid")]


@pytest.mark.parametrize("path", MOVES, ids=[p.stem for p in MOVES])
def test_each_missing_fact_stated_in_turn_moves_the_answer_or_shrinks_the_list(path):
    graph, product, outcomes = classified(path)
    undecided = [o for o in outcomes if o.status == "undecided" and o.missing]
    assert undecided
    variants: dict[tuple, list] = {}
    for prop in sorted({m["property"] for o in undecided for m in o.missing}):
        for k, triples in enumerate(statements(graph, product, prop[len(E):])):
            variant = Graph()
            for t in graph:
                variant.add(t)
            for t in triples:
                variant.add(t)
            variants[(prop, k)] = classify(variant).for_product(product)
    for o in undecided:
        before = {m["property"] for m in o.missing}
        for prop in before:
            moved = []
            for (stated_prop, _), after in variants.items():
                if stated_prop != prop:
                    continue
                decided, missing = answer(after, o.question)
                moved.append(decided or missing <= before - {prop})
            assert any(moved), f"{path.stem}: stating {prop} never moves {o.question_label}"


def test_a_fact_no_rule_could_use_is_not_asked_for():
    # A peptide of unknown manufacture, producer modification unknown: the producer (or transgene-derived
    # nucleic acid) could raise a GMO question (EU-28, EU-28b); a peptide's manufacture matters to neither.
    facts = dict(cargo=[{"cargoKind": "Antigen", "lengthAminoAcids": 9}], role="CombinedRole", modified=None)
    outcomes = classify(Graph().parse(data=describe(**facts), format="turtle"), jurisdictions=("EU",)).outcomes
    gmo = next(o for o in outcomes if o.question == E + "Q_EU_GMO")
    assert gmo.status == "undecided"
    missing = {m["property"] for m in gmo.missing}
    assert E + "geneticallyModified" in missing and E + "manufacture" not in missing


def test_a_blocked_rule_waits_for_nothing():
    # Medicinal status undecided (a supplement border with no disease claim), no anti-tumour use: EU-08 is
    # blocked by the stated uses, so the immunological question waits only for what EU-08b needs.
    facts = dict(uses=("Treatment", "NonMedical"), cells=None, no_cargo=False)
    outcomes = classify(Graph().parse(data=describe(**facts), format="turtle"), jurisdictions=("EU",)).outcomes
    immunological = next(o for o in outcomes if o.question == E + "Q_EU_Immunological")
    assert {m["property"] for m in immunological.missing} == {E + "diseaseClaim"}
    assert all(m["rules"] == ["EU-01", "EU-01b", "EU-08b"] for m in immunological.missing)


def test_a_value_the_vocabulary_does_not_define_is_asked_to_be_fixed_not_sent_to_the_regulator():
    # a typo in an enumerated value (evkg:NoCell for evkg:NoCells) leaves the cell questions as open as a
    # missing value would: the answer names the fact and the value, never "the law leaves it open"
    typo = classify(Graph().parse(data=describe(cells="NoCell"), format="turtle")).outcomes
    fixed = classify(Graph().parse(data=describe(cells="NoCells"), format="turtle")).outcomes
    for question in ("Q_EU_SCTMP", "Q_EU_ATMP", "Q_KR_EVTherapy"):
        answered = next(o for o in fixed if o.question == E + question)
        assert answered.status != "undecided", question
        open_ = next(o for o in typo if o.question == E + question)
        assert open_.status == "undecided" and "law leaves it open" not in open_.rationale, question
        entry = next(m for m in open_.missing if m["property"] == E + "cellContent")
        assert "NoCell" in entry["prompt"] and "not a term of the evkg vocabulary" in entry["prompt"]



def test_a_cargo_value_the_vocabulary_does_not_define_is_asked_to_be_fixed_not_sent_to_the_regulator():
    # `RNAi` for RNAInterference, the spelling `ChemicallySynthesized`: a cargo item's fact with a value no rule
    # can read waits for a value as a missing one does; it had counted as stated, and the answer sent the user
    # to FDA and the CAT with "no missing fact could change that: the law leaves it open"
    def outcomes(mechanism, manufacture):
        cargo = [{"cargoKind": "NucleicAcid", "effectIsGenetic": True, "nucleicAcidMechanism": mechanism,
                  "manufacture": manufacture}]
        text = describe(cargo=cargo, role="DeliveryVehicleRole", no_cargo=False)
        return classify(Graph().parse(data=text, format="turtle"), jurisdictions=("EU", "US")).outcomes

    typo = outcomes("RNAi", "ChemicallySynthesized")
    fixed = outcomes("RNAInterference", "ChemicallySynthesised")
    for question, prop, written in (("Q_US_GeneTherapy", "nucleicAcidMechanism", "RNAi"),
                                    ("Q_EU_GTMP", "manufacture", "ChemicallySynthesized")):
        assert next(o for o in fixed if o.question == E + question).status != "undecided", question
        open_ = next(o for o in typo if o.question == E + question)
        assert open_.status == "undecided" and "law leaves it open" not in open_.rationale, question
        entry = next(m for m in open_.missing if m["property"] == E + prop)
        assert written in entry["prompt"] and "not a term of the evkg vocabulary" in entry["prompt"]


# ---------------------------------------------------------------------------- not reported by the source

def test_not_reported_is_unknown_and_said_so():
    base = describe(cells=None)
    marked = base + "<https://example.org/product/p> evkg:notReported evkg:cellContent .\n"
    plain = classify(Graph().parse(data=base, format="turtle"))
    flagged = classify(Graph().parse(data=marked, format="turtle"))
    assert {(o.question, o.category, o.status) for o in plain.outcomes} == \
        {(o.question, o.category, o.status) for o in flagged.outcomes}
    atmp = next(o for o in flagged.outcomes if o.question == E + "Q_EU_ATMP")
    entry = next(m for m in atmp.missing if m["property"] == E + "cellContent")
    assert entry["not_reported"] and entry["prompt"].startswith("Not reported by the source")
    assert not next(m for m in next(o for o in plain.outcomes if o.question == E + "Q_EU_ATMP").missing
                    if m["property"] == E + "cellContent")["not_reported"]


def test_not_reported_counts_as_not_met_and_the_finding_says_so():
    base = describe(cells=None)
    marked = base + "<https://example.org/product/p> evkg:notReported evkg:cellContent .\n"
    plain, flagged = (check(Graph().parse(data=t, format="turtle"))[0][0] for t in (base, marked))
    assert plain.completeness == flagged.completeness < 100.0
    finding = next(r for r in flagged.results if r.path == E + "cellContent")
    assert finding.message.startswith("Not reported by the source")


def unmarked_facts(graph: Graph, product) -> list[str]:
    """The minimum facts the description neither states nor marks as not reported."""
    facts = stated(graph, product)
    marked = {str(v)[len(E):] for v in facts.get("notReported", set())}
    gaps = [f for f in ALWAYS if f not in facts and f not in marked]
    if not ({"loadedCargo", "hasNoLoadedCargo"} & set(facts)) and "loadedCargo" not in marked:
        gaps.append("loadedCargo")
    origins = facts.get("evOriginKind", set())
    if origins - {EVKG.NoBiologicalOrigin} and "geneticallyModified" not in set(facts) | marked:
        gaps.append("geneticallyModified")
    if EVKG.HumanOrigin in origins and "evSourceMaterial" not in set(facts) | marked:
        gaps.append("evSourceMaterial")
    if Literal(True) in facts.get("geneticallyModified", set()) and \
            "incidentalRecombinantNucleicAcid" not in set(facts) | marked:
        gaps.append("incidentalRecombinantNucleicAcid")
    return gaps


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_curated_product_states_or_marks_every_required_fact(path):
    graph, product, _ = classified(path)
    gaps = unmarked_facts(graph, product)
    assert not gaps, (f"{path.name}: state these facts from the sources, or mark them evkg:notReported where the "
                      f"sources are silent: {', '.join(gaps)}")


def test_the_curated_product_check_notices_an_unmarked_gap():
    graph, product, _ = classified(CURATED[0])
    copy = Graph()
    for t in graph:
        copy.add(t)
    copy.remove((product, EVKG.cellContent, None))
    copy.remove((product, EVKG.notReported, EVKG.cellContent))
    assert "cellContent" in unmarked_facts(copy, product)
    assert URIRef(E + "cellContent") not in set(copy.objects(product, EVKG.notReported))


def test_under_another_rule_set_an_open_question_is_that_rule_sets_silence_not_the_laws(tmp_path):
    """A rule file of the user's that retires the rule answering a question leaves the question open: the
    answer says the rules of this rule set do not decide it, since the law in force may well answer it."""
    from evkg.classification.knowledge import knowledge

    e1 = Graph().parse(ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl")
    in_force = classify(e1)
    answered = next(o for o in in_force.outcomes if o.question == E + "Q_KR_GeneTherapy" and o.status != "undecided")
    rule = answered.rule
    overlay = tmp_path / "retire.ttl"
    overlay.write_text(f"""@prefix evkg: <https://w3id.org/evkg#> . @prefix sh: <http://www.w3.org/ns/shacl#> .
<https://example.org/retired> evkg:ruleId "{rule}" ; sh:deactivated true .
""", encoding="utf-8")
    assert knowledge((str(overlay),)).changes
    retired = classify(e1, rule_files=(str(overlay),))
    still = [o for o in retired.outcomes if o.question == E + "Q_KR_GeneTherapy"]
    assert still and all(o.status == "undecided" for o in still), [(o.rule, o.status) for o in still]
    open_ = [o for o in still if not o.missing]
    assert open_, "the question waits for a fact instead: pick another rule"
    assert all("a limit of the rules of this rule set, not a finding that the law is silent" in o.rationale
               and "evkg's rules" not in o.rationale for o in open_)


def test_the_facts_asked_for_in_a_batch_are_those_asked_for_each_description_alone():
    """Descriptions checked together share what a waiting rule could still use when they state alike what that
    rule reads: sharing must not change what any of them is asked for."""
    from evkg.classification import counterfactual

    def asked(result, product) -> dict:
        return {(o.question, o.category): sorted((m["property"], tuple(m["rules"])) for m in o.missing)
                for o in result.for_product(product) if o.status == "undecided"}

    together = Graph()
    products = []
    for path in DESCRIPTIONS:
        graph = Graph().parse(path, format="turtle")
        products.append((path.stem, graph, next(graph.subjects(RDF.type, EVKG.EVProduct))))
        together += graph
    counterfactual._TRIED.clear()
    batch = classify(together)
    for stem, graph, product in products:
        counterfactual._TRIED.clear()
        assert asked(batch, product) == asked(classify(graph), product), stem


def test_a_rule_is_read_for_the_terms_it_mentions_under_any_prefix():
    from evkg.classification.counterfactual import _query_terms

    query = ("PREFIX e: <https://w3id.org/evkg#>\nPREFIX : <https://w3id.org/evkg#>\nPREFIX ex: <http://example.org/>\n"
             "CONSTRUCT { ?o e:category e:EU_GTMP } WHERE { ?this e:loadedCargo ?c . ?c :cargoKind ?k . "
             "?this <https://w3id.org/evkg#targetSpecies> ?s . ?this ex:other ?x . FILTER(?k != :Antigen) }")
    assert _query_terms(query) == {E + name for name in (
        "category", "EU_GTMP", "loadedCargo", "cargoKind", "targetSpecies", "Antigen")}
