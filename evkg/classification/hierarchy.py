"""The category hierarchy as the engine applies it: an outcome in a narrower category (a GTMP) is also an
outcome in each broader one (an ATMP, a biological medicinal product), derived by the HIERARCHY rule.

The rule has a SPARQL form (hierarchy_query) for the rules document, the what-if comparison and
any SHACL-AF engine; the classifier computes the same statements here instead, from the outcomes it has not
looked at yet, because it brings the hierarchy up to date before every rule that reads a broader category
(tests/test_rule_queries compares the two).
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from evkg.classification.outcomes import _IN_SCOPE, EVKG_NS, EVSH_NS, JURISDICTION_NS, OUTCOME_NS, _local, _outcome_iri
from evkg.classification.schedule import HIERARCHY_RULE_ID

_TYPE, _SOURCE = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCTERMS.source))
_OUTCOME = ox.NamedNode(EVKG_NS + "ClassificationOutcome")
_RULE = ox.NamedNode(EVSH_NS + HIERARCHY_RULE_ID)
_OF_PRODUCT, _CATEGORY, _QUESTION, _DERIVED_BY, _PREMISE, _JURISDICTION = (
    ox.NamedNode(EVKG_NS + name) for name in
    ("ofProduct", "category", "question", "derivedByRule", "premise", "jurisdiction"))


def hierarchy_conclusions(kb, index, in_scope: set, seen: set) -> list:
    """The HIERARCHY rule's statements for the outcomes in `index` not in `seen` (which it then holds), for
    products in scope: every step up, so an outcome this call makes is itself taken up (an immunological
    medicinal product is a biological one, and so a medicinal product, on one call whatever ran before)."""
    out = []
    pending = [(o, index.product.get(o), index.category[o]) for o in index.category if o not in seen]
    while pending:
        narrower, product, category = pending.pop()
        if narrower in seen:
            continue
        seen.add(narrower)
        if product not in in_scope:
            continue
        for broader, question, jurisdiction, source in kb.broader_categories.get(category, ()):
            iri = _outcome_iri(product, HIERARCHY_RULE_ID, _local(broader))
            node = ox.NamedNode(iri)
            out += [ox.Triple(node, _TYPE, _OUTCOME),
                    ox.Triple(node, _OF_PRODUCT, ox.NamedNode(product)),
                    ox.Triple(node, _CATEGORY, ox.NamedNode(broader)),
                    ox.Triple(node, _QUESTION, ox.NamedNode(question)),
                    ox.Triple(node, _DERIVED_BY, _RULE),
                    ox.Triple(node, _PREMISE, ox.NamedNode(narrower))]
            if jurisdiction:
                out.append(ox.Triple(node, _JURISDICTION, ox.NamedNode(JURISDICTION_NS + jurisdiction)))
            if source:
                out.append(ox.Triple(node, _SOURCE, ox.NamedNode(source)))
            pending.append((iri, product, broader))
    return out


def hierarchy_query(subsumption: list, prefixes: str) -> str:
    """The HIERARCHY rule as a SPARQL CONSTRUCT: one level up per (narrower, broader) pair of `subsumption`;
    run until nothing new comes, it concludes what hierarchy_conclusions does."""
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
  VALUES (?sub ?super ?q ?j ?src ?name) {{ {rows} }}
  ?subOutcome evkg:category ?sub . ?subOutcome evkg:ofProduct ?this .
  ?this <{_IN_SCOPE.value}> true .
  BIND(IRI(CONCAT("{OUTCOME_NS}", SHA1(CONCAT(STR(?this), "|{HIERARCHY_RULE_ID}|", ?name)))) AS ?outcome)
}}"""
