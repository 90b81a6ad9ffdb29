"""The compiled validator (the default path) held to pySHACL on every inline shape case, every example and a
set of adversarial literals, and every constraint component of shapes/ triggered and met.

Both engines get the same data with every literal as written (rdflib would otherwise rewrite an ill-typed
"yes"^^xsd:boolean as "false"). Results must agree on focus node, path, value, severity, source shape,
message and constraint component (so a constraint the compiled engine skipped shows even when another one of
the same shape reports the same value). A value compares as written when it is ill-typed; a well-typed value compares by its canonical form
(Oxigraph stores "2.0e8"^^xsd:double as the same number in canonical spelling).
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from evkg.io.rdf import parse_as_written, to_rdflib
from evkg.validation.compiled import bundled_compiled_shapes, ill_typed, run_compiled, run_pyshacl
from evkg.validation.store import DATA_GRAPH, new_store, store_of_graph

from test_shapes import CASES, COMPLETE_MSC_EV, UPDATE_PREFIXES, reuse_prepared_queries, shapes_graph  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/*.ttl"))
BATCH = 12          # pySHACL slows down more than linearly on large graphs


def _value_key(value) -> str:
    if isinstance(value, Literal) and value.datatype is not None and not ill_typed(value):
        return Literal(str(value), datatype=value.datatype).n3()      # canonical form of a well-typed value
    return value.n3() if value is not None else ""


def _component(result) -> str:
    """The constraint component (the compiled engine records the parameter, e.g. sh:nodeKind)."""
    return str(COMPONENTS.get(result.component, result.component))


def _key(result) -> tuple:
    return (result.focus.n3(), result.path.n3() if result.path is not None else "", _value_key(result.value),
            result.shape.n3(), str(result.severity), tuple(sorted(result.messages)), _component(result))


def _both(graph: Graph) -> tuple[list, list]:
    """The raw results of both engines on the same data."""
    graph = graph.skolemize()                      # the same node names in both engines
    return run_compiled(store_of_graph(graph), bundled_compiled_shapes()), run_pyshacl(graph)


RANGES = {SH.MinInclusiveConstraintComponent, SH.MaxInclusiveConstraintComponent, SH.MinExclusiveConstraintComponent,
          SH.MaxExclusiveConstraintComponent}


def _range_on_ill_typed(result, reported: set) -> bool:
    """A value-range result on an ill-typed literal whose datatype result both engines report.

    SPARQL comparison with an ill-typed literal is an error, so the compiled engine reports the range too, as
    SHACL prescribes; pySHACL compares rdflib's lenient Python value (" 200 " reads as 200) and does not. The
    user sees the datatype result either way; only this one extra result may differ."""
    if str(_component(result)) not in {str(c) for c in RANGES} or not isinstance(result.value, Literal):
        return False
    if not ill_typed(result.value):
        return False
    return any(k[:4] == _key(result)[:4] and k[6] in (str(SH.DatatypeConstraintComponent), str(SH.OrConstraintComponent))
               for k in reported)


def _assert_same(compiled: list, reference: list) -> None:
    reference_keys = {_key(r) for r in reference}
    compiled = {_key(r) for r in compiled if not _range_on_ill_typed(r, reference_keys)}
    reference = reference_keys
    assert compiled == reference, ("only compiled: " + repr(sorted(compiled - reference)[:4])
                                   + "\nonly pySHACL: " + repr(sorted(reference - compiled)[:4]))


def case_graph(index: int, change: str) -> Graph:
    """The complete description with the case's change (as in test_shapes), literals as written."""
    renamed = f"ex:case{index}-msc-ev"
    graph = parse_as_written(Graph(), data=COMPLETE_MSC_EV.replace("ex:msc-ev", renamed), format="turtle")
    graph.update(UPDATE_PREFIXES + change.replace("ex:msc-ev", renamed))   # the changes are written canonically
    return graph


@functools.cache
def case_results() -> dict:
    """Batch start -> (compiled keys, pySHACL keys) over every inline case."""
    out = {}
    for start in range(0, len(CASES), BATCH):
        combined = Graph()
        for index in range(start, min(start + BATCH, len(CASES))):
            combined += case_graph(index, CASES[index][2])
        out[start] = _both(combined)
    return out


@pytest.mark.parametrize("start", range(0, len(CASES), BATCH),
                         ids=lambda s: f"cases-{s}-{min(s + BATCH, len(CASES)) - 1}")
def test_inline_cases_give_identical_results(start):
    _assert_same(*case_results()[start])


@functools.cache
def example_results(path: Path) -> tuple[list, list]:
    return _both(parse_as_written(Graph(), source=path, format="turtle"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_example_gives_identical_results(path):
    compiled, reference = example_results(path)
    _assert_same(compiled, reference)
    if path.parent.name == "invalid":
        assert reference, "an invalid example produces results"


# ---------------------------------------------------------------------------------------------------
# Adversarial literals: one change to the complete description each, the shape that must report it and the
# value it must report as written (None: no result at all).
# ---------------------------------------------------------------------------------------------------

ADVERSARIAL = [
    ("boolean 'yes'", "evkg:diseaseClaim true", 'evkg:diseaseClaim "yes"^^xsd:boolean', "S-diseaseClaim", '"yes"'),
    ("boolean 'TRUE'", "evkg:diseaseClaim true", 'evkg:diseaseClaim "TRUE"^^xsd:boolean', "S-diseaseClaim", '"TRUE"'),
    ("boolean with a space", "evkg:diseaseClaim true", 'evkg:diseaseClaim " true"^^xsd:boolean', "S-diseaseClaim",
     '" true"'),
    ("boolean '1'", "evkg:diseaseClaim true", 'evkg:diseaseClaim "1"^^xsd:boolean', None, None),
    ("boolean as a string", "evkg:diseaseClaim true", 'evkg:diseaseClaim "true"', "S-diseaseClaim", '"true"'),
    ("boolean with a language tag", "evkg:diseaseClaim true", 'evkg:diseaseClaim "true"@en', "S-diseaseClaim",
     '"true"@en'),
    ("decimal in exponent form", "evkg:value 85.0", 'evkg:value "8.5e1"^^xsd:decimal', "S-measurementValue",
     '"8.5e1"'),
    ("double in exponent form", "evkg:value 85.0", 'evkg:value "8.5E1"^^xsd:double', None, None),
    ("integer with spaces", "evkg:sizeCutoffNm 200", 'evkg:sizeCutoffNm " 200 "^^xsd:integer', "S-sizeCutoffNm",
     '" 200 "'),
    ("integer in Arabic-Indic digits", "evkg:sizeCutoffNm 200", 'evkg:sizeCutoffNm "٢٠٠"^^xsd:integer',
     "S-sizeCutoffNm", '"٢٠٠"'),
    ("integer with a leading zero", "evkg:sizeCutoffNm 200", 'evkg:sizeCutoffNm "0200"^^xsd:integer', None, None),
    ("integer as a string", "evkg:sizeCutoffNm 200", 'evkg:sizeCutoffNm "200"', "S-sizeCutoffNm", '"200"'),
    ("amino-acid length in exponent form", "evkg:stepOrder 1 .", 'evkg:stepOrder "1e0"^^xsd:integer .',
     "Q-12-StepOrder", '"1e0"'),
    ("trial id in full-width digits", 'evkg:trialRegistryId "NCT04276987"', 'evkg:trialRegistryId "NCT０４２７６９８７"',
     "S-trialRegistryId", '"NCT０４２７６９８７"'),
    ("trial id with spaces", 'evkg:trialRegistryId "NCT04276987"', 'evkg:trialRegistryId " NCT04276987 "',
     "S-trialRegistryId", '" NCT04276987 "'),
    ("trial id with a language tag", 'evkg:trialRegistryId "NCT04276987"', 'evkg:trialRegistryId "NCT04276987"@en',
     "S-trialRegistryId", '"NCT04276987"@en'),
    ("label with combining characters", 'rdfs:label "Adipose-MSC small EVs, lot L-12"',
     'rdfs:label "Adipose-MSC small EVs, lot L-1\u0301\u200b2"', None, None),
    ("duration not in ISO form", '"P12M"^^xsd:duration', '"12 months"^^xsd:duration', "S-shelfLife", '"12 months"'),
]


def _adversarial_text(old: str, new: str) -> str:
    assert old in COMPLETE_MSC_EV, old
    return COMPLETE_MSC_EV.replace(old, new, 1)


@functools.cache
def adversarial_results(old: str, new: str) -> tuple[list, list]:
    text = _adversarial_text(old, new)
    # The compiled engine reads the text as `evkg check` does (Oxigraph's loader); pySHACL reads it as written.
    store = new_store()
    store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=DATA_GRAPH)
    return (run_compiled(store, bundled_compiled_shapes()),
            run_pyshacl(parse_as_written(Graph(), data=text, format="turtle")))


@pytest.mark.parametrize("name, old, new, shape, value", ADVERSARIAL, ids=[a[0] for a in ADVERSARIAL])
def test_adversarial_literal_gives_identical_results_with_the_value_as_written(name, old, new, shape, value):
    compiled, reference = adversarial_results(old, new)
    _assert_same(compiled, reference)
    found = {(str(r.shape).rsplit("#", 1)[-1], r.value.n3().split("^^")[0]) for r in compiled if r.value is not None}
    if shape is None:
        assert compiled == [], f"{name}: the value is well-formed and the description complete"
    else:
        assert (shape, value) in found, f"{name}: expected {shape} to report {value} as written, found {found}"


def test_a_report_prints_an_ill_typed_value_as_written(tmp_path):
    from evkg.io.load import load_rdf
    from evkg.pipeline import check_files
    from evkg.validation.engine import validate

    path = tmp_path / "yes.ttl"
    path.write_text(_adversarial_text("evkg:diseaseClaim true", 'evkg:diseaseClaim "yes"^^xsd:boolean'),
                    encoding="utf-8")
    run = check_files([path])
    values = {r.value for p in run.files[0].products for r in p.results if r.path and r.path.endswith("diseaseClaim")}
    assert values == {"yes"}
    graph = load_rdf(path)
    for engine in ("compiled", "pyshacl"):
        report = validate(graph, engine=engine)
        values = {r.value for p in report.products for r in p.results if r.path and r.path.endswith("diseaseClaim")}
        assert values == {"yes"}, engine


# ---------------------------------------------------------------------------------------------------
# Every constraint component the shapes use is triggered by some case or example and met by another
# ---------------------------------------------------------------------------------------------------

COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["not"]: SH.NotConstraintComponent, SH["and"]: SH.AndConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.closed: SH.ClosedConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent, SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent, SH.qualifiedValueShape: SH.QualifiedMinCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.languageIn: SH.LanguageInConstraintComponent,
}


def _or_members(graph: Graph) -> set:
    return {m for lst in graph.objects(None, SH["or"]) for m in Collection(graph, lst)}


@functools.cache
def shapes_by_component() -> dict:
    """Constraint component -> the reporting shapes that use it (the operands of sh:or count for sh:or)."""
    graph = shapes_graph()
    operands = _or_members(graph)
    used: dict = {}
    for shape, parameter, _ in graph:
        if not str(parameter).startswith(str(SH)) or shape in operands:
            continue
        if parameter in COMPONENTS:
            used.setdefault(COMPONENTS[parameter], set()).add(shape)
        elif parameter not in _NOT_A_COMPONENT:
            raise AssertionError(f"{parameter} in shapes/ is not a constraint component this test knows")
    return used


_NOT_A_COMPONENT = {RDF.type, SH.path, SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                    SH.targetObjectsOf, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
                    SH.deactivated, SH.prefixes, SH.declare, SH.prefix, SH.namespace, SH.select, SH.flags}


@functools.cache
def triggered() -> set:
    """(source shape, constraint component) of every pySHACL result on the cases, examples and literals."""
    raw = [r for _, reference in case_results().values() for r in reference]
    raw += [r for path in EXAMPLES for r in example_results(path)[1]]
    raw += [r for _, old, new, _, _ in ADVERSARIAL for r in adversarial_results(old, new)[1]]
    return {(r.shape, r.component) for r in raw}


def test_the_component_table_covers_the_shapes():
    used = shapes_by_component()
    assert {SH.InConstraintComponent, SH.NodeKindConstraintComponent, SH.ClassConstraintComponent,
            SH.OrConstraintComponent, SH.MinInclusiveConstraintComponent} <= set(used)


@pytest.mark.parametrize("component", sorted(shapes_by_component(), key=str), ids=lambda c: c.rsplit("#", 1)[-1])
def test_every_component_is_triggered_by_some_case(component):
    shapes = shapes_by_component()[component]
    hits = {shape for shape, c in triggered() if c == component}
    assert hits & shapes, f"no inline case, example or adversarial literal triggers {component.rsplit('#', 1)[-1]}"


@functools.cache
def met() -> set:
    """(shape, component) pairs evaluated on some node of an inline case without a result: met there."""
    compiled = bundled_compiled_shapes()
    graph = shapes_graph()
    found = set()
    graphs = [parse_as_written(Graph(), data=COMPLETE_MSC_EV, format="turtle")]
    for start in range(0, len(CASES), BATCH):
        combined = Graph()
        for index in range(start, min(start + BATCH, len(CASES))):
            combined += case_graph(index, CASES[index][2])
        graphs.append(combined)
    for data in graphs:
        store = store_of_graph(data.skolemize())
        reported = {(r.shape, r.focus, COMPONENTS.get(r.component, r.component)) for r in run_compiled(store, compiled)}
        for component, shapes in shapes_by_component().items():
            for shape in shapes:
                focus = compiled.focus.get(shape)
                path = graph.value(shape, SH.path)
                if focus is None:
                    continue
                values = f"?this <{path}> ?value ." if isinstance(path, URIRef) else ""
                if component in (SH.MinCountConstraintComponent, SH.SPARQLConstraintComponent):
                    values = ""
                rows = store.query(f"SELECT DISTINCT ?this WHERE {{ {focus} {values} }}", use_default_graph_as_union=True)
                if any((shape, to_rdflib(row["this"]), component) not in reported for row in rows):
                    found.add((shape, component))
    return found


@pytest.mark.parametrize("component", sorted(shapes_by_component(), key=str), ids=lambda c: c.rsplit("#", 1)[-1])
def test_every_component_is_met_by_some_case(component):
    """A shape using the component applies to a node of the complete description or of an inline case (for
    value constraints: a node with a value on the path) and reports nothing for it: the component was met."""
    shapes = shapes_by_component()[component]
    assert {shape for shape, c in met() if c == component} & shapes, (
        f"no case meets {component.rsplit('#', 1)[-1]} on a node it applies to")


@functools.cache
def compiled_case_results() -> dict[int, set]:
    """The compiled engine alone on every inline case: (shape, severity, path) per case, as test_shapes lists."""
    from test_shapes import curie

    found: dict[int, set] = {index: set() for index in range(len(CASES))}
    combined = Graph()
    for index, case in enumerate(CASES):
        combined += case_graph(index, case[2])
    for r in run_compiled(store_of_graph(combined.skolemize()), bundled_compiled_shapes()):
        index = int(re.match(r"https://w3id\.org/evkg/data/example/case(\d+)-", str(r.focus)).group(1))
        found[index].add((curie(r.shape), str(r.severity).rsplit("#", 1)[-1], curie(r.path)))
    return found


def test_compiled_engine_gives_each_inline_case_its_expected_results():
    """Quick to run on every change of the compiled engine: the same expectations test_shapes holds pySHACL to."""
    wrong = {f"{CASES[i][0]}:{CASES[i][1]}": (sorted(found), sorted(CASES[i][3]))
             for i, found in compiled_case_results().items() if found != CASES[i][3]}
    assert not wrong, wrong


def test_checks_asked_together_find_what_each_check_finds_alone():
    """run_compiled asks the count checks of one focus in one query, and its value checks in another; each
    check's own query must give the same findings on every example (valid and invalid)."""
    import dataclasses

    compiled = bundled_compiled_shapes()
    alone = dataclasses.replace(compiled, checks=[dataclasses.replace(c, family=None) for c in compiled.checks])
    assert sum(c.family is not None for c in compiled.checks) > 100
    findings = 0
    for path in EXAMPLES:
        store = store_of_graph(parse_as_written(Graph(), source=str(path), format="turtle"))
        together = sorted(r.key() for r in run_compiled(store, compiled))
        assert together == sorted(r.key() for r in run_compiled(store, alone)), path.name
        findings += len(together)
    assert findings > 50
