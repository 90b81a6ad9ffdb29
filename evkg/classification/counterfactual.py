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

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import XSD

from evkg.core import resources
from evkg.classification.outcomes import _IN_SCOPE, EVKG_NS

_VARIANT_OF = "urn:evkg:engine#variantOf"
_TEMPLATE = "urn:evkg:copy:TEMPLATE"
# What the rules read of an earlier conclusion.
_OUTCOME_PREDICATES = ("ofProduct", "category", "derivedByRule", "premise", "status", "supersededBy")
_COPY_NS = "urn:evkg:copy:"
_ABSENT = None
# More copies than this for one rule and one description, or a missing fact whose values the vocabulary does
# not list: the rule is not tried, and all its missing facts are kept.
_MAX_COPIES = 256

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


class WhatCouldDecide:
    """For one classification run: which rules could still fire for a product, and on which missing facts."""

    def __init__(self, run):
        self.run = run
        self.kb = run.kb
        self._results: dict[tuple, tuple] = {}     # (product, rule IRI) -> (possible, relevant facts)

    @property
    def space(self) -> dict:
        return _value_space()

    def result(self, product: str, rule) -> tuple[bool, set]:
        return self._results.get((product, rule.iri), (True, set()))

    # -- the plan: which (product, rule) pairs to try ----------------------------------------------------
    def evaluate(self, pairs: list[tuple[str, object, list, set]]) -> None:
        """pairs: (product, rule, missing facts, categories to assume). Tries every pair in one pass per rule."""
        if not pairs:
            return
        templates = self._templates(sorted({p for p, _, _, _ in pairs}))
        chunks: list[str] = []
        copies: dict[str, tuple] = {}       # copy IRI -> (product, dimensions key, combo)
        plans: dict[tuple, tuple] = {}      # (product, rule IRI) -> (dimensions, key)
        shared: dict[tuple, list] = {}      # (product, facts, assumed) -> copy IRIs, made once for all rules
        rules = {}
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
            if key not in shared:
                template, parts = templates.get(product, ("", {"stated": set()}))
                fixed = []
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
                shared[key] = made
            chunks.append("".join(f"<{copy}> <{_VARIANT_OF}> <{rule.iri}> .\n" for copy in shared[key]))
        if not plans:
            return
        store = ox.Store()
        store.bulk_load("".join(chunks).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        fired: dict[str, set] = {}
        marker = f"?this <{_IN_SCOPE.value}> true"
        for iri, rule in rules.items():
            query = rule.query.replace(marker, f"?this <{_VARIANT_OF}> <{iri}>", 1)
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
            for s, p, o, _ in triples:
                subject = names[s]
                stated.add((subject, p.value))
                obj = f"<{names[o]}>" if o in names else str(o)
                lines.append(f"<{subject}> {p} {obj} .")
            parts["stated"] = stated
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
