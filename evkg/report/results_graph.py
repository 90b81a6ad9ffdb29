"""A check run as RDF: SHACL validation reports and results (with stable IRIs) and classification outcomes,
for `evkg check --format ttl` and the `text/turtle` answer of the web API."""
from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from evkg.classification.outcomes import standing
from evkg.core.namespaces import DCT, EVD, EVKG, bind_prefixes


def to_graph(run) -> Graph:
    """Validation results (as SHACL results with stable IRIs) and classification outcomes in one graph."""
    graph = Graph()
    bind_prefixes(graph)
    for file in run.files:
        for product in file.products:
            product_node = URIRef(product.iri)
            report = EVD[f"report/{_hash(product.iri)}"]
            graph.add((report, RDF.type, SH.ValidationReport))
            graph.add((report, SH.conforms, Literal(product.conforms)))
            graph.add((report, EVKG.ofProduct, product_node))
            graph.add((report, EVKG.completenessScore, Literal(str(product.completeness), datatype=XSD.decimal)))
            if getattr(product, "explanation", None):      # `check --explain`: the derivation, in words
                graph.add((report, RDFS.comment, Literal(product.explanation)))
            for r in product.results:
                graph.add((report, SH.result, _add_result(graph, product.iri, r)))
            for outcome in standing(product.classifications):
                _add_outcome(graph, outcome)
        if file.other_results:                    # findings on nodes that belong to no product
            report = EVD[f"report/{_hash(file.path, 'other')}"]
            graph.add((report, RDF.type, SH.ValidationReport))
            graph.add((report, SH.conforms, Literal(not any(r.severity == "Violation" for r in file.other_results))))
            for r in file.other_results:
                graph.add((report, SH.result, _add_result(graph, file.path, r)))
    return graph


def _add_result(graph: Graph, product_iri: str, r) -> URIRef:
    """One sh:ValidationResult with the terms SHACL defines (focus node, path, value, severity, source shape,
    source constraint component), plus the message and the sources of the check."""
    node = EVD[f"result/{_hash(product_iri, r.shape, r.focus, r.path or '', r.value or '', r.message)}"]
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.resultSeverity, SH[r.severity]))
    focus = r.focus_term if r.focus_term is not None else (
        URIRef(r.focus) if r.focus.startswith(("http:", "https:", "urn:", "file:")) else BNode(r.focus))
    graph.add((node, SH.focusNode, focus))
    if r.path:
        graph.add((node, SH.resultPath, URIRef(r.path)))
    if r.value_term is not None:
        graph.add((node, SH.value, r.value_term))
    elif r.value is not None:
        graph.add((node, SH.value, Literal(r.value)))
    graph.add((node, SH.resultMessage, Literal(r.message)))
    if r.shape.startswith("http"):
        graph.add((node, SH.sourceShape, URIRef(r.shape)))
    graph.add((node, SH.sourceConstraintComponent, URIRef(r.component) if r.component
               else SH.SPARQLConstraintComponent))
    for source in r.sources:
        graph.add((node, DCT.source, URIRef(source)))
    return node


def _add_outcome(graph: Graph, outcome) -> None:
    node = URIRef(str(outcome.iri))
    graph.add((node, RDF.type, EVKG.ClassificationOutcome))
    graph.add((node, EVKG.ofProduct, URIRef(str(outcome.product))))
    if outcome.jurisdiction in ("EU", "US", "KR"):
        graph.add((node, EVKG.jurisdiction, EVD[f"jurisdiction/{outcome.jurisdiction}"]))
    if outcome.question:
        graph.add((node, EVKG.question, URIRef(str(outcome.question))))
    if outcome.category:
        graph.add((node, EVKG.category, URIRef(str(outcome.category))))
    for alt, _ in outcome.alternatives or []:
        graph.add((node, EVKG.alternativeCategory, URIRef(str(alt))))
    if outcome.rule_iri:
        graph.add((node, EVKG.derivedByRule, URIRef(str(outcome.rule_iri))))
    status_node = _STATUS_NODES.get(outcome.status)
    if status_node is not None:
        graph.add((node, EVKG.status, status_node))
    for premise in outcome.premise_outcomes or []:
        graph.add((node, EVKG.premise, URIRef(str(premise))))
    for premise in outcome.premises or []:
        graph.add((node, EVKG.premiseText, Literal(premise)))
    for missing in outcome.missing or []:
        graph.add((node, EVKG.missingFact, URIRef(str(missing["property"]))))
    for source in outcome.sources or []:
        graph.add((node, DCT.source, URIRef(source["iri"])))


_STATUS_NODES = {"settled": EVKG.Settled, "provisional": EVKG.Provisional, "contested": EVKG.Contested,
                 "undecided": EVKG.Undecided, "superseded": EVKG.Superseded, "out-of-scope": EVKG.OutOfScope}


def _hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()
