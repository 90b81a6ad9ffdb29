"""Which missing facts could still decide a question: the waiting rules are tried on copies of a description.

A question left undecided names the facts that could decide it. A fact counts only when stating it could let
a rule for the question fire: each waiting rule runs, once and set-based, over copies of the description in
which its missing facts are stated with every value the vocabulary allows (or left out), and the conclusions
its premises need from other questions still open are assumed. A rule that fires on no copy is blocked by a
stated fact and waits for nothing; a fact matters to a rule when some copy fires with it and not without it.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import re

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import XSD

from evkg.core import resources
from evkg.core.store_loading import load_serialized
from evkg.classification.outcomes import _IN_SCOPE, EVKG_NS
from evkg.classification.rule_limits import watched

_VARIANT_OF = "urn:evkg:engine#variantOf"
_TEMPLATE = "urn:evkg:copy:TEMPLATE"
# What the rules read of an earlier conclusion.
_OUTCOME_PREDICATES = ("ofProduct", "category", "derivedByRule", "premise", "status", "supersededBy")
_COPY_NS = "urn:evkg:copy:"
_ABSENT = None
# More copies than this for one rule and one description, or a missing fact whose values the vocabulary does
# not list: the rule is not tried, and all its missing facts are kept.
_MAX_COPIES = 256
# Characters of copies made for one description: the copies repeat the whole description, so a description of
# hundreds of alike parts made gigabytes (100 parts: 66 MB of text, 780 MB of memory). Past it, a rule is not
# tried and all its missing facts are kept. The largest real description makes about 3 MB.
_MAX_COPIED_CHARS = 16_000_000

_XSD_BOOLEAN = ox.NamedNode(str(XSD.boolean))
_XSD_INTEGER = ox.NamedNode(str(XSD.integer))
_PREPARATION = EVKG_NS + "EVPreparation"
_SOURCE = EVKG_NS + "Source"
_LOADED = EVKG_NS + "loadedCargo"
_NO_CARGO = EVKG_NS + "hasNoLoadedCargo"
_ITEM_LINKS = (EVKG_NS + "loadedCargo", EVKG_NS + "coFormulatedActiveSubstance",
               EVKG_NS + "engineeredVesicleComponent")


def _e(name: str) -> ox.NamedNode:
    return ox.NamedNode(EVKG_NS + name)


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_INTEGER)


# One loaded cargo of each kind the rules tell apart, every item fact stated: stating the cargo list could
# bring any of them.
_REPRESENTATIVE_CARGO = (
    (("cargoKind", _e("SmallMolecule")),),
    (("cargoKind", _e("NucleicAcid")), ("manufacture", _e("Recombinant")),
     ("nucleicAcidMechanism", _e("Expression")), ("effectIsGenetic", _bool(True))),
    (("cargoKind", _e("NucleicAcid")), ("manufacture", _e("Recombinant")),
     ("nucleicAcidMechanism", _e("RNAInterference")), ("effectIsGenetic", _bool(True))),
    (("cargoKind", _e("NucleicAcid")), ("manufacture", _e("Recombinant")),
     ("nucleicAcidMechanism", _e("OtherNucleicAcidMechanism")), ("effectIsGenetic", _bool(False))),
    (("cargoKind", _e("NucleicAcid")), ("manufacture", _e("ChemicallySynthesised")),
     ("nucleicAcidMechanism", _e("RNAInterference")), ("effectIsGenetic", _bool(True))),
    (("cargoKind", _e("Antigen")), ("manufacture", _e("ChemicallySynthesised")), ("lengthAminoAcids", _int(9))),
    (("cargoKind", _e("Antigen")), ("manufacture", _e("Recombinant")), ("lengthAminoAcids", _int(120))),
    (("cargoKind", _e("PolysaccharideAntigen")), ("manufacture", _e("ExtractedNatural"))),
    (("cargoKind", _e("RecombinantProtein")), ("manufacture", _e("Recombinant")), ("lengthAminoAcids", _int(120))),
)
# Lengths either side of the 40-amino-acid line.
_LENGTHS = (_int(9), _int(120))


@functools.cache
def _value_space() -> dict:
    """property -> (where it is stated, the values it can take), read from the ontology's ranges."""
    ontology = resources.ontology_graph()
    space: dict[str, tuple] = {}
    needs_item = {str(p) for p in ontology.subjects(URIRef(EVKG_NS + "factOfCargoItem"), None)}
    for prop in set(ontology.subjects(RDF.type, None)):
        iri = str(prop)
        if not iri.startswith(EVKG_NS):
            continue
        rng = ontology.value(prop, RDFS.range)
        if rng is None:
            continue
        if rng == XSD.boolean:
            values = (_bool(True), _bool(False))
        elif rng in (XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger):
            values = _LENGTHS
        else:
            values = tuple(ox.NamedNode(str(v)) for v in sorted(ontology.subjects(RDF.type, rng))
                           if isinstance(v, URIRef))
            if not values:
                continue
        domain = ontology.value(prop, RDFS.domain)
        stated_on = ontology.value(prop, URIRef(EVKG_NS + "statedOn")) or domain
        where = ("item" if iri in needs_item else
                 "preparation" if str(stated_on) == _PREPARATION else
                 "source" if str(stated_on) == _SOURCE else "product")
        space[iri] = (where, values)
    return space


_LOCAL = r"([A-Za-z][A-Za-z0-9_]*)"
_FULL_TERM = re.compile("<" + re.escape(EVKG_NS) + _LOCAL + ">")
_EVKG_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<" + re.escape(EVKG_NS) + ">", re.IGNORECASE)


@functools.cache
def _query_terms(query: str) -> frozenset:
    """The vocabulary terms a query mentions, written in full or with any prefix it binds to evkg's namespace."""
    found = set(_FULL_TERM.findall(query))
    for prefix in {p or "" for p in _EVKG_PREFIX.findall(query)}:
        found.update(re.findall(r"(?<![\w:])" + re.escape(prefix) + ":" + _LOCAL, query))
    return frozenset(EVKG_NS + t for t in found)


def _read_by_rules(kb) -> frozenset:
    """The vocabulary terms any rule's premises mention: all a rule can read of a description."""
    return frozenset().union(*(_query_terms(rule.query) for rule in kb.rules))


def _read_by(rule, kb) -> frozenset:
    """What one rule can read of a description: the terms its query mentions. A rule of a user's file may
    read a term some other way (a variable predicate, a relative IRI), so it is taken to read what any rule does."""
    return _query_terms(rule.query) if rule.origin is None else _read_by_rules(kb)


def _is_value(term) -> bool:
    """A literal or a vocabulary term, as opposed to a node of the description itself."""
    return isinstance(term, ox.Literal) or (isinstance(term, ox.NamedNode) and term.value.startswith(EVKG_NS))


# Results of earlier trials by key (see WhatCouldDecide.evaluate): the answer depends only on the key and the
# rules, so checks of similar descriptions in one process (a batch, a server) try each kind once. Bounded.
_TRIED: dict[tuple, tuple] = {}
_TRIED_LIMIT = 100_000


class WhatCouldDecide:
    """For one classification run: which rules could still fire for a product, and on which missing facts."""

    def __init__(self, run):
        self.run = run
        self.kb = run.kb
        self._results: dict[tuple, tuple] = {}     # (product, rule IRI) -> (possible, relevant facts)
        self._untried: set[tuple] = set()           # (product, rule IRI) past the copy budget

    @property
    def space(self) -> dict:
        return _value_space()

    def result(self, product: str, rule) -> tuple[bool, set]:
        return self._results.get((product, rule.iri), (True, set()))

    # -- the plan: which (product, rule) pairs to try ----------------------------------------------------
    def evaluate(self, pairs: list[tuple[str, object, list, set]]) -> None:
        """pairs: (product, rule, missing facts, categories to assume). Tries every pair in one pass per rule.

        Descriptions that state the same facts a rule reads, with the same conclusions it reads so far, get the
        same answer from it: one of them is tried and the others share its result."""
        if not pairs:
            return
        described = self._described(sorted({p for p, _, _, _ in pairs}))
        tried: dict[tuple, tuple] = {}
        followers: dict[tuple, list] = {}
        for product, rule, missing, assumed in pairs:
            key = (self._signature(described[product], rule), rule.iri, tuple(sorted(missing)), frozenset(assumed))
            if key in tried:
                followers.setdefault(key, []).append(product)
            else:
                tried[key] = (product, rule, missing, assumed)
        # what another check in this process already tried for the same key (same rule knowledge) is reused
        known = {key: _TRIED.get((id(self.kb), key)) for key in tried}
        for key, result in known.items():
            if result is not None:
                self._results[(tried[key][0], tried[key][1].iri)] = result
        self._evaluate([pair for key, pair in tried.items() if known[key] is None])
        for key, pair in tried.items():
            result = self._results.get((pair[0], pair[1].iri))
            if (known[key] is None and result is not None and (pair[0], pair[1].iri) not in self._untried
                    and len(_TRIED) < _TRIED_LIMIT):
                _TRIED[(id(self.kb), key)] = result
        retried = []
        for key, products in followers.items():
            leader, rule, missing, assumed = tried[key]
            for product in products:
                if (leader, rule.iri) in self._untried:      # too large to try: a smaller alike one is tried
                    retried.append((product, rule, missing, assumed))
                else:
                    self._results[(product, rule.iri)] = self._results[(leader, rule.iri)]
        self._evaluate(retried)

    def _described(self, products: list[str]) -> dict[str, tuple]:
        """product -> what any rule can read of it: (property -> its values, of the product, its preparation and
        source; (link, item facts) per linked item; the category, rule and status of its outcomes so far)."""
        read = _read_by_rules(self.kb)
        facts = self.run.stated.facts
        concluded: dict[str, set] = {}
        index = self.run.index
        for o in index.outcomes():
            concluded.setdefault(index.product[o], set()).add((index.category[o], index.rule[o],
                                                               self.run.effective.get(o)))
        items = self._item_facts(products, read)
        table = {}
        for product in products:
            # values that name another node of the description (its preparation, source, items) are left out
            stated = {prop: tuple(sorted(str(v) for v in values if _is_value(v)))
                      for prop, values in facts.get(product, {}).items() if prop in read and prop not in _ITEM_LINKS}
            table[product] = (stated, items.get(product, ()), concluded.get(product, set()))
        return table

    def _signature(self, described: tuple, rule) -> tuple:
        """What this rule can read of a description: the facts of the terms it mentions (cargo items as a
        multiset) and the conclusions of the categories it reads."""
        stated, items, concluded = described
        read = _read_by(rule, self.kb)
        return (tuple(sorted((prop, values) for prop, values in stated.items() if prop in read)),
                tuple(sorted((link, tuple(f for f in facts if f[0] in read)) for link, facts in items)),
                frozenset(c for c in concluded if c[0] in rule.reads_categories))

    def _item_facts(self, products: list[str], read: frozenset) -> dict[str, tuple]:
        if not products:
            return {}
        values = " ".join(f"<{p}>" for p in products)
        rows = self.run.store.query(f"""
            SELECT ?this ?link ?item ?p ?o WHERE {{
              VALUES ?this {{ {values} }}
              VALUES ?link {{ {" ".join(f"<{link}>" for link in _ITEM_LINKS)} }}
              ?this ?link ?item . OPTIONAL {{ ?item ?p ?o }}
            }}""")
        found: dict[str, dict] = {}
        for row in rows:
            entry = found.setdefault(row["this"].value, {}).setdefault((row["link"].value, str(row["item"])), set())
            if row["p"] is not None and row["p"].value in read and _is_value(row["o"]):
                entry.add((row["p"].value, str(row["o"])))
        return {product: tuple(sorted((link, tuple(sorted(facts))) for (link, _), facts in entries.items()))
                for product, entries in found.items()}

    def _evaluate(self, pairs: list[tuple[str, object, list, set]]) -> None:
        templates = self._templates(sorted({p for p, _, _, _ in pairs}))
        chunks: list[str] = []
        copies: dict[str, tuple] = {}       # copy IRI -> (product, dimensions key, combo)
        plans: dict[tuple, tuple] = {}      # (product, rule IRI) -> (dimensions, key)
        rules = {}
        groups: dict[tuple, list] = {}
        for product, rule, missing, assumed in pairs:
            dimensions = self._dimensions(product, missing)
            combos = list(itertools.product(*[[_ABSENT] + list(range(len(values)))
                                              for _, values in dimensions]))
            if len(combos) > _MAX_COPIES or any(not values for _, values in dimensions):
                self._results[(product, rule.iri)] = (True, set(missing))
                continue
            rules[rule.iri] = rule
            key = (product, tuple(facts for facts, _ in dimensions), frozenset(assumed))
            plans[(product, rule.iri)] = (dimensions, key)
            groups.setdefault(key, [dimensions, combos, []])[2].append(rule)
        copied: dict[str, int] = {}
        for key, (dimensions, combos, group_rules) in groups.items():
            product, _, assumed = key
            template, parts = templates.get(product, ("", {"stated": set()}))
            copied[product] = copied.get(product, 0) + len(template) * len(combos)
            if copied[product] > _MAX_COPIED_CHARS:
                for rule in group_rules:
                    del plans[(product, rule.iri)]
                    self._untried.add((product, rule.iri))
                    self._results[(product, rule.iri)] = (True, {f for facts, _ in dimensions for f in facts})
                continue
            # only the conclusions these rules read are copied with the description
            read = set().union(*(r.reads_categories for r in group_rules))
            fixed = [line for category, lines in parts.get("conclusions", {}).items() if category in read
                     for line in lines]
            for i, category in enumerate(sorted(assumed)):
                node = f"<{_TEMPLATE}/assumed/{i}>"
                fixed += [f"{node} <{EVKG_NS}ofProduct> <{_TEMPLATE}> .",
                          f"{node} <{EVKG_NS}category> <{category}> .",
                          f"{node} <{EVKG_NS}status> <{EVKG_NS}Settled> ."]
            base = template + "".join(line + "\n" for line in fixed)
            made = []
            for combo in combos:
                copy = f"{_COPY_NS}{len(copies)}"
                copies[copy] = (product, key, combo)
                made.append(copy)
                chunks.append((base + self._statements(parts, dimensions, combo)).replace(_TEMPLATE, copy))
            chunks.append("".join(f"<{copy}> <{_VARIANT_OF}> <{rule.iri}> .\n"
                                  for rule in group_rules for copy in made))
        if not plans:
            return
        store = ox.Store()
        load_serialized(store, "".join(chunks), ox.RdfFormat.N_TRIPLES)
        fired: dict[str, set] = {}
        marker = f"?this <{_IN_SCOPE.value}> true"
        for iri, rule in rules.items():
            query = rule.query.replace(marker, f"?this <{_VARIANT_OF}> <{iri}>")   # in every branch
            with watched(rule):
                for triple in store.query(query):
                    if triple.predicate.value == EVKG_NS + "ofProduct" and triple.object.value in copies:
                        fired.setdefault(iri, set()).add(triple.object.value)
        for (product, rule_iri), (dimensions, key) in plans.items():
            firing = {copies[c][2] for c in fired.get(rule_iri, ()) if copies[c][1] == key}
            relevant: set = set()
            for combo in firing:
                for d, value in enumerate(combo):
                    if value is _ABSENT:
                        continue
                    without = combo[:d] + (_ABSENT,) + combo[d + 1:]
                    if without not in firing:
                        relevant.update(dimensions[d][0])
            self._results[(product, rule_iri)] = (bool(firing), relevant)

    # -- building the copies ------------------------------------------------------------------------------
    def _dimensions(self, product: str, missing: list) -> list[tuple[tuple, tuple]]:
        """One dimension per missing fact: (the facts it stands for, the statements it can make)."""
        dims = []
        missing = set(missing)
        if missing & {_LOADED, _NO_CARGO}:
            statements = [(("product", _NO_CARGO, _bool(True)),)]
            statements += [(("cargo", item),) for item in _REPRESENTATIVE_CARGO]
            dims.append((tuple(sorted(missing & {_LOADED, _NO_CARGO})), tuple(statements)))
            missing -= {_LOADED, _NO_CARGO}
        for prop in sorted(missing):
            where, values = self.space.get(prop, ("product", ()))
            dims.append(((prop,), tuple(((where, prop, v),) for v in values)))
        return dims

    def _templates(self, products: list[str]) -> dict:
        """product -> (N-Triples of its description and outcome nodes under a placeholder name, its parts).

        Only what rules read is copied: evkg terms and types of the description, and the outcome nodes'
        product, category, rule, premises and status."""
        if not products:
            return {}
        values = " ".join(f"<{p}>" for p in products)
        rows = self.run.store.query(f"""
            SELECT ?this ?s ?p ?o ?kind WHERE {{
              VALUES ?this {{ {values} }}
              {{ ?this ?p ?o BIND(?this AS ?s) BIND("product" AS ?kind) }}
              UNION {{ ?this <{EVKG_NS}hasEVComponent> ?s . ?s ?p ?o BIND("preparation" AS ?kind) }}
              UNION {{ ?this <{EVKG_NS}hasEVComponent>/<{EVKG_NS}hasSource> ?s . ?s ?p ?o BIND("source" AS ?kind) }}
              UNION {{ ?this <{_LOADED}> ?s . ?s ?p ?o BIND("item" AS ?kind) }}
              UNION {{ ?this <{_ITEM_LINKS[1]}>|<{_ITEM_LINKS[2]}> ?s . ?s ?p ?o BIND("other" AS ?kind) }}
              UNION {{ ?s <{EVKG_NS}ofProduct> ?this . ?s ?p ?o BIND("outcome" AS ?kind) }}
              FILTER(STRSTARTS(STR(?p), "{EVKG_NS}") || ?p = <{RDF.type}>)
              FILTER(?kind != "outcome" || ?p IN ({", ".join(f"<{EVKG_NS}{x}>" for x in _OUTCOME_PREDICATES)}))
            }}""")
        grouped: dict[str, list] = {}
        for row in rows:
            grouped.setdefault(row["this"].value, []).append(
                (row["s"], row["p"], row["o"], row["kind"].value))
        table = {}
        for product, triples in grouped.items():
            names: dict = {ox.NamedNode(product): _TEMPLATE}
            parts: dict[str, set] = {"product": {_TEMPLATE}}
            for s, _, _, kind in triples:
                if s not in names:
                    names[s] = f"{_TEMPLATE}/{hashlib.sha1(str(s).encode()).hexdigest()[:12]}"
                parts.setdefault(kind, set()).add(names[s])
            stated: set = set()
            lines = []
            conclusions: dict[str, list] = {}      # category -> lines of the outcome nodes concluding it
            node_category = {s: o.value for s, p, o, kind in triples
                             if kind == "outcome" and p.value == EVKG_NS + "category"}
            for s, p, o, kind in triples:
                subject = names[s]
                obj = f"<{names[o]}>" if o in names else str(o)
                if kind == "outcome":
                    conclusions.setdefault(node_category.get(s, ""), []).append(f"<{subject}> {p} {obj} .")
                    continue
                if self.run.stated.defined(o, p.value):     # a value no rule reads (RNAi) leaves the fact to try
                    stated.add((subject, p.value))
                lines.append(f"<{subject}> {p} {obj} .")
            parts["stated"] = stated
            parts["conclusions"] = conclusions
            table[product] = ("\n".join(lines) + "\n", parts)
        return table

    def _statements(self, parts: dict, dimensions, combo) -> str:
        """N-Triples stating the combination's values on the template copy."""
        lines = []
        preps = sorted(parts.get("preparation", ()))
        sources = sorted(parts.get("source", ()))
        for d, choice in enumerate(combo):
            if choice is _ABSENT:
                continue
            for where, *rest in dimensions[d][1][choice]:
                if where == "cargo":
                    item = f"{_TEMPLATE}/cargo/{d}"
                    lines.append(f"<{_TEMPLATE}> <{_LOADED}> <{item}> .")
                    lines += [f"<{item}> <{EVKG_NS}{local}> {value} ." for local, value in rest[0]]
                    continue
                prop, value = rest
                if where == "preparation" or (where == "source" and not preps):
                    if not preps:
                        preps = [f"{_TEMPLATE}/preparation"]
                        lines.append(f"<{_TEMPLATE}> <{EVKG_NS}hasEVComponent> <{preps[0]}> .")
                if where == "source" and not sources:
                    sources = [f"{p}/source" for p in preps]
                    lines += [f"<{p}> <{EVKG_NS}hasSource> <{p}/source> ." for p in preps]
                subjects = {"preparation": preps, "source": sources,
                            "item": [i for i in sorted(parts.get("item", ()))
                                     if (i, prop) not in parts["stated"]]}.get(where, [_TEMPLATE])
                lines += [f"<{subject}> <{prop}> {value} ." for subject in subjects]
        return "\n".join(lines) + ("\n" if lines else "")
