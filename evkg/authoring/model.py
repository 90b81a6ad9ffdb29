"""What a description can say, read from the shapes and the ontology: the model behind `evkg new` and the form.

A description is a tree of nodes ("slots"): the product, its vesicle preparation, the preparation's source,
its measurements, marker results, separation steps, the loaded cargo, release tests and so on. Each slot is
the set of nodes a shape targets (sh:targetClass evkg:EVProduct, or sh:targetObjectsOf a linking property);
its fields are the properties those shapes name (sh:path, or the ``(evkg:x AS ?path)`` of a SPARQL
constraint), with:

- the level: ``required`` (an unconditional sh:minCount at Violation, or a fact or MISEV minimum whose
  severity under the submission profile is Violation), ``classification`` (a regulatory fact,
  constraint id F-…, that a classification question waits for), ``recommended`` (a Warning or Info), or
  ``optional`` (only a value check);
- the kind of value: a choice among the ontology's values (sh:in, or the individuals of the property's
  range, or of the kinds of values the curated data uses), yes/no, a number, text, an external term (with
  the ID spaces the curated data and examples use for it, e.g. MONDO and NCIT for the indication), or a
  nested node;
- the words a person reads: the shape's sh:name, its message (what to give and why), and its sources.

Nothing here is written by hand per property except the grouping of slots into the sections a person sees
(SLOT_GROUPS), which is presentation only.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH, SKOS, XSD

from evkg.core import resources
from evkg.core.namespaces import DCT, EVKG, PREFIXES
from evkg.io.context import bundled_context

E = str(EVKG)
_PATH_IN_SPARQL = re.compile(r"\(\s*evkg:(\w+)\s+AS\s+\?path\s*\)")
_CONSTRAINT_ID = EVKG.constraintId
_SUBMISSION_SEVERITY = EVKG.submissionSeverity    # the severity under the submission profile, where shapes give one

# Sections of the form and of `evkg new` output, by the property that links a slot to its parent.
SLOT_GROUPS = {
    None: "product", "dose": "product", "agencyDetermination": "product",
    "hasEVComponent": "preparation", "separationStep": "preparation", "startingMaterialAmount": "preparation",
    "hasSource": "source",
    "loadedCargo": "cargo", "cargoAmountPerDose": "cargo", "coFormulatedActiveSubstance": "cargo",
    "engineeredVesicleComponent": "cargo",
    "measurement": "characterisation", "markerResult": "characterisation", "singleVesicleImaging": "characterisation",
    "releaseTest": "release tests", "potencyAssay": "release tests",
}
GROUP_ORDER = ("product", "source", "preparation", "cargo", "characterisation", "release tests")
LEVEL_ORDER = {"required": 0, "classification": 1, "recommended": 2, "optional": 3}
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_NUMBER_TYPES = {str(XSD.decimal), str(XSD.integer), str(XSD.double), str(XSD.float)}


@dataclass
class Field:
    key: str
    iri: str
    label: str
    kind: str                       # choice | boolean | number | integer | duration | text | term | node
    level: str = "optional"
    many: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)   # (value name, label)
    term_spaces: list[str] = field(default_factory=list)            # CURIE prefixes, e.g. ["MONDO", "NCIT"]
    message: str = ""
    sources: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    definition: str = ""
    slot: str | None = None         # for kind "node": the slot it opens
    alternatives: list[str] = field(default_factory=list)   # keys that answer the same question (either will do)

    def as_dict(self) -> dict:
        return {"key": self.key, "iri": self.iri, "label": self.label, "kind": self.kind, "level": self.level,
                "many": self.many, "choices": [{"value": v, "label": lab} for v, lab in self.choices],
                "term_spaces": self.term_spaces, "message": self.message, "sources": self.sources,
                "constraints": self.constraints, "definition": self.definition, "slot": self.slot,
                "source_labels": [source_label(s) for s in self.sources], "alternatives": self.alternatives}


@dataclass
class Slot:
    name: str                       # "product" or the linking property's key
    label: str
    parent: str | None
    via: str | None                 # the key on the parent that holds this node
    node_types: list[tuple[str, str]]   # allowed rdf:type values (name, label); the first is the default
    group: str
    many: bool
    level: str
    fields: list[Field] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "parent": self.parent, "via": self.via,
                "node_types": [{"value": v, "label": lab} for v, lab in self.node_types], "group": self.group,
                "many": self.many, "level": self.level, "fields": [f.as_dict() for f in self.fields]}


@dataclass
class Model:
    slots: dict[str, Slot]

    def as_dict(self) -> dict:
        return {"groups": list(GROUP_ORDER), "slots": [s.as_dict() for s in self.slots.values()]}


@functools.cache
def source_label(iri: str) -> str:
    """The short name of a paper or legal provision cited as a source (its label in the bundled references)."""
    label = resources.reference_graph().value(URIRef(iri), RDFS.label)
    return str(label) if label is not None else iri


def _local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


class _Reader:
    def __init__(self):
        self.ontology = resources.ontology_graph()
        self.shapes = resources.shapes_graph()
        self.examples = _usage_graph()
        self.context = bundled_context()["@context"]

    def label(self, iri) -> str:
        value = self.ontology.value(URIRef(str(iri)), RDFS.label)
        return str(value) if value is not None else _local(iri)

    def definition(self, iri) -> str:
        value = self.ontology.value(URIRef(str(iri)), SKOS.definition)
        return str(value) if value is not None else ""

    def targets(self, shape) -> list[str | None]:
        """Slot names a shape applies to: None for the product, else the linking property's key."""
        found: list[str | None] = []
        if (shape, SH.targetClass, EVKG.EVProduct) in self.shapes:
            found.append(None)
        for link in self.shapes.objects(shape, SH.targetObjectsOf):
            if str(link).startswith(E):
                found.append(str(link)[len(E):])
        return found

    def shape_paths(self, shape) -> list[str]:
        path = self.shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            return [str(path)]
        paths = []
        for constraint in self.shapes.objects(shape, SH.sparql):
            select = str(self.shapes.value(constraint, SH.select) or "")
            paths.extend(E + name for name in _PATH_IN_SPARQL.findall(select))
        return paths

    def individuals(self, cls) -> list[tuple[str, str]]:
        found = sorted({str(i) for i in self.ontology.subjects(RDF.type, URIRef(str(cls)))
                        if (i, RDF.type, OWL.NamedIndividual) in self.ontology})
        return [(_local(i), self.label(i)) for i in found if i.startswith(E)]

    def subclasses(self, cls) -> list[str]:
        return sorted({str(c) for c in self.ontology.transitive_subjects(RDFS.subClassOf, URIRef(str(cls)))
                       if str(c).startswith(E) and str(c) != str(cls)})

    def used_values(self, prop: str) -> list:
        return list(self.examples.objects(predicate=URIRef(prop)))


@functools.cache
def _usage_graph() -> Graph:
    """The curated products and the valid examples: which kinds of values each property takes in practice."""
    graph = Graph()
    root = resources.bundle_root()
    for path in sorted((resources.folder("data") / "products").glob("*.ttl")):
        graph.parse(path, format="turtle")
    examples = root / "examples" / "valid"
    if examples.is_dir():
        for path in sorted(examples.glob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


@functools.cache
def description_model() -> Model:
    """The slots and fields of a description, read from the shapes and the ontology (cached, read-only)."""
    reader = _Reader()
    # 1. Which shapes speak of which (slot, property).
    facts: dict[tuple[str | None, str], list] = {}
    for shape in set(reader.shapes.subjects(RDF.type, SH.PropertyShape)) | set(
            reader.shapes.subjects(RDF.type, SH.NodeShape)):
        for target in reader.targets(shape):
            for path in reader.shape_paths(shape):
                if path.startswith(E):
                    facts.setdefault((target, path[len(E):]), []).append(shape)
    slot_names = {None} | {t for t, _ in facts if t is not None}
    # 2. The parent of each slot: the slot whose shapes name its linking property (else its rdfs:domain).
    parents: dict[str | None, str | None] = {None: None}
    for name in slot_names - {None}:
        holders = sorted((t for t, p in facts if p == name and t != name), key=lambda t: (t is not None, t or ""))
        parents[name] = holders[0] if holders else None
    slots: dict[str, Slot] = {}
    order = _slot_order(slot_names, parents)
    for name in order:
        key = "product" if name is None else name
        prop = EVKG.EVProduct if name is None else EVKG[name]
        range_ = EVKG.EVProduct if name is None else reader.ontology.value(prop, RDFS.range)
        types = [("EVProduct", reader.label(EVKG.EVProduct))] if name is None else _node_types(reader, range_)
        fields = [_field(reader, name, prop_name, shapes) for (target, prop_name), shapes in facts.items()
                  if target == name]
        for child in slot_names - {None}:
            if parents.get(child) == name and all(f.key != child for f in fields):
                fields.append(_field(reader, name, child, []))
        for extra in sorted(_used_keys(reader, name) - {f.key for f in fields}):
            fields.append(_field(reader, name, extra, []))
        for needed in sorted(_rule_facts(reader, name) - {f.key for f in fields}):
            fields.append(_rule_fact_field(reader, name, needed))
        for f in fields:
            if f.key in slot_names and parents.get(f.key) == name:
                f.kind, f.slot, f.term_spaces, f.choices = "node", f.key, [], []
        fields.append(_label_field(reader, name))
        by_key = {f.key: f for f in fields}
        for f in fields:
            either = set(reader.ontology.objects(EVKG[f.key], EVKG.alternativeFact)) | set(
                reader.ontology.subjects(EVKG.alternativeFact, EVKG[f.key]))          # either answers: both ways
            f.alternatives = sorted(_local(a) for a in either if _local(a) in by_key)
            if f.level in ("required", "classification"):
                for alternative in f.alternatives:
                    if LEVEL_ORDER[by_key[alternative].level] > LEVEL_ORDER[f.level]:
                        by_key[alternative].level = f.level
        fields.sort(key=lambda f: (f.kind == "node", f.key != "label", LEVEL_ORDER[f.level], f.key))
        parent = parents.get(name)
        link_field = None
        if name is not None:
            parent_fields = facts.get((parent, name), [])
            link_field = _level(reader, parent_fields)
        slots[key] = Slot(
            name=key, label="product" if name is None else reader.label(prop), parent=None if name is None else
            ("product" if parent is None else parent), via=name, node_types=types,
            group=SLOT_GROUPS.get(name, "product"), many=name is not None and not _functional(reader, prop),
            level="required" if name is None else (link_field or "optional"), fields=fields)
    for slot in slots.values():             # a nested node is named as its parent's shapes name the link
        if slot.parent is not None:
            link = next((f for f in slots[slot.parent].fields if f.key == slot.via), None)
            if link is not None:
                slot.label = link.label
    return Model(slots)


def _used_keys(reader: _Reader, slot: str | None) -> set[str]:
    """evkg properties the curated products and examples state on the nodes of a slot."""
    usage = reader.examples
    nodes = set(usage.subjects(RDF.type, EVKG.EVProduct)) if slot is None else set(usage.objects(None, EVKG[slot]))
    keys = set()
    for node in nodes:
        for predicate in usage.predicates(node):
            if str(predicate).startswith(E) and not _is_link(reader, predicate):
                keys.add(str(predicate)[len(E):])
    return keys


def _rule_facts(reader: _Reader, slot: str | None) -> set[str]:
    """Product facts a classification rule needs that no shape asks for (orphanDesignation): without them in
    the template a question stays undecided for a fact the writer was never offered."""
    if slot is not None:
        return set()
    needed = resources.rules_graph().objects(None, EVKG.needsFact)
    return {str(p)[len(E):] for p in needed if (p, RDFS.domain, EVKG.EVProduct) in reader.ontology}


def _rule_fact_field(reader: _Reader, slot: str | None, key: str) -> Field:
    field_ = _field(reader, slot, key, [])
    field_.level = "classification"
    field_.message = str(reader.ontology.value(EVKG[key], EVKG.missingFactPrompt) or field_.definition)
    field_.sources = sorted(str(o) for o in reader.ontology.objects(EVKG[key], DCT.source))
    return field_


def _is_link(reader: _Reader, predicate) -> bool:
    """A property that links to a described node of its own (those become slots through their shapes)."""
    range_ = reader.ontology.value(predicate, RDFS.range)
    return range_ is not None and not reader.individuals(range_) and str(range_).startswith(E)


def _label_field(reader: _Reader, slot: str | None) -> Field:
    shapes = [s for s in reader.shapes.subjects(SH.path, RDFS.label)
              if slot is None and (s, SH.targetClass, EVKG.EVProduct) in reader.shapes]
    message = str(reader.shapes.value(shapes[0], SH.message)) if shapes else ""
    return Field(key="label", iri=str(RDFS.label), label="name" if slot is None else "short description",
                 kind="text", level=_level(reader, shapes) if shapes else "optional", many=False, message=message,
                 sources=sorted({str(o) for s in shapes for o in reader.shapes.objects(s, DCT.source)}),
                 constraints=sorted({str(reader.shapes.value(s, _CONSTRAINT_ID)) for s in shapes
                                     if reader.shapes.value(s, _CONSTRAINT_ID) is not None}))


def _slot_order(names, parents) -> list:
    def depth(name):
        d = 0
        while name is not None and d < 10:
            name, d = parents.get(name), d + 1
        return d
    group_rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    return sorted(names, key=lambda n: (n is not None, group_rank[SLOT_GROUPS.get(n, "product")], depth(n), n or ""))


def _node_types(reader: _Reader, range_) -> list[tuple[str, str]]:
    if range_ is None:
        return []
    subclasses = [c for c in reader.subclasses(range_)
                  if not any(True for _ in reader.ontology.subjects(RDFS.subClassOf, URIRef(c)))]
    chosen = subclasses or [str(range_)]
    return [(_local(c), reader.label(c)) for c in chosen]


def _functional(reader: _Reader, prop) -> bool:
    if (prop, RDF.type, OWL.FunctionalProperty) in reader.ontology:
        return True
    return any(reader.shapes.value(s, SH.maxCount) is not None and int(reader.shapes.value(s, SH.maxCount)) == 1
               for s in reader.shapes.subjects(SH.path, prop))


def _level(reader: _Reader, shapes: list) -> str:
    level = "optional"
    for shape in shapes:
        severity = reader.shapes.value(shape, SH.severity)
        constraint = str(reader.shapes.value(shape, _CONSTRAINT_ID) or "")
        min_count = reader.shapes.value(shape, SH.minCount)
        submission = reader.shapes.value(shape, _SUBMISSION_SEVERITY)
        if submission == SH.Violation and (min_count is not None or constraint.startswith("Q-")):
            candidate = "required"          # a regulatory fact or MISEV minimum that a submission must state
        elif submission == SH.Violation and constraint.startswith("F-"):
            candidate = "classification"    # asked only when the description says something that needs it
        elif min_count is not None and int(min_count) >= 1 and severity == SH.Violation:
            candidate = "required"
        elif constraint.startswith("F-") and (min_count is not None or reader.shapes.value(shape, SH.sparql)):
            candidate = "classification"
        elif severity in (SH.Warning, SH.Info) and (min_count is not None or reader.shapes.value(shape, SH.sparql)):
            candidate = "recommended"
        else:
            candidate = "optional"
        if LEVEL_ORDER[candidate] < LEVEL_ORDER[level]:
            level = candidate
    return level


def _field(reader: _Reader, slot: str | None, key: str, shapes: list) -> Field:
    prop = EVKG[key]
    in_order = sorted(shapes, key=lambda s: (reader.shapes.value(s, SH.path) is None, str(s)))   # the same every run
    label = next((str(reader.shapes.value(s, SH.name)) for s in in_order if reader.shapes.value(s, SH.name)), "") \
        or reader.label(prop)
    # The words and sources shown are those of the requirement itself: a property shape before a conditional
    # SPARQL check, the strictest level first; but a fact asked only for some products (level classification)
    # is shown in the words of the check that asks it, which say for which ("this protein or antigen") and why.
    level = _level(reader, shapes)

    def asks_the_fact(shape) -> bool:
        return level == "classification" and str(reader.shapes.value(shape, _CONSTRAINT_ID) or "").startswith("F-")

    ranked = sorted(((not asks_the_fact(s), reader.shapes.value(s, SH.path) is None, LEVEL_ORDER[_level(reader, [s])],
                      str(s)), s) for s in shapes if reader.shapes.value(s, SH.message) is not None)
    chosen = ranked[0][1] if ranked else None
    messages = [(0, 0, str(reader.shapes.value(chosen, SH.message)).replace("{?path}", key))] if chosen else []
    sources = sorted({str(o) for o in reader.shapes.objects(chosen, DCT.source)}) if chosen else sorted(
        {str(o) for s in shapes for o in reader.shapes.objects(s, DCT.source)})
    constraints = sorted({str(reader.shapes.value(s, _CONSTRAINT_ID)) for s in shapes
                          if reader.shapes.value(s, _CONSTRAINT_ID) is not None})
    field_ = Field(key=key, iri=str(prop), label=label, kind="text", level=level,
                   many=not _functional(reader, prop), message="",
                   sources=sources, constraints=constraints, definition=reader.definition(prop))
    if messages:
        field_.message = messages[0][2]
        if reader.shapes.value(chosen, SH.path) is None and field_.definition and not asks_the_fact(chosen):
            # a conditional check speaks of a finding ("no mycoplasma test is reported"), not of this product
            field_.message = f"{field_.definition} When it applies, evkg check says: {field_.message}"
    _value_kind(reader, field_, shapes)
    return field_


def _value_kind(reader: _Reader, field_: Field, shapes: list) -> None:
    prop = URIRef(field_.iri)
    for shape in shapes:
        allowed = reader.shapes.value(shape, SH["in"])
        if allowed is not None:
            values = [v for v in reader.shapes.items(allowed)]
            if all(isinstance(v, URIRef) for v in values):
                field_.kind = "choice"
                field_.choices = [(_local(v), reader.label(v)) for v in values]
            else:
                field_.kind = "boolean" if {str(v) for v in values} <= {"true", "false"} else "text"
            return
    datatypes = {str(reader.shapes.value(s, SH.datatype)) for s in shapes if reader.shapes.value(s, SH.datatype)}
    range_ = reader.ontology.value(prop, RDFS.range)
    if range_ is not None and str(range_).startswith(str(XSD)):
        datatypes.add(str(range_))
    for shape in shapes:
        options = reader.shapes.value(shape, SH["or"])
        if options is not None:
            datatypes.update(str(reader.shapes.value(o, SH.datatype)) for o in reader.shapes.items(options)
                             if reader.shapes.value(o, SH.datatype) is not None)
    context_type = (reader.context.get(field_.key) or {}).get("@type") if isinstance(
        reader.context.get(field_.key), dict) else None
    if str(XSD.boolean) in datatypes or context_type == "xsd:boolean":
        field_.kind = "boolean"
        return
    if str(XSD.integer) in datatypes and not datatypes & (_NUMBER_TYPES - {str(XSD.integer)}):
        field_.kind = "integer"
        return
    if datatypes & _NUMBER_TYPES or context_type in ("xsd:decimal", "xsd:double"):
        field_.kind = "number"
        return
    if str(XSD.duration) in datatypes:
        field_.kind = "duration"
        return
    used = reader.used_values(field_.iri)
    if datatypes or (prop, RDF.type, OWL.DatatypeProperty) in reader.ontology:
        literal_types = {str(v.datatype) for v in used if not isinstance(v, URIRef)}
        field_.kind = "number" if literal_types and literal_types <= _NUMBER_TYPES else "text"
        return
    # IRI-valued: the ontology's values for its range, else the kinds of values the curated data uses.
    if range_ is not None and reader.individuals(range_):
        field_.kind, field_.choices = "choice", reader.individuals(range_)
        return
    evkg_values = [v for v in used if isinstance(v, URIRef) and str(v).startswith(E)]
    if evkg_values:
        classes = set()
        for value in evkg_values:
            classes.update(t for t in reader.ontology.objects(value, RDF.type) if t != OWL.NamedIndividual)
        choices = {c for cls in classes for c in reader.individuals(cls)}
        if choices:
            field_.kind, field_.choices = "choice", sorted(choices, key=lambda c: c[1].lower())
            return
        parents = {p for v in evkg_values for p in reader.ontology.objects(v, RDFS.subClassOf)}
        values = {c for p in parents for c in reader.subclasses(p)} | {str(v) for v in evkg_values}
        field_.kind = "choice"
        field_.choices = sorted(((_local(c), reader.label(c)) for c in values), key=lambda c: c[1].lower())
        return
    if any(True for v in used if not isinstance(v, URIRef)):
        literal_types = {str(v.datatype) for v in used if not isinstance(v, URIRef)}
        field_.kind = "number" if literal_types and literal_types <= _NUMBER_TYPES else "text"
        return
    spaces = sorted({_id_space(str(v)) for v in used if isinstance(v, URIRef) and not str(v).startswith(E)}
                    - {None, "product", "trial", "paper", "act", "jur", "ex"})
    spaces += [space for space in _spaces_accepted(reader, shapes) if space not in spaces]
    if spaces or any(reader.shapes.value(s, SH.nodeKind) == SH.IRI for s in shapes) or isinstance(range_, URIRef):
        field_.kind, field_.term_spaces = "term", spaces
        return


# identifiers of the usual shapes (0000001, C12345, P12345), to ask whether a key's pattern takes an id space
_SAMPLE_IDS = ("0000001", "C12345", "P12345")


def _spaces_accepted(reader: _Reader, shapes: list) -> list[str]:
    """The CURIE prefixes of the evkg context whose terms the key's patterns accept (a cargo identity takes
    CHEBI, SO, PR and uniprot terms), beyond those the curated data happens to use; [] for a key without one."""
    patterns = [re.compile(str(p)) for s in shapes for p in reader.shapes.objects(s, SH.pattern)]
    if not patterns:
        return []
    found = {}
    for name, value in reader.context.items():
        target = value if isinstance(value, str) else (value.get("@id") if isinstance(value, dict) else None)
        if (not target or name.startswith("@") or not target.startswith("http") or target.startswith(E)
                or target in found.values()):
            continue
        if any(all(p.search(target + sample) for p in patterns) for sample in _SAMPLE_IDS):
            found[name] = target
    return sorted(found)


def _id_space(iri: str) -> str | None:
    """The CURIE prefix an external IRI is written with in the evkg context (MONDO, CL, up …)."""
    obo = PREFIXES["obo"]
    if iri.startswith(obo):
        match = re.match(r"([A-Za-z][A-Za-z0-9]*)_", iri[len(obo):])
        return match.group(1) if match else None
    context = bundled_context()["@context"]
    best = None
    for key, value in context.items():
        target = value if isinstance(value, str) else None
        if target and not target.startswith("@") and iri.startswith(target) and key not in ("evkg", "evd"):
            if best is None or len(target) > len(context[best]):
                best = key
    return best
