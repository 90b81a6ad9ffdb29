"""A fact written on the wrong node of a description (particleKind on the product instead of the vesicle
preparation, intendedUse on the preparation instead of the product): no check or rule reads it there, so the
node it belongs to is reported as lacking it. The finding about the missing fact says where it was written."""
from __future__ import annotations

from rdflib import RDF, URIRef

from evkg.core.namespaces import EVKG, curie


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
    data, as_rdflib = f"<{DATA_GRAPH.value}>", submitted.as_rdflib
    values = " ".join(f"<{p}>" for p in sorted(wanted, key=str))
    stated: dict = {}
    for s, p, o in submitted.store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH {data} "
                                         f"{{ ?s ?p ?o }} }}", use_default_graph_as_union=True):
        node = as_rdflib[s]
        stated.setdefault((submitted.owners.get(node), as_rdflib[p]), []).append((node, as_rdflib[o]))
    if not stated:
        return {}
    types: dict = {}
    for s, t in submitted.store.query(f"SELECT ?s ?t WHERE {{ GRAPH {data} {{ ?s <{RDF.type}> ?t }} }}",
                                      use_default_graph_as_union=True):
        types.setdefault(as_rdflib[s], set()).add(t)
    hints = {}
    for raw in raw_results:
        if not missing(raw):
            continue
        kinds = types.get(raw.focus, set())
        # another node of the same kind (a second measurement) holding the fact is not a misplaced one
        elsewhere = [(node, value) for node, value in stated.get((submitted.owners.get(raw.focus), raw.path), ())
                     if node != raw.focus and not types.get(node, set()) & kinds]
        if elsewhere:
            node, value = elsewhere[0]
            hints[(raw.focus, raw.path)] = (f" You gave {curie(str(raw.path))} ({submitted.label(value)}) on "
                                            f"{submitted.label(node)}, where no check or rule reads it: move it here.")
    return hints
