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

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF, RDFS

from evkg.core.conclusions import (category_class_iris, category_type_pattern, conclusion_class_iris,
                                   conclusion_pattern, conclusion_property_iris)
from evkg.core.closure import reachable
from evkg.core.intended_use import facts_of, only_for_animals, stated_by_product, use_facts_query
from evkg.core.intended_use import out_of_scope as is_out_of_scope
from evkg.core.redefinitions import take_redefining_statements
from evkg.core.sparql_patterns import Needs
from evkg.core.store_loading import load_serialized
from evkg.classification.answers import _contradictions, _out_of_scope, _undecided
from evkg.classification.facts import DescriptionFacts, set_aside_undefined_values
from evkg.classification.hierarchy import hierarchy_conclusions
from evkg.classification.ranks import rank_plans, ranks
from evkg.classification.rule_checks import checked_conclusions, endless_rules
from evkg.classification.rule_limits import watched
from evkg.classification.knowledge import (
    HIERARCHY_RULE_ID,
    Knowledge,
    Rule,
    _jurisdiction_code,
    _local,
    knowledge,
    label_of,
    source_info,
)
from evkg.classification.outcomes import (
    decision_rank,
    jurisdiction_rank,
    _IN_SCOPE,
    _TRUE,
    ALL_JURISDICTIONS,
    EVKG_NS,
    JURISDICTIONS,
    RANK_STATUS,
    STATUS_IRI,
    STATUS_RANK,
    SUPERSEDED,
    SUPERSEDED_IRI,
    ClassificationResult,
    Outcome,
    _nt,
    _sparql_term,
)

_P = {name: ox.NamedNode(EVKG_NS + name) for name in (
    "ofProduct", "category", "question", "derivedByRule", "premise", "alternativeCategory", "status",
    "supersededBy", "jurisdiction", "missingFact", "ClassificationOutcome", "Undecided", "OutOfScope",
    "EVProduct")}
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_DCT_SOURCE = ox.NamedNode(str(DCTERMS.source))
_RDFS_LABEL = ox.NamedNode(str(RDFS.label))
_OUTCOME_TYPE = _P["ClassificationOutcome"]
# what the engine itself writes into the working store while the rules run
_ENGINE_WRITES = Needs(frozenset({EVKG_NS + "status", EVKG_NS + "supersededBy", _IN_SCOPE.value}))

# ---------------------------------------------------------------------------------------------------------
# The run


def _as_nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


# predicate -> (_Index field, one value per outcome?)
_INDEX_FIELDS = {EVKG_NS + "ofProduct": ("product", True), EVKG_NS + "category": ("category", True),
                 EVKG_NS + "derivedByRule": ("rule", True), EVKG_NS + "question": ("questions", False),
                 EVKG_NS + "jurisdiction": ("jurisdiction", True), EVKG_NS + "premise": ("premises", False),
                 EVKG_NS + "respondsTo": ("responds_to", False),
                 EVKG_NS + "alternativeCategory": ("alternatives", False), str(DCTERMS.source): ("sources", False),
                 EVKG_NS + "supersededBy": ("precedence", False)}


class _Index:
    """What the rules have derived so far, indexed by outcome node (strings throughout)."""

    def __init__(self):
        self.product: dict[str, str] = {}
        self.category: dict[str, str] = {}
        self.rule: dict[str, str] = {}
        self.questions: dict[str, set] = {}
        self.jurisdiction: dict[str, str] = {}
        self.premises: dict[str, set] = {}
        self.responds_to: dict[str, set] = {}   # contested outcomes an outcome answers (no status passes on)
        self.alternatives: dict[str, set] = {}
        self.sources: dict[str, set] = {}
        self.precedence: dict[str, set] = {}    # supersededBy written by rules (statutory precedence)

    def add(self, s: str, p: str, o: str) -> None:
        field, single = _INDEX_FIELDS.get(p, (None, False))
        if field is None:
            return
        if single:
            getattr(self, field)[s] = o
        else:
            getattr(self, field).setdefault(s, set()).add(o)

    def outcomes(self) -> list[str]:
        return [o for o in self.category if o in self.product and o in self.rule]


class _Run:
    def __init__(self, ntriples: bytes, jurisdictions: tuple[str, ...], kb: Knowledge):
        self.kb = kb
        self.jurisdictions = jurisdictions
        self.store = ox.Store()
        load_serialized(self.store, ntriples, ox.RdfFormat.N_TRIPLES)
        self.predicates, self.pairs = self._stated()
        taken = False
        if self.predicates & conclusion_property_iris() or any(
                p == _RDF_TYPE.value and o in conclusion_class_iris() for p, o in self.pairs):
            # facts only, no conclusions (a submission's are never trusted)
            self.store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ {conclusion_pattern()} }}")
            taken = True
        if any(p == _RDF_TYPE.value and o in category_class_iris() for p, o in self.pairs):
            # a node typed with a category is stated to be one: only the type goes, the node's facts stay
            self.store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ {category_type_pattern()} }}")
            taken = True
        taken |= bool(take_redefining_statements(self.store))   # nor what the vocabulary means (core.redefinitions)
        taken |= bool(set_aside_undefined_values(self.store, kb.labels, kb.term_properties))
        if taken:
            self.predicates, self.pairs = self._stated()
        self.index = _Index()
        self.derived: set = set()
        self.managed: dict[str, list] = {}       # outcome -> engine-written triples (status, supersession)
        self.effective: dict[str, int] = {}
        self.chain: dict[str, int] = {}
        self.superseded_by: dict[str, list] = {}
        self.stated = DescriptionFacts(self.store, kb)
        self.in_scope: set = set()
        self.for_animals: set = set()              # out of scope as veterinary products (scope() finds them)
        self.hierarchy_seen: set = set()          # outcomes the hierarchy step has looked at

    # -- scope -------------------------------------------------------------------------------------------
    def scope(self) -> tuple[list[str], list[str]]:
        """(in scope, out of scope): a product stating only non-medical uses is out of scope, unless it is
        a medicine all the same (evkg.core.intended_use)."""
        products = [p.value for (p,) in self.store.query(
            f"SELECT DISTINCT ?p WHERE {{ ?p a <{EVKG_NS}EVProduct> . FILTER(isIRI(?p)) }}")]
        stated = stated_by_product(self.store.query(use_facts_query()))
        in_scope, out_of_scope = [], []
        for product in products:
            facts = facts_of(stated.get(ox.NamedNode(product), {}))
            (out_of_scope if is_out_of_scope(*facts) else in_scope).append(product)
            if only_for_animals(facts[3]):
                self.for_animals.add(product)
        self.store.extend([ox.Quad(ox.NamedNode(p), _IN_SCOPE, _TRUE) for p in in_scope])
        self.in_scope = set(in_scope)
        return sorted(in_scope), sorted(out_of_scope)

    # -- fixpoint ----------------------------------------------------------------------------------------
    def active_rules(self, rules=None) -> list[Rule]:
        return [r for r in (self.kb.rules if rules is None else rules)
                if r.jurisdiction is None or r.jurisdiction in self.jurisdictions]

    def runnable(self, rules: list[Rule]) -> list[Rule]:
        """The rules that can match these descriptions: a rule whose WHERE needs a predicate (or a
        predicate–value pair) that no description states and no rule or the engine writes is left out, as
        sending it would cost more than evaluating it; so is a rule whose premise is a category that none of
        the rules kept can conclude (directly or as a broader category), until no more can be left out."""
        kb = self.kb
        written = kb.written
        if written is None:
            return rules
        written = written | _ENGINE_WRITES
        kept = [r for r in rules if kb.needs[r.iri].met_by(self.predicates, self.pairs, written)]
        category = EVKG_NS + "category"
        while True:
            concludable = reachable({c for r in kept for c in kb.outputs.get(r.iri, ())}, kb.broader_links)
            narrowed = [r for r in kept if all(value in concludable for p, value in kb.needs[r.iri].pairs
                                                if p == category)]
            if len(narrowed) == len(kept):
                return kept
            kept = narrowed

    def _stated(self) -> tuple[set, set]:
        """The predicates, and (predicate, IRI value) pairs, of the statements in the store."""
        predicates = {p.value for (p,) in self.store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
        pairs = {(p.value, o.value) for p, o in self.store.query(
            "SELECT DISTINCT ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }")}
        return predicates, pairs

    def required_categories(self, rules: list[Rule]) -> dict[str, frozenset]:
        """Per rule, the categories its WHERE cannot match without. A rule is not sent while one of them is
        missing from every outcome. Only categories the rule reads count: a change to one runs the rule again,
        so it runs as soon as the last of them appears."""
        category = EVKG_NS + "category"
        required = {}
        for rule in rules:
            needed = frozenset(v for p, v in self.kb.needs[rule.iri].pairs if p == category)
            required[rule.iri] = (needed if rule.id != HIERARCHY_RULE_ID and needed <= rule.reads_categories
                                  else frozenset())
        return required

    def fixpoint(self) -> None:
        """Run the rules until nothing changes. A rule runs again only when something it reads changed after
        its last run (semi-naive at the level of categories): a category it reads was concluded by a rule
        later in the pass, or, for a rule that reads statuses or supersession, settling the statuses changed
        one. Conclusions are only ever added; settling rewrites statuses and supersession alone.

        The category hierarchy (a GTMP is an ATMP) is brought up to date just before a rule that reads a broader
        category runs, instead of once at the end of a pass: otherwise every such rule would run twice."""
        rules = self.runnable([r for r in self.active_rules(self.kb.evaluation_order) if r.query])
        hierarchy = next((r for r in rules if r.id == HIERARCHY_RULE_ID), None)
        broader = {s[1] for s in self.kb.subsumption} if hierarchy is not None else set()
        clock = 0
        last_run: dict[str, int] = {}
        changed_at: dict[str, int] = {}           # category -> clock of its last change
        status_changed_at = any_changed_at = -1
        category, status = EVKG_NS + "category", EVKG_NS + "status"
        concluded: set = set()                    # categories some outcome has
        required = self.required_categories(rules)

        def stale(rule: Rule) -> bool:
            since = last_run.get(rule.iri, -1)
            return (any(changed_at.get(c, -1) > since for c in rule.reads_categories)
                    or (rule.reads_status and max(status_changed_at, any_changed_at) > since))

        def run(rule: Rule) -> None:
            nonlocal clock, any_changed_at
            clock += 1
            last_run[rule.iri] = clock
            if not required[rule.iri] <= concluded:
                return          # its WHERE needs a category no outcome has yet: no solution, nothing to send
            batch = []
            with watched(rule):          # a rule of a user's file may run away inside Oxigraph
                conclusions = checked_conclusions(rule, hierarchy_conclusions(
                    self.kb, self.index, self.in_scope, self.hierarchy_seen) if rule is hierarchy
                    else self.store.query(rule.query), self.in_scope, self.derived)
                for triple, terms, s, p, o in conclusions:
                    if p == status or triple in self.derived:
                        continue
                    self.derived.add(triple)
                    batch.append(ox.Quad(*terms))
                    self.index.add(s, p, o)
                    if p == category:
                        changed_at[o] = any_changed_at = clock
                        concluded.add(o)
            if batch:
                self.store.extend(batch)

        pending = rules
        settled_with = -1                         # how many conclusions the statuses were last settled with
        for _ in range(100):
            for rule in pending:
                if rule is hierarchy:
                    if stale(hierarchy):           # it reads nothing but narrower categories
                        run(hierarchy)
                    continue
                if rule.reads_categories & broader and stale(hierarchy):
                    run(hierarchy)
                run(rule)
            if len(self.derived) == settled_with:
                return                             # nothing new: settling again would change nothing
            settled_with = len(self.derived)
            changed_categories, statuses_changed = self.settle_statuses()
            clock += 1
            if statuses_changed or changed_categories:
                status_changed_at = clock
            pending = [r for r in rules if stale(r)]
            if not pending:
                return
        raise endless_rules(pending, passes=100)

    # -- statuses and supersession ------------------------------------------------------------------------
    def settle_statuses(self) -> tuple[set, bool]:
        index, kb = self.index, self.kb
        outcomes = index.outcomes()
        superseded: dict[str, set] = {o: set(s) for o, s in index.precedence.items() if s}
        # Agency determinations, and the answers of a rule placing the product under another law (a device given
        # to no one), supersede every inferred conclusion on the same question.
        agency_by_question: dict[tuple, list] = {}
        for o in outcomes:
            rule = kb.rules_by_iri.get(index.rule[o])
            if rule is not None and rule.supersedes_inferred:
                for q in index.questions.get(o, ()):
                    agency_by_question.setdefault((index.product[o], q), []).append(o)
        if agency_by_question:
            for o in outcomes:
                rule = kb.rules_by_iri.get(index.rule[o])
                if rule is not None and rule.supersedes_inferred:
                    continue
                for q in index.questions.get(o, ()):
                    agency = agency_by_question.get((index.product[o], q))
                    if agency:
                        superseded.setdefault(o, set()).add(min(agency))

        plans = rank_plans(outcomes, index, kb)
        effective = ranks(plans, superseded, count_superseded=True)
        chain = ranks(plans, superseded, count_superseded=False)
        inherited: dict[str, set] = {}
        # Outcomes whose premises were all overridden are overridden with them.
        for o in sorted(outcomes):
            if effective[o] == SUPERSEDED and o not in superseded:
                inherited[o] = self._overriders(o, superseded, effective)

        changed_categories: set[str] = set()
        quads_out, quads_in = [], []
        for o in outcomes:
            # One representation of an overridden conclusion: the status evkg:Superseded (supersededBy only
            # names what overrides it), so queries and reports that filter on the status see the same thing.
            status_iri = SUPERSEDED_IRI if effective[o] == SUPERSEDED else STATUS_IRI[RANK_STATUS[max(chain[o], 1)]]
            status_node = ox.NamedNode(status_iri)
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
# ---------------------------------------------------------------------------------------------------------
# Public API


def classify(data: Graph, jurisdictions=JURISDICTIONS, rule_files=()) -> ClassificationResult:
    """Classify every product (evkg:EVProduct) in `data` for the given jurisdictions. `data` is not modified.
    `rule_files` are Turtle rule files added to the bundled rules."""
    return classify_ntriples(_as_nt(data), jurisdictions, rule_files)


def classify_ntriples(ntriples: bytes, jurisdictions=JURISDICTIONS, rule_files=()) -> ClassificationResult:
    """As classify(), for data already serialised as N-Triples (the batch path: no in-Python graph)."""
    wanted = tuple(j for j in JURISDICTIONS if j in {str(x).upper() for x in jurisdictions})
    unknown = {str(x).upper() for x in jurisdictions} - set(JURISDICTIONS)
    if unknown:
        from evkg.core.errors import UsageError

        raise UsageError(f"unknown jurisdiction(s) {', '.join(sorted(unknown))}; use EU, US or KR.")
    run = _Run(ntriples, wanted, knowledge(tuple(str(f) for f in rule_files)))
    in_scope, out_of_scope = run.scope()
    run.fixpoint()
    return _assemble(run, in_scope, out_of_scope)


def _assemble(run, in_scope: list[str], out_of_scope: list[str]) -> ClassificationResult:
    kb, index = run.kb, run.index
    triples: set[tuple] = set()        # what the engine adds besides the rules' conclusions

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
        premise_words = run.stated.fact_words(product, rule.needs_facts if rule else (), jurisdiction)
        # one line per premise category: its strongest derivation (a category reached by a rule and by the
        # subsumption step is one premise, not two)
        strongest: dict[str, str] = {}
        for p in premise_outcomes:
            if p in index.category:
                p_rank = run.effective.get(p, 1)
                if p_rank == SUPERSEDED and rank != SUPERSEDED:
                    continue            # a live answer does not rest on an overridden one (explain lists it)
                held = strongest.get(index.category[p])
                if held is None or strength(p) < strength(held):
                    strongest[index.category[p]] = p
        for category_iri, p in sorted(strongest.items(), key=lambda kv: label_of(kv[0]) or kv[0]):
            p_rule = kb.rules_by_iri.get(index.rule.get(p, ""))
            p_rank = run.effective.get(p, 1)
            p_status = "superseded" if p_rank == SUPERSEDED else RANK_STATUS[p_rank]
            p_id = "follows from a narrower category" if p_rule and p_rule.id == HIERARCHY_RULE_ID else (
                p_rule.id if p_rule else "?")
            premise_words.append(f"{label_of(category_iri)} ({p_id}, {p_status})")
        premise_words.extend(sorted(_open_question_words(o) for o in index.responds_to.get(primary, ())))
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

    def _open_question_words(o: str) -> str:
        """The contested answer an outcome responds to, in words: the question, its readings and the rule."""
        o_rule = kb.rules_by_iri.get(index.rule.get(o, ""))
        readings = [label_of(index.category[o])] + sorted(label_of(a) for a in index.alternatives.get(o, ()))
        question = label_of(min(index.questions[o])) if index.questions.get(o) else None
        asked = f"{question} " if question else ""
        return f"open question: {asked}{' or '.join(readings)} ({o_rule.id if o_rule else '?'}, contested)"

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
    outcomes.sort(key=lambda o: (o.product, jurisdiction_rank(o.jurisdiction), decision_rank(o.question),
                                 o.question or "", o.status == "undecided", o.category))
    derived, managed = run.derived, list(run.managed.values())

    def all_triples() -> set:
        # built when the outcome graph is asked for: most checks only need the outcomes
        every = set(triples)
        for t in derived:
            every.add((_sparql_term(t.subject), _sparql_term(t.predicate), _sparql_term(t.object)))
        for written in managed:
            for t in written:
                every.add((_sparql_term(t.subject), _sparql_term(t.predicate), _sparql_term(t.object)))
        return every

    result = ClassificationResult(outcomes, errors, all_triples, run.jurisdictions)
    result._describe = describe_node
    result.rules_by_iri = kb.rules_by_iri      # the rules of this run's rule set, overlays applied
    return result


