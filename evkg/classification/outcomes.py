"""The classification's result types and the names they share: statuses, jurisdictions, outcome IRIs."""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from evkg.core.namespaces import EVD, EVKG, EVSH

EVKG_NS = str(EVKG)
EVSH_NS = str(EVSH)
OUTCOME_NS = str(EVD) + "outcome/"
JURISDICTION_NS = str(EVD) + "jurisdiction/"
JURISDICTIONS = ("EU", "US", "KR")
ALL_JURISDICTIONS = "ALL"   # outcomes of the EV-role rules, which hold in every jurisdiction
# One name per jurisdiction in every report, explanation and page.
JURISDICTION_NAMES = {"EU": "European Union", "US": "United States", "KR": "South Korea",
                      "ALL": "Every jurisdiction (EV role)"}

STATUS_RANK = {"settled": 3, "provisional": 2, "contested": 1}
RANK_STATUS = {rank: name for name, rank in STATUS_RANK.items()}
STATUS_IRI = {"settled": EVKG_NS + "Settled", "provisional": EVKG_NS + "Provisional",
              "contested": EVKG_NS + "Contested"}
IRI_STATUS = {iri: name for name, iri in STATUS_IRI.items()}
SUPERSEDED = 0
SUPERSEDED_IRI = EVKG_NS + "Superseded"


def standing(outcomes) -> list:
    """The answers reports show: an overridden (superseded) conclusion is left out, as the named queries leave it
    out; `evkg explain` still shows it with what overrides it."""
    return [o for o in outcomes if o.status != "superseded"]

# The questions in the decision order of the rule table (docs/rules.md; regulation.md 6.6): scope, active
# substance, vaccine exclusion, cells, nucleic acids, ATMP, biological status, device, regime flags (EU);
# scope, HCT/P, biologic status, gene therapy, combination and lead centre, consequences (US); Korea's three.
DECISION_ORDER = tuple(EVKG_NS + f"Q_{q}" for q in (
    "ActiveSubstance", "DonorRelation",
    "EU_Medicinal", "EU_Vaccine", "EU_SCTMP", "EU_TEP", "EU_GTMP", "EU_ATMP", "EU_Biological",
    "EU_Immunological", "EU_BloodDerived", "EU_CombinedATMP", "EU_HospitalExemption", "EU_CentralisedProcedure",
    "EU_StartingMaterial", "EU_GMO",
    "US_Drug", "US_HCTP", "US_361HCTP", "US_Biological", "US_Vaccine", "US_GeneTherapy", "US_Combination",
    "US_LeadCenter", "US_Application", "US_RFD",
    "KR_EVTherapy", "KR_CellTherapy", "KR_GeneTherapy"))
# Jurisdictions in reading order; the EV-role answers, which hold everywhere, come first.
JURISDICTION_ORDER = ("ALL", "EU", "US", "KR")


def decision_rank(question: str | None) -> int:
    """Position of a question in the decision order (questions from added rule files come last)."""
    return DECISION_ORDER.index(question) if question in DECISION_ORDER else len(DECISION_ORDER)


def jurisdiction_rank(code: str | None) -> int:
    return JURISDICTION_ORDER.index(code) if code in JURISDICTION_ORDER else len(JURISDICTION_ORDER)


# Engine-only marker of the products the rules run on; it never leaves the working store.
_IN_SCOPE = ox.NamedNode("urn:evkg:engine#inScope")
_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def _local(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]

def _sparql_term(term) -> str:
    return str(term)


def _value(term) -> str:
    return term.value


def _value_words(term, labels: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or _local(term.value)
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith("#boolean"):
            # as written when it is neither: an ill-typed "yes" is not "no"
            return {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(term.value, repr(term.value))
        return term.value
    return "a described item"


def _outcome_iri(*parts: str) -> str:
    return OUTCOME_NS + hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


def _nt(term: str) -> str:
    return f"<{term}>"



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
                 triples, jurisdictions: tuple[str, ...]):
        self.outcomes = outcomes
        self.consistency_errors = consistency_errors
        self.jurisdictions = jurisdictions
        self._triples = triples        # (s, p, o) N-Triples terms, or a function that gives them when first asked
        self._describe = None          # set by the engine: outcome IRI -> Outcome for any derivation
        self.rules_by_iri: dict = {}   # set by the engine: the rules this run used, by IRI
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
    def triples(self) -> list[tuple]:
        """The outcome graph's statements as (s, p, o) N-Triples terms, sorted."""
        return sorted(self._triples() if callable(self._triples) else self._triples)

    @functools.cached_property
    def ntriples(self) -> str:
        """The outcome graph as sorted N-Triples (byte-identical for identical inputs)."""
        return "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in self.triples))

    @functools.cached_property
    def graph(self) -> Graph:
        graph = Graph()
        if self.triples:
            graph.parse(data=self.ntriples, format="nt")
        from evkg.core.namespaces import bind_prefixes

        bind_prefixes(graph)
        return graph


def outcome_dict(outcome: Outcome) -> dict:
    o = outcome
    return {
        "jurisdiction": o.jurisdiction,
        "question": _str(o.question),
        "question_label": o.question_label,
        "category": _str(o.category),
        "category_label": o.category_label,
        "status": o.status,
        "rule": o.rule,
        "rule_label": o.rule_label,
        "rationale": o.rationale,
        "alternatives": [{"category": _str(a[0]), "label": a[1]} for a in o.alternatives or ()],
        "sources": list(o.sources or ()),
        "premises": list(o.premises or ()),
        "missing": [dict(m, property=_str(m.get("property"))) for m in o.missing or ()],
        "other_derivations": [list(d) for d in o.other_derivations or ()],
        "iri": _str(o.iri),
    }


def _str(value):
    return None if value is None else str(value)
