"""The facts a set of descriptions states, and which facts a rule still waits for.

Read from the working store of one classification run; what counts as missing follows the fact requirements
of the vocabulary (knowledge.FactRequirements), never a table in code.
"""
from __future__ import annotations

import functools
import re

import pyoxigraph as ox

from evkg.classification.knowledge import _jurisdiction_code, label_of
from evkg.core.intended_use import DISEASE_CLAIM, INTENDED_USE, ROUTE, medicinal_all_the_same
from evkg.core.lexical import XSD as _XSD, well_formed
from evkg.classification.outcomes import _IN_SCOPE, ALL_JURISDICTIONS, EVKG_NS, _sparql_term, _value, _value_words

_KEY_SEGMENT = re.compile(r"[a-z][A-Za-z0-9]*(?:-([0-9]+))?")     # an unnamed part's IRI ends key or key-N


# Statements whose value is an evkg name the vocabulary does not define (evkg:siRNA for evkg:NucleicAcid) are
# kept here, out of the rules' sight: a rule such as "no cargo is a nucleic acid" would otherwise read the typo
# as "not a nucleic acid" and settle an answer. The description's facts still name them, to say what to fix.
UNREADABLE_GRAPH = ox.NamedNode("urn:evkg:engine#unreadable")


def set_aside_undefined_values(store, defined_terms, term_properties=frozenset()) -> int:
    """Move every statement whose value is an undefined evkg name, or text where a term is needed
    ("microRNA mimic" as the nucleic-acid mechanism), into UNREADABLE_GRAPH; how many were moved."""
    rows = store.query(f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) || '
                       f'(isIRI(?o) && STRSTARTS(STR(?o), "{EVKG_NS}"))) }}')
    unreadable = [ox.Quad(s, p, o) for s, p, o in rows
                  if (o.value not in defined_terms if isinstance(o, ox.NamedNode) else p.value in term_properties)]
    for quad in unreadable:
        store.remove(quad)
        store.add(ox.Quad(quad.subject, quad.predicate, quad.object, UNREADABLE_GRAPH))
    return len(unreadable)


@functools.cache
def _literal_kinds() -> dict[str, str]:
    """property IRI -> the datatype IRI its literal values are read as (the evkg context's, from the ontology
    and the shapes): boolean and numeric properties only, the kinds a rule compares."""
    from evkg.io.context import bundled_context

    context = bundled_context()["@context"]

    def expanded(name: str) -> str:
        prefix, _, local = name.partition(":")
        base = context.get(prefix)
        return base + local if isinstance(base, str) and local else name

    kinds = {}
    for entry in context.values():
        if isinstance(entry, dict) and isinstance(entry.get("@id"), str) and isinstance(entry.get("@type"), str):
            datatype = expanded(entry["@type"])
            if datatype == _XSD + "boolean" or datatype in _NUMBERS:
                kinds[expanded(entry["@id"])] = datatype
    return kinds


_NUMBERS = {_XSD + n for n in ("decimal", "integer", "double", "float", "nonNegativeInteger", "positiveInteger",
                               "int", "long")}


def _misread(value: ox.Literal, prop: str | None) -> bool:
    """Whether no rule reads the literal as the property's kind of value: outside its datatype's lexical space,
    or text ("no", "12") where true or false or a number is needed."""
    datatype = value.datatype.value
    if not well_formed(datatype, value.value):
        return True
    wanted = _literal_kinds().get(prop)
    if wanted is None:
        return False
    return datatype not in _NUMBERS if wanted in _NUMBERS else datatype != wanted


class DescriptionFacts:
    def __init__(self, store, kb):
        self.store = store
        self.kb = kb
        self._fact_words: dict[tuple, list] = {}

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
            }}""", use_default_graph_as_union=True)
        table: dict[str, dict[str, set]] = {}
        for this, prop, value in rows:                # by position: far faster than by name
            table.setdefault(this.value, {}).setdefault(prop.value, set()).add(value)
        return table

    @functools.cached_property
    def item_labels(self) -> dict:
        """IRI -> the description's own name (rdfs:label) for the parts it describes (cargo items, EV
        preparation, source …), so that a premise reads "loaded cargo: Doxorubicin", not a generated IRI."""
        rows = self.store.query(f"""
            SELECT ?item (MIN(STR(?name)) AS ?label) WHERE {{
              ?this <{_IN_SCOPE.value}> true ; ?prop ?item .
              ?item <http://www.w3.org/2000/01/rdf-schema#label> ?name .
              FILTER(isIRI(?item) && STRSTARTS(STR(?prop), "{EVKG_NS}"))
            }} GROUP BY ?item""")
        return {row["item"].value: row["label"].value for row in rows}

    @functools.cached_property
    def part_names(self) -> dict:
        """IRI -> "cargo item #1" for the parts a YAML or JSON form left unnamed (their IRIs end in the key and
        number they were written under, .../loadedCargo-1), as the findings name them."""
        rows = self.store.query(f"""
            SELECT ?item (MIN(STR(?kind)) AS ?type) WHERE {{
              ?this <{_IN_SCOPE.value}> true ; ?prop ?item .
              ?item a ?kind .
              FILTER(isIRI(?item) && STRSTARTS(STR(?item), CONCAT(STR(?this), "/")))
            }} GROUP BY ?item""", use_default_graph_as_union=True)
        names = {}
        for row in rows:
            written = _KEY_SEGMENT.fullmatch(row["item"].value.rsplit("/", 1)[-1])
            kind = self.kb.labels.get(row["type"].value)
            if written and kind:
                names[row["item"].value] = kind + (f" #{written.group(1)}" if written.group(1) else "")
        return names

    @functools.cached_property
    def cargo_gaps(self) -> dict:
        """product -> set of cargo-item facts that some cargo item of a kind that needs them lacks."""
        rows = self.store.query(f"""
            SELECT ?this ?item ?kind ?prop ?any WHERE {{
              ?this <{_IN_SCOPE.value}> true ; <{EVKG_NS}loadedCargo> ?item .
              OPTIONAL {{ ?item <{EVKG_NS}cargoKind> ?kind }}
              OPTIONAL {{ ?item ?prop ?any }}
            }}""", use_default_graph_as_union=True)
        items: dict[tuple, dict] = {}
        for row in rows:
            key = (row["this"].value, _sparql_term(row["item"]))
            entry = items.setdefault(key, {"kinds": set(), "props": set()})
            if row["kind"] is not None:
                entry["kinds"].add(row["kind"].value)
            if row["prop"] is not None and self.defined(row["any"], row["prop"].value):      # RNAi for RNAInterference still waits
                entry["props"].add(row["prop"].value)
        needs = self.kb.fact_requirements
        gaps: dict[str, set] = {}
        for (product, _), entry in items.items():
            for prop, kinds in needs.cargo_item_facts.items():
                if kinds and not (entry["kinds"] & kinds):
                    continue
                if not ({prop} | needs.alternatives.get(prop, set())) & entry["props"]:
                    gaps.setdefault(product, set()).add(prop)
        return gaps

    def lacks(self, product: str, prop: str) -> bool:
        """Whether a rule that needs `prop` still waits for it in this product's description."""
        cache = self.__dict__.setdefault("_lacks", {})
        key = (product, prop)
        if key not in cache:
            cache[key] = self._lacks_now(product, prop)
        return cache[key]

    def _lacks_now(self, product: str, prop: str) -> bool:
        needs = self.kb.fact_requirements
        if prop in needs.optional:
            return False
        stated = self.facts.get(product, {})

        def holds(condition) -> bool:
            when_property, when_value = condition
            return any(_value(v) == when_value for v in stated.get(when_property, ()))

        if any(holds(c) for c in needs.not_needed_when.get(prop, ())):
            return False
        only_when = needs.needed_only_when.get(prop)
        if only_when and not any(holds(c) for c in only_when):
            return False
        if prop in needs.cargo_item_facts:
            return prop in self.cargo_gaps.get(product, set())
        if prop == INTENDED_USE and medicinal_all_the_same(*(
                {_value(v) for v in stated.get(p, ())} for p in (INTENDED_USE, DISEASE_CLAIM, ROUTE))):
            return True         # a medicine all the same: the rules wait for the medical use it is one for
        # "no"^^xsd:boolean or "200 nm"^^xsd:decimal is stated but no rule can read it: the fact still waits
        readable = {p for p, values in stated.items() if any(self.readable(v, p) for v in values)}
        return not ({prop} | needs.alternatives.get(prop, set())) & readable

    def defined(self, value, prop: str | None = None) -> bool:
        """False for a name in the evkg vocabulary that the vocabulary does not define (a typo such as
        evkg:NoCell), or for text as the value of `prop` where a term is needed: no rule can read it, so the
        fact still waits for a value."""
        if isinstance(value, ox.Literal):
            return prop not in self.kb.term_properties
        return not (isinstance(value, ox.NamedNode) and value.value.startswith(EVKG_NS)
                    and value.value not in self.kb.labels)

    def readable(self, value, prop: str | None = None) -> bool:
        """Whether a rule can read the value: a defined name, and a literal of the kind the property takes, in
        its datatype's lexical space (true/false written as one, a number without its unit)."""
        return self.defined(value, prop) and not (isinstance(value, ox.Literal) and _misread(value, prop))

    def ill_typed_values(self, product: str, prop: str) -> list[tuple[str, str]]:
        """(text, datatype IRI wanted) of each value of `prop` the description states that no rule can read as
        the property's kind of value ("no" or "no"^^xsd:boolean as true or false, "200 nm" as a number)."""
        return sorted((v.value, _literal_kinds().get(prop, v.datatype.value))
                      for v in self.facts.get(product, {}).get(prop, ())
                      if isinstance(v, ox.Literal) and _misread(v, prop))

    def undefined_values(self, product: str, prop: str) -> list[str]:
        """The values of `prop` the description states that the evkg vocabulary does not define."""
        return sorted(v.value.removeprefix(EVKG_NS) for v in self.facts.get(product, {}).get(prop, ())
                      if not self.defined(v, prop))

    def catch_all_words(self, product: str, props) -> list[str]:
        """The stated facts among `props` whose value is the vocabulary's catch-all for its list ("other
        substance", "other nucleic acid mechanism"), in words: a rule can place none of them."""
        stated = self.facts.get(product, {})
        return [f"{label_of(prop)}: {_value_words(v, self.kb.labels)}" for prop in sorted(set(props))
                for v in sorted(stated.get(prop, ()), key=str)
                if isinstance(v, ox.NamedNode) and v.value.removeprefix(EVKG_NS).startswith("Other")
                and v.value.startswith(EVKG_NS) and v.value in self.kb.labels]

    def not_reported(self, product: str) -> set:
        """Facts the description marks as not reported by its sources (evkg:notReported), on any of its parts."""
        return {_value(v) for v in self.facts.get(product, {}).get(EVKG_NS + "notReported", ())}

    def fact_words(self, product: str, props: tuple, jurisdiction: str | None = None) -> list[str]:
        """The stated facts behind an answer, in words; with `jurisdiction` (EU, US, KR) an agency determination
        made for another jurisdiction is left out (an EU authorisation is not why FDA's answer holds)."""
        key = (product, props, jurisdiction)
        if key not in self._fact_words:
            self._fact_words[key] = self._words(product, props, jurisdiction)
        return list(self._fact_words[key])

    @functools.cached_property
    def determination_jurisdictions(self) -> dict:
        """agency determination IRI -> the IRI of the jurisdiction it is stated to apply in."""
        rows = self.store.query(f"""
            SELECT ?determination ?where WHERE {{
              ?this <{_IN_SCOPE.value}> true ; <{EVKG_NS}agencyDetermination> ?determination .
              ?determination <{EVKG_NS}jurisdiction> ?where .
            }}""", use_default_graph_as_union=True)
        return {determination.value: where.value for determination, where in rows}

    def _elsewhere(self, value, jurisdiction: str | None) -> bool:
        where = self.determination_jurisdictions.get(value.value) if isinstance(value, ox.NamedNode) else None
        if where is None or jurisdiction in (None, ALL_JURISDICTIONS):
            return False
        return _jurisdiction_code(where) != jurisdiction

    def _words(self, product: str, props: tuple, jurisdiction: str | None = None) -> list[str]:
        stated = self.facts.get(product, {})
        words = []
        for prop in props:
            values = stated.get(prop)
            if prop == EVKG_NS + "agencyDetermination":
                values = [v for v in values or () if not self._elsewhere(v, jurisdiction)]
            values = [v for v in values or () if self.readable(v, prop)]      # what no rule could read is no premise
            if not values:
                continue
            shown = sorted(self._item_words(v) for v in values)
            words.append(f"{label_of(prop)}: {', '.join(shown)}")
        return words

    def _item_words(self, value) -> str:
        if isinstance(value, ox.NamedNode) and value.value not in self.kb.labels:
            named = self.item_labels.get(value.value) or self.part_names.get(value.value)
            if named:
                return named
        return _value_words(value, self.kb.labels)
