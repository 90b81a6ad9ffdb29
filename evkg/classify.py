"""Infer the regulatory classification of EV products: run the rule files to a true fixpoint, set-based.

The rules are the SHACL-AF SPARQL rules of shapes/rules-*.ttl (one CONSTRUCT per rule, written for `$this`).
Here each CONSTRUCT runs once over all products at a time on an in-memory Oxigraph store: `$this` becomes
`?this`, bound to every product in scope. Rules run in their decision order (sh:order); after each pass the
engine recomputes statuses (weakest link along the premises, strongest of several derivations) and
supersession (agency determinations, statutory precedence), then re-runs only the rules whose premises
changed, until nothing new is derived. Questions left without an answer become *undecided* outcomes that
name the facts to add. The caller's graph is never modified; outcome IRIs are stable hashes.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from evkg import resources
from evkg.namespaces import EVD, EVKG, EVSH

EVKG_NS = str(EVKG)
EVSH_NS = str(EVSH)
OUTCOME_NS = str(EVD) + "outcome/"
JURISDICTION_NS = str(EVD) + "jurisdiction/"
JURISDICTIONS = ("EU", "US", "KR")
ALL_JURISDICTIONS = "ALL"   # outcomes of the EV-role rules, which hold in every jurisdiction

STATUS_RANK = {"settled": 3, "provisional": 2, "contested": 1}
RANK_STATUS = {rank: name for name, rank in STATUS_RANK.items()}
STATUS_IRI = {"settled": EVKG_NS + "Settled", "provisional": EVKG_NS + "Provisional",
              "contested": EVKG_NS + "Contested"}
IRI_STATUS = {iri: name for name, iri in STATUS_IRI.items()}
SUPERSEDED = 0

# Engine-only marker of the products the rules run on; it never leaves the working store.
_IN_SCOPE = ox.NamedNode("urn:evkg:engine#inScope")
_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))

_P = {name: ox.NamedNode(EVKG_NS + name) for name in (
    "ofProduct", "category", "question", "derivedByRule", "premise", "alternativeCategory", "status",
    "supersededBy", "jurisdiction", "missingFact", "ClassificationOutcome", "Undecided", "OutOfScope",
    "EVProduct")}
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_DCT_SOURCE = ox.NamedNode(str(DCTERMS.source))
_RDFS_LABEL = ox.NamedNode(str(RDFS.label))
_OUTCOME_TYPE = _P["ClassificationOutcome"]

# Facts that stand in for each other when the engine checks what a description lacks.
_EITHER_FACT = {EVKG_NS + "loadedCargo": EVKG_NS + "hasNoLoadedCargo",
                EVKG_NS + "hasNoLoadedCargo": EVKG_NS + "loadedCargo"}
# Cargo-item facts and the cargo kinds that must state them (docs/vocabulary.md section 3).
_CARGO_FACT_KINDS = {
    EVKG_NS + "manufacture": {EVKG_NS + "Antigen", EVKG_NS + "NucleicAcid"},
    EVKG_NS + "lengthAminoAcids": {EVKG_NS + "Antigen", EVKG_NS + "RecombinantProtein"},
    EVKG_NS + "nucleicAcidMechanism": {EVKG_NS + "NucleicAcid"},
    EVKG_NS + "effectIsGenetic": {EVKG_NS + "NucleicAcid"},
    EVKG_NS + "cargoKind": None,   # every cargo item
}
# Optional lists: their absence is a complete answer, never a gap to report.
_OPTIONAL_FACTS = {EVKG_NS + "coFormulatedActiveSubstance", EVKG_NS + "engineeredVesicleComponent",
                   EVKG_NS + "agencyDetermination"}
# Facts needed only in some descriptions: (property, fact that makes it unnecessary, the value that does).
_CONDITIONAL_FACTS = {
    EVKG_NS + "incidentalRecombinantNucleicAcid": ((EVKG_NS + "geneticallyModified", "false"),
                                                   (EVKG_NS + "evOriginKind", EVKG_NS + "NoBiologicalOrigin")),
    EVKG_NS + "cellsEngineered": ((EVKG_NS + "cellContent", EVKG_NS + "NoCells"),),
    EVKG_NS + "hctpMinimallyManipulated": ((EVKG_NS + "cellContent", EVKG_NS + "NoCells"),),
    EVKG_NS + "hctpHomologousUse": ((EVKG_NS + "cellContent", EVKG_NS + "NoCells"),),
    EVKG_NS + "hctpSystemicOrMetabolic": ((EVKG_NS + "cellContent", EVKG_NS + "NoCells"),),
    EVKG_NS + "donorRelation": ((EVKG_NS + "cellContent", EVKG_NS + "NoCells"),),
    EVKG_NS + "evSourceMaterial": ((EVKG_NS + "evOriginKind", EVKG_NS + "AnimalOrigin"),
                                   (EVKG_NS + "evOriginKind", EVKG_NS + "PlantOrigin"),
                                   (EVKG_NS + "evOriginKind", EVKG_NS + "BacterialOrigin"),
                                   (EVKG_NS + "evOriginKind", EVKG_NS + "NoBiologicalOrigin")),
}
_LENGTH_FACTS = (EVKG_NS + "lengthAminoAcids", EVKG_NS + "minimumLengthAminoAcids")


# ---------------------------------------------------------------------------------------------------------
# Result types


@dataclass
class Outcome:
    """One answer to one classification question for one product (or the reason it has none)."""

    iri: str
    product: str
    jurisdiction: str
    question: str | None
    question_label: str | None
    category: str
    category_label: str
    alternatives: list = field(default_factory=list)        # [(IRI, label)]
    status: str = "settled"     # settled | provisional | contested | undecided | superseded | out-of-scope
    rule: str | None = None
    rule_iri: str | None = None
    rule_label: str | None = None
    rationale: str | None = None
    sources: list = field(default_factory=list)             # [dict(iri, label, url)]
    premises: list = field(default_factory=list)            # plain words
    premise_outcomes: list = field(default_factory=list)    # IRIs
    missing: list = field(default_factory=list)             # [dict(property, label, prompt, rules)]
    other_derivations: list = field(default_factory=list)   # [(rule id, status)]
    superseded_by: list = field(default_factory=list)       # outcome IRIs that override this one

    @property
    def concluded(self) -> bool:
        return self.status in STATUS_RANK


@dataclass
class ConsistencyError:
    """The same product received a category and its negation from rules that are not contested."""

    product: str
    jurisdiction: str
    question: str | None
    category: str
    opposite: str
    derivations: list      # [(rule id, category label, status, [facts in plain words])]
    message: str

    def __str__(self) -> str:
        return self.message


class ClassificationResult:
    """Outcomes of one classification run, with the RDF graph they form (built on first use)."""

    def __init__(self, outcomes: list[Outcome], consistency_errors: list[ConsistencyError],
                 triples: list[tuple], jurisdictions: tuple[str, ...]):
        self.outcomes = outcomes
        self.consistency_errors = consistency_errors
        self.jurisdictions = jurisdictions
        self._triples = triples
        self._describe = None          # set by the engine: outcome IRI -> Outcome for any derivation
        self._by_product: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            self._by_product.setdefault(outcome.product, []).append(outcome)

    def for_product(self, iri) -> list[Outcome]:
        return list(self._by_product.get(str(iri), []))

    def derivation(self, iri) -> Outcome | None:
        """Any outcome node of this run, including derivations that are not the reported (strongest) one."""
        iri = str(iri)
        for outcome in self.outcomes:
            if outcome.iri == iri:
                return outcome
        return self._describe(iri) if self._describe else None

    @property
    def products(self) -> list[str]:
        return sorted(self._by_product)

    @functools.cached_property
    def ntriples(self) -> str:
        """The outcome graph as sorted N-Triples (byte-identical for identical inputs)."""
        return "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in self._triples))

    @functools.cached_property
    def graph(self) -> Graph:
        graph = Graph()
        if self._triples:
            graph.parse(data=self.ntriples, format="nt")
        from evkg.namespaces import bind_prefixes

        bind_prefixes(graph)
        return graph


# ---------------------------------------------------------------------------------------------------------
# What the engine knows: rules, questions, categories, labels (parsed once per process)


@dataclass(frozen=True)
class Rule:
    iri: str
    id: str
    label: str
    rationale: str
    jurisdiction: str | None          # "EU" / "US" / "KR", or None for the EV-role rules
    questions: tuple
    concludes: tuple
    alternatives: tuple
    needs_facts: tuple
    needs_categories: tuple
    status: str
    sources: tuple
    order: float
    query: str
    reads_categories: frozenset       # category IRIs its premises mention
    reads_status: bool                # premises look at statuses or supersession
    any_premise: bool                 # a disjunction: one premise outcome suffices
    agency: bool                      # adopts a regulator's determination


@dataclass(frozen=True)
class Question:
    iri: str
    label: str
    jurisdiction: str | None
    positive: tuple
    negative: tuple
    asked_when: str | None            # SPARQL pattern over ?this; None = always asked


HIERARCHY_RULE_ID = "HIERARCHY"


@dataclass
class Knowledge:
    rules: list
    rules_by_iri: dict
    questions: dict
    category_questions: dict          # category IRI -> set of question IRIs
    subsumption: list                 # (sub category, super category, question, jurisdiction, super source)
    labels: dict
    prompts: dict
    prefixes: str


def _local(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _jurisdiction_code(node) -> str | None:
    if node is None:
        return None
    text = str(node)
    return text[len(JURISDICTION_NS):] if text.startswith(JURISDICTION_NS) else _local(text)


def _prefix_block(graphs: Iterable[Graph]) -> str:
    lines = {}
    for graph in graphs:
        for decl in graph.objects(None, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>\n"
    return "".join(lines[p] for p in sorted(lines))


def _prepare_query(construct: str, prefixes: str) -> str:
    """Turn a `$this` rule into a set-based query over every product in scope."""
    query = construct.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ValueError("a classification rule's CONSTRUCT has no WHERE clause")
    marker = f" ?this <{_IN_SCOPE.value}> true . "
    return prefixes + query[:match.end()] + marker + query[match.end():]


_CATEGORY_TOKEN = re.compile(r"evkg:((?:EU|US|KR)_[A-Za-z0-9_]+)")


def _where_part(construct: str) -> str:
    match = re.search(r"\bWHERE\s*\{", construct, flags=re.IGNORECASE)
    return construct[match.end():] if match else construct


@functools.cache
def knowledge() -> Knowledge:
    rules_graph = resources.rules_graph()
    ontology = resources.ontology_graph()
    prefixes = _prefix_block([rules_graph, resources.shapes_graph()])   # shapes/prefixes.ttl is a shapes file

    labels: dict[str, str] = {}
    for graph in (ontology, rules_graph):
        for s, o in graph.subject_objects(RDFS.label):
            if isinstance(s, URIRef) and (not isinstance(o, Literal) or o.language in (None, "en")):
                labels.setdefault(str(s), str(o))
    prompts = {str(s): str(o) for s, o in ontology.subject_objects(EVKG.missingFactPrompt)}

    rules = []
    for node in sorted(set(rules_graph.subjects(EVKG.ruleId, None)), key=str):
        construct = rules_graph.value(node, SH.construct)
        if construct is None:
            continue
        rule_id = str(rules_graph.value(node, EVKG.ruleId))
        where = _where_part(str(construct))
        needs_categories = tuple(sorted(str(c) for c in rules_graph.objects(node, EVKG.needsCategory)))
        mentioned = {EVKG_NS + m for m in _CATEGORY_TOKEN.findall(where)}
        needs_facts = tuple(sorted(str(f) for f in rules_graph.objects(node, EVKG.needsFact)))
        status_node = rules_graph.value(node, EVKG.status)
        order = rules_graph.value(node, SH.order)
        any_premise = rules_graph.value(node, EVKG.anyPremiseSuffices)
        rules.append(Rule(
            iri=str(node), id=rule_id,
            label=str(rules_graph.value(node, RDFS.label) or rule_id),
            rationale=str(rules_graph.value(node, EVKG.rationale) or ""),
            jurisdiction=_jurisdiction_code(rules_graph.value(node, EVKG.jurisdiction)),
            questions=tuple(sorted(str(q) for q in rules_graph.objects(node, EVKG.answersQuestion))),
            concludes=tuple(sorted(str(c) for c in rules_graph.objects(node, EVKG.concludes))),
            alternatives=tuple(sorted(str(c) for c in rules_graph.objects(node, EVKG.alternative))),
            needs_facts=needs_facts,
            needs_categories=needs_categories,
            status=IRI_STATUS.get(str(status_node), "provisional"),
            sources=tuple(sorted(str(s) for s in rules_graph.objects(node, DCTERMS.source))),
            order=float(order) if order is not None else 1000.0,
            query=_prepare_query(str(construct), prefixes),
            reads_categories=frozenset(mentioned | set(needs_categories)),
            reads_status=bool(re.search(r"evkg:(status|supersededBy)\b", where)),
            any_premise=bool(any_premise is not None and any_premise.toPython() is True),
            agency=EVKG_NS + "agencyDetermination" in needs_facts,
        ))
    rules.sort(key=lambda r: (r.order, r.id))

    questions = {}
    for node in sorted(set(ontology.subjects(RDF.type, EVKG.ClassificationQuestion)), key=str):
        asked_when = ontology.value(node, EVKG.askedWhen)
        questions[str(node)] = Question(
            iri=str(node), label=labels.get(str(node), _local(node)),
            jurisdiction=_jurisdiction_code(ontology.value(node, EVKG.jurisdiction)),
            positive=tuple(sorted(str(c) for c in ontology.objects(node, EVKG.positiveCategory))),
            negative=tuple(sorted(str(c) for c in ontology.objects(node, EVKG.negativeCategory))),
            asked_when=str(asked_when) if asked_when is not None else None)

    category_questions: dict[str, set] = {}
    for q in questions.values():
        for c in q.positive + q.negative:
            category_questions.setdefault(c, set()).add(q.iri)
    for rule in rules:
        if len(rule.questions) == 1:
            for c in rule.concludes + rule.alternatives:
                category_questions.setdefault(c, set()).add(rule.questions[0])

    # Each concluded category also answers the questions of its broader categories (e.g. a GTMP is an ATMP
    # and a biological medicinal product), unless that question is its own.
    positive_question = {c: q.iri for q in questions.values() for c in q.positive}
    subsumption = []
    known = set(category_questions)
    for sub in sorted(known):
        for sup in sorted(_ancestors(ontology, URIRef(sub))):
            question = positive_question.get(sup)
            if question is None or question in category_questions.get(sub, set()):
                continue
            source = ontology.value(URIRef(sup), DCTERMS.source)
            subsumption.append((sub, sup, question, questions[question].jurisdiction,
                                str(source) if isinstance(source, URIRef) else None))

    hierarchy = Rule(
        iri=EVSH_NS + HIERARCHY_RULE_ID, id=HIERARCHY_RULE_ID, label="A kind of a broader category",
        rationale="Every product of a narrower legal category also belongs to the broader category that the "
                  "definition builds on (category hierarchy of the ontology).",
        jurisdiction=None, questions=(), concludes=(), alternatives=(), needs_facts=(), needs_categories=(),
        status="settled", sources=(), order=10_000.0,
        query=_hierarchy_query(subsumption, prefixes) if subsumption else "",
        reads_categories=frozenset(s[0] for s in subsumption), reads_status=False, any_premise=True,
        agency=False)
    if subsumption:
        rules.append(hierarchy)
    return Knowledge(rules=rules, rules_by_iri={r.iri: r for r in rules + [hierarchy]}, questions=questions,
                     category_questions=category_questions, subsumption=subsumption, labels=labels,
                     prompts=prompts, prefixes=prefixes)


def _ancestors(graph: Graph, node: URIRef) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for parent in graph.objects(stack.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and str(parent) not in seen:
                seen.add(str(parent))
                stack.append(parent)
    return seen


def _hierarchy_query(subsumption: list, prefixes: str) -> str:
    rows = " ".join(
        f"(<{sub}> <{sup}> <{q}> {f'<{JURISDICTION_NS}{j}>' if j else 'UNDEF'} "
        f"{f'<{src}>' if src else 'UNDEF'} \"{_local(sup)}\")"
        for sub, sup, q, j, src in subsumption)
    return prefixes + f"""
CONSTRUCT {{
  ?outcome a evkg:ClassificationOutcome ; evkg:ofProduct ?this ; evkg:jurisdiction ?j ;
           evkg:category ?super ; evkg:question ?q ; evkg:derivedByRule evsh:{HIERARCHY_RULE_ID} ;
           evkg:premise ?subOutcome ; dct:source ?src .
}} WHERE {{
  ?this <{_IN_SCOPE.value}> true .
  VALUES (?sub ?super ?q ?j ?src ?name) {{ {rows} }}
  ?subOutcome evkg:ofProduct ?this ; evkg:category ?sub .
  BIND(IRI(CONCAT("{OUTCOME_NS}", SHA1(CONCAT(STR(?this), "|{HIERARCHY_RULE_ID}|", ?name)))) AS ?outcome)
}}"""


@functools.cache
def _source_table() -> dict:
    """Label and web address of each legal act, provision or document in the curated graph."""
    data = resources.data_graph()
    table = {}
    url_props = [URIRef("http://xmlns.com/foaf/0.1/page"), URIRef("https://schema.org/url"),
                 URIRef("http://schema.org/url"), URIRef("http://www.w3.org/ns/dcat#landingPage"),
                 RDFS.seeAlso, URIRef(EVKG_NS + "url")]
    for s in set(data.subjects()):
        if not isinstance(s, URIRef):
            continue
        label = data.value(s, RDFS.label) or data.value(s, SKOS.prefLabel) or data.value(s, DCTERMS.title)
        url = next((data.value(s, p) for p in url_props if data.value(s, p) is not None), None)
        parent = data.value(s, DCTERMS.isPartOf)
        table[str(s)] = (str(label) if label is not None else None, str(url) if url is not None else None,
                         str(parent) if parent is not None else None)
    return table


def source_info(iri: str) -> dict:
    """dict(iri, label, url) for a cited act, provision or document; falls back to the enclosing act."""
    table = _source_table()
    label, url, parent = table.get(iri, (None, None, None))
    if url is None:
        candidate = parent
        if candidate is None and iri.startswith(str(EVD) + "act/"):
            candidate = iri.rsplit("/", 1)[0]
        while candidate is not None and candidate in table and url is None:
            parent_label, url, next_parent = table[candidate]
            if label is None and parent_label is not None:
                label = f"{parent_label}, {_local(iri)}"
            candidate = next_parent
    return {"iri": iri, "label": label or knowledge().labels.get(iri) or iri, "url": url}


def label_of(iri: str | None) -> str | None:
    if iri is None:
        return None
    return knowledge().labels.get(str(iri)) or _local(iri)


# ---------------------------------------------------------------------------------------------------------
# The run


def _as_nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def _sparql_term(term) -> str:
    return str(term)


class _Index:
    """What the rules have derived so far, indexed by outcome node (strings throughout)."""

    def __init__(self):
        self.product: dict[str, str] = {}
        self.category: dict[str, str] = {}
        self.rule: dict[str, str] = {}
        self.questions: dict[str, set] = {}
        self.jurisdiction: dict[str, str] = {}
        self.premises: dict[str, set] = {}
        self.alternatives: dict[str, set] = {}
        self.sources: dict[str, set] = {}
        self.precedence: dict[str, set] = {}    # supersededBy written by rules (statutory precedence)

    def add(self, s: str, p: str, o: str) -> None:
        if p == EVKG_NS + "ofProduct":
            self.product[s] = o
        elif p == EVKG_NS + "category":
            self.category[s] = o
        elif p == EVKG_NS + "derivedByRule":
            self.rule[s] = o
        elif p == EVKG_NS + "question":
            self.questions.setdefault(s, set()).add(o)
        elif p == EVKG_NS + "jurisdiction":
            self.jurisdiction[s] = o
        elif p == EVKG_NS + "premise":
            self.premises.setdefault(s, set()).add(o)
        elif p == EVKG_NS + "alternativeCategory":
            self.alternatives.setdefault(s, set()).add(o)
        elif p == str(DCTERMS.source):
            self.sources.setdefault(s, set()).add(o)
        elif p == EVKG_NS + "supersededBy":
            self.precedence.setdefault(s, set()).add(o)

    def outcomes(self) -> list[str]:
        return [o for o in self.category if o in self.product and o in self.rule]


class _Run:
    def __init__(self, ntriples: bytes, jurisdictions: tuple[str, ...]):
        self.kb = knowledge()
        self.jurisdictions = jurisdictions
        self.store = ox.Store()
        self.store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        self.index = _Index()
        self.derived: set = set()
        self.managed: dict[str, list] = {}       # outcome -> engine-written triples (status, supersession)
        self.effective: dict[str, int] = {}
        self.chain: dict[str, int] = {}
        self.superseded_by: dict[str, list] = {}
        self._fact_words: dict[tuple, list] = {}

    # -- scope -------------------------------------------------------------------------------------------
    def scope(self) -> tuple[list[str], list[str]]:
        rows = self.store.query(f"""
            SELECT ?p (SAMPLE(?medical) AS ?m) (SAMPLE(?use) AS ?u) WHERE {{
              ?p a <{EVKG_NS}EVProduct> . FILTER(isIRI(?p))
              OPTIONAL {{ ?p <{EVKG_NS}intendedUse> ?use }}
              OPTIONAL {{ ?p <{EVKG_NS}intendedUse> ?medical FILTER(?medical != <{EVKG_NS}NonMedical>) }}
            }} GROUP BY ?p""")
        in_scope, out_of_scope = [], []
        for row in rows:
            product = row["p"].value
            if row["u"] is not None and row["m"] is None:
                out_of_scope.append(product)
            else:
                in_scope.append(product)
        self.store.extend([ox.Quad(ox.NamedNode(p), _IN_SCOPE, _TRUE) for p in in_scope])
        return sorted(in_scope), sorted(out_of_scope)

    # -- fixpoint ----------------------------------------------------------------------------------------
    def active_rules(self) -> list[Rule]:
        return [r for r in self.kb.rules if r.jurisdiction is None or r.jurisdiction in self.jurisdictions]

    def fixpoint(self) -> None:
        rules = self.active_rules()
        pending = rules
        for _ in range(100):
            new_categories: set[str] = set()
            for rule in pending:
                if not rule.query:
                    continue
                batch = []
                for triple in self.store.query(rule.query):
                    if triple.predicate == _P["status"] or triple in self.derived:
                        continue
                    self.derived.add(triple)
                    batch.append(ox.Quad(triple.subject, triple.predicate, triple.object))
                    s, p, o = triple.subject.value, triple.predicate.value, _value(triple.object)
                    self.index.add(s, p, o)
                    if p == EVKG_NS + "category":
                        new_categories.add(o)
                if batch:
                    self.store.extend(batch)
            changed_categories, statuses_changed = self.settle_statuses()
            touched = new_categories | changed_categories
            pending = [r for r in rules
                       if (r.reads_categories & touched) or (r.reads_status and (statuses_changed or touched))]
            if not pending:
                return
        raise RuntimeError("the classification rules did not reach a fixpoint after 100 passes")

    # -- statuses and supersession ------------------------------------------------------------------------
    def settle_statuses(self) -> tuple[set, bool]:
        index, kb = self.index, self.kb
        outcomes = index.outcomes()
        superseded: dict[str, set] = {o: set(s) for o, s in index.precedence.items() if s}
        # Agency determinations supersede every inferred conclusion on the same question.
        agency_by_question: dict[tuple, list] = {}
        for o in outcomes:
            rule = kb.rules_by_iri.get(index.rule[o])
            if rule is not None and rule.agency:
                for q in index.questions.get(o, ()):
                    agency_by_question.setdefault((index.product[o], q), []).append(o)
        if agency_by_question:
            for o in outcomes:
                rule = kb.rules_by_iri.get(index.rule[o])
                if rule is not None and rule.agency:
                    continue
                for q in index.questions.get(o, ()):
                    agency = agency_by_question.get((index.product[o], q))
                    if agency:
                        superseded.setdefault(o, set()).add(min(agency))

        effective = self._ranks(outcomes, superseded, count_superseded=True)
        chain = self._ranks(outcomes, superseded, count_superseded=False)
        inherited: dict[str, set] = {}
        # Outcomes whose premises were all overridden are overridden with them.
        for o in sorted(outcomes):
            if effective[o] == SUPERSEDED and o not in superseded:
                inherited[o] = self._overriders(o, superseded, effective)

        changed_categories: set[str] = set()
        quads_out, quads_in = [], []
        for o in outcomes:
            status_node = ox.NamedNode(STATUS_IRI[RANK_STATUS[max(chain[o], 1)]])
            node = ox.NamedNode(o)
            wanted = [ox.Triple(node, _P["status"], status_node)]
            for by in sorted(superseded.get(o, set()) | inherited.get(o, set())):
                triple = ox.Triple(node, _P["supersededBy"], ox.NamedNode(by))
                if triple not in self.derived:
                    wanted.append(triple)
            previous = self.managed.get(o, [])
            if previous != wanted:
                quads_out.extend(ox.Quad(t.subject, t.predicate, t.object) for t in previous if t not in wanted)
                quads_in.extend(ox.Quad(t.subject, t.predicate, t.object) for t in wanted if t not in previous)
                self.managed[o] = wanted
            if self.effective.get(o) != effective[o] or self.chain.get(o) != chain[o]:
                changed_categories.add(index.category[o])
        for quad in quads_out:
            self.store.remove(quad)
        if quads_in:
            self.store.extend(quads_in)
        self.effective, self.chain = effective, chain
        self.superseded_by = {o: sorted(superseded.get(o, set()) | inherited.get(o, set()))
                              for o in outcomes if o in superseded or o in inherited}
        return changed_categories, bool(quads_in or quads_out)

    def _ranks(self, outcomes: list[str], superseded: dict, count_superseded: bool) -> dict[str, int]:
        """Status rank of each outcome: the weakest link of its best-supported premises (strongest path).

        Computed as a least fixpoint so that premise links that loop back (a broader category used as a
        premise of the narrower one it came from) can never lend an outcome support it does not have."""
        index, kb = self.index, self.kb
        plans = []
        for o in outcomes:
            rule = kb.rules_by_iri.get(index.rule[o])
            own = STATUS_RANK[rule.status] if rule else STATUS_RANK["provisional"]
            if count_superseded and o in superseded:
                own = SUPERSEDED
            groups: dict[str, list] = {}
            for premise in index.premises.get(o, ()):
                if premise in index.category:
                    groups.setdefault(index.category[premise], []).append(premise)
            plans.append((o, own, list(groups.values()), bool(rule and rule.any_premise),
                          rule.order if rule else 0.0))
        plans.sort(key=lambda plan: plan[4])
        rank = {o: -1 for o in outcomes}
        changed = True
        while changed:
            changed = False
            for o, own, groups, any_premise, _ in plans:
                if groups:
                    best = [max(rank.get(p, -1) for p in group) for group in groups]
                    support = max(best) if any_premise else min(best)
                    value = min(own, support) if support >= 0 else -1
                else:
                    value = own
                if value > rank[o]:
                    rank[o] = value
                    changed = True
        return {o: (r if r >= 0 else STATUS_RANK["contested"]) for o, r in rank.items()}

    def _overriders(self, o: str, superseded: dict, effective: dict) -> set:
        found: set = set()
        stack, seen = [o], set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in superseded:
                found |= superseded[node]
                continue
            stack.extend(p for p in self.index.premises.get(node, ()) if effective.get(p) == SUPERSEDED)
        return found

    # -- facts of the descriptions ----------------------------------------------------------------------
    @functools.cached_property
    def facts(self) -> dict:
        """product -> property -> sorted list of stated values (product, EV preparation, source, items)."""
        rows = self.store.query(f"""
            SELECT DISTINCT ?this ?prop ?v WHERE {{
              ?this <{_IN_SCOPE.value}> true .
              {{ ?this ?prop ?v }}
              UNION {{ ?this <{EVKG_NS}hasEVComponent> ?prep . ?prep ?prop ?v }}
              UNION {{ ?this <{EVKG_NS}hasEVComponent>/<{EVKG_NS}hasSource> ?src . ?src ?prop ?v }}
              UNION {{ ?this <{EVKG_NS}loadedCargo>|<{EVKG_NS}coFormulatedActiveSubstance>|<{EVKG_NS}engineeredVesicleComponent> ?item .
                       ?item ?prop ?v }}
              FILTER(STRSTARTS(STR(?prop), "{EVKG_NS}"))
            }}""")
        table: dict[str, dict[str, set]] = {}
        for row in rows:
            table.setdefault(row["this"].value, {}).setdefault(row["prop"].value, set()).add(row["v"])
        return table

    @functools.cached_property
    def cargo_gaps(self) -> dict:
        """product -> set of cargo-item facts that some cargo item of a kind that needs them lacks."""
        rows = self.store.query(f"""
            SELECT ?this ?item ?kind ?prop WHERE {{
              ?this <{_IN_SCOPE.value}> true ; <{EVKG_NS}loadedCargo> ?item .
              OPTIONAL {{ ?item <{EVKG_NS}cargoKind> ?kind }}
              OPTIONAL {{ ?item ?prop ?any }}
            }}""")
        items: dict[tuple, dict] = {}
        for row in rows:
            key = (row["this"].value, _sparql_term(row["item"]))
            entry = items.setdefault(key, {"kinds": set(), "props": set()})
            if row["kind"] is not None:
                entry["kinds"].add(row["kind"].value)
            if row["prop"] is not None:
                entry["props"].add(row["prop"].value)
        gaps: dict[str, set] = {}
        for (product, _), entry in items.items():
            for prop, kinds in _CARGO_FACT_KINDS.items():
                if kinds is not None and not (entry["kinds"] & kinds):
                    continue
                if prop == EVKG_NS + "lengthAminoAcids":
                    present = any(p in entry["props"] for p in _LENGTH_FACTS)
                else:
                    present = prop in entry["props"]
                if not present:
                    gaps.setdefault(product, set()).add(prop)
        return gaps

    def lacks(self, product: str, prop: str) -> bool:
        if prop in _OPTIONAL_FACTS:
            return False
        stated = self.facts.get(product, {})
        for condition, value in _CONDITIONAL_FACTS.get(prop, ()):
            if any(_value(v) == value for v in stated.get(condition, ())):
                return False
        if prop == EVKG_NS + "diseaseClaim":
            uses = {_value(v) for v in stated.get(EVKG_NS + "intendedUse", ())}
            if EVKG_NS + "NonMedical" not in uses:
                return False
        if prop in _CARGO_FACT_KINDS:
            return prop in self.cargo_gaps.get(product, set())
        if prop in stated:
            return False
        either = _EITHER_FACT.get(prop)
        return either is None or either not in stated

    def fact_words(self, product: str, props: tuple) -> list[str]:
        key = (product, props)
        if key not in self._fact_words:
            self._fact_words[key] = self._words(product, props)
        return list(self._fact_words[key])

    def _words(self, product: str, props: tuple) -> list[str]:
        stated = self.facts.get(product, {})
        words = []
        for prop in props:
            values = stated.get(prop)
            if not values:
                continue
            shown = sorted(_value_words(v, self.kb.labels) for v in values)
            words.append(f"{label_of(prop)}: {', '.join(shown)}")
        return words


def _value(term) -> str:
    return term.value


def _value_words(term, labels: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or _local(term.value)
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith("#boolean"):
            return "yes" if term.value in ("true", "1") else "no"
        return term.value
    return "a described item"


def _outcome_iri(*parts: str) -> str:
    return OUTCOME_NS + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


def _nt(term: str) -> str:
    return f"<{term}>"


# ---------------------------------------------------------------------------------------------------------
# Public API


def classify(data: Graph, jurisdictions=JURISDICTIONS) -> ClassificationResult:
    """Classify every product (evkg:EVProduct) in `data` for the given jurisdictions. `data` is not modified."""
    return classify_ntriples(_as_nt(data), jurisdictions)


def classify_ntriples(ntriples: bytes, jurisdictions=JURISDICTIONS) -> ClassificationResult:
    """As classify(), for data already serialised as N-Triples (the batch path: no in-Python graph)."""
    wanted = tuple(j for j in JURISDICTIONS if j in {str(x).upper() for x in jurisdictions})
    unknown = {str(x).upper() for x in jurisdictions} - set(JURISDICTIONS)
    if unknown:
        from evkg.errors import UsageError

        raise UsageError(f"unknown jurisdiction(s) {', '.join(sorted(unknown))}; use EU, US or KR.")
    run = _Run(ntriples, wanted)
    in_scope, out_of_scope = run.scope()
    run.fixpoint()
    return _assemble(run, in_scope, out_of_scope)


def _assemble(run: _Run, in_scope: list[str], out_of_scope: list[str]) -> ClassificationResult:
    kb, index = run.kb, run.index
    triples: set[tuple] = set()
    for t in run.derived:
        triples.add((_sparql_term(t.subject), _sparql_term(t.predicate), _sparql_term(t.object)))
    for managed in run.managed.values():
        for t in managed:
            triples.add((_sparql_term(t.subject), _sparql_term(t.predicate), _sparql_term(t.object)))

    # Group derivations of the same answer: the strongest path is reported, the others listed.
    groups: dict[tuple, list[str]] = {}
    for o in index.outcomes():
        questions = sorted(index.questions.get(o, ())) or [None]
        jurisdiction = _jurisdiction_code(index.jurisdiction.get(o)) or ALL_JURISDICTIONS
        for q in questions:
            groups.setdefault((index.product[o], jurisdiction, q, index.category[o]), []).append(o)

    def strength(o: str) -> tuple:
        rule = kb.rules_by_iri.get(index.rule[o])
        return (-run.effective[o], 1 if (rule and rule.id == HIERARCHY_RULE_ID) else 0,
                rule.id if rule else "", o)

    def describe(primary: str, product: str, jurisdiction: str, question: str | None, category: str,
                 members: list[str]) -> Outcome:
        rule = kb.rules_by_iri.get(index.rule[primary])
        rank = run.effective[primary]
        status = "superseded" if rank == SUPERSEDED else RANK_STATUS[rank]
        premise_outcomes = sorted(index.premises.get(primary, ()))
        premise_words = run.fact_words(product, rule.needs_facts if rule else ())
        for p in premise_outcomes:
            if p in index.category:
                p_rule = kb.rules_by_iri.get(index.rule.get(p, ""))
                p_rank = run.effective.get(p, 1)
                p_status = "superseded" if p_rank == SUPERSEDED else RANK_STATUS[p_rank]
                premise_words.append(f"{label_of(index.category[p])} ({p_rule.id if p_rule else '?'}, {p_status})")
        sources = sorted(index.sources.get(primary, set()) | set(rule.sources if rule else ()))
        return Outcome(
            iri=primary, product=product, jurisdiction=jurisdiction, question=question,
            question_label=label_of(question), category=category, category_label=label_of(category),
            alternatives=[(a, label_of(a)) for a in sorted(index.alternatives.get(primary, ()))],
            status=status, rule=rule.id if rule else None, rule_iri=index.rule[primary],
            rule_label=rule.label if rule else None, rationale=rule.rationale if rule else None,
            sources=[source_info(s) for s in sources], premises=premise_words,
            premise_outcomes=premise_outcomes,
            other_derivations=[(kb.rules_by_iri[index.rule[m]].id if index.rule[m] in kb.rules_by_iri
                                else _local(index.rule[m]),
                                "superseded" if run.effective[m] == SUPERSEDED else RANK_STATUS[run.effective[m]])
                               for m in members[1:]],
            superseded_by=run.superseded_by.get(primary, []),
        )

    def describe_node(iri: str) -> Outcome | None:
        if iri not in index.category or iri not in index.product:
            return None
        questions = sorted(index.questions.get(iri, ())) or [None]
        return describe(iri, index.product[iri],
                        _jurisdiction_code(index.jurisdiction.get(iri)) or ALL_JURISDICTIONS,
                        questions[0], index.category[iri], [iri])

    outcomes: list[Outcome] = []
    answered: dict[str, set] = {}
    best_rank: dict[tuple, int] = {}
    for (product, jurisdiction, question, category), members in groups.items():
        members.sort(key=strength)
        primary = members[0]
        if question:
            answered.setdefault(product, set()).add(question)
        rank = run.effective[primary]
        best_rank[(product, category)] = max(best_rank.get((product, category), -1), rank)
        outcomes.append(describe(primary, product, jurisdiction, question, category, members))

    # The product is typed with every category it was concluded to have, settled or provisional.
    for (product, category), rank in best_rank.items():
        if rank >= STATUS_RANK["provisional"]:
            triples.add((_nt(product), _nt(str(RDF.type)), _nt(category)))

    outcomes.extend(_undecided(run, in_scope, answered, triples))
    outcomes.extend(_out_of_scope(run, out_of_scope, triples))
    errors = _contradictions(run, outcomes)
    outcomes.sort(key=lambda o: (o.product, _jurisdiction_order(o.jurisdiction), o.question or "", o.category))
    result = ClassificationResult(outcomes, errors, sorted(triples), run.jurisdictions)
    result._describe = describe_node
    return result


def _jurisdiction_order(code: str) -> int:
    order = JURISDICTIONS + (ALL_JURISDICTIONS,)
    return order.index(code) if code in order else len(order)


def _asked_questions(run: _Run) -> dict[str, set | None]:
    """question -> products it is asked for (None: every product)."""
    asked: dict[str, set | None] = {}
    for q in run.kb.questions.values():
        if q.jurisdiction not in run.jurisdictions:
            continue
        if q.asked_when is None:
            asked[q.iri] = None
        else:
            rows = run.store.query(run.kb.prefixes + f"SELECT DISTINCT ?this WHERE {{ "
                                   f"?this <{_IN_SCOPE.value}> true . {q.asked_when} }}")
            asked[q.iri] = {row["this"].value for row in rows}
    return asked


def _undecided(run: _Run, in_scope: list[str], answered: dict, triples: set) -> list[Outcome]:
    kb = run.kb
    rules_by_question: dict[str, list[Rule]] = {}
    for rule in run.active_rules():
        for q in rule.questions:
            rules_by_question.setdefault(q, []).append(rule)
    concluded_categories: dict[str, set] = {}
    for o in run.index.outcomes():
        concluded_categories.setdefault(run.index.product[o], set()).add(run.index.category[o])

    def missing_for(product: str, question: str, visiting: frozenset) -> dict[str, set]:
        missing: dict[str, set] = {}
        for rule in rules_by_question.get(question, []):
            if rule.agency:
                continue
            for prop in rule.needs_facts:
                if run.lacks(product, prop):
                    missing.setdefault(prop, set()).add(rule.id)
            for category in rule.needs_categories:
                if category in concluded_categories.get(product, set()):
                    continue
                for q in sorted(kb.category_questions.get(category, ())):
                    if q in visiting or q in answered.get(product, set()):
                        continue
                    for prop, waiting in missing_for(product, q, visiting | {q}).items():
                        missing.setdefault(prop, set()).update(waiting | {rule.id})
        return missing

    outcomes = []
    asked = _asked_questions(run)
    for product in in_scope:
        for q_iri in sorted(asked):
            products = asked[q_iri]
            if (products is not None and product not in products) or q_iri in answered.get(product, set()):
                continue
            question = kb.questions[q_iri]
            missing = missing_for(product, q_iri, frozenset({q_iri}))
            iri = _outcome_iri(product, "UNDECIDED", _local(q_iri))
            node = _nt(iri)
            triples.update({
                (node, _nt(str(RDF.type)), _nt(EVKG_NS + "ClassificationOutcome")),
                (node, _nt(EVKG_NS + "ofProduct"), _nt(product)),
                (node, _nt(EVKG_NS + "jurisdiction"), _nt(JURISDICTION_NS + question.jurisdiction)),
                (node, _nt(EVKG_NS + "category"), _nt(EVKG_NS + "Undecided")),
                (node, _nt(EVKG_NS + "question"), _nt(q_iri)),
            })
            for prop in missing:
                triples.add((node, _nt(EVKG_NS + "missingFact"), _nt(prop)))
            outcomes.append(Outcome(
                iri=iri, product=product, jurisdiction=question.jurisdiction, question=q_iri,
                question_label=question.label, category=EVKG_NS + "Undecided",
                category_label=label_of(EVKG_NS + "Undecided") or "undecided", status="undecided",
                rationale=("No rule could answer this question because the description lacks the facts "
                           "listed." if missing else
                           "No rule answers this question for the facts as stated; nothing in the "
                           "vocabulary that is missing would decide it. Ask the competent authority."),
                missing=[{"property": prop, "label": label_of(prop),
                          "prompt": kb.prompts.get(prop) or f"State {label_of(prop)}.",
                          "rules": sorted(missing[prop], key=_rule_sort_key)}
                         for prop in sorted(missing, key=lambda p: label_of(p) or p)],
                other_derivations=[], premises=[], sources=[],
            ))
    return outcomes


_SCOPE_SOURCES = {"EU": str(EVD) + "act/eu-dir-2001-83/art-1-2",
                  "US": str(EVD) + "act/us-fdca/201-g-1",
                  "KR": str(EVD) + "act/kr-mfds-ev-guideline-2024"}


def _out_of_scope(run: _Run, products: list[str], triples: set) -> list[Outcome]:
    outcomes = []
    for product in products:
        for jurisdiction in run.jurisdictions:
            rule_id = f"SCOPE-{jurisdiction}"
            iri = _outcome_iri(product, rule_id, "OutOfScope")
            node = _nt(iri)
            source = _SCOPE_SOURCES[jurisdiction]
            triples.update({
                (node, _nt(str(RDF.type)), _nt(EVKG_NS + "ClassificationOutcome")),
                (node, _nt(EVKG_NS + "ofProduct"), _nt(product)),
                (node, _nt(EVKG_NS + "jurisdiction"), _nt(JURISDICTION_NS + jurisdiction)),
                (node, _nt(EVKG_NS + "category"), _nt(EVKG_NS + "OutOfScope")),
                (node, _nt(str(DCTERMS.source)), _nt(source)),
                (_nt(product), _nt(str(RDF.type)), _nt(EVKG_NS + "OutOfScope")),
            })
            outcomes.append(Outcome(
                iri=iri, product=product, jurisdiction=jurisdiction, question=None, question_label=None,
                category=EVKG_NS + "OutOfScope", category_label=label_of(EVKG_NS + "OutOfScope") or "out of scope",
                status="out-of-scope", rule=rule_id,
                rule_label="Only a non-medical use is stated",
                rationale="Every intended use stated is non-medical (cosmetic, food, research), so no "
                          "medicinal-product question is asked. Add a medical intended use if the product is "
                          "presented or studied for a disease.",
                premises=["intended use: non-medical only"],
                sources=[source_info(source)]))
    return outcomes


def _contradictions(run: _Run, outcomes: list[Outcome]) -> list[ConsistencyError]:
    by_key = {(o.product, o.category): o for o in outcomes if o.status in ("settled", "provisional")}
    errors = []
    for question in sorted(run.kb.questions.values(), key=lambda q: q.iri):
        if question.jurisdiction not in run.jurisdictions:
            continue
        for positive in question.positive:
            for negative in question.negative:
                for product in sorted({p for p, _ in by_key}):
                    yes, no = by_key.get((product, positive)), by_key.get((product, negative))
                    if yes is None or no is None:
                        continue
                    derivations = [(o.rule, o.category_label, o.status, o.premises) for o in (yes, no)]
                    message = (f"{question.jurisdiction}: the description makes this product both "
                               f"'{yes.category_label}' (rule {yes.rule}, because {'; '.join(yes.premises) or '—'}) "
                               f"and '{no.category_label}' (rule {no.rule}, because "
                               f"{'; '.join(no.premises) or '—'}). The stated facts contradict each other or a "
                               f"rule is wrong: check the facts these rules read.")
                    errors.append(ConsistencyError(product=product, jurisdiction=question.jurisdiction,
                                                   question=question.iri, category=positive, opposite=negative,
                                                   derivations=derivations, message=message))
    return errors


def _rule_sort_key(rule_id: str) -> tuple:
    parts = re.split(r"(\d+)", rule_id)
    return tuple(int(p) if p.isdigit() else p for p in parts)
