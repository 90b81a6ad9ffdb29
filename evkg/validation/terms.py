"""Checks of the external ontology terms a description uses, against the term index (evkg.terms).

Each term value is checked once: obsolete (TERM-03), of the wrong kind for its property (TERM-04), absent from
an added ontology that covers its prefix (TERM-05), or absent from every index (TERM-02, a warning: evkg
cannot tell). Text where a term is needed is TERM-06: an identifier or a name written as a literal, and a name
the evkg vocabulary does not declare given to a property that takes ontology terms (YAML reads a bare word as an
evkg name), which would otherwise be a mere unknown-name warning while the required fact is in fact missing.
The wording with the closest labels is built here; each shape in shapes/terms.ttl carries the general
message, severity and source.
"""
from __future__ import annotations

import difflib
import functools
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from evkg.core.namespaces import EVKG, EVSH
from evkg.core.redefinitions import declared_evkg_terms
from evkg.io.context import BORROWED_PROPERTIES, loosely_named
from evkg.terms.index import OBO_PURL, TERM_NAMESPACES, TermIndex, curie_of, default_index, id_prefix, iri_for_identifier, \
    term_kinds

NOT_INDEXED = EVSH["TERM-02-TermNotIndexed"]
UNKNOWN_TERM_SHAPE = EVSH["TERM-01-UnknownTerm"]
OBSOLETE = EVSH["TERM-03-ObsoleteTerm"]
WRONG_KIND = EVSH["TERM-04-WrongKindOfTerm"]
NONEXISTENT = EVSH["TERM-05-NonexistentTerm"]
IDENTIFIER_AS_TEXT = EVSH["TERM-06-IdentifierAsText"]
TERM_CHECK_SHAPES = frozenset({NOT_INDEXED, OBSOLETE, WRONG_KIND, NONEXISTENT, IDENTIFIER_AS_TEXT})
_IDENTIFIER_TEXT = r"^\\s*(obo:)?[A-Za-z][A-Za-z0-9]*[:_][A-Za-z]?[0-9][0-9A-Za-z]*\\s*$"


def term_results(submitted, index: TermIndex | None = None) -> list:
    """RawResults for every term usage in the submitted data that the index shows to be wrong or unknown."""
    from evkg.validation.compiled import DATA_GRAPH

    index = index or default_index()
    data = f"<{DATA_GRAPH.value}>"
    starts = " || ".join(f'STRSTARTS(STR(?o), "{ns}")' for ns in TERM_NAMESPACES)
    results = []
    rows = submitted.store.query(f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH {data} {{ ?s ?p ?o }}
          FILTER(isIRI(?o) && ({starts})) }}""", use_default_graph_as_union=True)
    for row in rows:
        subject, predicate, term = (submitted.as_rdflib[t] for t in row)         # ?s ?p ?o
        found = _check_term(submitted, index, predicate, term)
        if found is not None:
            shape, severity, detail = found
            results.append(_raw(subject, predicate, term, shape, severity, detail))
    rows = submitted.store.query(f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH {data} {{ ?s ?p ?o }}
          FILTER(isLiteral(?o) && REGEX(STR(?o), "{_IDENTIFIER_TEXT}")) }}""", use_default_graph_as_union=True)
    identifiers = set()
    for row in rows:
        subject, predicate, text = (submitted.as_rdflib[t] for t in row)
        iri = iri_for_identifier(str(text))
        if iri is None:
            continue
        identifiers.add((subject, predicate, text))
        label = index.label(iri)
        named = f" ({label})" if label else ""
        turtle = f", in Turtle `obo:{iri.rsplit('/', 1)[-1]}`" if iri.startswith(OBO_PURL) else ""
        detail = f"Write it as the IRI <{iri}>{named}: `{_curie(iri)}` in YAML or JSON{turtle}, without quotes."
        results.append(_raw(subject, predicate, text, IDENTIFIER_AS_TEXT, SH.Violation,
                            f"The identifier \"{text}\" is written as text, so no check or rule can recognise it. "
                            + detail))
    results += [r for r in _text_for_terms(submitted, index) if (r.focus, r.path, r.value) not in identifiers]
    return results


def _text_for_terms(submitted, index: TermIndex) -> list:
    """TERM-06 for free text, and for names the evkg vocabulary does not declare, given to a property that
    takes ontology terms, with the closest terms of the kinds it takes."""
    from evkg.terms.index import expected_kinds
    from evkg.validation.compiled import DATA_GRAPH
    from evkg.validation.id_digits import padded_identifier, padded_term

    wanted = expected_kinds()
    if not wanted:
        return []
    properties = " ".join(f"<{p}>" for p in wanted)
    rows = submitted.store.query(f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {properties} }} GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }}
          FILTER(isLiteral(?o) || STRSTARTS(STR(?o), "{EVKG}")) }}""", use_default_graph_as_union=True)
    declared = declared_evkg_terms()
    results = []
    for row in rows:
        subject, predicate, value = (submitted.as_rdflib[t] for t in row)
        key = str(predicate)[len(str(EVKG)):]
        prop = submitted.label(predicate)
        if isinstance(value, URIRef):
            if str(value) in declared:
                continue
            local = str(value)[len(str(EVKG)):]
            written = f"evkg:{local}, a name the evkg vocabulary does not declare"
            # BoneMarrowMSC and bone-marrow read as words; miR-140-5p and CL_0002540 stay as written
            words = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[A-Za-z])[_-]+(?=[A-Za-z])", " ", local)
        else:
            written = f"the text \"{value}\""
            words = str(value)
        exact = (iri_for_identifier(re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", "_", local))
                 if isinstance(value, URIRef) else None)
        exact = exact or padded_term(predicate, value) or (   # `indication: 5178` or `MONDO 0005178`
            _taken(predicate, padded_identifier(str(value))) if isinstance(value, Literal) else None)
        kinds = wanted[str(predicate)]
        close = [exact] if exact else [t.iri for t in index.closest(words, kinds)]
        if not close:       # "CD-63", "TSG 101": the name as the search finds it (CD63, TSG101)
            close = [hit["iri"] for hit in index.search(words, limit=20)
                     if not hit["obsolete"] and (not kinds or index.kinds_of(hit["iri"]) & set(kinds))][:2]
        if close:
            hint = ("Did you mean " + " or ".join(
                _curie(iri) + (f" ({index.label(iri)})" if index.label(iri) else "") for iri in close)
                + f"? Write it as `{key}: {_curie(close[0])}`.")
        else:
            hint = f"Did you mean an ontology term? Find its CURIE with `evkg terms search \"{words}\" --for {key}`."
        results.append(_raw(subject, predicate, value, IDENTIFIER_AS_TEXT, SH.Violation,
                            f"The {prop} is {written}, so no check or rule can recognise it: the {prop} takes an "
                            f"ontology term, written as its CURIE. {hint}"))
    return results


def _taken(prop, iri: str | None) -> str | None:
    """The IRI when the shapes' patterns for the property let it through."""
    from evkg.validation.id_digits import property_patterns

    return iri if iri and all(p.search(iri) for p in property_patterns(str(prop))) else None


@functools.cache
def _compactor():
    from evkg.io.write import Compactor

    return Compactor()


def _curie(iri: str) -> str:
    """The CURIE a description writes for a term (MONDO:0005178, EFO:0004905, CVCL:0063, uniprot:P08962)."""
    return _compactor().curie(iri)


def _check_term(submitted, index: TermIndex, predicate, term) -> tuple | None:
    from evkg.terms.index import expected_kinds

    iri = str(term)
    if predicate == RDF.type or id_prefix(iri) is None:
        return None
    expected = expected_kinds().get(str(predicate), ())
    known = index.get(iri)
    shown = _shown(index, iri)
    kinds = index.kinds_of(iri)
    if known is not None and known.obsolete:
        replacements = [f"{index.label(r) or curie_of(r)} <{r}>" for r in known.replaced_by]
        if not replacements:
            name = known.label.removeprefix("obsolete ").strip()
            replacements = [f"{t.label} <{t.iri}>" for t in index.closest(name, expected)]
        hint = f" Use {' or '.join(replacements)}." if replacements else " Search for the current term with `evkg terms search`."
        return OBSOLETE, SH.Violation, (f"The term {shown} is obsolete in its ontology ({known.source}); obsolete "
                                        f"terms no longer mean anything a reviewer can rely on.{hint}")
    if expected and kinds and not kinds & set(expected):
        return WRONG_KIND, SH.Violation, _wrong_kind_message(submitted, index, predicate, iri, shown, kinds, expected)
    if known is None:
        covering = index.covering_ontology(iri)
        if covering:
            label = submitted.labels.get(term)
            close = index.closest(label, expected) if label else _closest_identifiers(index, iri)
            hint = (" Closest: " + "; ".join(f"{t.label} <{t.iri}>" for t in close) + ".") if close else ""
            return NONEXISTENT, SH.Violation, (
                f"The term {curie_of(iri)} <{iri}> does not exist in {covering}, the ontology added for the "
                f"prefix {id_prefix(iri)}. Check the identifier for typing errors.{hint}")
        return NOT_INDEXED, SH.Warning, (
            f"The term {curie_of(iri)} <{iri}> is not in the term index, so evkg cannot check that it exists, "
            f"is current and is of the right kind. Add the ontology it comes from with `evkg terms add FILE` "
            f"(OBO, OWL or OBO-Graph JSON), or look the term up with `evkg terms search`.")
    return None


def _wrong_kind_message(submitted, index, predicate, iri, shown, kinds, expected) -> str:
    kind_labels = term_kinds()
    is_kind = " or ".join(sorted(kind_labels[k].label for k in kinds))
    needs = " or ".join(kind_labels[k].label for k in expected)
    prop = submitted.label(predicate)
    label = index.label(iri) or submitted.labels.get(URIRef(iri)) or ""
    close = index.closest(label, expected, strict=True) if label else []
    hint = (" Closest " + needs + " terms by label: " + "; ".join(f"{t.label} <{t.iri}>" for t in close) + "."
            ) if close else f" Find one with `evkg terms search TEXT {_search_option(predicate, expected)}`."
    return (f"The {prop} is {shown}, which is {_article(is_kind)} {is_kind} term; the {prop} needs "
            f"{_article(needs)} {needs} term.{hint}")


def _search_option(predicate, expected) -> str:
    """The search option that offers every kind the fact takes: `--for` the property, as the docs teach."""
    if str(predicate).startswith(str(EVKG)):
        return "--for " + str(predicate)[len(str(EVKG)):]
    return "--kind " + _kind_name(expected[0])


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def _kind_name(kind_iri: str) -> str:
    return kind_iri.rsplit("#", 1)[-1].removesuffix("TermKind").lower()


def _closest_identifiers(index: TermIndex, iri: str) -> list:
    prefix = id_prefix(iri)
    same = [t for t in index.terms.values() if id_prefix(t.iri) == prefix and not t.obsolete]
    names = difflib.get_close_matches(iri, [t.iri for t in same], n=3, cutoff=0.8)
    return [index.get(n) for n in names]


def _shown(index: TermIndex, iri: str) -> str:
    label = index.label(iri)
    return f"{curie_of(iri)} \"{label}\" <{iri}>" if label else f"{curie_of(iri)} <{iri}>"


def _raw(subject, predicate, value, shape, severity, message):
    from evkg.validation.compiled import RawResult

    return RawResult(focus=subject, path=predicate, value=value, shape=shape, severity=severity,
                     messages=frozenset({message}), component=SH.SPARQLConstraintComponent)


CONCLUSION_IN_SUBMISSION = EVSH["TRUST-01-ConclusionInSubmission"]


def conclusion_results(submitted) -> list:
    """One Violation per node of the submitted data that carries conclusions (outcomes, rules, validation
    results), naming its types and conclusion properties; attributed to the product it concerns."""
    from evkg.core.conclusions import category_class_iris, category_type_pattern, conclusion_classes, conclusion_pattern
    from evkg.core.namespaces import EVKG, curie
    from evkg.validation.compiled import DATA_GRAPH

    rows = submitted.store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {conclusion_pattern(f'<{DATA_GRAPH.value}>')} }}",
                                 use_default_graph_as_union=True)
    by_node: dict = {}
    for row in rows:
        subject, predicate, value = (submitted.as_rdflib[t] for t in row)
        by_node.setdefault(subject, []).append((predicate, value))
    for row in submitted.store.query(f"SELECT ?s ?p ?o WHERE {{ {category_type_pattern(f'<{DATA_GRAPH.value}>')} }}",
                                     use_default_graph_as_union=True):
        subject, predicate, value = (submitted.as_rdflib[t] for t in row)
        by_node.setdefault(subject, []).append((predicate, value))
    results = []
    classes = conclusion_classes() | {URIRef(c) for c in category_class_iris()}
    for node, triples in by_node.items():
        types = sorted({curie(str(o)) for p, o in triples if p == RDF.type and o in classes})
        props = sorted({curie(str(p)) for p, _ in triples if p != RDF.type})
        products = [o for p, o in triples if p == EVKG.ofProduct]
        focus = products[0] if products else node
        what = ", ".join(types + props)
        message = (f"The description states {len(triples)} conclusion statement(s) about {curie(str(node))} "
                   f"({what}); a submission states facts, never conclusions, so evkg ignored them and classified "
                   "the product from its facts alone. Remove them; record a regulator's decision as a fact with "
                   "evkg:agencyDetermination.")
        path = RDF.type if types else URIRef(next(iter(p for p, _ in triples if p != RDF.type)))
        value = URIRef(str(EVKG) + types[0].split(":", 1)[1]) if types and types[0].startswith("evkg:") else node
        results.append(_raw(focus, path, value, CONCLUSION_IN_SUBMISSION, SH.Violation, message))
    return results


REDEFINITION_IN_SUBMISSION = EVSH["TRUST-02-VocabularyRedefined"]


# predicates that only name or describe a term: given to a vocabulary term they are ignored, with a warning
NAMING_PREDICATES = frozenset(("http://www.w3.org/2000/01/rdf-schema#label",
                               "http://www.w3.org/2000/01/rdf-schema#comment",
                               "http://www.w3.org/2004/02/skos/core#prefLabel",
                               "http://www.w3.org/2004/02/skos/core#altLabel",
                               "http://www.w3.org/2004/02/skos/core#definition",
                               "http://purl.obolibrary.org/obo/IAO_0000115"))


def redefinition_results(submitted, statements) -> list:
    """One Violation per node the submitted data redefines or ties to the vocabulary (statements taken out of it
    by evkg.core.redefinitions), placed where the description uses that node when it does; a Warning when it only
    names or describes a term."""
    import pyoxigraph as ox

    from evkg.core.namespaces import curie
    from evkg.core.redefinitions import SCHEMA_PREDICATES, is_vocabulary_term
    from evkg.core.safe_text import shortened
    from evkg.validation.compiled import DATA_GRAPH

    def shown(text: str) -> str:
        return shortened(text, 200)

    as_rdflib = submitted.as_rdflib
    by_node: dict = {}
    for quad in statements:
        by_node.setdefault(quad.subject, []).append(quad)
    named = [n for n in by_node if isinstance(n, ox.NamedNode)]
    users: dict = {}                     # node -> (the first owned node that uses it, the property it uses)
    if named:
        rows = submitted.store.query(f"SELECT ?o ?s ?p WHERE {{ VALUES ?o {{ {' '.join(map(str, named))} }} "
                                     f"GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }} }} ORDER BY ?o ?s ?p")
        for used, user, link in rows:
            if used not in users and as_rdflib[user] in submitted.owners:
                users[used] = (as_rdflib[user], as_rdflib[link])
    results = []
    for node, quads in by_node.items():
        said = "; ".join(f"{curie(q.predicate.value)} {_written(q.object, shown)}" for q in quads[:5])
        said += f"; and {len(quads) - 5} more" if len(quads) > 5 else ""
        tied = [q for q in quads if q.predicate.value in SCHEMA_PREDICATES]
        severity = SH.Violation
        if all(q.predicate.value in NAMING_PREDICATES for q in quads):
            # a name or note given to a term (a Turtle file labelling the CL or UBERON terms it uses) changes
            # nothing once ignored: the report names terms in the vocabulary's words
            severity = SH.Warning
            message = (f"The description gives its own name or note to {_written(node, shown)}, a term of the "
                       f"vocabulary ({said}); evkg names vocabulary terms in the vocabulary's own words, so it "
                       "ignored these statements. They can be removed.")
        elif len(tied) == len(quads) and not (isinstance(node, ox.NamedNode) and is_vocabulary_term(node.value)):
            targets = ", ".join(sorted({curie(q.object.value) for q in tied}))
            message = (f"The description makes {_written(node, shown)} a kind, part or alias of {targets} "
                       f"({said}); a description uses the terms of the vocabulary and cannot add to what they "
                       f"cover, so evkg ignored this. Use the term itself, e.g. `a {targets.split(', ')[0]}` "
                       "on the node.")
        else:
            message = (f"The description redefines {_written(node, shown)}, a term of the vocabulary ({said}); "
                       "a description uses the vocabulary's terms as they are defined and cannot rename, retype "
                       "or alias them, so evkg ignored these statements. Remove them; give names to your own "
                       "nodes only.")
        if node in users:                    # shown where the description uses it
            (focus, path), value = users[node], as_rdflib[node]
        else:
            focus, path, value = as_rdflib[node], as_rdflib[quads[0].predicate], as_rdflib[quads[0].object]
        results.append(_raw(focus, path, value, REDEFINITION_IN_SUBMISSION, severity, message))
    return results


def _written(term, shown) -> str:
    """A term as a description writes it: a CURIE or <IRI>, or a quoted text (shortened)."""
    import pyoxigraph as ox

    from evkg.core.namespaces import curie

    if isinstance(term, ox.NamedNode):
        short = curie(term.value)
        return short if short != term.value else f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return '"' + shown(term.value) + '"'
    return "an unnamed node"


# ------------------------------------------------------------------------------------------ did you mean

def closest_evkg_names(local: str, predicate=None, *, as_property: bool = False, limit: int = 3,
                       on_types=()) -> list[str]:
    """The declared names closest to a misspelt one, among those that may stand where it was written (all
    those it names in other case or spacing or by a label, else the closest spellings), as prefixed names:
    properties for a predicate (evkg's own and those a description borrows, such as rdfs:label, which a YAML
    `lable:` means); classes a description may type a node with for rdf:type; for a value, the
    values its property allows (its sh:in lists, else the individuals of its range). Never a classification
    outcome, category, question or rule: a description may not state those, but for the category an agency's
    determination states (evkg:determinedCategory), the categories of the three jurisdictions. For a property said of a node of
    `on_types`, the properties said of such nodes come first (`cargo:` on a product: loadedCargo, not the
    cargo item's cargoKind)."""
    fitting = properties_of_types(frozenset(map(str, on_types))) if as_property and on_types else frozenset()
    close = _closest_local_names(local, predicate, as_property, limit, fitting)
    return [BORROWED_PROPERTIES.get(name) or f"evkg:{name}" for name in close]


# the name of a DNA or RNA molecule (evkg:NucleicAcid's definition): siRNA, miRNA, mRNA, plasmid DNA, miR-21,
# an antisense oligonucleotide (ASO)
_NUCLEIC_ACID_NAME = re.compile(r"^(?:(?:[A-Za-z]+ )*[A-Za-z]{0,6}(?:RNA|DNA)s?|miR-\S+|micro ?RNAs?|(?:antisense )?"
                                r"oligo(?:deoxy)?nucleotides?|ASOs?)$")


def _closest_local_names(local: str, predicate, as_property: bool, limit: int,
                         fitting: frozenset = frozenset()) -> list[str]:
    candidates = _allowed_names(str(predicate) if predicate is not None else None, as_property)
    if as_property:                   # a borrowed key by its YAML name (label), never shadowing an evkg name
        candidates = candidates + sorted(set(BORROWED_PROPERTIES) - set(candidates))
    same = loosely_named(local, _names_and_labels(str(predicate) if predicate is not None else None, as_property))
    if same:                                   # the same name in other case or spacing, or a synonym
        return same
    if "NucleicAcid" in candidates and _NUCLEIC_ACID_NAME.match(local.strip()):
        return ["NucleicAcid"]                 # siRNA, mRNA, pDNA: a kind of DNA or RNA molecule, no other value
    own = [c for c in candidates if c in fitting]
    own = list(dict.fromkeys(_sharing_a_word(local, own) + _closest_among(local, own, limit)))[:limit]
    return (own + [c for c in _closest_among(local, candidates, limit) if c not in own])[:limit]


def _closest_among(local: str, candidates: list[str], limit: int) -> list[str]:
    close = difflib.get_close_matches(local, candidates, n=limit, cutoff=0.6)
    close += [n for n in candidates if n.lower() == local.lower() and n not in close]
    if len(close) < limit:                     # a word of the name, e.g. Vaccine in PathogenVaccination
        # a whole word, not letters inside one: therapy is no hint of AntiTumourImmunotherapy, nor anti of Antigen
        words = {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[0-9]+", local) if len(w) > 4}
        close += _most_alike(local, [n for n in candidates if n not in close
                                     and any(part.lower().startswith(w[:-1]) for w in words
                                             for part in _WORD_PARTS.findall(n))])[:limit - len(close)]
    return close


_WORD_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _most_alike(local: str, names: list[str]) -> list[str]:
    """`names` with those spelt most like `local` (in any case) first."""
    return sorted(names, key=lambda n: -difflib.SequenceMatcher(None, local.lower(), n.lower()).ratio())


def _sharing_a_word(local: str, candidates: list[str]) -> list[str]:
    """The candidates with a whole word of `local` in their name (kind: cargoKind), most alike first."""
    words = {w.lower() for w in _WORD_PARTS.findall(local) if len(w) > 2}
    return _most_alike(local, [n for n in candidates if words & {p.lower() for p in _WORD_PARTS.findall(n)}])


@functools.cache
def _names_and_labels(predicate: str | None, as_property: bool) -> dict[str, tuple[str, ...]]:
    from evkg.core import resources
    from evkg.io.context import value_names

    allowed = [EVKG[name] for name in _allowed_names(predicate, as_property)]
    return value_names(resources.ontology_graph(), resources.shapes_graph(), predicate or "", values=allowed)


@functools.cache
@functools.cache
def properties_of_types(types: frozenset) -> frozenset:
    """The evkg property names said of nodes of these classes: their domain is one of the classes or a broader
    one, a shape checks them on nodes of such a class, or they are facts of a cargo item."""
    from evkg.core import resources

    ontology, shapes = resources.ontology_graph(), resources.shapes_graph()
    classes = {URIRef(t) for t in types}
    classes |= {broader for c in list(classes) for broader in ontology.transitive_objects(c, RDFS.subClassOf)}
    found = {p for c in classes for p in ontology.subjects(RDFS.domain, c)}
    for cls in classes:
        for shape in shapes.subjects(SH.targetClass, cls):
            found |= set(shapes.objects(shape, SH.path))
            for part in shapes.objects(shape, SH.property):
                found |= set(shapes.objects(part, SH.path))
    if EVKG.CargoItem in classes:
        found |= set(ontology.subjects(EVKG.factOfCargoItem, Literal(True)))
    return frozenset(str(p)[len(str(EVKG)):] for p in found if str(p).startswith(str(EVKG)))


def _allowed_names(predicate: str | None, as_property: bool) -> list[str]:
    from rdflib.namespace import OWL, RDFS

    from evkg.core import resources
    from evkg.core.conclusions import conclusion_classes, conclusion_properties

    ontology, shapes = resources.ontology_graph(), resources.shapes_graph()
    refused = set(conclusion_classes()) | set(conclusion_properties())
    refused |= set(resources.subclass_closure(EVKG.RegulatoryCategory))
    refused |= set(ontology.subjects(RDF.type, EVKG.ClassificationQuestion))
    refused |= {s for c in conclusion_classes() for s in ontology.subjects(RDF.type, c)}

    def names(terms, refusing: bool = True) -> list[str]:
        return sorted({str(t)[len(str(EVKG)):] for t in terms
                       if isinstance(t, URIRef) and str(t).startswith(str(EVKG)) and not (refusing and t in refused)})

    if as_property:
        kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        # the vocabulary's own bookkeeping (indicationRoot, missingFactPrompt …): said of its terms and shapes,
        # never a fact a description is checked for
        paths = set(shapes.objects(None, SH.path))
        refused |= {p for p in ontology.subjects(RDF.type, OWL.AnnotationProperty) if p not in paths
                    and (next(ontology.triples((None, p, None)), None) or next(shapes.triples((None, p, None)), None))}
        return names(p for kind in kinds for p in ontology.subjects(RDF.type, kind))
    if predicate == str(RDF.type):
        return names(c for c in ontology.subjects(RDF.type, OWL.Class)
                     if not str(c)[len(str(EVKG)):].startswith(("Q_", "EU_", "US_", "KR_")))
    if predicate == str(EVKG.determinedCategory):   # a determination states a category of its jurisdiction
        return sorted(n for n in names(resources.subclass_closure(EVKG.RegulatoryCategory), refusing=False)
                      if n.startswith(("EU_", "US_", "KR_")))
    if predicate is not None:
        allowed = set()
        for shape in shapes.subjects(SH.path, URIRef(predicate)):
            for listed in shapes.objects(shape, SH["in"]):
                allowed.update(shapes.items(listed))
        range_ = ontology.value(URIRef(predicate), RDFS.range)
        if not allowed and range_ is not None:
            allowed = {i for cls in resources.subclass_closure(range_) for i in ontology.subjects(RDF.type, cls)}
        if not allowed:                  # no list declared: the values curated data gives the key, and their kin
            used = {v for v in resources.data_graph().objects(None, URIRef(predicate)) if str(v).startswith(str(EVKG))}
            for value in used:
                allowed |= {i for c in ontology.objects(value, RDF.type) if c != OWL.NamedIndividual
                            for i in ontology.subjects(RDF.type, c)}
                allowed |= {c for parent in ontology.objects(value, RDFS.subClassOf)
                            for c in resources.subclass_closure(parent)}
            allowed |= used
        if allowed:
            return names(allowed)
    return names(i for i in ontology.subjects(RDF.type, OWL.NamedIndividual))

