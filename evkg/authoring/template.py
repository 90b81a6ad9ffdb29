"""`evkg new`: a commented starting description for a kind of product, generated from the description model.

Every required fact and every fact a classification question waits for is written as an empty key with its
allowed values or an example and the source of the requirement; recommended facts are written commented
out; the facts that define the chosen kind (ontology/kinds/<kind>.yaml) are filled in. Checking the untouched
template therefore lists exactly the facts still to fill in, each by its plain name.
"""
from __future__ import annotations

import functools
import json
import re
import textwrap
from dataclasses import dataclass, field, replace

from evkg.authoring.model import Field, Slot, description_model, source_label
from evkg.core import resources
from evkg.core.errors import UsageError
from evkg.io.context import CONTEXT_URL
from evkg.io.structured import read_yaml
from evkg.io.write import in_form_words

TEMPLATE_FORMATS = ("yaml", "ttl", "jsonld")
LEVEL_WORDS = {"required": "REQUIRED", "classification": "needed for the classification",
               "recommended": "recommended", "optional": "optional"}
_WIDTH = 112
_MAX_CHOICES_SHOWN = 14


def kinds() -> dict[str, str]:
    """Kind name -> one-line title, from ontology/kinds/*.yaml."""
    found = {}
    for path in sorted((resources.folder("ontology") / "kinds").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found[path.stem] = first.split("title:", 1)[1].strip() if "title:" in first else path.stem
    return found


def _seed(kind: str) -> tuple[dict, list[str]]:
    known = kinds()
    if kind not in known:       # a name, never a path: '../../x' read any .yaml file of the server's disk
        from evkg.core.safe_text import shortened

        # msc or omv: the kinds whose name holds the word, then the whole list with its titles
        close = [k for k in known if kind.strip().lower() and kind.strip().lower() in k.split("-")]
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(f"no kind of product {shortened(repr(kind), 80)}.{hint} Choose one of: {', '.join(known)} "
                         "(`evkg new --list-kinds` says what each is).")
    path = resources.folder("ontology") / "kinds" / f"{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    notes = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    seed, _ = read_yaml(text, str(path))
    return seed, notes


# ------------------------------------------------------------------------------------------ the walk

@dataclass
class Entry:
    field: Field
    state: str                      # set (value from the kind) | fill (empty, to fill in) | suggest (commented)
    value: object = None
    children: list["Node"] = field(default_factory=list)


@dataclass
class Node:
    slot: Slot
    node_type: str
    entries: list[Entry]
    others: list[str]               # optional keys, named once in a comment


@functools.cache
def _fact_checks_by_type(slot_name: str) -> dict[str, frozenset]:
    """For each type a node of this slot may have: the ids of the fact checks (F-…) that ask a lone node of that
    type, linked from a product as in a description, for a fact. A check that asks nodes of some types only
    (the producer cell type of a cell-culture source, not of a bacterial one) is told apart from one that waits
    for other facts (it asks no lone node)."""
    return {kind: frozenset(i for i, _, _ in asked if i.startswith("F-"))
            for kind, asked in _lone_node_findings(slot_name).items()}


def _keys_asked_by_type(slot_name: str, node_type: str) -> frozenset:
    """The keys the checks ask a lone node of this type for (the body fluid of a body-fluid source)."""
    return frozenset(key for _, key, _ in _lone_node_findings(slot_name).get(node_type, ()))


def _own_words(field_: Field, slot: Slot, node_type: str) -> Field:
    """The field in the words its check has for this type of node, where they differ from the check's general
    words: a body-fluid source is asked about its donor, not about producer cells."""
    if node_type == slot.node_types[0][0]:
        return field_
    said = sorted(m for _, key, m in _lone_node_findings(slot.name).get(node_type, ()) if key == field_.key and m)
    return replace(field_, message=said[0]) if len(said) == 1 else field_


@functools.cache
def _lone_node_findings(slot_name: str) -> dict[str, frozenset]:
    """For each type a node of this slot may have: (check id, key, its own words or "") of each finding on a lone
    node of that type; the words are those of the SPARQL constraint that spoke, when not the shape's general ones."""
    from rdflib import BNode, Graph
    from rdflib.namespace import RDF

    from evkg.core.namespaces import EVKG

    model = description_model()
    chain = []
    name = slot_name
    while name is not None:
        chain.append(model.slots[name])
        name = model.slots[name].parent
    asked = {}
    for type_name, _ in model.slots[slot_name].node_types:
        graph, holder = Graph(), BNode()
        graph.add((holder, RDF.type, EVKG.EVProduct))
        for link in reversed(chain):
            node = BNode()
            kind = type_name if link.name == slot_name else link.node_types[0][0]
            graph.add((holder, EVKG[link.name], node))
            graph.add((node, RDF.type, EVKG[kind]))
            holder = node
        asked[type_name] = _findings_on(graph, holder)
    return asked


def _findings_on(graph, node) -> frozenset:
    """(check id, key, its own words or "") of each finding the bundled shapes make on `node` of `graph`; the
    words are those of the SPARQL constraint that spoke, when not the shape's general ones."""
    from rdflib.namespace import SH

    from evkg.core.namespaces import EVKG
    from evkg.validation.compiled import bundled_compiled_shapes, run_compiled
    from evkg.validation.store import store_of_graph

    shapes = resources.shapes_graph()
    return frozenset(
        (str(shapes.value(r.shape, EVKG.constraintId) or ""), str(r.path or "").rsplit("#", 1)[-1],
         next(iter(r.messages - {str(m) for m in shapes.objects(r.shape, SH.message)}), ""))
        for r in run_compiled(store_of_graph(graph), bundled_compiled_shapes()) if r.focus == node)


def _asked_of(field_: Field, slot: Slot, node_type: str) -> bool:
    """False when the fact checks behind a field ask nodes of other types only (not this node's type)."""
    if slot.name == "product" or len(slot.node_types) < 2:
        return True
    by_type = _fact_checks_by_type(slot.name)
    checks = {c for c in field_.constraints if c.startswith("F-")}
    if not checks & frozenset().union(*by_type.values()):
        return True                             # asked of no lone node: it waits for other facts
    return bool(checks & by_type.get(node_type, frozenset()))


def _listed(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _unasked_marks_of_kind(seed: dict) -> frozenset:
    """The marks of the checks a product of this kind is not asked, from the uses, claim and routes the kind
    sets (a cosmetic is asked no therapeutic approach; evkg.validation.use_scope)."""
    from evkg.core.namespaces import EVKG
    from evkg.validation.use_scope import unasked_marks

    def iris(key: str) -> set:
        return {str(EVKG[str(v)]) for v in _listed(seed.get(key))}

    return unasked_marks(iris("intendedUse"), {str(v).lower() for v in _listed(seed.get("diseaseClaim"))},
                         iris("routeOfAdministration"))


@functools.cache
def _product_findings(uses: tuple, routes: tuple) -> frozenset:
    """(check id, key) of each finding on a product that states only these uses and routes."""
    from rdflib import BNode, Graph
    from rdflib.namespace import RDF

    from evkg.core.namespaces import EVKG

    graph, product = Graph(), BNode()
    graph.add((product, RDF.type, EVKG.EVProduct))
    for prop, values in ((EVKG.intendedUse, uses), (EVKG.routeOfAdministration, routes)):
        for value in values:
            graph.add((product, prop, EVKG[value]))
    return frozenset((check, key) for check, key, _ in _findings_on(graph, product))


def _asked_of_kind(field_: Field, slot: Slot, seed: dict, unasked: frozenset) -> bool:
    """False when every check that asks for the field is one a product of this kind is not asked (a cosmetic
    is asked no therapeutic approach, a test on specimens no route); a fact only a classification rule waits
    for is not asked of a product no medicinal question is asked of; a product given to no one (a test on
    specimens, a device removing vesicles from blood), whose device answer decides every question, is offered
    only what a check asks of it."""
    from evkg.core.namespaces import EVKG
    from evkg.validation.use_scope import constraint_marked

    if not unasked:
        return True
    if slot.name == "product":
        findings = _product_findings(tuple(map(str, _listed(seed.get("intendedUse")))),
                                     tuple(map(str, _listed(seed.get("routeOfAdministration")))))
        asking = {check for check, key in findings if key == field_.key}
    else:
        asking = {check for check in field_.constraints if check.startswith("F-")}
    if asking:
        return not all(any(constraint_marked(check, mark) for mark in unasked) for check in asking)
    # a product given to no one is offered only the product facts a check asks of it: no dose, cells or hospital
    # details (its vesicles are still described as MISEV asks)
    return not ((slot.name == "product" and EVKG.onlyForUseInPeople in unasked)
                or (field_.level == "classification" and EVKG.onlyForMedicalUse in unasked))


def _in_kind_words(field_: Field, slot: Slot, seed: dict) -> Field:
    """A product fact asked by a check that speaks of a condition ("The product names a non-medical use but …"),
    in the words of a condition when the kind does not meet it (an MSC-EV product names no non-medical use)."""
    from rdflib import Literal
    from rdflib.namespace import SH

    from evkg.core.namespaces import EVKG

    if slot.name != "product" or field_.level != "classification" or not field_.definition:
        return field_
    shapes = resources.shapes_graph()
    speaking = [s for c in field_.constraints for s in shapes.subjects(EVKG.constraintId, Literal(c))
                if str(shapes.value(s, SH.message) or "").replace("{?path}", field_.key) == field_.message]
    if not speaking or any(shapes.value(s, SH.path) is not None for s in speaking):
        return field_                           # the check asks for the fact itself, not on a condition
    findings = _product_findings(tuple(map(str, _listed(seed.get("intendedUse")))),
                                 tuple(map(str, _listed(seed.get("routeOfAdministration")))))
    if any(key == field_.key and check in field_.constraints for check, key in findings):
        return field_                           # the kind meets the condition (a cosmetic names a non-medical use)
    return replace(field_, message=f"{field_.definition} When it applies, evkg check says: {field_.message}")


def _walk(slot: Slot, seed: dict, model, unasked: frozenset | None = None) -> Node:
    node_type = seed.get("type") or slot.node_types[0][0]
    if unasked is None:
        unasked = _unasked_marks_of_kind(seed)
    entries = []
    others = []
    for field_ in slot.fields:
        seeded = seed.get(field_.key)
        if (seeded is None and "type" in seed and field_.level == "classification"
                and not _asked_of(field_, slot, node_type)):
            others.append(field_.key)          # asked of other kinds of node only (no cell type for bacteria)
            continue
        if seeded is None and not _asked_of_kind(field_, slot, seed, unasked):
            others.append(field_.key)          # not asked of this kind of product
            continue
        if seeded is None and any(seed.get(a) is not None for a in field_.alternatives):
            others.append(field_.key)          # the kind states the other way of answering the same question
            continue
        if field_.kind == "node":
            child_slot = model.slots[field_.slot]
            if seeded is not None:
                items = seeded if isinstance(seeded, list) else [seeded]
                entries.append(Entry(field_, "set", children=[_walk(child_slot, item, model, unasked)
                                                             for item in items]))
            elif field_.level in ("required", "classification") and not field_.alternatives:
                entries.append(Entry(field_, "fill", children=[_walk(child_slot, {}, model, unasked)]))
            elif field_.level != "optional":
                entries.append(Entry(field_, "suggest", children=[_walk(child_slot, {}, model, unasked)]))
            else:
                others.append(field_.key)
            continue
        either = any(e.field.key in field_.alternatives and e.state == "fill" for e in entries)
        if seeded is not None:
            entries.append(Entry(field_, "set", seeded))
        elif field_.level in ("required", "classification") and not either:
            entries.append(Entry(_in_kind_words(_own_words(field_, slot, node_type), slot, seed), "fill"))
        elif field_.level == "recommended" or either:       # either suffices: the other one is asked above
            entries.append(Entry(field_, "suggest"))
        elif "type" in seed and field_.key in _keys_asked_by_type(slot.name, node_type):
            # a key the checks ask this type of node for (the body fluid of a body-fluid source)
            entries.append(Entry(replace(field_, level="recommended"), "suggest"))
        else:
            others.append(field_.key)
    return Node(slot, node_type, entries, others)


def _hint(field_: Field) -> str:
    parts = []
    if field_.kind == "choice" and field_.choices:
        names = [value for value, _ in field_.choices]
        shown = ", ".join(names[:_MAX_CHOICES_SHOWN]) + (", …" if len(names) > _MAX_CHOICES_SHOWN else "")
        parts.append(("One or more of: " if field_.many else "One of: ") + shown + ".")
    elif field_.kind == "boolean":
        parts.append("true or false.")
    elif field_.kind in ("number", "integer"):
        parts.append("A number.")
    elif field_.kind == "duration":
        parts.append("A duration such as P12M (12 months) or P2Y.")
    elif field_.kind == "term":
        named = field_.term_spaces
        spaces = ("A " + (", ".join(named[:-1]) + " or " + named[-1] if len(named) > 1 else named[0]) if named
                  else "An ontology")
        parts.append(f"{spaces} term as a CURIE; find one with: evkg terms search \"words\" --for {field_.key}.")
    if field_.message:
        parts.append(in_form_words(field_.message))
    if field_.sources:
        parts.append("Source: " + "; ".join(source_label(s) for s in field_.sources) + ".")
    return " ".join(parts)


def _comment_lines(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, _WIDTH - len(indent) - 2)] or [f"{indent}#"]


# ------------------------------------------------------------------------------------------ YAML

def _yaml_scalar(value) -> str:
    from evkg.io.write import yaml_text

    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    return yaml_text(value).strip().removesuffix("...").strip()


def _yaml_node(node: Node, indent: str, first_prefix: str, commented: bool = False) -> list[str]:
    lines: list[str] = []
    mark = "# " if commented else ""
    prefix = first_prefix

    def put(text: str) -> None:
        nonlocal prefix
        lines.append(f"{indent}{mark}{prefix}{text}" if prefix else f"{indent}{mark}{'  ' if first_prefix else ''}{text}")
        prefix = ""

    if node.slot.name == "product":
        put("id: my-product    # a short name without spaces; it becomes product:my-product")
    types = [value for value, _ in node.slot.node_types]
    type_note = f"    # one of: {', '.join(types)}" if len(types) > 1 else ""
    put(f"type: {node.node_type}{type_note}")
    inner = indent + ("  " if first_prefix else "")
    for entry in node.entries:
        words = f"{entry.field.label} — {LEVEL_WORDS[entry.field.level]}."
        if entry.state == "set":
            if entry.children:
                lines.extend(_comment_lines(f"{entry.field.label} (set for this kind of product).", inner))
            else:
                lines.append(f"{inner}{mark}{entry.field.key}: {_yaml_scalar(entry.value)}    "
                             f"# {entry.field.label} (set for this kind of product)")
                continue
        elif not commented:
            lines.extend(_comment_lines(f"{words} {_hint(entry.field)}", inner))
        if entry.children:
            lines.append(f"{inner}{'# ' if commented or entry.state == 'suggest' else ''}{entry.field.key}:")
            for child in entry.children:
                child_prefix = "- " if entry.field.many else ""
                child_indent = inner + "  "
                lines.extend(_yaml_node(child, child_indent if not child_prefix else inner + "  ", child_prefix,
                                        commented or entry.state == "suggest"))
            continue
        if entry.state == "fill":
            lines.append(f"{inner}{mark}{entry.field.key}:")
        elif entry.state == "suggest":
            lines.append(f"{inner}# {entry.field.key}:")
    if node.others and not commented:
        lines.extend(_comment_lines("Also possible here: " + ", ".join(node.others) + ".", inner))
    return lines


def template_yaml(kind: str = "generic") -> str:
    seed, notes = _seed(kind)
    model = description_model()
    root = _walk(model.slots["product"], seed, model)
    head = [f"# evkg description — kind: {kind}.", *[f"# {n}" for n in notes if not n.startswith("title:")],
            "#",
            "# Fill in every key that has no value yet (the line above each key says what it takes, and why).",
            "# Lines starting with '# key:' are recommended facts: remove the '# ' and fill them in when you can.",
            "# Values are plain names (Treatment, NoCells), numbers, true/false, or ontology terms as CURIEs",
            "# (MONDO:0005178). Check the description with:  evkg check THIS-FILE.yaml", ""]
    return "\n".join(head + _yaml_node(root, "", "")) + "\n"


# ------------------------------------------------------------------------------------------ JSON-LD

def _json_node(node: Node, product: bool = False) -> dict:
    out: dict = {}
    if product:
        out["id"] = "my-product"
    out["type"] = node.node_type
    notes = []
    for entry in node.entries:
        if entry.state == "suggest":
            notes.append(f"{entry.field.key}: {entry.field.label} — recommended. {_hint(entry.field)}")
            continue
        if entry.state == "fill":
            notes.append(f"{entry.field.key}: {entry.field.label} — {LEVEL_WORDS[entry.field.level]}. "
                         f"{_hint(entry.field)}")
        if entry.children:
            children = [_json_node(c) for c in entry.children]
            out[entry.field.key] = children if entry.field.many else children[0]
        else:
            out[entry.field.key] = entry.value if entry.state == "set" else None
    if notes:
        out["@comment"] = notes
    return out


def template_jsonld(kind: str = "generic") -> str:
    seed, notes = _seed(kind)
    model = description_model()
    root = _json_node(_walk(model.slots["product"], seed, model), product=True)
    document = {"@context": CONTEXT_URL,
                "@comment": [f"evkg description — kind: {kind}.", *notes,
                             "Replace every null with a value; keys listed under @comment are recommended."],
                **root}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------ Turtle

def _ttl_value(field_: Field, value) -> str:
    from evkg.io.write import Compactor

    compact = Compactor()
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, (int, float)):
            out.append(str(item))
        elif field_.kind in ("choice", "term"):
            out.append(f"<{compact.expand(item)}>" if ":" in item else f"evkg:{item}")
        else:
            out.append(json.dumps(str(item), ensure_ascii=False))
    return " , ".join(out)


def _ttl_nodes(node: Node, iri: str, out: list[str]) -> None:
    lines = [f"{iri}", f"    a evkg:{node.node_type} ;"]
    later: list[tuple[Node, str]] = []
    for entry in node.entries:
        predicate = "rdfs:label" if entry.field.key == "label" else f"evkg:{entry.field.key}"
        if entry.children:
            if entry.state == "suggest":
                lines.extend(_comment_lines(f"{entry.field.label} — recommended. {_hint(entry.field)}", "    "))
                lines.append(f"    # {predicate} {iri[:-1]}/{entry.field.key}-1> ;")
                continue
            names = []
            for index, child in enumerate(entry.children, start=1):
                child_iri = f"{iri[:-1]}/{entry.field.key}{'-' + str(index) if entry.field.many else ''}>"
                names.append(child_iri)
                later.append((child, child_iri))
            lines.append(f"    {predicate} {' , '.join(names)} ;")
            continue
        if entry.state == "set":
            lines.append(f"    {predicate} {_ttl_value(entry.field, entry.value)} ;    # set for this kind of product")
            continue
        lines.extend(_comment_lines(f"{entry.field.label} — {LEVEL_WORDS[entry.field.level]}. {_hint(entry.field)}",
                                    "    "))
        lines.append(f"    # {predicate} ___ ;")
    lines.append("    .")
    out.extend(lines + [""])
    for child, child_iri in later:
        _ttl_nodes(child, child_iri, out)


def template_turtle(kind: str = "generic") -> str:
    from evkg.io.context import DATA_PREFIXES

    seed, notes = _seed(kind)
    model = description_model()
    root = _walk(model.slots["product"], seed, model)
    out = [f"# evkg description — kind: {kind}.", *[f"# {n}" for n in notes if not n.startswith("title:")], "#",
           "# Each '# evkg:… ___ ;' line is a fact to state: remove the '# ', replace ___ with the value.",
           "# Check the description with:  evkg check THIS-FILE.ttl", "",
           "@prefix evkg: <https://w3id.org/evkg#> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
           "@prefix obo:  <http://purl.obolibrary.org/obo/> .",
           f"@prefix uniprot: <{DATA_PREFIXES['uniprot']}> .", f"@prefix product: <{DATA_PREFIXES['product']}> .", ""]
    _ttl_nodes(root, f"<{DATA_PREFIXES['product']}my-product>", out)
    return "\n".join(out)


def template(kind: str = "generic", fmt: str = "yaml") -> str:
    fmt = {"turtle": "ttl", "json-ld": "jsonld", "yml": "yaml"}.get(fmt, fmt)
    if fmt not in TEMPLATE_FORMATS:
        from evkg.core.safe_text import shortened, visible

        raise UsageError(f"unknown format {shortened(visible(repr(fmt)), 60)}; use one of: "
                         f"{', '.join(TEMPLATE_FORMATS)}")
    kind = kind.lower() if isinstance(kind, str) and kind.lower() in kinds() else kind      # MSC-EV for msc-ev
    return {"yaml": template_yaml, "jsonld": template_jsonld, "ttl": template_turtle}[fmt](kind)
