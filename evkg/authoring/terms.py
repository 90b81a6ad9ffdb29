"""Term look-up while writing: `evkg terms search … --for PROPERTY` and the web form's term fields.

The terms come from the term index (evkg.terms: the terms bundled with the package and the ontologies added
with `evkg terms add`). What this module adds is the writer's view: the kinds of term a property of a
description takes (evkg:expectsTermKind in ontology/term-kinds.ttl), and each hit's CURIE as the evkg
context writes it (MONDO:0005178, CL:0002540, uniprot:P08962), ready to paste into a YAML description.
"""
from __future__ import annotations

import functools
import re

from evkg.core.errors import UsageError
from evkg.core.namespaces import EVKG


@functools.cache
def _compactor():
    from evkg.io.write import Compactor

    return Compactor()


def _known_property(property_key: str) -> None:
    from evkg.authoring.model import description_model

    keys = {f.key for slot in description_model().slots.values() for f in slot.fields}
    if property_key not in keys:
        import difflib

        close = difflib.get_close_matches(property_key, sorted(keys), n=3)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        from evkg.core.safe_text import shortened

        raise UsageError(f"no property {shortened(property_key)!r} in the evkg vocabulary.{hint} "
                         "See docs/vocabulary.md.")


def _takes_no_terms(property_key: str) -> str:
    """What a property that takes no ontology term takes instead: the values of its list, or text."""
    from evkg.io.context import closed_list_names

    names = sorted(closed_list_names(str(EVKG[property_key])))
    if names:
        return (f"{property_key} takes one of evkg's own values, not an ontology term; write the name itself: "
                f"{', '.join(names)}.")
    return (f"{property_key} takes no ontology terms (a number, true/false or text: see docs/vocabulary.md); "
            "search without --for, or for a property such as indication.")


def kinds_for(property_key: str) -> tuple[str, ...]:
    """The term kinds (IRIs) a property of a description accepts; () when it takes no terms."""
    from evkg.terms.index import expected_kinds

    _known_property(property_key)
    return expected_kinds().get(str(EVKG[property_key]), ())


@functools.cache
def accepted_patterns(property_key: str) -> tuple:
    """The patterns the shapes require of a property's value (sh:pattern on a property shape with that path):
    a term the search offers for the property must pass them, or the description would be refused."""
    from rdflib.namespace import SH

    from evkg.core import resources

    shapes = resources.shapes_graph()
    return tuple(re.compile(str(pattern)) for shape in shapes.subjects(SH.path, EVKG[property_key])
                 for pattern in shapes.objects(shape, SH.pattern))


@functools.cache
def _known_spaces() -> frozenset:
    """The CURIE prefixes a term of the index can be written with."""
    from evkg.core.identifiers import identifier_stems

    return frozenset(identifier_stems()) | frozenset(prefix for prefix, _ in _compactor().prefixes)


def _rank(hit: dict, phrase: str) -> float:
    """0 for the whole label, 1 its start, 2 the start of a word, 3 elsewhere; a synonym (MSC for mesenchymal
    stem cell) ranks half a step below the label at the same level."""
    best = 3.0
    for offset, name in ((0.0, hit["label"]), *((0.5, s) for s in hit.get("synonyms", ()))):
        text = name.lower()
        level = (0 if text == phrase else 1 if text.startswith(phrase) else
                 2 if re.search(r"\b" + re.escape(phrase), text) else None)
        if level is not None:
            best = min(best, level + offset)
    return best


@functools.cache
def _vocabulary() -> tuple[dict, ...]:
    """evkg's own classes and values (particle kinds, methods, routes, regulatory categories …) as search hits:
    each with its labels and synonyms, what kind of thing it is, and the keys of a description that take it."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    from evkg.authoring.model import description_model
    from evkg.core import resources

    graph = resources.ontology_graph()
    writes: dict[str, list[str]] = {}
    for slot in description_model().slots.values():
        for field in slot.fields:
            for name, _ in field.choices:
                entry = f"{field.key}: {name}"
                if entry not in writes.setdefault(name, []):
                    writes[name].append(entry)
    categories = resources.subclass_closure(EVKG.RegulatoryCategory)
    helpers = set(graph.subjects(EVKG.mirrorsRule, None))
    hits = []
    for node in sorted({s for t in (OWL.Class, OWL.NamedIndividual) for s in graph.subjects(RDF.type, t)
                        if isinstance(s, URIRef) and str(s).startswith(str(EVKG)) and s not in helpers}):
        label = graph.value(node, RDFS.label)
        if label is None or (node, OWL.deprecated, None) in graph:
            continue
        local = str(node)[len(str(EVKG)):]
        write = writes.get(local, [])
        if node in categories:
            # a conclusion: a description states it only as a regulator's decision (TRUST-01 refuses the rest)
            kinds = ["regulatory category, concluded by evkg's classification"]
            write = [f"a regulator's decision only, as {w}" for w in write]
        else:
            parents = [graph.value(o, RDFS.label) for t in (RDF.type, RDFS.subClassOf) for o in graph.objects(node, t)
                       if isinstance(o, URIRef) and str(o).startswith(str(EVKG))]
            kinds = [f"evkg {', '.join(sorted(str(p) for p in parents if p))}"] if any(parents) else ["evkg term"]
        hits.append({"iri": str(node), "curie": f"evkg:{local}", "label": str(label),
                     "synonyms": sorted(str(s) for s in graph.objects(node, SKOS.altLabel)), "kinds": kinds,
                     "obsolete": False, "replaced_by": [], "source": "evkg", "space": "evkg",
                     "write": write})
    return tuple(hits)


def _vocabulary_hits(phrase: str) -> list[dict]:
    """evkg's own terms whose label, synonym or name holds the phrase at the start of a word (sEV, OMV, ATMP)."""
    found = []
    for hit in _vocabulary():
        names = [hit["label"], *hit["synonyms"], hit["curie"].split(":", 1)[1]]
        if any(re.search(r"(?<![a-z0-9])" + re.escape(phrase), n.lower()) for n in names):
            found.append(hit)
    return found


def search_terms(query: str, *, for_property: str | None = None, kinds: list[str] | None = None,
                 spaces: list[str] | None = None, limit: int = 20) -> list[dict]:
    """Terms matching ``query`` from the term index, limited to the kinds a property takes (``for_property``)
    or to the given kinds, and to the given CURIE prefixes; best first. Each hit is the index's dict (iri,
    label, kinds, obsolete, replaced_by, source) with ``curie`` as the evkg context writes it and ``space``."""
    from evkg.terms import search_terms as index_search

    phrase = " ".join(query.split()).lower()
    if not phrase:
        raise UsageError("give some words to search for, e.g. evkg terms search \"osteoarthritis\".")
    wanted = list(kinds or []) + (list(kinds_for(for_property)) if for_property else [])
    if for_property and not kinds_for(for_property):
        # a property of evkg's own values (particleKind: SmallEV): its values whose names match, else what it takes
        named = [h for h in _vocabulary_hits(phrase)
                 if any(w.split(": ", 1)[0] == for_property for w in h["write"])]
        if named:
            return [{**h, "write": [w for w in h["write"] if w.split(": ", 1)[0] == for_property]}
                    for h in sorted(named, key=lambda h: _rank(h, phrase))[:limit]]
        raise UsageError(_takes_no_terms(for_property))
    unknown = sorted({s for s in spaces or []} - _known_spaces())
    if unknown:
        from evkg.core.identifiers import identifier_stems

        raise UsageError(f"no terms are known under the prefix {', '.join(unknown)}; ontology prefixes: "
                         f"{', '.join(sorted(identifier_stems(), key=str.lower))}.")
    wanted_spaces = {s.lower() for s in spaces or []}
    found: dict[str, dict] = {}
    for kind in wanted or [None]:
        for hit in index_search(query, kind=kind, limit=max(limit * 2, 20)):
            found.setdefault(hit["iri"], hit)
    patterns = accepted_patterns(for_property) if for_property else ()
    if not wanted and not spaces or "evkg" in wanted_spaces:
        for hit in _vocabulary_hits(phrase):           # evkg's own values: written by name, not as a CURIE
            found.setdefault(hit["iri"], hit)
    hits = []
    for order, hit in enumerate(found.values()):
        if not all(pattern.search(hit["iri"]) for pattern in patterns):
            continue
        if for_property and hit.get("obsolete"):
            continue                  # the checks refuse an obsolete term (TERM-03): not one to write
        curie = hit["curie"] if hit.get("source") == "evkg" else _compactor().curie(hit["iri"])
        space = curie.split(":", 1)[0] if curie != hit["iri"] else ""
        if wanted_spaces and space.lower() not in wanted_spaces:
            continue
        if hit.get("source") != "evkg":
            hit = {**hit, "curie": curie, "space": space}
        hits.append((hit.get("obsolete", False), _rank(hit, phrase), order, hit))
    hits.sort(key=lambda item: item[:3])
    return [item[3] for item in hits[:limit]]


def keys_taking(hit: dict) -> list[str]:
    """The keys of a description that take this term: the property accepts one of its kinds and the shapes'
    patterns let its IRI through (a cell line goes under cellLine, a species under organism)."""
    from evkg.terms.index import expected_kinds, term_kinds

    kind_iris = {iri for iri, kind in term_kinds().items() if kind.label in hit.get("kinds", ())}
    keys = []
    for prop, kinds in sorted(expected_kinds().items()):
        key = prop[len(str(EVKG)):]
        if kind_iris & set(kinds) and all(pattern.search(hit["iri"]) for pattern in accepted_patterns(key)):
            keys.append(key)
    return keys


def no_match_message(text: str, for_property: str | None = None) -> str:
    """What to do when a search finds nothing: the terms of other kinds that match (and the keys that take
    them), or how to write a term no index holds. `evkg terms search` and the page's look-up say the same."""
    from evkg.core.safe_text import shortened

    shown = repr(shortened(text))
    if for_property:
        from evkg.terms import search_terms as search_everywhere

        elsewhere = search_everywhere(text, limit=3)
        if elsewhere:
            def offered(hit: dict) -> str:
                keys = keys_taking(hit)
                where = f"; write it under {' or '.join(keys)}" if keys else "; no key of a description takes it"
                return f"{hit['label']} {hit['curie']} ({', '.join(hit['kinds']) or 'kind unknown'}{where})"

            return (f"No term that {for_property} accepts matches {shown}; other terms do: "
                    f"{', '.join(offered(h) for h in elsewhere)}.")
    close = _closest_words(text, for_property)
    from evkg.validation.id_digits import padded_identifier

    meant = padded_identifier(text)
    if meant:                                     # MONDO:005178: the digits miscounted, or a space for ':'
        from evkg.terms.index import default_index

        close = f" Did you mean {_compactor().curie(meant)} ({default_index().label(meant)})?" + close
    return (f"No term matches {shown} among the terms evkg knows (a selection of each ontology, and the "
            f"ontologies you added).{close} If you know the term's identifier, write it as a CURIE "
            f"({_example_curie(for_property)}): "
            f"a term of the right ontology that no index holds is accepted with a warning (TERM-02). To search "
            f"and check every term of an ontology, add it with `evkg terms add FILE`.")


def _example_curie(for_property: str | None) -> str:
    """How an identifier of the ontology a key takes is written: "NCBITaxon:<identifier>" for organism."""
    from evkg.authoring.model import description_model

    spaces = next((f.term_spaces for slot in description_model().slots.values() for f in slot.fields
                   if f.key == for_property and f.term_spaces), None)
    if not spaces:
        return "e.g. MONDO:0005178"
    written = [f"{space}:<identifier>" for space in spaces]
    return (", ".join(written[:-1]) + " or " + written[-1] if len(written) > 1 else written[0]) + f" for {for_property}"


def _closest_words(text: str, for_property: str | None) -> str:
    """' Closest: …' — the names nearest to a search that matched nothing as a phrase ("pancreatic cancer"
    finds no label holding those two words together, but pancreatic ductal adenocarcinoma is close). A name
    counts when it shares a word of four letters or more with the search, or is spelled much like it."""
    import difflib

    from evkg.terms.index import default_index, term_kinds

    if len(text) > 200:                         # a pasted page: no likeness worth computing
        return ""
    index = default_index()
    words = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= 4}

    def near(term) -> bool:
        names = [term.label.lower(), *(s.lower() for s in term.synonyms)]
        return any(words & set(re.findall(r"[a-z0-9]+", name)) for name in names) or any(
            difflib.SequenceMatcher(None, text.lower(), name).ratio() >= 0.6 for name in names)

    kinds = kinds_for(for_property) if for_property else ()
    terms = [t for t in index.closest(text, kinds=kinds, limit=6) if near(t)][:3]
    if not terms:
        return ""
    labels = term_kinds()

    def shown(term) -> str:
        kind = ", ".join(sorted(labels[k].label for k in index.kinds_of(term.iri) if k in labels))
        return f"{term.label} ({_compactor().curie(term.iri)}{', ' + kind if kind else ''})"

    return " Closest: " + "; ".join(shown(t) for t in terms) + "."
