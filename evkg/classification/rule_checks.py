"""Rules from a user's rule file that no engine could run, or that would reach beyond the products checked, are
refused before any product is checked, naming the file and the rule: nested deeper than Oxigraph's parser
survives, not a readable SPARQL CONSTRUCT, calling a remote endpoint (SERVICE), or ambiguous about which rule
it is. While the rules run, a rule is stopped, named with its file, when it concludes what a rule may not
(another rule's conclusion, a fact about a product), far more than a few outcomes per product, or never stops
concluding new outcomes."""
from __future__ import annotations

import re

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def refuse_deep_rule(construct: str, rule_id: str, origin: str | None) -> None:
    """A rule nested deeper than Oxigraph's parser survives is refused with the file and rule named."""
    from evkg.core.errors import InputError, UsageError
    from evkg.core.sparql_nesting import refuse_deep_nesting

    try:
        refuse_deep_nesting(construct)
    except UsageError as exc:
        raise InputError(f"rule {rule_id}: {exc}", path=origin or "the bundled rules",
                         hint="Split the rule's groups, or write its alternatives as separate rules.") from None


def refuse_unreadable_rule(construct: str, prefixes: str, rule_id: str, origin: str) -> None:
    """A rule of a user's rule file that is not a readable SPARQL CONSTRUCT with a WHERE clause is refused with
    the file, the rule and the place in its query, before any product is checked."""
    import pyoxigraph as ox

    from evkg.core.errors import InputError

    from types import SimpleNamespace

    from evkg.classification.rule_limits import watched

    hint = "Write the rule's sh:construct as CONSTRUCT { … } WHERE { … } (see 'Rule sets' in docs/rules.md)."
    refuse_remote_pattern(construct, f"rule {rule_id}: its sh:construct", origin)
    refuse_large_rule(construct, rule_id, origin)
    try:
        with watched(SimpleNamespace(id=rule_id, origin=origin), planning=True):
            answer = ox.Store().query(prefixes + construct.replace("$this", "?this"))
    except SyntaxError as exc:
        where = re.search(r"error at (\d+):(\d+)", str(exc))
        reason = str(exc).split(": ", 1)[-1] if where else str(exc)
        place = (f" at line {int(where.group(1)) - prefixes.count(chr(10))}, column {where.group(2)} of its query"
                 if where else "")
        raise InputError(f"rule {rule_id}: its sh:construct is not valid SPARQL{place} ({reason}).",
                         path=origin, hint=hint) from None
    if not isinstance(answer, ox.QueryTriples) or not re.search(r"\bWHERE\s*\{", construct, re.IGNORECASE):
        raise InputError(f"rule {rule_id}: its sh:construct is not a CONSTRUCT query with a WHERE clause.",
                         path=origin, hint=hint)


MAX_RULE_TERMS = 2000          # the largest bundled rule holds about 300
_TERM = re.compile(r"[?$]\w+|<[^>\s]*>|[A-Za-z][\w-]*:[\w-]*|\|\||&&|\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|VALUES)\b",
                   re.IGNORECASE)


def refuse_large_rule(construct: str, rule_id: str, origin: str) -> None:
    """Oxigraph plans and evaluates a query recursively: 20,000 patterns in one group (480 kB) or a FILTER of
    10,000 alternatives (70 kB) overflowed its stack and killed the process (a segmentation fault)."""
    from evkg.core.errors import InputError
    from evkg.core.sparql_nesting import mask

    terms = len(_TERM.findall(mask(construct)))
    if terms > MAX_RULE_TERMS:
        raise InputError(f"rule {rule_id}: its sh:construct holds {terms:,} variables, terms and operators, more "
                         f"than the {MAX_RULE_TERMS:,} a rule may hold (the largest bundled rule holds about 300).",
                         path=origin, hint="A rule tests a few facts of a product: split it into several rules, "
                                           "each concluding one answer.")


# SERVICE as a keyword, not part of a variable (?service) or prefixed name (ex:service); a "." before it may end
# the pattern before (`VALUES ?x {1} .SERVICE <…>` calls out), so it is no sign of a name (ex:a.service is refused)
SERVICE_KEYWORD = re.compile(r"(?i)(?<![\w:?$-])SERVICE\b")


def refuse_remote_pattern(sparql: str, what: str, origin: str) -> None:
    """A SERVICE call in a user's rule or question would send the products' facts to another endpoint (and
    hang on a slow one) while checking local files; it is refused before anything is sent."""
    from evkg.core.errors import InputError
    from evkg.core.sparql_nesting import mask

    if SERVICE_KEYWORD.search(mask(sparql)):
        raise InputError(f"{what} calls a remote SPARQL endpoint (SERVICE); classification rules read only the "
                         "descriptions being checked and never reach the network.", path=origin,
                         hint="Remove the SERVICE block; to use data from elsewhere, add it to the description "
                              "files you check.")


def refuse_ambiguous_rules(overlay, by_iri: dict, origin: str) -> None:
    """A rule of an overlay must say unambiguously which rule it is: one id, not the engine's own, not shared
    with another rule of the same file, and not the IRI of a different rule (its conclusions would be reported
    as that rule's, with that rule's legal sources)."""
    from rdflib.namespace import Namespace

    from evkg.classification.outcomes import EVKG_NS, EVSH_NS, _local
    from evkg.classification.schedule import HIERARCHY_RULE_ID
    from evkg.core.errors import InputError

    rule_id_property = Namespace(EVKG_NS).ruleId

    hint = ("Give each rule of the file its own IRI and one evkg:ruleId; to change a rule in force, restate it "
            "with its evkg:ruleId (see 'Rule sets' in docs/rules.md).")
    seen: dict[str, object] = {}
    for node in sorted(set(overlay.subjects(rule_id_property, None)), key=str):
        ids = sorted(str(i) for i in overlay.objects(node, rule_id_property))
        if len(ids) > 1:
            raise InputError(f"the rule {_local(node)} has several evkg:ruleId values ({', '.join(ids)}).",
                             path=origin, hint=hint)
        rule_id = ids[0]
        if rule_id == HIERARCHY_RULE_ID or str(node) == EVSH_NS + HIERARCHY_RULE_ID:
            raise InputError(f"the rule {_local(node)} takes the name {HIERARCHY_RULE_ID}, which is reserved for "
                             "the category-hierarchy step of the engine.", path=origin, hint=hint)
        if rule_id in seen:
            raise InputError(f"two rules of the file have the evkg:ruleId {rule_id} ({_local(seen[rule_id])} and "
                             f"{_local(node)}); only one of them could apply.", path=origin, hint=hint)
        seen[rule_id] = node
        other = by_iri.get(str(node))
        if other is not None and other.id != rule_id:
            raise InputError(f"the rule {rule_id} has the IRI of rule {other.id} ({node}); its conclusions would be "
                             f"reported as those of {other.id}.", path=origin, hint=hint)


def refuse_vocabulary_changes(overlay, ontology, origin: str) -> None:
    """A rule file may add rules and new terms, but not change what the bundled vocabulary says of its own terms:
    a category hierarchy, question or label changed there changed answers with no rule to show for it (the
    report gave them as settled, citing the broader category's act)."""
    from evkg.classification.outcomes import _local
    from evkg.core.errors import InputError

    bundled = set(ontology.subjects())
    for subject, predicate, value in sorted(overlay, key=lambda t: tuple(map(str, t))):
        if subject in bundled and (subject, predicate, value) not in ontology:
            said = " ".join(term.n3(overlay.namespace_manager) for term in (subject, predicate, value))
            raise InputError(
                f"the file states something new about the bundled term {_local(subject)} ({said[:300]}); a rule "
                "file adds, replaces "
                "or retires rules, and cannot change the category hierarchy, the questions or the other terms "
                "of the evkg vocabulary, which every answer rests on.", path=origin,
                hint="Remove that statement; to change an answer, add or replace the rule that draws it (see "
                     "'Rule sets' in docs/rules.md), or give a new category a name of its own.")


MAX_CONCLUSIONS_PER_PRODUCT = 1000        # in one run of one rule; the bundled rules write about 12 per outcome
# what a rule may write about the outcome it mints (the engine drops evkg:status and sets it itself)
_OUTCOME_PREDICATES = frozenset("https://w3id.org/evkg#" + name for name in (
    "ofProduct", "category", "question", "derivedByRule", "premise", "alternativeCategory", "respondsTo",
    "supersededBy", "jurisdiction", "missingFact", "status")) | {"http://purl.org/dc/terms/source", _RDF_TYPE}


def checked_conclusions(rule, conclusions, in_scope: set, seen=frozenset()):
    """The new triples a rule concludes, each with its subject, predicate and object as terms and as strings,
    stopping it (and Oxigraph's evaluation with it) at the first it may not conclude or once it concludes far
    more than a few outcomes per product (a cartesian product in its WHERE filled memory). A bundled rule's
    triples already in `seen` are passed over unchecked; a rule from a user's file has every triple checked
    (one attributing an existing outcome to its own rule would otherwise add to that outcome)."""
    from evkg.core.conclusions import conclusion_class_iris

    limit = MAX_CONCLUSIONS_PER_PRODUCT * max(len(in_scope), 1)
    if rule.origin is not None:
        seen = frozenset()
    classes = conclusion_class_iris()
    for count, triple in enumerate(conclusions):
        if count >= limit:
            if rule.origin is None:          # a bundled rule is bounded per fact: the description repeats one
                raise _too_much_to_classify(rule, limit)
            raise _stopped(rule, f"concluded more than {limit:,} statements about {len(in_scope)} product(s) in one "
                                 "run and was stopped", "A rule concludes a few outcomes per product: join every "
                           "pattern of its WHERE to $this, and mint one ?outcome per product and answer.")
        if triple in seen:
            continue
        terms = triple.subject, triple.predicate, triple.object        # each access builds a new Python object
        subject, predicate = terms[0].value, terms[1].value
        value = getattr(terms[2], "value", str(terms[2]))              # a triple term has no value
        if predicate.endswith("#derivedByRule") and value != rule.iri:
            # the report would give the conclusion that rule's legal sources and status
            raise _stopped(rule, f"attributes its conclusions to another rule ({value})",
                           f"Write evkg:derivedByRule <{rule.iri}> in its CONSTRUCT, the rule's own IRI.")
        if subject in in_scope or predicate not in _OUTCOME_PREDICATES or (
                predicate == _RDF_TYPE and value not in classes):
            # other rules would read it as if the description stated it
            raise _stopped(rule, f"states a fact instead of a conclusion ({subject} <{predicate}> {value})",
                           "A rule's CONSTRUCT writes only about the outcome it mints: its type, product, category, "
                           "question, jurisdiction, premises, alternatives and sources.")
        yield triple, terms, subject, predicate, value


def endless_rules(pending: list, passes: int):
    """The error for rules still concluding new outcomes after the last pass; a user's rule, the likelier cause,
    is named first, with its file."""
    still = sorted(pending, key=lambda r: (r.origin is None, r.id))
    return _stopped(still[0], f"kept concluding new outcomes after {passes} passes (rules still firing: "
                              f"{', '.join(r.id for r in still)}) and the classification was stopped",
                    "A rule must not mint a new outcome from an outcome of its own category (or of a rule it "
                    "feeds): mint the outcome IRI from the product and the answer only.")


def _too_much_to_classify(rule, limit: int):
    from evkg.core.errors import InputError

    return InputError(
        f"the description states so many of one fact that the classification was stopped: rule {rule.id} "
        f"({rule.label}) drew more than {limit:,} statements from it in one run, where a product gives a few dozen.",
        hint="Look for a fact given hundreds of times on one product (agency determinations, cargo items, "
             "preparations or sources) and state each one once.")


def _stopped(rule, what: str, hint: str):
    from evkg.core.errors import InputError

    return InputError(f"rule {rule.id} {what}.", path=rule.origin or "the bundled rules", hint=hint)
