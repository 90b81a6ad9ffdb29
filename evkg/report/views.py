"""Views of the curated graph shared by the CLI, the reports and the web pages: products, trials and terms.

Each view is a plain dict (labels, IRIs, CURIEs, sources) built from the bundled graphs, so every interface
shows the same thing the same way.
"""
from __future__ import annotations

import functools

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from evkg.core.errors import UnknownTermError
from evkg.core.namespaces import CITO, DCT, EVD, EVKG, PREFIXES, bind_prefixes, curie, expand_curie
from evkg.core.safe_text import shortened


def product_id_of(iri: str) -> str:
    base = f"{EVD}product/"
    return iri[len(base):] if iri.startswith(base) else iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


_SHARED = tuple(f"{EVD}{kind}/" for kind in ("paper", "act", "jurisdiction", "trial"))


def description_turtle(data: Graph, product: URIRef) -> str:
    """The product node and the nodes that belong to its description (preparations, sources, cargo …),
    leaving out shared records (papers, acts, jurisdictions, trials, other products) it only refers to."""
    products = set(data.subjects(RDF.type, EVKG.EVProduct))
    out = Graph()
    bind_prefixes(out)
    seen, frontier = {product}, [product]
    while frontier:
        node = frontier.pop()
        for p, o in data.predicate_objects(node):
            out.add((node, p, o))
            own = isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(str(EVD))
                                            and not str(o).startswith(_SHARED) and o not in products)
            if own and o not in seen:
                seen.add(o)
                frontier.append(o)
    return out.serialize(format="turtle")


def evidence_of(data: Graph, product: URIRef) -> list[dict]:
    from evkg.report.render import source_info

    sources = set(data.objects(product, CITO.citesAsEvidence)) | set(data.objects(product, DCT.source))
    return sorted((source_info(str(s)) for s in sources if isinstance(s, URIRef)), key=lambda s: s["label"])


def _label_of(node) -> str | None:
    from evkg.core import resources

    if node is None:
        return None
    for graph in (resources.ontology_graph(), resources.data_graph(), resources.rules_graph()):
        label = graph.value(node, RDFS.label)
        if label is not None:
            return str(label)
    return curie(str(node))


def trial_view(data: Graph, trial: URIRef) -> dict:
    from evkg.report.render import source_info

    products = sorted(str(p) for p in data.objects(trial, EVKG.investigatesProduct))
    registry = data.value(trial, EVKG.trialRegistryId)
    return {
        "iri": str(trial),
        "registry_id": str(registry) if registry else None,
        "label": str(data.value(trial, RDFS.label) or registry or curie(str(trial))),
        "phase": _label_of(data.value(trial, EVKG.phase)),
        "status": _label_of(data.value(trial, EVKG.trialStatus)),
        "sponsor": str(data.value(trial, EVKG.sponsor) or "") or None,
        "indications": sorted(_label_of(i) for i in data.objects(trial, EVKG.indication)),
        "products": [{"id": product_id_of(p), "iri": p, "label": _label_of(URIRef(p))} for p in products],
        "sources": [source_info(str(s)) for s in sorted(data.objects(trial, DCT.source)) if isinstance(s, URIRef)],
    }


def trials_of(data: Graph, product: URIRef) -> list[dict]:
    return sorted((trial_view(data, t) for t in data.subjects(EVKG.investigatesProduct, product)),
                  key=lambda t: t["registry_id"] or t["iri"])


# ------------------------------------------------------------------------------------------- terms

def term_iri(curie_text: str) -> str:
    """The IRI a term page's name stands for: a CURIE of evkg's prefixes (evkg: by default), or an ontology ID
    as the term search prints it (CL:0002570, CVCL:0045, EFO:0004905)."""
    from evkg.core.identifiers import iri_for_identifier

    iri = expand_curie(curie_text, default_prefix="evkg")
    if iri is None or (":" in curie_text and curie_text.split(":", 1)[0] not in PREFIXES):
        iri = iri_for_identifier(curie_text) or iri
    if iri is None:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise UnknownTermError(f"{shortened(curie_text, 200)!r} uses a prefix evkg does not know ({known}).")
    return iri


def term_dict(curie_text: str) -> dict:
    """Label, definition, sources and neighbours of an ontology term (or a curated individual)."""
    from evkg.core import resources
    from evkg.report.render import source_info

    iri = term_iri(curie_text)
    node = URIRef(iri)
    graphs = (resources.ontology_graph(), resources.data_graph(), resources.rules_graph(),
              resources.shapes_graph())
    graph = next((g for g in graphs if (node, None, None) in g), None)
    if graph is None:
        raise UnknownTermError(f"{shortened(curie(iri), 200)} is not defined in the evkg ontology or the "
                               "curated data. Check the spelling (names are case-sensitive).")

    helpers = _helper_classes()

    def terms(nodes, keep_helpers: bool = False):
        return sorted(({"iri": str(n), "curie": curie(str(n)), "label": _label_of(n), "local": _is_local(n)}
                       for n in set(nodes) if isinstance(n, URIRef) and n != OWL.Thing
                       and (keep_helpers or n not in helpers)),
                      key=lambda t: (t["label"] or t["curie"]).lower())

    sources = set(graph.objects(node, DCT.source)) | set(graph.objects(node, RDFS.isDefinedBy))
    definition = graph.value(node, SKOS.definition) or graph.value(node, RDFS.comment)
    return {
        "iri": iri, "curie": curie(iri), "label": _label_of(node),
        "definition": str(definition) if definition else None,
        "types": terms(graph.objects(node, RDF.type)),
        "superclasses": terms(graph.objects(node, RDFS.subClassOf)),
        "subclasses": terms(graph.subjects(RDFS.subClassOf, node)),
        # OWL restatements of rule premises, kept for the HermiT cross-check: shown apart, not as narrower terms
        "cross_check_classes": terms((s for s in graph.subjects(RDFS.subClassOf, node) if s in helpers),
                                     keep_helpers=True),
        "helper": node in helpers,
        "rule": _rule_view(iri),
        "superproperties": terms(graph.objects(node, RDFS.subPropertyOf)),
        "domain": terms(graph.objects(node, RDFS.domain)),
        "range": terms(graph.objects(node, RDFS.range)),
        "members": terms(graph.subjects(RDF.type, node)) if (node, RDF.type, OWL.Class) in graph else [],
        "sources": sorted((source_info(str(s)) for s in sources if isinstance(s, URIRef)),
                          key=lambda s: s["label"]),
    }




@functools.cache
def _helper_classes() -> frozenset:
    """Classes that restate a rule's premises for the OWL cross-check (evkg:mirrorsRule): internal helpers."""
    from evkg.core import resources

    return frozenset(resources.ontology_graph().subjects(EVKG.mirrorsRule, None))


@functools.cache
def _bundled_subjects() -> frozenset:
    from evkg.core import resources

    graphs = (resources.ontology_graph(), resources.data_graph(), resources.rules_graph(), resources.shapes_graph())
    return frozenset(s for g in graphs for s in g.subjects() if isinstance(s, URIRef))


def _is_local(node) -> bool:
    """Whether evkg has a page for the term (otherwise links go to the term's own IRI)."""
    return node in _bundled_subjects()


def _rule_view(iri: str) -> dict | None:
    """Status, rationale, premises and conclusions of a classification rule, as docs/rules.md gives them."""
    from evkg.classification.knowledge import knowledge, label_of

    rule = knowledge().rules_by_iri.get(iri)
    if rule is None:
        return None

    def named(iris):
        return [{"iri": i, "curie": curie(i), "label": label_of(i), "local": True} for i in iris]

    return {"id": rule.id, "status": rule.status, "rationale": rule.rationale, "jurisdiction": rule.jurisdiction,
            "questions": named(rule.questions), "concludes": named(rule.concludes),
            "alternatives": named(rule.alternatives), "needs_facts": named(rule.needs_facts),
            "needs_categories": named(rule.needs_categories)}


_INDEX_KINDS = ((OWL.Class, "Classes and categories"), (OWL.ObjectProperty, "Properties linking things"),
                (OWL.DatatypeProperty, "Properties with values"), (OWL.AnnotationProperty, "Annotation properties"),
                (OWL.NamedIndividual, "Values and individuals"))


def term_index() -> list[dict]:
    """Every evkg term and rule, grouped by kind, for the term index page (helper classes left out)."""
    from evkg.classification.knowledge import knowledge
    from evkg.core import resources

    ontology = resources.ontology_graph()
    helpers = _helper_classes()
    groups, seen = [], set()
    for kind, title in _INDEX_KINDS:
        members = sorted({s for s in ontology.subjects(RDF.type, kind)
                          if isinstance(s, URIRef) and str(s).startswith(str(EVKG)) and s not in helpers} - seen,
                         key=lambda n: (_label_of(n) or str(n)).lower())
        seen.update(members)
        groups.append({"title": title, "terms": [{"curie": curie(str(n)), "label": _label_of(n) or curie(str(n)),
                                                   "definition": str(ontology.value(n, SKOS.definition) or ""),
                                                   "synonyms": sorted(str(s) for s in ontology.objects(n, SKOS.altLabel))}
                                                  for n in members]})
    rules = [r for r in knowledge().rules if r.id != "HIERARCHY"]
    groups.append({"title": "Classification rules", "terms": [
        {"curie": curie(r.iri), "label": f"{r.id}: {r.label}", "definition": r.rationale} for r in rules]})
    return groups
