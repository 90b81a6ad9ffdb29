"""Quality control of provenance: every curated fact, ontology term, shape and rule names a source, and every
source it names is a paper of the bibliography, an act or provision of the act register, or a trial registry
record. Failures list each offender with its file, so that a curator can fix them one by one."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from evkg.core.namespaces import CITO, DCT, EVKG
from evkg.literature.sources import resolve_source, sources_of, unresolved_sources

ROOT = Path(__file__).resolve().parent.parent
LENER = URIRef("https://w3id.org/evkg/data/paper/doi/10.3402/jev.v4.30087")

CURATED_KINDS = (EVKG.EVProduct, EVKG.ClinicalTrial, EVKG.AgencyDetermination)
# Terms, not ontology headers: an owl:Ontology node describes a file, not a concept a claim rests on.
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
SHAPE_KINDS = (SH.NodeShape, SH.PropertyShape, SH.SPARQLRule, EVKG.ClassificationRule)
SHAPE_PARTS = (SH.property, SH.sparql, SH.rule)


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.ttl")) if (ROOT / folder).is_dir() else []


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def label(graph: Graph, node) -> str:
    value = graph.value(node, RDFS.label)
    return f"{node} ({value})" if value else str(node)


def has_source(graph: Graph, node) -> bool:
    return bool(sources_of(graph, node))


def unsourced_curated(graph: Graph) -> list:
    return sorted({s for kind in CURATED_KINDS for s in graph.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and not has_source(graph, s)}, key=str)


def unsourced_terms(graph: Graph) -> list:
    return sorted({s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and not has_source(graph, s)}, key=str)


def unsourced_shapes(graph: Graph) -> list:
    """Named shapes and rules with no source on themselves nor on any of their constraints or rules."""
    offenders = set()
    for kind in SHAPE_KINDS:
        for shape in graph.subjects(RDF.type, kind):
            if not isinstance(shape, URIRef) or has_source(graph, shape):
                continue
            parts = [part for prop in SHAPE_PARTS for part in graph.objects(shape, prop)]
            if not any(has_source(graph, part) for part in parts):
                offenders.add(shape)
    return sorted(offenders, key=str)


def declared_in(paths: list[Path]) -> dict:
    """Which file declares (types) each subject: the file to point a curator to."""
    where = {}
    for path in paths:
        for subject in parse(path).subjects(RDF.type, None):
            where.setdefault(subject, path.relative_to(ROOT))
    return where


def report(offenders: list[str], what: str) -> str:
    return f"{len(offenders)} {what}:\n  " + "\n  ".join(offenders)


# --- the QC helpers catch what they should (on a small graph written here) -----------------------------------
def test_qc_helpers_find_missing_and_unknown_sources():
    graph = Graph()
    product, sourced, trial = (URIRef(f"https://w3id.org/evkg/data/{p}") for p in
                               ("product/no-source", "product/sourced", "trial/NCT00000000"))
    graph.add((product, RDF.type, EVKG.EVProduct))
    graph.add((sourced, RDF.type, EVKG.EVProduct))
    graph.add((sourced, CITO.citesAsEvidence, LENER))
    graph.add((trial, RDF.type, EVKG.ClinicalTrial))
    graph.add((trial, DCT.source, URIRef("https://w3id.org/evkg/data/act/no-such-act")))
    assert unsourced_curated(graph) == [product]
    assert unresolved_sources(graph) == [(trial, URIRef("https://w3id.org/evkg/data/act/no-such-act"))]

    shape, sourced_shape, part = (URIRef("https://w3id.org/evkg/shapes#X"),
                                  URIRef("https://w3id.org/evkg/shapes#Y"), BNode())
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((sourced_shape, RDF.type, SH.NodeShape))
    graph.add((sourced_shape, SH.property, part))
    graph.add((part, DCT.source, LENER))
    assert unsourced_shapes(graph) == [shape]

    term = URIRef("https://w3id.org/evkg#Unsourced")
    graph.add((term, RDF.type, OWL.Class))
    assert unsourced_terms(graph) == [term]


# --- the bundled knowledge graph ------------------------------------------------------------------------------
def test_every_curated_product_trial_and_determination_has_a_source():
    paths = files("data/products") + files("data/trials")
    offenders = []
    for path in paths:
        graph = parse(path)
        offenders += [f"{path.relative_to(ROOT)}: {label(graph, s)}" for s in unsourced_curated(graph)]
    assert not offenders, report(offenders, "curated records without dct:source or cito:citesAsEvidence")


def test_every_ontology_term_has_a_source():
    paths = files("ontology")
    graph = Graph()
    for path in paths:
        graph += parse(path)
    where = declared_in(paths)
    offenders = [f"{where.get(t, 'ontology/')}: {label(graph, t)}" for t in unsourced_terms(graph)]
    assert not offenders, report(offenders, "ontology terms without dct:source or rdfs:isDefinedBy")


def test_every_shape_and_rule_has_a_source():
    paths = files("shapes")
    graph = Graph()
    for path in paths:
        graph += parse(path)
    where = declared_in(paths)
    offenders = [f"{where.get(s, 'shapes/')}: {label(graph, s)}" for s in unsourced_shapes(graph)]
    assert not offenders, report(offenders, "shapes or rules without a source (on themselves or their constraints)")


@pytest.mark.parametrize("folder", ["ontology", "shapes", "data/products", "data/trials", "data/literature"])
def test_every_source_resolves_to_a_paper_act_or_registry_record(folder):
    offenders = []
    for path in files(folder):
        graph = parse(path)
        offenders += [f"{path.relative_to(ROOT)}: {label(graph, s)} -> {o}" for s, o in unresolved_sources(graph)]
    assert not offenders, report(offenders, "sources that are neither in data/literature/, in data/acts.ttl "
                                            "nor a trial registry record")


def test_the_bibliography_and_act_register_are_present():
    assert files("data/literature"), "data/literature/ holds the bibliography"
    assert resolve_source(LENER)["label"] == "Lener et al. 2015"
