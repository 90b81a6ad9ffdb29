"""Text written where a block of facts belongs (`dose: 2 ml`, `releaseTest: sterile`): one finding at the
statement that holds it, saying which block to write, in place of the findings of the block's own checks run on
the text itself, which named no line and spoke of facts the text cannot have."""
from __future__ import annotations

import functools

from rdflib import URIRef
from rdflib.namespace import RDFS, SH

from evkg.core.namespaces import EVKG, EVSH

BLOCK_AS_TEXT_SHAPE = EVSH["S-blockAsText"]


def block_text_results(submitted) -> tuple[list, set]:
    """(RawResults, the text values they are about) for every text value (or undeclared evkg name, as a single
    word reads) of a property whose values the shapes check as blocks (sh:targetObjectsOf)."""
    from evkg.validation.compiled import DATA_GRAPH, RawResult
    from evkg.validation.terms import declared_evkg_terms

    properties = _block_properties()
    if not properties:
        return [], set()
    values = " ".join(f"<{p}>" for p in properties)
    rows = submitted.store.query(f"""
        SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }}
          FILTER(isLiteral(?o) || STRSTARTS(STR(?o), "{EVKG}")) }}""")
    declared = declared_evkg_terms()
    results, texts = [], set()
    for row in rows:
        subject, predicate, value = (submitted.as_rdflib[t] for t in row)
        if isinstance(value, URIRef) and str(value) in declared:
            continue
        key = str(predicate)[len(str(EVKG)):]
        written = str(value)[len(str(EVKG)):] if isinstance(value, URIRef) else str(value)   # one word: evkg:word
        kinds = _block_kinds(str(predicate))
        # one block, or a list of them, as the property takes; a type guessed from a list of several (the first
        # one, BacterialSource for "bone-marrow MSCs") misleads, so the type is left for the author to choose
        block = f"{{type: {kinds[0] if len(kinds) == 1 else '…'}, …}}"
        block = block if _takes_one(str(predicate)) else f"[{block}]"
        message = (f"The text \"{written}\" is written directly under {key}, where a block of facts is "
                   f"expected, so no check or rule reads it. Write it as a block: `{key}: {block}`"
                   f" with the keys that block takes (`evkg new` shows them)"
                   + (f"; its type is one of {', '.join(kinds)}." if len(kinds) > 1 else "."))
        results.append(RawResult(focus=subject, path=predicate, value=value, shape=BLOCK_AS_TEXT_SHAPE,
                                 severity=SH.Violation, messages=frozenset({message}),
                                 component=SH.SPARQLConstraintComponent))
        texts.add(value)
    return results, texts


def is_check_of_text_block(raw, texts: set) -> bool:
    """A block's own check run on text written in its place (the text is the focus), a check of the property
    quoting that text (a source that is no source node: the finding above says what to write), or the
    unknown-name warning on a word written there."""
    return raw.focus in texts or (raw.value in texts and raw.shape != BLOCK_AS_TEXT_SHAPE and (
        isinstance(raw.value, URIRef) and raw.value != raw.path or str(raw.path) in _block_properties()))


@functools.cache
def _block_properties() -> tuple:
    from evkg.core import resources

    shapes = resources.shapes_graph()
    return tuple(sorted({str(p) for p in shapes.objects(None, SH.targetObjectsOf) if isinstance(p, URIRef)}
                        - {str(EVKG.hasGeneticModification)}))   # text there has a finding of its own


@functools.cache
def _takes_one(prop: str) -> bool:
    from evkg.core import resources

    shapes = resources.shapes_graph()
    return any(int(shapes.value(shape, SH.maxCount)) <= 1
               for shape in shapes.subjects(SH.path, URIRef(prop)) if shapes.value(shape, SH.maxCount) is not None)


@functools.cache
def _block_kinds(prop: str) -> tuple:
    """The types a block of the property may have: its range, or the kinds of a range that has narrower ones
    (a source is a CellCultureSource, a PlantSource …)."""
    from evkg.core import resources

    ontology = resources.ontology_graph()
    block = ontology.value(URIRef(prop), RDFS.range)
    if block is None:
        return ("…",)
    local = str(block)[len(str(EVKG)):]
    narrower = sorted(str(c)[len(str(EVKG)):] for c in ontology.subjects(RDFS.subClassOf, block)
                      if isinstance(c, URIRef) and str(c).startswith(str(EVKG)))
    return tuple(narrower) if narrower and local == "Source" else (local,)
