"""What the classifier knows, read from the rule and vocabulary files once per process.

Rules (shapes/rules-*.ttl: id, premises, conclusions, status, sources, the facts each needs), questions and
categories (ontology/), labels and missing-fact prompts, and when a needed fact counts as missing
(ontology/fact-requirements.ttl: alternatives, cargo-item facts, optional and conditional facts). Nothing
about a rule or a fact is kept in Python: a new rule file is enough for the classifier to report its needs.

Extra rule files are overlays, applied in order on the bundled rules: a rule whose evkg:ruleId is already
known replaces that rule, a rule with `sh:deactivated true` retires the rule with its id (or its IRI), and any
other rule is added. Each change is kept (Knowledge.changes) so that reports can say what an overlay did.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from evkg.classification.schedule import (HIERARCHY_RULE_ID, evaluation_order, rule_needs, rule_outputs, rules_write,
                                          with_categories_read)
from evkg.classification.schedule import where_part as _where_part
from evkg.classification.rule_checks import (refuse_ambiguous_rules, refuse_deep_rule, refuse_remote_pattern,
                                             refuse_unreadable_rule, refuse_vocabulary_changes)
from evkg.classification.hierarchy import hierarchy_query
from evkg.classification.outcomes import _IN_SCOPE, EVKG_NS, EVSH_NS, IRI_STATUS, JURISDICTION_NS, _local
from evkg.core import resources
from evkg.core.sparql_rewrite import rewrite_for_oxigraph
from evkg.core.namespaces import EVD, EVKG

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
    origin: str | None = None         # the overlay file that added or replaced it; None for a bundled rule
    outranks: bool = False            # places a product outside these questions' law: other answers give way

    @property
    def supersedes_inferred(self) -> bool:
        """Its answers supersede every other rule's on the same question: an agency determination, or a rule
        placing the product under another law."""
        return self.agency or self.outranks


@dataclass(frozen=True)
class Question:
    iri: str
    label: str
    jurisdiction: str | None
    positive: tuple
    negative: tuple
    asked_when: str | None            # SPARQL pattern over ?this; None = always asked




@dataclass(frozen=True)
class FactRequirements:
    """When a fact a rule needs counts as missing (ontology/fact-requirements.ttl)."""

    alternatives: dict                # property -> properties whose statement answers the same need
    cargo_item_facts: dict            # property stated per cargo item -> cargo kinds that need it (empty: all)
    optional: frozenset               # lists whose absence is a complete answer
    not_needed_when: dict             # property -> ((property, value), …) any of which makes it moot
    needed_only_when: dict            # property -> ((property, value), …) one of which must hold


def _conditions(graph: Graph, prop, annotation) -> tuple:
    return tuple(sorted((str(graph.value(c, EVKG.whenProperty)), str(graph.value(c, EVKG.whenValue)))
                        for c in graph.objects(prop, annotation)))


def fact_requirements(graph: Graph) -> FactRequirements:
    alternatives: dict[str, set] = {}
    for prop, other in graph.subject_objects(EVKG.alternativeFact):
        alternatives.setdefault(str(prop), set()).add(str(other))
    cargo = {str(p): frozenset(str(k) for k in graph.objects(p, EVKG.neededForCargoKind))
             for p, flag in graph.subject_objects(EVKG.factOfCargoItem) if flag.toPython() is True}
    optional = frozenset(str(p) for p, flag in graph.subject_objects(EVKG.optionalFact) if flag.toPython() is True)
    not_needed = {str(p): _conditions(graph, p, EVKG.notNeededWhen) for p in set(graph.subjects(EVKG.notNeededWhen, None))}
    only_when = {str(p): _conditions(graph, p, EVKG.neededOnlyWhen) for p in set(graph.subjects(EVKG.neededOnlyWhen, None))}
    return FactRequirements(alternatives, cargo, optional, not_needed, only_when)


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
    fact_requirements: FactRequirements
    changes: list = ()                # RuleChange items, in the order the overlays made them
    term_properties: frozenset = frozenset()    # evkg properties whose value is a term, never text
    category_ancestors: dict = None   # category -> every broader one in the ontology, of its own question too

    def work_out(self) -> None:
        """Work out now what is otherwise worked out when first asked for (so that it is kept in a cache)."""
        for name in ("needs", "written", "evaluation_order", "outputs", "broader_links", "broader_categories"):
            getattr(self, name)

    # worked out once per rule set by evkg.classification.schedule
    @functools.cached_property
    def needs(self) -> dict:
        return rule_needs(self.rules)

    @functools.cached_property
    def written(self):
        return rules_write(self.rules)

    @functools.cached_property
    def evaluation_order(self) -> tuple:
        return evaluation_order(self.rules, self.subsumption)

    @functools.cached_property
    def outputs(self) -> dict:
        """Rule IRI -> the categories it can conclude (evkg.classification.schedule.rule_outputs)."""
        categories = (set(self.category_questions) | {c for r in self.rules for c in r.concludes + r.alternatives}
                      | {s[1] for s in self.subsumption})
        return rule_outputs(self.rules, categories)

    @functools.cached_property
    def broader_links(self) -> dict:
        """Narrower category -> its broader categories, one step up."""
        return {sub: [entry[0] for entry in entries] for sub, entries in self.broader_categories.items()}

    @functools.cached_property
    def broader_categories(self) -> dict:
        """Narrower category -> (broader category, its question, jurisdiction, source) for each step up."""
        found: dict = {}
        for sub, sup, question, jurisdiction, source in self.subsumption:
            found.setdefault(sub, []).append((sup, question, jurisdiction, source))
        return found


@dataclass(frozen=True)
class RuleChange:
    """One change an overlay made to the rules it was applied on."""

    kind: str                         # "added" | "replaced" | "retired"
    rule_id: str
    label: str
    rationale: str
    sources: tuple
    origin: str                       # the overlay file
    before: "Rule | None"             # the rule replaced or retired
    after: "Rule | None"              # the rule added or the replacement



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


# the premise idiom of the rules: an outcome of this product in a category
_PREMISE = re.compile(r"(\?\w+)\s+evkg:ofProduct\s+\?this\s*;\s*evkg:category\s+(evkg:\w+)\s*\.")
_LEADING_PREMISES = re.compile(r"\s*(?:" + _PREMISE.pattern + r"\s*)+")


def _prepare_query(construct: str, prefixes: str) -> str:
    """Turn a `$this` rule into a set-based query over every product in scope, in the form Oxigraph evaluates
    fastest: it joins in written order, so a rule that starts from premises starts from the rarest pattern
    (the outcomes in the first premise's category), and evkg.core.sparql_rewrite spreads unions and negations
    it would otherwise evaluate over every product. The conclusions are the same (tests/test_rule_queries)."""
    query = construct.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ValueError("a classification rule's CONSTRUCT has no WHERE clause")
    marker = f" ?this <{_IN_SCOPE.value}> true . "
    body = query[match.end():]
    leading = _LEADING_PREMISES.match(body)
    premises = ""
    if leading:
        for i, (outcome, category) in enumerate(_PREMISE.findall(leading.group())):
            premises += (f" {outcome} evkg:category {category} . {outcome} evkg:ofProduct ?this ." if i == 0 else
                         f" {outcome} evkg:ofProduct ?this ; evkg:category {category} .")
        body = body[leading.end():]
    return rewrite_for_oxigraph(prefixes + query[:match.end()] + premises + marker + body)



_CATEGORY_TOKEN = re.compile(r"evkg:((?:EU|US|KR)_[A-Za-z0-9_]+)")
def _is_true(node) -> bool:
    return node is not None and isinstance(node, Literal) and node.toPython() is True


def _read_rules(rules_graph: Graph, prefixes: str, origin: str | None = None) -> list[Rule]:
    """Every active rule of one graph (a node with evkg:ruleId and a CONSTRUCT, not sh:deactivated)."""
    rules = []
    for node in sorted(set(rules_graph.subjects(EVKG.ruleId, None)), key=str):
        construct = rules_graph.value(node, SH.construct)
        if construct is None or _is_true(rules_graph.value(node, SH.deactivated)):
            continue
        rule_id = str(rules_graph.value(node, EVKG.ruleId))
        refuse_deep_rule(str(construct), rule_id, origin)
        if origin is not None:
            refuse_unreadable_rule(str(construct), prefixes, rule_id, origin)
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
            origin=origin, outranks=_is_true(rules_graph.value(node, EVKG.outranksInferredAnswers)),
        ))
    return rules


MAX_RULE_FILE_BYTES = 5 * 1024 * 1024        # every bundled rule file together is under 0.5 MB


def _parse_overlay(path: str) -> Graph:
    from evkg.core.errors import InputError
    from evkg.core.files import read_limited

    # a data file given as rules took 2 GB of memory per 40 MB before the first rule was read
    raw = read_limited(path, MAX_RULE_FILE_BYTES, what="rule file", stdin_ok=False,
                       limit_hint="A rule file holds rules, a few kilobytes each; give the rules alone, and the "
                                  "product descriptions as FILE arguments.")
    from evkg.io.load import _decode

    text = _decode(raw, path)          # a byte-order mark dropped, another encoding named as such
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=Path(path).resolve().as_uri())
    except Exception as exc:
        text = str(exc)
        line = re.search(r"at line (\d+)", text)
        detail = re.search(r"Bad syntax \(([^)]*)\)", text)
        raise InputError("this rule file is not valid Turtle" + (f" ({detail.group(1)})" if detail else "") + ".",
                         path=path, line=int(line.group(1)) if line else None,
                         hint="Fix the Turtle there; shapes/rule-sets/eu-reform-proposal-2023.ttl shows how an "
                              "overlay adds, replaces and retires rules.") from None
    return graph


def _turtle_prefixes(path: str, known: str) -> str:
    """The file's own @prefix declarations that the SPARQL prefix block lacks, so that a user's rules may use
    the prefixes of their Turtle file in their CONSTRUCT text (declared with sh:declare or not)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    have = set(re.findall(r"PREFIX (\w*):", known))
    found = {}
    for prefix, namespace in re.findall(r"(?im)^\s*@?prefix\s+([\w-]*):\s*<([^>]*)>", text):
        if prefix not in have:
            found.setdefault(prefix, f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(found[p] for p in sorted(found))


def _apply_overlay(rules: list[Rule], overlay: Graph, prefixes: str, origin: str) -> tuple[list, list]:
    """The rules after one overlay, and the changes it made."""
    from evkg.core.errors import InputError

    prefixes = prefixes + _turtle_prefixes(origin, prefixes)
    by_id = {r.id: r for r in rules}
    by_iri = {r.iri: r for r in rules}
    refuse_ambiguous_rules(overlay, by_iri, origin)
    changes: list[RuleChange] = []
    retired: dict[str, object] = {}
    for node in sorted(set(overlay.subjects(SH.deactivated, None)), key=str):
        if not _is_true(overlay.value(node, SH.deactivated)):
            continue
        rule_id = overlay.value(node, EVKG.ruleId)
        target = by_id.get(str(rule_id)) if rule_id is not None else by_iri.get(str(node))
        if target is None:
            what = f"rule id {rule_id}" if rule_id is not None else f"rule {node}"
            raise InputError(f"the rule file {origin} retires {what}, but no rule it applies to has it.",
                             hint=f"Use the evkg:ruleId of an existing rule (see docs/rules.md); known ids "
                                  f"include {', '.join(sorted(by_id)[:8])} …")
        retired[target.id] = node
    kept = [r for r in rules if r.id not in retired]
    for rule_id, node in sorted(retired.items()):
        changes.append(RuleChange(
            kind="retired", rule_id=rule_id,
            label=str(overlay.value(node, RDFS.label) or by_id[rule_id].label),
            rationale=str(overlay.value(node, EVKG.rationale) or ""),
            sources=tuple(sorted(str(s) for s in overlay.objects(node, DCTERMS.source))),
            origin=origin, before=by_id[rule_id], after=None))
    position = {r.id: i for i, r in enumerate(kept)}
    for rule in _read_rules(overlay, prefixes, origin):
        if rule.id in retired:
            raise InputError(f"the rule file {origin} both retires and restates rule {rule.id}.",
                             hint="To change a rule, restate it with the same evkg:ruleId and no sh:deactivated.")
        before = by_id.get(rule.id)
        if rule.id in position:
            kept[position[rule.id]] = rule
        else:
            position[rule.id] = len(kept)
            kept.append(rule)
        changes.append(RuleChange(kind="replaced" if before else "added", rule_id=rule.id, label=rule.label,
                                  rationale=rule.rationale, sources=rule.sources, origin=origin,
                                  before=before, after=rule))
    return kept, changes


def knowledge(extra_rule_files: tuple[str, ...] = ()) -> Knowledge:
    """The bundled rules and vocabulary, with rule files of the user's applied on them as overlays (their
    new terms and annotations add to the bundled vocabulary). Built once per process and rule set:
    `knowledge()` and `knowledge(())` are the same one."""
    files = tuple(str(f) for f in extra_rule_files)
    return _knowledge(files) if files else _bundled_knowledge()


@functools.cache
def _bundled_knowledge() -> Knowledge:
    """The bundled rules alone, through a cache (with everything worked out from them): building them is
    most of what a cold check does before it reads the description."""
    def build() -> Knowledge:
        kb = _knowledge(())
        kb.work_out()
        return kb

    inputs = resources.turtle_files("ontology") + resources.rule_files() + resources.shape_files()
    return resources.cached_build("rules", inputs, build, code=True)


@functools.cache
def _knowledge(extra_rule_files: tuple[str, ...]) -> Knowledge:
    rules_graph = resources.rules_graph()
    ontology = resources.ontology_graph()
    overlays = [(path, _parse_overlay(path)) for path in extra_rule_files]
    for path, overlay in overlays:
        for question, pattern in overlay.subject_objects(EVKG.askedWhen):
            refuse_remote_pattern(str(pattern), f"the question {_local(question)}: its evkg:askedWhen", path)
        refuse_vocabulary_changes(overlay, resources.ontology_graph(), path)
        ontology = ontology + overlay
    prefixes = _prefix_block([rules_graph, *(g for _, g in overlays), resources.shapes_graph()])

    labels: dict[str, str] = {}
    for graph in (ontology, rules_graph):
        for s, o in graph.subject_objects(RDFS.label):
            if isinstance(s, URIRef) and (not isinstance(o, Literal) or o.language in (None, "en")):
                labels.setdefault(str(s), str(o))
    prompts = {str(s): str(o) for s, o in ontology.subject_objects(EVKG.missingFactPrompt)}

    rules = _read_rules(rules_graph, prefixes)
    changes: list[RuleChange] = []
    for path, overlay in overlays:
        rules, made = _apply_overlay(rules, overlay, prefixes, path)
        changes.extend(made)
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
    category_ancestors = {sub: frozenset(_ancestors(ontology, URIRef(sub))) for sub in known}
    for sub in sorted(known):
        for sup in sorted(category_ancestors[sub]):
            question = positive_question.get(sup)
            if question is None or question in category_questions.get(sub, set()):
                continue
            source = ontology.value(URIRef(sup), DCTERMS.source)
            subsumption.append((sub, sup, question, questions[question].jurisdiction,
                                str(source) if isinstance(source, URIRef) else None))

    producible = ({c for r in rules for c in r.concludes + r.alternatives} | {s[1] for s in subsumption}
                  | set(category_questions))
    rules = with_categories_read(rules, producible)
    hierarchy = Rule(
        iri=EVSH_NS + HIERARCHY_RULE_ID, id=HIERARCHY_RULE_ID, label="A kind of a broader category",
        rationale="Every product of a narrower legal category also belongs to the broader category that the "
                  "definition builds on (category hierarchy of the ontology).",
        jurisdiction=None, questions=(), concludes=(), alternatives=(), needs_facts=(), needs_categories=(),
        status="settled", sources=(), order=10_000.0,
        query=hierarchy_query(subsumption, prefixes) if subsumption else "",
        reads_categories=frozenset(s[0] for s in subsumption), reads_status=False, any_premise=True,
        agency=False)
    if subsumption:
        rules.append(hierarchy)
    return Knowledge(rules=rules, rules_by_iri={r.iri: r for r in rules + [hierarchy]}, questions=questions,
                     category_questions=category_questions, subsumption=subsumption, labels=labels,
                     prompts=prompts, prefixes=prefixes, category_ancestors=category_ancestors,
                     fact_requirements=fact_requirements(ontology), changes=changes,
                     term_properties=frozenset(str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty)
                                               if str(p).startswith(EVKG_NS)))


def _ancestors(graph: Graph, node: URIRef) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for parent in graph.objects(stack.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and str(parent) not in seen:
                seen.add(str(parent))
                stack.append(parent)
    return seen


def source_info(iri: str) -> dict:
    """dict(iri, label, url) for a cited act, provision or document; falls back to the enclosing act."""
    from evkg.core.source_table import source_table

    table = source_table()
    entry = table.get(iri, {})
    label, url, parent = entry.get("name"), entry.get("page"), entry.get("part_of")
    if url is None:
        candidate = parent
        if candidate is None and iri.startswith(str(EVD) + "act/"):
            candidate = iri.rsplit("/", 1)[0]
        while candidate is not None and candidate in table and url is None:
            above = table[candidate]
            url = above["page"]
            if label is None and above["name"] is not None:
                label = f"{above['name']}, {_local(iri)}"
            candidate = above["part_of"]
    return {"iri": iri, "label": label or knowledge().labels.get(iri) or iri, "url": url}


def label_of(iri: str | None) -> str | None:
    if iri is None:
        return None
    return knowledge().labels.get(str(iri)) or _local(iri)


