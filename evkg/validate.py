"""SHACL validation of product descriptions into a small typed report.

pySHACL does the validating; this module attributes every result to the product it concerns, explains it
in plain words (property name, value found, what is expected, source) and scores completeness.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from evkg import resources
from evkg.namespaces import DCT, EVKG, EVSH

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
SEVERITY_WEIGHT = {"Violation": 3, "Warning": 2, "Info": 1}
_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    severity: str
    focus: str
    focus_label: str
    path: str | None
    path_label: str | None
    value: str | None
    message: str
    shape: str
    constraint_id: str | None
    sources: tuple[str, ...]
    product: str | None

    def sort_key(self):
        return (SEVERITY_ORDER.get(self.severity, 9), self.constraint_id or "", self.path_label or "",
                self.focus, self.value or "", self.message)


@dataclass
class ProductValidation:
    iri: str
    label: str
    results: list[ValidationResult] = field(default_factory=list)
    checks_total: float = 0.0
    checks_failed: float = 0.0

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def completeness(self) -> float:
        """Share of applicable checks met, weighted by severity, in percent (one decimal)."""
        if self.checks_total == 0:
            return 100.0
        return round(100.0 * (1.0 - self.checks_failed / self.checks_total), 1)


@dataclass
class ValidationReport:
    products: list[ProductValidation]
    unattributed: list[ValidationResult]

    @property
    def conforms(self) -> bool:
        return all(p.conforms for p in self.products) and not any(
            r.severity == "Violation" for r in self.unattributed)


def product_iris(graph: Graph) -> list[URIRef]:
    """Every node typed evkg:EVProduct (or a subclass declared in the ontology), sorted."""
    found = {s for cls in subclass_closure(EVKG.EVProduct) for s in graph.subjects(RDF.type, cls)}
    return sorted(found, key=str)


def node_owners(graph: Graph, products: list[URIRef]) -> dict:
    """Map every node reachable from a product (its preparation, source, cargo …) to that product."""
    owners = {}
    for product in products:
        owners[product] = product
        frontier = [product]
        while frontier:
            node = frontier.pop()
            for obj in graph.objects(node, None):
                if isinstance(obj, (URIRef, BNode)) and obj not in owners and (obj, None, None) in graph:
                    if obj in products:
                        continue
                    owners[obj] = product
                    frontier.append(obj)
    return owners


def _label(graph: Graph, node) -> str:
    for graph_ in (graph, resources.ontology_graph()):
        label = graph_.value(node, RDFS.label) or graph_.value(node, SKOS.prefLabel)
        if label is not None:
            return str(label)
    if isinstance(node, BNode):
        return "(unnamed node)"
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, URIRef) else text


def _shape_info(shape) -> tuple[str | None, tuple[str, ...], str | None, str]:
    shapes = resources.shapes_graph()
    constraint_id = shapes.value(shape, EVKG.constraintId)
    sources = tuple(sorted(str(s) for s in shapes.objects(shape, DCT.source)))
    name = shapes.value(shape, SH.name)
    severity = _SEVERITY_NAMES.get(shapes.value(shape, SH.severity), "Violation")
    return (str(constraint_id) if constraint_id else None, sources, str(name) if name else None, severity)


def _value_text(graph: Graph, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Literal):
        return str(value)
    if isinstance(value, URIRef):
        label = _label(graph, value)
        return f"{label} <{value}>" if label != str(value) else str(value)
    return _label(graph, value)


ENGINES = ("compiled", "pyshacl")


def validate(data: Graph, *, engine: str = "compiled") -> ValidationReport:
    """Validate every product in `data` against the bundled shapes. `data` is not modified.

    engine="compiled" runs the shapes as set-based SPARQL on pyoxigraph (the default, fast);
    engine="pyshacl" runs plain pySHACL (the reference; both give identical results, see the tests).
    """
    from evkg import sparql_validation

    if engine == "compiled":
        from evkg.embedded import store_for

        raw = sparql_validation.validate_store(store_for(data), data)
    elif engine == "pyshacl":
        raw = sparql_validation.run_pyshacl(data)
    else:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {ENGINES}")
    return report_from_results(data, list(raw) + unresolved_source_results(data))


UNRESOLVED_SOURCE_SHAPE = EVSH["SRC-01-UnresolvedSource"]


def unresolved_source_results(data: Graph) -> list:
    """A warning for every dct:source / CiTO citation the bibliography, act register and user references lack."""
    from evkg.literature import unresolved_sources
    from evkg.sparql_validation import RawResult

    shapes = resources.shapes_graph()
    messages = frozenset(str(m) for m in shapes.objects(UNRESOLVED_SOURCE_SHAPE, SH.message))
    return [RawResult(focus=subject, path=DCT.source, value=source, shape=UNRESOLVED_SOURCE_SHAPE,
                      severity=SH.Warning, messages=messages, component=SH.SPARQLConstraintComponent)
            for subject, source in unresolved_sources(data)]


def report_from_results(data: Graph, raw_results) -> ValidationReport:
    products = product_iris(data)
    owners = node_owners(data, products)
    by_product = {p: ProductValidation(str(p), _label(data, p)) for p in products}
    unattributed: list[ValidationResult] = []
    failed_checks: dict[URIRef, set] = {p: set() for p in products}
    for raw in raw_results:
        focus, shape, path = raw.focus, raw.shape, raw.path
        severity = _SEVERITY_NAMES.get(raw.severity, "Violation")
        messages = sorted(raw.messages)
        constraint_id, sources, name, _ = _shape_info(shape)
        product = owners.get(focus)
        item = ValidationResult(
            severity=severity,
            focus=str(focus),
            focus_label=_label(data, focus),
            path=str(path) if isinstance(path, URIRef) else None,
            path_label=name or (_label(data, path) if isinstance(path, URIRef) else None),
            value=_value_text(data, raw.value),
            message=_most_specific(messages),
            shape=str(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
            constraint_id=constraint_id,
            sources=sources,
            product=str(product) if product is not None else None,
        )
        if product is None:
            unattributed.append(item)
        else:
            by_product[product].results.append(item)
            failed_checks[product].add((shape, focus, severity))
    _score(data, owners, by_product, failed_checks)
    for report in by_product.values():
        report.results = sorted(set(report.results), key=ValidationResult.sort_key)
    return ValidationReport(products=[by_product[p] for p in products],
                            unattributed=sorted(set(unattributed), key=ValidationResult.sort_key))


def _most_specific(messages: list[str]) -> str:
    """A SPARQL constraint's own message (with its values filled in) before the shape's general one."""
    if not messages:
        return "This part of the description does not meet a check."
    return max(messages, key=len)


def _score(data: Graph, owners: dict, by_product: dict, failed_checks: dict) -> None:
    """Completeness = weighted share of (shape, focus node) checks that pass, per product."""
    for shape, focus_nodes in applicable_checks(data).items():
        _, _, _, severity = _shape_info(shape)
        weight = SEVERITY_WEIGHT[severity]
        for focus in focus_nodes:
            product = owners.get(focus)
            if product is not None:
                by_product[product].checks_total += weight
    for product, failures in failed_checks.items():
        by_product[product].checks_failed = sum(SEVERITY_WEIGHT[sev] for (_, _, sev) in failures)
        by_product[product].checks_total = max(by_product[product].checks_total,
                                               by_product[product].checks_failed)


def applicable_checks(data: Graph) -> dict:
    """For each shape that can report (node shapes and their property shapes), the focus nodes it applies to."""
    shapes = resources.shapes_graph()
    checks: dict = {}
    for node_shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if shapes.value(node_shape, SH.deactivated) == Literal(True):
            continue
        focus = set()
        for cls in shapes.objects(node_shape, SH.targetClass):
            for sub in subclass_closure(cls):
                focus.update(data.subjects(RDF.type, sub))
        if (node_shape, RDF.type, RDFS.Class) in shapes:
            focus.update(data.subjects(RDF.type, node_shape))
        for node in shapes.objects(node_shape, SH.targetNode):
            if (node, None, None) in data:
                focus.add(node)
        for prop in shapes.objects(node_shape, SH.targetSubjectsOf):
            focus.update(data.subjects(prop, None))
        for prop in shapes.objects(node_shape, SH.targetObjectsOf):
            focus.update(o for o in data.objects(None, prop) if not isinstance(o, Literal))
        if not focus:
            continue
        has_own_constraints = any(
            p not in (RDF.type, SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                      SH.targetObjectsOf, SH.severity, SH.message, RDFS.label, RDFS.comment, DCT.source,
                      EVKG.constraintId, SH.name, SH.description, SKOS.definition, SH.order, SH.group,
                      SH.rule, SH.deactivated)
            for p in shapes.predicates(node_shape))
        if has_own_constraints:
            checks.setdefault(node_shape, set()).update(focus)
        for prop_shape in shapes.objects(node_shape, SH.property):
            checks.setdefault(prop_shape, set()).update(focus)
    return checks


@functools.cache
def subclass_closure(cls) -> frozenset:
    """A class and all its subclasses in the ontology."""
    ontology = resources.ontology_graph()
    found = {cls}
    frontier = [cls]
    while frontier:
        current = frontier.pop()
        for sub in ontology.subjects(RDFS.subClassOf, current):
            if sub not in found:
                found.add(sub)
                frontier.append(sub)
    return frozenset(found)
