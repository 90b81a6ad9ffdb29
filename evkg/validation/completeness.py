"""Completeness of a description, per report section and overall, in the manner of EV-METRIC.

Each applicable (shape, focus node) check counts once in the section its shape names (evkg:reportSection),
at the severity it has under the profile in use; the score is tiered so that a missing required fact
outweighs any number of met notes.
"""
from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from evkg.core import resources
from evkg.core.namespaces import EVKG

SEVERITY_WEIGHT = {"Violation": 3, "Warning": 2, "Info": 1}


def completeness_score(tally: dict) -> float:
    """Tiered so that a missing required fact outweighs any number of met notes: a part with a Violation
    scores below 50 (the share of its required checks met, halved); a part without one scores 50 plus half
    the severity-weighted share of its expected (Warning) and good-practice (Info) checks met. A description
    with a Violation therefore never scores above the same description with it fixed."""
    required, failed_required = tally.get("Violation", (0, 0))
    if failed_required:
        return round(50.0 * (1.0 - failed_required / required), 1)
    total = sum(SEVERITY_WEIGHT[s] * tally.get(s, (0, 0))[0] for s in ("Warning", "Info"))
    failed = sum(SEVERITY_WEIGHT[s] * tally.get(s, (0, 0))[1] for s in ("Warning", "Info"))
    return 100.0 if total == 0 else round(50.0 + 50.0 * (1.0 - failed / total), 1)


def merge_tallies(tallies) -> dict:
    merged: dict = {}
    for tally in tallies:
        for severity, (applicable, failed) in tally.items():
            old = merged.get(severity, (0, 0))
            merged[severity] = (old[0] + applicable, old[1] + failed)
    return merged


def tally_checks(store: ox.Store, owners: dict, by_product: dict, failed_checks: dict, severity_of_shape,
                 focus_nodes: dict | None = None, use_scopes=None) -> None:
    """Tally applicable and failed (shape, focus node) checks per product, report section and severity;
    `severity_of_shape` gives a shape's severity name under the profile in use; `focus_nodes` are those of
    focus_nodes_by_shape when the caller has them already; `use_scopes` leaves out the checks a product's intended
    uses do not call for (evkg.validation.use_scope)."""
    from evkg.validation.compiled import focus_nodes_by_shape
    from evkg.validation.use_scope import UseScopes

    # (shape, focus) -> severity of its failure, per product; each is taken out once counted, so what is
    # left are failures of checks the shapes' targets do not reach (counted as applicable too)
    scopes = use_scopes if use_scopes is not None else UseScopes()
    failed_of = {product: {(shape, focus): severity for shape, focus, severity in failures}
                 for product, failures in failed_checks.items()}
    tallies = {product: {label: {} for label in _section_labels()} for product in failed_checks}

    def count(product, shape, focus, severity, failed: bool, section: str | None) -> None:
        tally = tallies[product][section or _section_of(shape, store, focus)]
        applicable_n, failed_n = tally.get(severity, (0, 0))
        tally[severity] = (applicable_n + 1, failed_n + failed)

    for shape, nodes in (focus_nodes if focus_nodes is not None else focus_nodes_by_shape(store)).items():
        severity = section = None
        for focus in nodes:
            product = owners.get(focus)
            if product is None or not scopes.asks(shape, product):
                continue
            if severity is None:           # asked once per shape, not once per focus node
                severity, section = severity_of_shape(shape), _shape_section(shape)
            failed_severity = failed_of[product].pop((shape, focus), None)
            count(product, shape, focus, failed_severity or severity, failed_severity is not None, section)
    for product, failures in failed_of.items():
        for (shape, focus), severity in failures.items():
            count(product, shape, focus, severity, True, _shape_section(shape))
    for product, sections in tallies.items():
        by_product[product].tallies = {label: tally for label, tally in sections.items() if tally}


@functools.cache
def _section_labels() -> tuple[str, ...]:
    ontology = resources.ontology_graph()
    sections = sorted(ontology.subjects(RDF.type, EVKG.ReportSection),
                      key=lambda s: int(ontology.value(s, EVKG.sectionOrder) or 99))
    return tuple(str(ontology.value(s, RDFS.label)) for s in sections)


@functools.cache
def _shape_section(shape) -> str | None:
    section = resources.shapes_graph().value(shape, EVKG.reportSection)
    return str(resources.ontology_graph().value(section, RDFS.label)) if section is not None else None


def _section_of(shape, store, focus) -> str:
    """The shape's own section, else the section of the focus node's class, else product and claims."""
    found = _shape_section(shape)
    if found:
        return found
    if isinstance(focus, URIRef):
        rows = store.query(f"""SELECT ?label WHERE {{ <{focus}> a ?type . ?type <{RDFS.subClassOf}>* ?cls .
            ?cls <{EVKG.reportSection}> ?section . ?section <{RDFS.label}> ?label }} LIMIT 1""",
                           use_default_graph_as_union=True)
        for row in rows:
            return str(row["label"].value)
    return _section_labels()[0]
