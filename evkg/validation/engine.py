"""SHACL validation of product descriptions into a small typed report.

The shapes run on an in-memory pyoxigraph store (compiled to SPARQL, see evkg.validation.compiled; plain
pySHACL is the reference engine). This module attributes every result to the product it concerns, explains it
in plain words (property name, value found, what is expected, source) and scores completeness. Everything it
needs from the submitted data it asks the store, so a batch of a thousand products never has to pass through
a slower in-Python graph.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from evkg.core import resources
from evkg.core.redefinitions import declared_evkg_terms
from evkg.core.namespaces import DCT, EVKG, EVSH
from evkg.io.rdf import RdflibTerms, to_ox
from evkg.terms.index import written_curie
from evkg.validation.completeness import completeness_score, merge_tallies, tally_checks
from evkg.validation.part_names import part_name
from evkg.validation.use_scope import use_scopes

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
from evkg.validation.completeness import SEVERITY_WEIGHT  # noqa: E402,F401  (one weight table)
_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
ENGINES = ("compiled", "pyshacl")
# `submission`: a description handed to a regulator; the shapes marked evkg:submissionSeverity (regulatory
# facts, MISEV minimal requirements) take that severity. `published`: a product described from the
# literature, as the curated graph is; every shape keeps its own sh:severity.
PROFILES = ("submission", "published")
DEFAULT_PROFILE = "submission"
from evkg.validation.store import DATA_GRAPH, store_of_graph  # noqa: E402


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
    # The RDF terms behind the words, for a SHACL results graph (evkg.report.results_graph).
    focus_term: object = None
    value_term: object = None
    component: str | None = None

    def sort_key(self):
        return (SEVERITY_ORDER.get(self.severity, 9), self.constraint_id or "", self.path_label or "",
                self.focus, self.value or "", self.message)


@dataclass
class ProductValidation:
    iri: str
    label: str
    results: list[ValidationResult] = field(default_factory=list)
    # section label -> {severity: [checks applicable, checks failed]} over (shape, focus node) checks
    tallies: dict = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def completeness(self) -> float:
        """Overall completeness in percent (one decimal); see completeness_score."""
        return completeness_score(merge_tallies(self.tallies.values()))

    @property
    def completeness_by_section(self) -> dict[str, float]:
        """Completeness per report section (product and claims, source, preparation, …), in report order."""
        return {section: completeness_score(tally) for section, tally in self.tallies.items()}


@dataclass
class ValidationReport:
    products: list[ProductValidation]
    unattributed: list[ValidationResult]
    # statements of the submission about the vocabulary, taken out before the checks (evkg.core.redefinitions)
    redefinitions: list = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return all(p.conforms for p in self.products) and not any(
            r.severity == "Violation" for r in self.unattributed)


# The longest name or value a finding repeats. A longer one is cut and its length said: a 2 MB label repeated
# in each of a product's findings made reports of tens of MB.
SHOWN_CHARACTERS = 200


def shown(text: str) -> str:
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"


def _rows(store: ox.Store, query: str):
    return store.query(query, use_default_graph_as_union=True)


def _sparql_order(term) -> tuple:
    """The order Oxigraph's ORDER BY gives blank nodes (by id) and IRIs, blank nodes first; literals last (a
    literal kind has no label, so their order among themselves never shows)."""
    return (0 if isinstance(term, ox.BlankNode) else 1 if isinstance(term, ox.NamedNode) else 2, term.value)


@functools.cache
def _ontology_labels() -> dict:
    """The label of every ontology term that has one (rdfs:label, else skos:prefLabel), asked of the graph once
    rather than once per finding."""
    ontology = resources.ontology_graph()
    labels = {}
    for node in set(ontology.subjects(RDFS.label)) | set(ontology.subjects(SKOS.prefLabel)):
        found = ontology.value(node, RDFS.label) or ontology.value(node, SKOS.prefLabel)
        if found is not None:
            labels[node] = str(found)
    return labels


# A bare IRI (not an example in <…>) filled into a message template.
_KEY_SEGMENT = re.compile(r"([a-z][A-Za-z0-9]*)(?:-([0-9]+))?")
_IRI_IN_TEXT = re.compile(r"(?<![<\w])https?://[^\s<>\"]+")


class SubmittedData:
    """What the report needs to know about the submitted data, asked of the store once."""

    def __init__(self, store: ox.Store, as_rdflib: RdflibTerms | None = None):
        self.store = store
        self.as_rdflib = as_rdflib if as_rdflib is not None else RdflibTerms()   # one memo for the check
        as_rdflib = self.as_rdflib
        data = f"<{DATA_GRAPH.value}>"
        self.products = sorted(
            (as_rdflib[p] for (p,) in _rows(store, f"""
                SELECT DISTINCT ?p WHERE {{ GRAPH {data} {{ ?p a ?type }}
                  ?type <{RDFS.subClassOf}>* <{EVKG.EVProduct}> }}""")), key=str)
        self.owners = self._owners(data)
        self.use_scopes = use_scopes(store, DATA_GRAPH.value, as_rdflib.__getitem__)
        # facts each product's description marks as not reported by its sources (on any of its nodes)
        self.not_reported: dict = {}
        for row in _rows(store, f"SELECT ?n ?f WHERE {{ GRAPH {data} {{ ?n <{EVKG.notReported}> ?f }} }}"):
            owner = self.owners.get(as_rdflib[row["n"]])
            if owner is not None:
                self.not_reported.setdefault(owner, set()).add(str(row["f"].value))
        self.labels = {}
        for row in _rows(store, f"SELECT ?n ?l WHERE {{ GRAPH {data} {{ ?n <{RDFS.label}> ?l }} }} ORDER BY ?n ?l"):
            node, label = row
            self.labels.setdefault(as_rdflib[node], str(label.value))
        # Unnamed nodes are named by what they are and whose they are ("the separation step of <product>").
        self.kinds: dict = {}
        for pattern in ("?n a ?k", f"?s ?k ?n FILTER(?k != <{RDF.type}>)"):     # its type first, then its role
            found: dict = {}
            query = f"SELECT ?n ?k WHERE {{ GRAPH {data} {{ {pattern} FILTER(isBlank(?n)) }} }}"
            for node, kind in _rows(store, query):
                found.setdefault(node, []).append(kind)
            for node, kinds in found.items():          # sorted here: Oxigraph's ORDER BY costs more than the rest
                in_order = sorted(kinds, key=_sparql_order)
                self.kinds.setdefault(as_rdflib[node], []).extend(as_rdflib[k] for k in in_order)

    def _owners(self, data: str) -> dict:
        """The product each described node belongs to: the first product (in order) whose links reach it.

        One walk over the links in total, never one per product: each node is claimed once and not walked
        again, so a hub reached from every product costs its size once (a property-path query per product
        costs products × hub, and chains of products linked to each other cost products²). A walk stops at
        other products, whose details belong to them."""
        links: dict = {}
        described = set()
        for subject, value in _rows(self.store, f"SELECT ?s ?o WHERE {{ GRAPH {data} {{ ?s ?p ?o }} }}"):
            described.add(subject)
            if not isinstance(value, ox.Literal):
                links.setdefault(subject, []).append(value)
        products = [to_ox(p) for p in self.products]
        owned = {p: p for p in products}
        for product in products:
            stack = list(links.get(product, ()))
            while stack:
                node = stack.pop()
                if node in owned:
                    continue
                owned[node] = product
                stack.extend(links.get(node, ()))
        as_rdflib = self.as_rdflib
        return {as_rdflib[node]: as_rdflib[owner] for node, owner in owned.items()
                if node in described or node is owner}

    def known_label(self, node) -> str | None:
        if node in self.labels:
            return self.labels[node]
        return _ontology_labels().get(node)

    def label(self, node) -> str:
        found = self.known_label(node)
        if found is not None:
            return shown(found)
        if isinstance(node, URIRef):
            local = str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            written_under = _KEY_SEGMENT.fullmatch(local)   # a node a YAML/JSON form left unnamed: key-N
            if written_under and str(EVKG[written_under.group(1)]) in declared_evkg_terms():
                return self.unnamed_label(node, written_under.group(2) or "", written_under.group(1))
            return shown(local)
        if isinstance(node, Literal):
            return shown(str(node))
        return self.unnamed_label(node)

    def readable(self, message: str) -> str:
        """A message with the IRIs that shape templates fill in ({?path}, {?value}) turned into names."""
        def name(match):
            iri = match.group(0).rstrip(".,;)")
            label, short = self.known_label(URIRef(iri)), written_curie(iri)
            return (f"{label} ({short})" if label else short) + match.group(0)[len(iri):]
        return _IRI_IN_TEXT.sub(name, message)

    def unnamed_label(self, node, number: str | None = None, key: str | None = None) -> str:
        kinds = self.kinds.get(node) or (self._types_of(node) if number is not None else ())
        kind = next((label for label in (self.known_label(k) for k in kinds) if label), None)
        kind = (number and key and part_name(key, tuple(map(str, kinds)))) or kind      # "the dose #1"
        owner = self.owners.get(node)
        whose = f" of {self.label(owner)}" if owner is not None and owner != node else ""
        nth = f" #{number}" if number else ""
        return f"the {kind}{nth}{whose}" if kind else f"an unnamed part{nth}{whose}"

    def _types_of(self, node) -> list:
        query = f"SELECT ?k WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ <{node}> a ?k }} }}"
        return sorted((self.as_rdflib[k] for (k,) in _rows(self.store, query)), key=str)

    def value_text(self, value) -> str | None:
        if value is None:
            return None
        if isinstance(value, Literal):
            return shown(str(value))
        if isinstance(value, URIRef):
            label = self.known_label(value)
            if label is None and str(value).startswith(str(EVKG)):        # an undeclared evkg name
                from evkg.core.safe_text import ascii_name

                return shown(ascii_name(str(value)))
            return shown(f"{label} <{value}>" if label else str(value))
        return self.label(value)

    def evkg_terms(self, wanted=None) -> list[tuple]:
        """(subject, predicate, term) for evkg: IRIs used as a predicate, class or value (only `wanted` terms)."""
        namespace = str(EVKG)
        data = f"<{DATA_GRAPH.value}>"
        as_rdflib = self.as_rdflib
        if wanted is None:
            return [as_rdflib[t] for (t,) in _rows(self.store, f"""
                SELECT DISTINCT ?t WHERE {{ GRAPH {data} {{ {{ ?s ?t ?o }} UNION {{ ?s ?p ?t FILTER(isIRI(?t)) }} }}
                  FILTER(STRSTARTS(STR(?t), "{namespace}")) }}""")]
        values = " ".join(f"<{t}>" for t in wanted)
        return [tuple(as_rdflib[term] for term in row) for row in _rows(self.store, f"""
            SELECT DISTINCT ?s ?p ?t WHERE {{ VALUES ?t {{ {values} }} GRAPH {data} {{
              {{ ?s ?t ?o BIND(?t AS ?p) }} UNION {{ ?s ?p ?t }} }} }}""")]

    def cited_sources(self) -> list[tuple]:
        from evkg.literature.identifiers import SOURCE_PROPERTIES

        values = " ".join(f"<{p}>" for p in SOURCE_PROPERTIES)
        return [tuple(self.as_rdflib[term] for term in row) for row in _rows(self.store, f"""
            SELECT DISTINCT ?s ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }}
              FILTER(!isBlank(?o)) }}""")]


# ------------------------------------------------------------------------------------------ validating

def validate(data: Graph, *, engine: str = "compiled", profile: str = DEFAULT_PROFILE) -> ValidationReport:
    """Validate every product in `data` against the bundled shapes. `data` is not modified.

    engine="compiled" runs the shapes as set-based SPARQL on pyoxigraph (the default, fast);
    engine="pyshacl" runs plain pySHACL (the reference; both give identical results, see the tests).
    profile="submission" (default) or "published" sets the severity of the shapes that depend on it.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {ENGINES}")
    check_profile(profile)
    store = store_of_graph(data)
    if engine == "pyshacl":
        from evkg.core.redefinitions import take_redefining_statements
        from evkg.io.rdf import to_rdflib
        from evkg.validation.compiled import run_pyshacl

        redefinitions = take_redefining_statements(store, DATA_GRAPH)
        if redefinitions:
            data = Graph() + data
            for quad in redefinitions:
                data.remove((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return report_for_store(store, run_pyshacl(data), profile=profile, redefinitions=redefinitions)
    return validate_store(store, data, profile=profile)


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        from evkg.core.errors import UsageError

        raise UsageError(f"unknown profile {profile!r}; use one of: {', '.join(PROFILES)}")
    return profile


def validate_store(store: ox.Store, data: Graph | None = None, *, profile: str = DEFAULT_PROFILE) -> ValidationReport:
    """Validate the data in a store made by new_store() (submitted data in DATA_GRAPH). Statements of the data
    about the vocabulary itself are taken out of the store first (evkg.core.redefinitions) and reported."""
    from evkg.core.redefinitions import take_redefining_statements
    from evkg.validation import compiled as sparql_validation

    redefinitions = take_redefining_statements(store, DATA_GRAPH)
    if redefinitions and data is not None:
        data = None                  # the fallback engine reads the store's data, now without them
    as_rdflib = RdflibTerms()
    focus_nodes = sparql_validation.focus_nodes_by_shape(store, as_rdflib)
    raw = sparql_validation.validate_store(store, data, focus_nodes, as_rdflib)
    return report_for_store(store, raw, profile=profile, focus_nodes=focus_nodes, as_rdflib=as_rdflib,
                            redefinitions=redefinitions)


def profile_severity(shape, severity, profile: str) -> str:
    """The severity name of a result of `shape` under `profile` (the engine reports the shape's own one)."""
    if profile == "submission":
        escalated = _submission_severity(shape)
        if escalated is not None:
            return escalated
    return _SEVERITY_NAMES.get(severity, "Violation")


@functools.cache
def _submission_severity(shape) -> str | None:
    value = resources.shapes_graph().value(shape, EVKG.submissionSeverity)
    return _SEVERITY_NAMES.get(value) if value is not None else None


def report_for_store(store: ox.Store, raw_results, *, profile: str = DEFAULT_PROFILE,
                     focus_nodes: dict | None = None, as_rdflib: RdflibTerms | None = None,
                     redefinitions: list = ()) -> ValidationReport:
    from evkg.validation.findings import one_finding_per_mistake
    from evkg.validation.literals import ill_typed_results
    from evkg.validation.cited_sources import unresolved_source_results
    from evkg.validation.not_reported import facts_named_as_text
    from evkg.validation.terms import UNKNOWN_TERM_SHAPE, conclusion_results, redefinition_results, term_results

    from evkg.validation.text_for_blocks import block_text_results, is_check_of_text_block

    submitted = SubmittedData(store, as_rdflib)
    block_texts, texts = block_text_results(submitted)
    raw_results = (list(raw_results) + unresolved_source_results(submitted) + unknown_term_results(submitted)
                   + term_results(submitted) + conclusion_results(submitted) + ill_typed_results(submitted)
                   + facts_named_as_text(submitted) + redefinition_results(submitted, redefinitions))
    raw_results = [r for r in raw_results if not is_check_of_text_block(r, texts)] + block_texts
    from evkg.validation.misplaced_facts import misplaced_fact_hints

    misplaced = misplaced_fact_hints(submitted, raw_results)          # a missing fact written on another node
    by_product = {p: ProductValidation(str(p), submitted.label(p)) for p in submitted.products}
    unattributed: list[ValidationResult] = []
    failed_checks: dict = {p: set() for p in submitted.products}
    for raw in raw_results:
        focus, shape, path = raw.focus, raw.shape, raw.path
        product = submitted.owners.get(focus)
        if raw.value in (None, focus) and not submitted.use_scopes.asks(shape, product):
            continue                    # a fact not asked of this product is missing (one it states is checked)
        severity = profile_severity(shape, raw.severity, profile)
        constraint_id, sources, name, _ = _shape_info(shape)
        message = _most_specific(sorted(raw.messages))
        if (isinstance(path, URIRef) and str(path) in submitted.not_reported.get(product, ())
                and raw.value in (None, focus)):
            # a check not met for want of the fact, which the sources do not give (a value stated wrongly is not)
            message = (f"Not reported by the source: {name or submitted.label(path)}. The sources consulted for "
                       f"this description do not state it, so it stays unknown and the questions that need it "
                       f"stay undecided.")
        item = ValidationResult(
            severity=severity,
            focus=str(focus),
            focus_label=submitted.label(focus),
            path=str(path) if isinstance(path, URIRef) else None,
            path_label=name or (submitted.label(path) if isinstance(path, URIRef) else
                                ("unknown property" if shape == UNKNOWN_TERM_SHAPE else None)),   # a misspelt key
            value=None if raw.value == focus else submitted.value_text(raw.value),   # SHACL repeats the focus
            message=_with_hints(submitted.readable(message), path, raw.value) + misplaced.get((focus, path), ""),
            shape=str(shape) if isinstance(shape, URIRef) else "(anonymous shape)",
            constraint_id=constraint_id,
            sources=sources,
            product=str(product) if product is not None else None,
            focus_term=focus,
            value_term=raw.value,
            component=_component_iri(raw.component),
        )
        if product is None:
            unattributed.append(item)
        else:
            by_product[product].results.append(item)
            failed_checks[product].add((shape, focus, severity))
    tally_checks(store, submitted.owners, by_product, failed_checks,
                 lambda shape: profile_severity(shape, _shape_severity_term(shape), profile), focus_nodes,
                 use_scopes=submitted.use_scopes)
    for report in by_product.values():
        report.results = sorted(one_finding_per_mistake(report.results), key=ValidationResult.sort_key)
    return ValidationReport(products=[by_product[p] for p in submitted.products],
                            unattributed=sorted(one_finding_per_mistake(unattributed), key=ValidationResult.sort_key),
                            redefinitions=list(redefinitions))


def _component_iri(component) -> str | None:
    """The SHACL constraint component IRI (sh:MinCountConstraintComponent) for an engine that names a
    component by its parameter (sh:minCount)."""
    if component is None:
        return None
    text = str(component)
    if text.startswith(str(SH)) and not text.endswith("ConstraintComponent"):
        local = text[len(str(SH)):]
        return f"{SH}{local[:1].upper()}{local[1:]}ConstraintComponent"
    return text


def product_iris(graph: Graph) -> list[URIRef]:
    """Every node typed evkg:EVProduct (or a subclass declared in the ontology), sorted."""
    from rdflib.namespace import RDF

    found = {s for cls in resources.subclass_closure(EVKG.EVProduct) for s in graph.subjects(RDF.type, cls)}
    return sorted(found, key=str)


def unknown_term_results(submitted: SubmittedData) -> list:
    """A warning for every evkg: term the ontology does not declare, naming the closest declared ones that may
    stand where it was written."""
    from evkg.core.safe_text import ascii_name, look_alike_note
    from evkg.validation.compiled import RawResult
    from evkg.validation.several_values import listed_values_hint
    from evkg.validation.terms import UNKNOWN_TERM_SHAPE, closest_evkg_names

    general = [str(m) for m in resources.shapes_graph().objects(UNKNOWN_TERM_SHAPE, SH.message)]
    results, declared = [], declared_evkg_terms()
    unknown = [t for t in submitted.evkg_terms() if str(t) not in declared]
    for subject, predicate, term in (submitted.evkg_terms(unknown) if unknown else []):
        local = str(term)[len(str(EVKG)):]
        close = closest_evkg_names(local, predicate, as_property=term == predicate,
                                   on_types=submitted._types_of(subject) if term == predicate else ())
        hint = (" Did you mean " + " or ".join(close) + "?") if close else listed_values_hint(predicate, term)
        if term == predicate and not any(       # no misspelling: a fact the vocabulary has no property for
                difflib.SequenceMatcher(None, local.lower(), c.partition(":")[2].lower()).ratio() >= 0.75
                for c in close):
            hint += (" If no evkg property says what you mean, give it as text in rdfs:comment, which the "
                     "checks leave as it is.")
        hint += look_alike_note(f"evkg:{local}")
        messages = frozenset(m.replace("{?value}", ascii_name(f"evkg:{local}")) + hint for m in general)
        results.append(RawResult(focus=subject, path=predicate if term != predicate else None, value=term,
                                 shape=UNKNOWN_TERM_SHAPE, severity=SH.Warning, messages=messages,
                                 component=SH.SPARQLConstraintComponent))
    return results


def _with_hints(message: str, path, value) -> str:
    """The message with what the value may have meant: several values in one text, another unit, another key, the
    registry number inside the text, the term of the right code system, or else the closest value of its list."""
    from evkg.validation.date_spellings import date_hint
    from evkg.validation.id_digits import id_digits_hint
    from evkg.validation.misplaced_values import other_key_hint
    from evkg.validation.number_spellings import number_hint, number_with_unit_hint
    from evkg.validation.other_code_system import other_code_system_hint
    from evkg.validation.registry_ids import registry_id_hint
    from evkg.validation.several_values import close_value_hint, several_values_hint, yes_no_hint
    from evkg.validation.unit_spellings import unit_hint

    said = (several_values_hint(path, value) + unit_hint(path, value) + other_key_hint(path, value)
            + registry_id_hint(path, value) + other_code_system_hint(path, value) + yes_no_hint(path, value)
            + id_digits_hint(path, value) + date_hint(path, value) + number_hint(path, value)
            + number_with_unit_hint(path, value))
    return message + (said or close_value_hint(path, value, message))


def _most_specific(messages: list[str]) -> str:
    """A SPARQL constraint's own message (with its values filled in) before the shape's general one."""
    if not messages:
        return "This part of the description does not meet a check."
    return max(messages, key=len)


@functools.cache
def _shape_severity_term(shape):
    return resources.shapes_graph().value(shape, SH.severity) or SH.Violation


@functools.cache
def _shape_info(shape) -> tuple[str | None, tuple[str, ...], str | None, str]:
    shapes = resources.shapes_graph()
    constraint_id = shapes.value(shape, EVKG.constraintId)
    sources = tuple(sorted(str(s) for s in shapes.objects(shape, DCT.source)))
    name = shapes.value(shape, SH.name)
    severity = _SEVERITY_NAMES.get(shapes.value(shape, SH.severity), "Violation")
    return (str(constraint_id) if constraint_id else None, sources, str(name) if name else None, severity)
