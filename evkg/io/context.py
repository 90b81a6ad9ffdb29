"""The evkg JSON-LD context: plain keys for the ontology's properties, plain names for its values, CURIEs.

With it a description can say ``intendedUse: [Treatment]``, ``cellContent: NoCells`` and
``indication: MONDO:0005178`` instead of full IRIs:

- every property the ontology declares is a key named by its local name (``hasEVComponent``); a few common
  properties from other vocabularies get a plain key too (``label``, ``comment``, ``source``);
- every property whose values are IRIs reads its string values in vocabulary mode, so a bare name is an evkg
  term (``Treatment`` → evkg:Treatment) and ``MONDO:0005178`` or ``product:my-ev`` is a CURIE; a property with
  a closed list of values also reads each value's label and lower-case name (``treatment``, ``no cells``);
- literal properties carry their datatype, so ``diseaseClaim: true`` is an xsd:boolean and ``value: 0.2`` an
  xsd:decimal, as the shapes expect;
- the prefixes are the bundled ones plus the identifier prefixes of the term index (the OBO ID spaces of the
  locally declared external terms, EFO, CVCL …), so every CURIE `evkg terms search` prints can be written.

The context is generated from the ontology and the shapes (`build_context`), shipped as
ontology/context.jsonld and read from there (`bundled_context`); a test fails when the file is stale. It is
never fetched: a document that names its public address (CONTEXT_URL) gets the bundled copy.
"""
from __future__ import annotations

import functools
import json
import re

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import SH, SKOS

from evkg.core import resources
from evkg.core.namespaces import EVD, EVKG, PREFIXES
from evkg.core.identifiers import identifier_stems

RANGE_INCLUDES = URIRef("https://schema.org/rangeIncludes")
CONTEXT_URL = "https://w3id.org/evkg/context.jsonld"
CONTEXT_FILE = "context.jsonld"

# Aliases that keep JSON-LD keywords out of a person's way.
KEYWORD_ALIASES = {"id": "@id", "type": "@type", "graph": "@graph"}

# Common properties from other vocabularies, under plain keys (key, prefix:local).
BORROWED_PROPERTIES = {
    "label": "rdfs:label",
    "comment": "rdfs:comment",
    "seeAlso": "rdfs:seeAlso",
    "source": "dct:source",
    "identifier": "dct:identifier",
    "date": "dct:date",
    "title": "dct:title",
    "citesAsEvidence": "cito:citesAsEvidence",
    "altLabel": "skos:altLabel",
    "definition": "skos:definition",
}
_IRI_VALUED_BORROWED = {"source", "citesAsEvidence", "seeAlso"}
_BORROWED_DATATYPES = {"date": "xsd:date"}

# Prefixes for the curated data's own IRIs and the records cited most.
DATA_PREFIXES = {
    "product": f"{EVD}product/",
    "trial": f"{EVD}trial/",
    "paper": f"{EVD}paper/",
    "act": f"{EVD}act/",
    "jur": f"{EVD}jurisdiction/",
    "ex": f"{EVD}example/",
    "uniprot": "http://purl.uniprot.org/uniprot/",
    "up": "http://purl.uniprot.org/uniprot/",
    "upcore": "http://purl.uniprot.org/core/",
    "cellosaurus": "https://www.cellosaurus.org/",
    "efo": "http://www.ebi.ac.uk/efo/",
}
# Prefixes read but never written (the writer uses the first name of a namespace above: uniprot, not up).
READ_ONLY_PREFIXES = {"up"}
_OBO = PREFIXES["obo"]
_OBO_ID = re.compile(re.escape(_OBO) + r"([A-Za-z][A-Za-z0-9]*)_")


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _qname(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and prefix != "evkg":
            return f"{prefix}:{iri[len(base):]}"
    return iri


def obo_id_spaces(ontology: Graph) -> list[str]:
    """The OBO ID spaces (MONDO, CL, UBERON …) of the external terms declared in the ontology."""
    found = set()
    for term in ontology.all_nodes():
        if isinstance(term, URIRef):
            match = _OBO_ID.match(str(term))
            if match:
                found.add(match.group(1))
    return sorted(found)


def _literal_datatypes(ontology: Graph, shapes: Graph) -> dict[str, str]:
    """The datatype a literal property is read as: its rdfs:range, else the shapes' sh:datatype (the first
    option of an sh:or list)."""
    found: dict[str, str] = {}
    for prop, range_ in ontology.subject_objects(RDFS.range):
        if (str(range_).startswith(str(XSD)) and range_ != XSD.string  # a plain string is already xsd:string
                and str(prop).startswith(str(EVKG))):
            found[str(prop)] = str(range_)
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef) or str(path) in found:
            continue
        datatype = shapes.value(shape, SH.datatype)
        if datatype is None:
            options = shapes.value(shape, SH["or"])
            if options is not None:
                for option in shapes.items(options):
                    datatype = shapes.value(option, SH.datatype)
                    if datatype is not None:
                        break
        if datatype is not None and str(datatype) != str(XSD.string):
            found[str(path)] = str(datatype)
    return found


# Annotation properties whose values name a fact of the vocabulary (notReported: [vesicleKind]), read as names.
_NAMES_A_FACT = {str(EVKG.notReported)}


def build_context(ontology: Graph | None = None, shapes: Graph | None = None) -> dict:
    """The context as a JSON-serialisable dict, generated from the ontology and the validation shapes."""
    ontology = resources.ontology_graph() if ontology is None else ontology
    shapes = resources.shapes_graph() if shapes is None else shapes
    context: dict = {"@version": 1.1, "@vocab": str(EVKG)}
    context.update(KEYWORD_ALIASES)
    for prefix, base in sorted({**PREFIXES, **DATA_PREFIXES}.items()):
        context[prefix] = base
    for id_space in obo_id_spaces(ontology):
        if id_space not in context:
            context[id_space] = {"@id": f"{_OBO}{id_space}_", "@prefix": True}
    for id_space, stem in identifier_stems().items():     # every CURIE `evkg terms search` prints reads back
        if id_space not in context:
            context[id_space] = {"@id": stem, "@prefix": True}
    datatypes = _literal_datatypes(ontology, shapes)
    properties = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
        properties.update(str(p) for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(EVKG)))
    object_properties = {str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty)}
    for prop in sorted(properties):
        key = prop[len(str(EVKG)):]
        if not key or key in context:
            continue
        if prop in datatypes:
            datatype = datatypes[prop]
            context[key] = {"@id": f"evkg:{key}", "@type": _qname(datatype)}
        elif prop in object_properties or prop in _NAMES_A_FACT or _iri_valued(ontology, shapes, prop):
            context[key] = {"@id": f"evkg:{key}", "@type": "@vocab"}
            aliases = _value_aliases(ontology, shapes, prop)
            if aliases:
                context[key]["@context"] = aliases
        else:
            context[key] = {"@id": f"evkg:{key}"}
    for key, target in BORROWED_PROPERTIES.items():
        entry: dict = {"@id": target}
        if key in _IRI_VALUED_BORROWED:
            entry["@type"] = "@vocab"
        elif key in _BORROWED_DATATYPES:
            entry["@type"] = _BORROWED_DATATYPES[key]
        context[key] = entry
    return {"@context": context}


def _value_aliases(ontology: Graph, shapes: Graph, prop: str) -> dict[str, str]:
    """Plain-word names for the closed list of values a property takes: each value's labels (rdfs:label,
    skos:altLabel) and its name in lower case, so `cellContent: no cells` (or `none`) and `intendedUse:
    [treatment]` read as evkg:NoCells and evkg:Treatment. Scoped to the property, so the same word can name
    different values of different properties; a word that names two values of one property is left out."""
    names: dict[str, set] = {}
    for local, words in value_names(ontology, shapes, prop).items():
        for name in {local.lower()} | set(words) | {word.lower() for word in words}:    # as written, and lower case
            if name and name != local and not re.search(r"[:/@#\[\]]", name):
                names.setdefault(name, set()).add(f"evkg:{local}")
    for iri in _listed_data_values(shapes, prop):         # jurisdiction: EU, US, KR name evkg's data IRIs
        code = iri.rsplit("/", 1)[-1]
        for name in {code, code.lower()}:
            names.setdefault(name, set()).add(iri)
    return {name: next(iter(iris)) for name, iris in sorted(names.items()) if len(iris) == 1}


def _listed_data_values(shapes: Graph, prop: str) -> set[str]:
    """The IRIs of evkg's data (a jurisdiction) that a property's sh:in lists allow."""
    return {str(v) for shape in shapes.subjects(SH.path, URIRef(prop))
            for allowed in [shapes.value(shape, SH["in"])] if allowed is not None
            for v in shapes.items(allowed) if isinstance(v, URIRef) and str(v).startswith(str(EVD))}


def closed_values(ontology: Graph, shapes: Graph, prop: str) -> set:
    """The closed list of evkg values a property takes: its sh:in lists, else the classes at or below its
    evkg:valueClassesUnder (a property whose values are classes), else the named individuals of its range (or
    of the class its evkg values come from, schema:rangeIncludes, for a property that also takes external
    terms)."""
    values: set = set()
    for shape in shapes.subjects(SH.path, URIRef(prop)):
        allowed = shapes.value(shape, SH["in"])
        if allowed is not None:
            values.update(v for v in shapes.items(allowed) if isinstance(v, URIRef) and str(v).startswith(str(EVKG)))
    root = ontology.value(URIRef(prop), EVKG.valueClassesUnder)      # a property whose values are classes
    if not values and root is not None:
        values.update(c for c in ontology.transitive_subjects(RDFS.subClassOf, root)
                      if isinstance(c, URIRef) and str(c).startswith(str(EVKG)))
    range_ = ontology.value(URIRef(prop), RDFS.range) or ontology.value(URIRef(prop), RANGE_INCLUDES)
    if not values and range_ is not None:
        values.update(i for i in ontology.subjects(RDF.type, range_)
                      if (i, RDF.type, OWL.NamedIndividual) in ontology and str(i).startswith(str(EVKG)))
    return values


def value_names(ontology: Graph, shapes: Graph, prop: str, values=None) -> dict[str, tuple[str, ...]]:
    """Each value of a property (its closed list unless values are given), by local name, with its labels
    (rdfs:label, skos:altLabel) as written."""
    values = closed_values(ontology, shapes, prop) if values is None else values
    return {str(value)[len(str(EVKG)):]: tuple(sorted({str(w).strip() for p in (RDFS.label, SKOS.altLabel)
                                                        for w in ontology.objects(value, p)}))
            for value in values if str(value).startswith(str(EVKG))}


def loose_name(text: str) -> str:
    """A name with case, spaces, hyphens and underscores ignored: `No Cells`, `no-cells` and `NO_CELLS` are
    all `nocells`, as `NoCells` is."""
    return re.sub(r"[\s_-]+", "", text).casefold()


def loosely_named(written: str, names: dict[str, tuple[str, ...]]) -> list[str]:
    """The values (local names) whose name or one of whose labels is the written name, loosely compared
    (loose_name). More than one means the name is ambiguous."""
    wanted = loose_name(written)
    return sorted(local for local, labels in names.items()
                  if wanted and any(loose_name(name) == wanted for name in (local, *labels)))


def loosely_named_value(prop: str, written: str, scoped: dict) -> str | None:
    """The CURIE of the one value of a property's closed list a name written in other case or spacing names (its
    scoped context `scoped` holds the list); None when it names none or several, or is a value's own name."""
    if written in {target.partition(":")[2] for target in scoped.values()}:
        return None
    matches = loosely_named(written, closed_list_names(prop))
    return f"evkg:{matches[0]}" if len(matches) == 1 else None


@functools.cache
def listed_data_names(prop: str) -> tuple[str, ...]:
    """The names of the values of evkg's data a property's sh:in lists allow (EU, KR, US for a jurisdiction)."""
    return tuple(sorted(_local(v) for v in _listed_data_values(resources.shapes_graph(), prop)))


@functools.cache
def closed_list_names(prop: str) -> dict[str, tuple[str, ...]]:
    """value_names of a property's closed list in the bundled ontology and shapes."""
    return value_names(resources.ontology_graph(), resources.shapes_graph(), prop)


def _iri_valued(ontology: Graph, shapes: Graph, prop: str) -> bool:
    """An annotation property whose values are IRIs: the shapes say sh:nodeKind sh:IRI, sh:class or sh:in,
    or the ontology gives it a class range."""
    for shape in shapes.subjects(SH.path, URIRef(prop)):
        if (shapes.value(shape, SH.nodeKind) in (SH.IRI, SH.BlankNodeOrIRI) or shapes.value(shape, SH["class"])
                is not None or shapes.value(shape, SH["in"]) is not None):
            return True
    range_ = ontology.value(URIRef(prop), RDFS.range)
    return range_ is not None and not str(range_).startswith(str(XSD)) and range_ != RDFS.Literal


def context_text(context: dict | None = None) -> str:
    return json.dumps(build_context() if context is None else context, indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _bundled_text() -> str:
    return (resources.folder("ontology") / CONTEXT_FILE).read_text(encoding="utf-8")


def bundled_context() -> dict:
    """The shipped context document ({"@context": {...}}), a fresh copy each call."""
    return json.loads(_bundled_text())


def bundled_context_text() -> str:
    return _bundled_text()
