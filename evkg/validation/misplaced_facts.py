"""A fact written on the wrong node of a description (particleKind on the product instead of the vesicle
preparation, intendedUse on the preparation instead of the product): no check or rule reads it there, so the
node it belongs to is reported as lacking it. The finding about the missing fact says where it was written.
A node the shapes check the fact on (how an engineered vesicle component was made, beside a cargo that does
not say how it was made) holds it rightly, and is never offered as where it was misplaced."""
from __future__ import annotations

import functools

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SH

from evkg.core.namespaces import EVKG, curie


@functools.cache
def _checked_on(path: URIRef) -> tuple[frozenset, frozenset]:
    """(classes, properties): the shapes check the fact on nodes of these classes (or their subclasses) and on
    the values of these properties."""
    from evkg.core import resources

    shapes, ontology = resources.shapes_graph(), resources.ontology_graph()
    classes, properties = set(), set()
    for shape in shapes.subjects(SH.path, path):
        for holder in [shape, *shapes.subjects(SH.property, shape)]:
            classes.update(shapes.objects(holder, SH.targetClass))
            properties.update(shapes.objects(holder, SH.targetObjectsOf))
    narrower = set(classes)
    for cls in classes:
        narrower.update(ontology.transitive_subjects(RDFS.subClassOf, cls))
    return frozenset(narrower), frozenset(properties)


def misplaced_fact_hints(submitted, raw_results) -> dict:
    """(focus, path) → ' You gave evkg:particleKind (SmallEV) on …: move it here.' for each finding of a
    missing fact that another kind of node of the same product states."""
    from evkg.validation.store import DATA_GRAPH

    def missing(raw) -> bool:
        return (isinstance(raw.path, URIRef) and str(raw.path).startswith(str(EVKG))
                and raw.value in (None, raw.focus))

    wanted = {raw.path for raw in raw_results if missing(raw)}
    if not wanted:
        return {}
    hints = _facts_of_a_missing_preparation(submitted, [raw for raw in raw_results if missing(raw)])
    data, as_rdflib = f"<{DATA_GRAPH.value}>", submitted.as_rdflib
    values = " ".join(f"<{p}>" for p in sorted(wanted, key=str))
    stated: dict = {}
    for s, p, o in submitted.store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH {data} "
                                         f"{{ ?s ?p ?o }} }}", use_default_graph_as_union=True):
        node = as_rdflib[s]
        stated.setdefault((submitted.owners.get(node), as_rdflib[p]), []).append((node, as_rdflib[o]))
    if not stated:
        return hints
    types: dict = {}
    for s, t in submitted.store.query(f"SELECT ?s ?t WHERE {{ GRAPH {data} {{ ?s <{RDF.type}> ?t }} }}",
                                      use_default_graph_as_union=True):
        types.setdefault(as_rdflib[s], set()).add(as_rdflib[t])
    reached_by: dict = {}
    parents: dict = {}
    for s, p, o in submitted.store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {data} {{ ?s ?p ?o }} }}",
                                         use_default_graph_as_union=True):
        reached_by.setdefault(as_rdflib[o], set()).add(as_rdflib[p])
        parents.setdefault(as_rdflib[o], set()).add(as_rdflib[s])

    ancestors: dict = {}

    def above(node) -> set:
        """The nodes `node` hangs from, up to its product (worked out once per node)."""
        if node not in ancestors:
            seen, todo = set(), [node]
            while todo:
                for parent in parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            ancestors[node] = seen
        return ancestors[node]

    def checked_there(node, path) -> bool:
        classes, properties = _checked_on(path)
        return bool(types.get(node, set()) & classes or reached_by.get(node, set()) & properties)
    for raw in raw_results:
        if not missing(raw):
            continue
        kinds = types.get(raw.focus, set())
        # another node of the same kind (a second measurement) holding the fact is not a misplaced one, nor is a
        # node on another branch (the method of a release test or of an image, beside a measurement lacking its
        # own): a fact is misplaced one or more levels above or below where it belongs
        over = above(raw.focus)
        elsewhere = sorted(((node, value) for node, value in stated.get((submitted.owners.get(raw.focus), raw.path), ())
                            if node != raw.focus and not types.get(node, set()) & kinds
                            and not checked_there(node, raw.path) and (node in over or raw.focus in above(node))),
                           key=lambda found: (submitted.label(found[0]), str(found[1])))
        if elsewhere:
            node, value = elsewhere[0]
            hints[(raw.focus, raw.path)] = (f" You gave {curie(str(raw.path))} ({submitted.label(value)}) on "
                                            f"{submitted.label(node)}, where no check or rule reads it: move it here.")
    return hints


def _facts_of_a_missing_preparation(submitted, missing: list) -> dict:
    """(product, hasEVComponent) → ' You gave particleKind (SmallEV) and hasSource on … itself …' for a
    product without a vesicle preparation that states the preparation's own facts on itself: no check or rule
    reads them there, and no finding about a missing fact of the preparation can say so (there is none)."""
    from evkg.validation.store import DATA_GRAPH

    products = [raw.focus for raw in missing if raw.path == EVKG.hasEVComponent]
    hints = {}
    for product in products:
        rows = submitted.store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{DATA_GRAPH.value}> "
                                     f"{{ <{product}> ?p ?o }} }}", use_default_graph_as_union=True)
        written = sorted({submitted.as_rdflib[p] for (p,) in rows}, key=str)
        placed = [p for p in written if str(p).startswith(str(EVKG)) and _only_on_a_preparation(p)]
        if placed:
            names = [curie(str(p)).removeprefix("evkg:") for p in placed]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            hints[(product, EVKG.hasEVComponent)] = (
                f" You gave {listed} on {submitted.label(product)} itself, where no check or rule reads "
                f"{'it' if len(names) == 1 else 'them'}: {'it describes' if len(names) == 1 else 'they describe'} "
                "the vesicle preparation, so move "
                f"{'it' if len(names) == 1 else 'them'} into that node.")
    return hints


def _only_on_a_preparation(path: URIRef) -> bool:
    """Whether the shapes check `path` on vesicle preparations and never on products."""
    classes, properties = _checked_on(path)
    return ((EVKG.EVPreparation in classes or EVKG.hasEVComponent in properties)
            and EVKG.EVProduct not in classes)
