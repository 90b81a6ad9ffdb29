"""Which rules run, and when: what each rule reads and needs, and the order the engine runs them in.

The engine (evkg.classification.engine) runs a rule again only when a category it reads has changed since its
last run, runs producers before readers, and leaves out a rule whose WHERE needs a statement nobody states
or writes (evkg.core.sparql_patterns). Everything here is worked out once per rule set, from the rule texts.
"""
from __future__ import annotations

import dataclasses
import heapq
import re

from evkg.classification.outcomes import EVKG_NS
from evkg.core.closure import reachable
from evkg.core.sparql_patterns import Needs, needs_of, template_writes

HIERARCHY_RULE_ID = "HIERARCHY"

_EVKG_TERM = re.compile(r"\bevkg:([A-Za-z_][A-Za-z0-9_-]*)|<" + re.escape(EVKG_NS) + r"([^>]+)>")
_TERM = r"(?:evkg:[A-Za-z_][A-Za-z0-9_-]*|<[^>]*>|[?$][A-Za-z_][A-Za-z0-9_]*)"
# the object list after evkg:category in a pattern (`?o evkg:category evkg:EU_ATMP , evkg:EU_NotGTMP`)
_CATEGORY_OBJECTS = re.compile(r"(?:\bevkg:category|<" + re.escape(EVKG_NS) + r"category>)\s+("
                               + _TERM + r"(?:\s*,\s*" + _TERM + r")*)")


def where_part(construct: str) -> str:
    match = re.search(r"\bWHERE\s*\{", construct, flags=re.IGNORECASE)
    return construct[match.end():] if match else construct


def categories_read(where: str, producible: set) -> set:
    """The categories a rule's WHERE reads: those written after evkg:category; where a variable stands there,
    every concluded category the WHERE names (they constrain it), or every concluded category at all."""
    mentioned = {EVKG_NS + (a or b) for a, b in _EVKG_TERM.findall(where)}
    read = set()
    for objects in _CATEGORY_OBJECTS.findall(where):
        for term in re.split(r"\s*,\s*", objects):
            if term[0] in "?$":
                read |= (mentioned & producible) or producible
            else:
                read.add(EVKG_NS + term[5:] if term.startswith("evkg:") else term.strip("<>"))
    return read


def with_categories_read(rules: list, producible: set) -> list:
    """Each rule with the categories it reads (and those it declares it needs). The engine runs a rule again
    only when a category it reads changed after its last run."""
    return [dataclasses.replace(rule, reads_categories=frozenset(
        set(rule.needs_categories) | categories_read(where_part(rule.query), producible))) for rule in rules]


def rule_needs(rules) -> dict:
    """Rule IRI -> the predicates and (predicate, IRI) pairs its WHERE cannot match without."""
    return {r.iri: needs_of(r.query) for r in rules if r.query}


def rules_write(rules) -> Needs | None:
    """What the rules' CONSTRUCT templates may write, or None if some template may write anything."""
    found = Needs()
    for rule in rules:
        if rule.query:
            writes = template_writes(rule.query)
            if writes is None:
                return None
            found = found | writes
    return found


def rule_outputs(rules, categories: set) -> dict:
    """Rule IRI -> the categories it can conclude: those its template writes as they are; where the template
    writes a variable category, every category the rule declares or its query names (of `categories`)."""
    category = EVKG_NS + "category"
    out = {}
    for rule in rules:
        if not rule.query:
            continue
        writes = template_writes(rule.query)
        found = {o for p, o in writes.pairs if p == category} if writes is not None else set()
        if writes is None or category in writes.predicates:
            found |= set(rule.concludes) | set(rule.alternatives)
            found |= {EVKG_NS + (a or b) for a, b in _EVKG_TERM.findall(rule.query)} & categories
        out[rule.iri] = frozenset(found)
    return out


def evaluation_order(rules, subsumption) -> tuple:
    """The rules in the order the engine runs them: a rule after those that conclude a category it reads (a
    narrower category counts as concluding its broader ones), otherwise in decision order (sh:order); the
    category hierarchy last.

    Premises only ever read categories positively, so the conclusions do not depend on the order; this one
    spares the engine a second run of every rule that reads a category a later rule concludes. Rules in a
    cycle keep their decision order."""
    broader: dict[str, set] = {}
    for sub, sup, *_ in subsumption:
        broader.setdefault(sub, set()).add(sup)

    regular = [r for r in rules if r.id != HIERARCHY_RULE_ID]
    concludes = {r.iri: reachable(r.concludes + r.alternatives, broader) for r in regular}
    after: dict[str, set] = {r.iri: set() for r in regular}      # rule -> rules that must run before it
    for reader in regular:
        for producer in regular:
            if producer is not reader and concludes[producer.iri] & reader.reads_categories:
                after[reader.iri].add(producer.iri)
    key = {r.iri: (r.order, r.id) for r in regular}
    by_iri = {r.iri: r for r in regular}
    order, placed = [], set()
    while len(order) < len(regular):
        ready = [(key[i], i) for i in after if i not in placed and not (after[i] - placed)]
        if not ready:                    # a cycle: the first of the rest in decision order goes next
            ready = [min((key[i], i) for i in after if i not in placed)]
        heapq.heapify(ready)
        while ready:
            _, iri = heapq.heappop(ready)
            if iri in placed:
                continue
            placed.add(iri)
            order.append(by_iri[iri])
            for other in after:
                if other not in placed and iri in after[other] and not (after[other] - placed):
                    heapq.heappush(ready, (key[other], other))
    return tuple(order + [r for r in rules if r.id == HIERARCHY_RULE_ID])
