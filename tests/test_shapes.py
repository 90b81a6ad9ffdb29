"""The validation shapes (shapes/*.ttl except the classification rules) as a contract.

Checks that the shapes are well-formed SHACL, that every shape carries what a user report needs (severity,
message, source, constraint id, label, name), that each invalid example produces exactly the results its
sidecar lists, that curated products and valid examples raise no Violation, and that every constraint of
ev-science.md 6 and regulation.md 7.3 that the shapes implement is triggered by some case and stays quiet
on a correct description.

pySHACL runs as the package runs it (evkg/validate.py): ontology/*.ttl as ont_graph, inference "none",
advanced features on. Without inference the shapes stay fast; the ontology is still merged into the data,
so sh:class and rdfs:subClassOf-based checks see the class hierarchy. For speed most tests merge the
ontology into the data themselves and reuse rdflib's prepared queries (rdflib otherwise re-parses each
SPARQL constraint for every focus node); one test holds that shortcut to the package's exact settings.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from evkg.namespaces import DCT, EVKG, EVSH

ROOT = Path(__file__).resolve().parent.parent
SHAPE_FILES = sorted(p for p in (ROOT / "shapes").glob("*.ttl") if not p.name.startswith("rules-"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
CORRECT_DESCRIPTIONS = sorted((ROOT / "data" / "products").glob("*.ttl")) + sorted(
    (ROOT / "examples" / "valid").glob("*.ttl"))
SOURCE_STEMS = ("https://w3id.org/evkg/data/paper/", "https://w3id.org/evkg/data/act/")


@functools.cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in SHAPE_FILES:
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def ontology_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def curie(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix, namespace in (("evsh:", str(EVSH)), ("evkg:", str(EVKG))):
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return text


@functools.cache
def _prepared_query(text: str, base, namespaces: tuple):
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


_plain_sparql_query = sparql_processor.SPARQLProcessor.query


def _sparql_query_reusing_prepared(self, query, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    if isinstance(query, str):
        query = _prepared_query(query, base, tuple(sorted((initNs or {}).items())))
    return _plain_sparql_query(self, query, initBindings, initNs, base, DEBUG)


@pytest.fixture(autouse=True, scope="module")
def reuse_prepared_queries():
    patch = pytest.MonkeyPatch()
    patch.setattr(sparql_processor.SPARQLProcessor, "query", _sparql_query_reusing_prepared)
    yield
    patch.undo()


def run_shapes(data: Graph, exact: bool = False) -> tuple[bool, set[tuple[str, str, str | None]]]:
    """Conformance (no Violation) and the (shape, severity, path) of every result. `exact` runs pySHACL with
    the package's settings (ontology as ont_graph); otherwise the ontology is merged into a copy here."""
    if exact:
        target, ontology = data, ontology_graph()
    else:
        target, ontology = data + ontology_graph(), None
    conforms, results_graph, _ = validate(
        target, shacl_graph=shapes_graph(), ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True, allow_infos=True)
    found = set()
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        severity = curie(results_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        found.add((curie(results_graph.value(result, SH.sourceShape)), severity,
                   curie(results_graph.value(result, SH.resultPath))))
    return conforms, found


def reported_shapes() -> list:
    """Every shape that can produce a result: named node and property shapes (not the operands of sh:or)."""
    graph = shapes_graph()
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return sorted(shapes, key=str)


# ---------------------------------------------------------------------------------------------------
# The shapes themselves
# ---------------------------------------------------------------------------------------------------

def test_shapes_are_valid_shacl():
    """pySHACL checks the shapes graph against the SHACL-for-SHACL shapes before validating."""
    conforms, _, text = validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True, advanced=True)
    assert conforms, text


def test_shape_files_are_found():
    assert {p.name for p in SHAPE_FILES} >= {"product.ttl", "characterisation.ttl", "release.ttl"}
    assert len(reported_shapes()) >= 100


@pytest.mark.parametrize("shape", reported_shapes(), ids=curie)
def test_every_shape_explains_itself(shape):
    graph = shapes_graph()
    assert isinstance(shape, URIRef) and str(shape).startswith(str(EVSH)), "shapes have readable evsh: IRIs"
    assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info)
    assert graph.value(shape, SH.deactivated) is None
    for prop, what in ((SH.message, "message"), (RDFS.label, "label"), (EVKG.constraintId, "constraint id")):
        values = list(graph.objects(shape, prop))
        assert len(values) == 1 and isinstance(values[0], Literal) and len(str(values[0])) > 10 or (
            prop == EVKG.constraintId and len(values) == 1), f"{curie(shape)} needs exactly one {what}"
    if graph.value(shape, SH.path) is not None:
        assert graph.value(shape, SH.name) is not None, f"{curie(shape)} needs sh:name in plain words"
    sources = list(graph.objects(shape, DCT.source))
    assert sources, f"{curie(shape)} needs dct:source"
    for source in sources:
        assert isinstance(source, URIRef) and str(source).startswith(SOURCE_STEMS), source
    local = str(shape)[len(str(EVSH)):].replace("Fact-", "F-", 1)
    assert local.startswith(str(graph.value(shape, EVKG.constraintId))), "the IRI carries the constraint id"


def test_sources_are_in_the_curated_graph():
    data = Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        data.parse(path, format="turtle")
    cited = {s for s in shapes_graph().objects(None, DCT.source)}
    unknown = sorted(str(s) for s in cited if (s, None, None) not in data)
    assert not unknown, f"cited but not in data/: {unknown}"


def test_sparql_constraints_declare_prefixes_and_use_no_values_clause():
    graph = shapes_graph()
    declared = {str(p) for p in graph.objects(None, SH.prefix)}
    constraints = list(graph.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert graph.value(constraint, SH.prefixes) == EVSH.prefixes
        query = str(graph.value(constraint, SH.select))
        assert "$this" in query and not re.search(r"\bVALUES\b", query)
        used = set(re.findall(r"\b([a-z][a-z0-9]*):[A-Za-z_]", re.sub(r"<[^>]*>|\"[^\"]*\"", "", query)))
        assert used <= declared, f"undeclared prefixes {used - declared}"
        assert graph.value(constraint, SH.message) is not None


def test_severities_follow_the_domain_brief():
    """Consistency errors of regulation.md 7.3 are Violations, its warnings Warnings; missing regulatory
    facts are Warnings except the intended use and the vesicle preparation."""
    graph = shapes_graph()
    by_id: dict[str, set] = {}
    for shape in reported_shapes():
        by_id.setdefault(str(graph.value(shape, EVKG.constraintId)), set()).add(graph.value(shape, SH.severity))
    for cid in ("V-01", "V-03", "V-05", "V-09"):
        assert by_id[cid] == {SH.Violation}, cid
    for cid in ("V-02", "V-04", "V-06", "V-07", "V-08"):
        assert by_id[cid] == {SH.Warning}, cid
    for cid, severities in by_id.items():
        if cid.startswith("F-") and cid not in ("F-intendedUse", "F-hasEVComponent"):
            assert severities == {SH.Warning}, cid
    assert by_id["F-intendedUse"] == {SH.Violation}
    assert SH.Violation in by_id["Q-37"]


# ---------------------------------------------------------------------------------------------------
# Examples and curated descriptions
# ---------------------------------------------------------------------------------------------------

def test_enough_invalid_examples_each_with_a_sidecar():
    assert len(INVALID) >= 12
    sidecars = sorted((ROOT / "examples" / "invalid").glob("*.expected.json"))
    assert len(sidecars) == len(INVALID)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_produces_exactly_its_results(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    header = path.read_text(encoding="utf-8").splitlines()[:2]
    assert all(line.startswith("# ") for line in header), "two comment lines say what is wrong"
    conforms, found = run_shapes(Graph().parse(path, format="turtle"))
    wanted = {(r["shape"], r["severity"], r["path"]) for r in expected["results"]}
    assert found == wanted
    assert conforms is expected["conforms"]


@pytest.mark.parametrize("path", CORRECT_DESCRIPTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_descriptions_raise_no_violation(path):
    conforms, found = run_shapes(Graph().parse(path, format="turtle"))
    assert conforms, sorted(r for r in found if r[1] == "Violation")


@pytest.mark.parametrize("path", [INVALID[0], CORRECT_DESCRIPTIONS[0]], ids=lambda p: p.stem)
def test_merging_the_ontology_here_gives_the_package_results(path):
    data = Graph().parse(path, format="turtle")
    assert run_shapes(data) == run_shapes(data, exact=True)
