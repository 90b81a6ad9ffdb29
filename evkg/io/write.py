"""Write a description graph as YAML, JSON-LD or Turtle, without losing anything the graph says.

YAML and JSON-LD use the evkg context (evkg.io.context): plain keys, plain value names and CURIEs. A node
referred to once is written inside the node that refers to it, so a product reads as one nested block; a
node referred to from several places is written once and named by its id elsewhere. Whatever the context
cannot say plainly — a literal of another datatype, a language tag, an IRI under a property that takes
text — is written as an explicit JSON-LD value ({"@value": …, "@type": …}), so reading the output back
gives the same graph (tests/test_authoring_roundtrip.py checks this on every example and curated product).
"""
from __future__ import annotations

import functools
import json
import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from evkg.core.namespaces import EVKG, bind_prefixes
from evkg.io.context import BORROWED_PROPERTIES, CONTEXT_URL, DATA_PREFIXES, READ_ONLY_PREFIXES, bundled_context
from evkg.io.numbers import NumberTooLong, refuse_long_integer
from evkg.io.rdf import quiet_about_ill_typed_booleans
from evkg.io.structured import MAX_DEPTH, lexical_form, plain_scalar_value

OUTPUT_FORMATS = ("yaml", "jsonld", "ttl")
_FIRST_KEYS = ("id", "type", "label", "comment")


class Compactor:
    """IRIs to the plain names and CURIEs of the evkg context, and back; the keys and coercions of its terms."""

    def __init__(self):
        context = bundled_context()["@context"]
        self.vocab = context["@vocab"]
        self.prefixes: list[tuple[str, str]] = []
        self.terms: dict[str, str] = {}              # key -> IRI of the term it names
        self.coercion: dict[str, str | None] = {}    # key -> "@vocab" | "xsd:…" | None
        self.scoped: dict[str, dict] = {}            # key -> its property-scoped value names
        for key, entry in context.items():
            if key.startswith("@"):
                continue
            target = entry.get("@id") if isinstance(entry, dict) else entry
            if not isinstance(target, str) or target.startswith("@"):
                continue
            if isinstance(entry, str) or entry.get("@prefix"):
                if key not in READ_ONLY_PREFIXES:
                    self.prefixes.append((key, target))
                continue
            self.coercion[key] = entry.get("@type")
            if isinstance(entry.get("@context"), dict):         # plain words for the property's values
                self.scoped[key] = entry["@context"]
        base = {**{k: v for k, v in context.items() if isinstance(v, str)}, **dict(self.prefixes)}
        self.namespaces = base
        for key, entry in context.items():
            if isinstance(entry, dict) and not entry.get("@prefix") and isinstance(entry.get("@id"), str):
                prefix, _, local = entry["@id"].partition(":")
                self.terms[key] = base[prefix] + local if prefix in base else entry["@id"]
        self.key_of = {iri: key for key, iri in self.terms.items()}
        self.prefixes.sort(key=lambda pair: -len(pair[1]))
        self.datatype_iris = {k: self.expand(v) for k, v in self.coercion.items() if v and v != "@vocab"}

    def expand(self, curie: str) -> str:
        """The IRI of a CURIE under the context's prefixes (an unknown prefix leaves it as it is)."""
        prefix, _, local = curie.partition(":")
        return self.namespaces.get(prefix, prefix + ":") + local

    def curie(self, iri: str) -> str:
        for prefix, base in self.prefixes:
            if iri.startswith(base) and len(iri) > len(base):
                rest = iri[len(base):]
                if not rest.startswith("//") and re.fullmatch(r"[^\s<>\"{}|\\^`]+", rest):
                    return f"{prefix}:{rest}"
        return iri

    def vocab_value(self, iri: str, key: str | None = None) -> str:
        """An IRI as a value of `key` in vocabulary mode: a bare evkg name, else a CURIE, else the full IRI.
        A bare name that the property's own value names give another meaning is written as a CURIE."""
        if iri.startswith(self.vocab):
            local = iri[len(self.vocab):]
            scoped = self.scoped.get(key or "", {}).get(local)
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", local) and self.terms.get(local, iri) == iri \
                    and local not in dict(self.prefixes) and (scoped is None or self.expand(scoped) == iri):
                return local
            if scoped is not None and self.expand(scoped) != iri:
                return f"evkg:{local}"
        return self.curie(iri)

    def key(self, predicate: str) -> str:
        if predicate == str(RDF.type):
            return "type"
        return self.key_of.get(predicate) or self.curie(predicate)


@functools.cache
def _shared_compactor() -> Compactor:
    return Compactor()                      # read only once built: one per process


def in_form_words(text: str) -> str:
    """A message in the words of the YAML and JSON forms: evkg names without `evkg:`, external IRIs as CURIEs."""
    compact = _shared_compactor()

    def once(match) -> str:
        # "NCBITaxon:624 <http://…/NCBITaxon_624>" names the term twice once the IRI is a CURIE: keep one
        written, label, iri = match.group(1), match.group(2) or "", match.group(3)
        curie = compact.curie(iri)
        return f"{written}{label}" if written == curie else f"{written}{label} {curie}"

    # (?<!\S): a name is tried from its first character only, so a long word costs one pass, not a pass per
    # character (a 27 KB value made a report take minutes)
    text = re.sub(r"(?<!\S)(\S+)( \"[^\"]*\")? <(https?://[^>\s]+)>", once, text)
    text = re.sub(r"<(https?://[^>\s]+)>", lambda m: compact.curie(m.group(1)), text)
    # a Turtle typed value ("P12M"^^xsd:duration) is written in these forms as the plain value (P12M)
    text = re.sub(r'"([^"\s]+)"\^\^xsd:\w+', r"\1", text)
    return without_evkg_prefix(text)


def value_in_form_words(value: str | None) -> str | None:
    """A value a finding quotes, as the YAML and JSON forms write it: an IRI as its name or CURIE (the form
    writes `industrial` where the graph holds https://w3id.org/evkg#industrial), a declared evkg term by its
    name (EngineeredEV, not "engineered extracellular vesicle <https://w3id.org/evkg#EngineeredEV>"), an
    external one as its CURIE with its label; text as it is."""
    if value is None:
        return value
    if labelled := re.fullmatch(r"(.+) <(https?://\S+)>", value):        # a declared term: "label <IRI>"
        name = without_evkg_prefix(_shared_compactor().curie(labelled.group(2)))
        return name if labelled.group(2).startswith(str(EVKG)) else f"{name} ({labelled.group(1)})"
    if not re.fullmatch(r"https?://\S+", value):
        return value
    return without_evkg_prefix(_shared_compactor().curie(value))


def without_evkg_prefix(text: str) -> str:
    """A report for a YAML or JSON description (an explanation) with evkg names as that form writes them, and
    the properties it borrows by their keys (a name (label), not (rdfs:label)); its source links stay whole."""
    text = re.sub(r"\bevkg:(\w+)", r"\1", text)
    return _BORROWED_NAME.sub(lambda m: _BORROWED_KEY[m.group(0)], text)


_BORROWED_KEY = {name: key for key, name in BORROWED_PROPERTIES.items()}
# a borrowed property's prefixed name standing alone (not part of a longer name or of a link)
_BORROWED_NAME = re.compile(r"(?<![\w:/#.])(?:" + "|".join(re.escape(n) for n in _BORROWED_KEY) + r")(?![\w:/])")


def to_tree(graph: Graph) -> dict:
    """The description as nested plain values in the evkg context (no @context key). Blank nodes are ordered
    by what they say and labelled _:b1, _:b2 … as written, so the same graph is always written the same way
    (the labels a parser gives blank nodes change from one reading to the next)."""
    compact = Compactor()
    referrers: dict = {}
    for s, p, o in graph:
        if isinstance(o, (URIRef, BNode)) and p != RDF.type and (o, None, None) in graph:
            referrers.setdefault(o, []).append(s)
    content = _blank_node_content(graph)

    def order(term) -> tuple:
        return (isinstance(term, Literal), content[term] if isinstance(term, BNode) else str(term),
                str(getattr(term, "datatype", "") or ""), getattr(term, "language", "") or "")

    subjects = sorted(set(graph.subjects()), key=lambda n: (not _is_product(graph, n), isinstance(n, BNode), order(n)))
    nested = {node for node, refs in referrers.items() if len(refs) == 1 and refs[0] != node}
    written: set = set()
    blank_labels: dict = {}

    def id_text(node) -> str:
        if isinstance(node, BNode):
            return blank_labels.setdefault(node, f"_:b{len(blank_labels) + 1}")
        return compact.curie(str(node))

    def node_tree(node, depth: int) -> dict:
        written.add(node)
        out: dict = {"id": id_text(node)}
        types = sorted(graph.objects(node, RDF.type), key=str)
        if types:
            names = [compact.vocab_value(str(t)) for t in types]
            out["type"] = names[0] if len(names) == 1 else names
        by_key: dict[str, list] = {}
        for predicate in sorted(set(graph.predicates(node)) - {RDF.type}, key=str):
            key = compact.key(str(predicate))
            values = []
            for value in sorted(graph.objects(node, predicate), key=order):
                values.append(value_of(key, value, depth))
            by_key[key] = values
        for key in sorted(by_key, key=lambda k: (k not in _FIRST_KEYS, _FIRST_KEYS.index(k) if k in _FIRST_KEYS else 0,
                                                  any(isinstance(v, dict) and "id" in v for v in by_key[k]), k)):
            values = by_key[key]
            out[key] = values[0] if len(values) == 1 else values
        return out

    def value_of(key: str, value, depth: int):
        coercion = compact.coercion.get(key) if key in compact.terms else None
        if isinstance(value, (URIRef, BNode)):
            if value in nested and value not in written and depth < MAX_DEPTH - 4 and (value, None, None) in graph:
                return node_tree(value, depth + 1)
            text = id_text(value)
            if coercion == "@vocab":
                return compact.vocab_value(str(value), key) if isinstance(value, URIRef) else text
            return {"id": text}
        return _literal(value, coercion, compact)

    roots = [n for n in subjects if n not in nested]
    trees = [node_tree(n, 0) for n in roots]
    for node in subjects:                      # nodes only reachable through a cycle of single references
        if node not in written:
            trees.append(node_tree(node, 0))
    return trees[0] if len(trees) == 1 else {"graph": trees}


def _is_product(graph: Graph, node) -> bool:
    return (node, RDF.type, URIRef("https://w3id.org/evkg#EVProduct")) in graph


def _blank_node_content(graph: Graph, depth: int = 4) -> dict:
    """Blank node -> a text of what it says (its statements, and those of the blank nodes it points to, a few
    levels down), to order blank nodes by content instead of by their changing labels."""
    def said(node, level: int, seen: frozenset) -> str:
        parts = []
        for p, o in graph.predicate_objects(node):
            if isinstance(o, BNode):
                shown = "[" + said(o, level + 1, seen | {o}) + "]" if level < depth and o not in seen else "[]"
            else:
                shown = o.n3()
            parts.append(f"{p.n3()} {shown}")
        return " ; ".join(sorted(parts))

    return {node: said(node, 0, frozenset({node})) for node in set(graph.subjects()) | set(graph.objects())
            if isinstance(node, BNode)}


def _literal(value: Literal, coercion: str | None, compact: Compactor):
    lexical = str(value)
    datatype = str(value.datatype) if value.datatype is not None else None
    if value.language:
        return {"@value": lexical, "@language": value.language}
    if coercion and coercion != "@vocab":
        if datatype == compact.expand(coercion):
            return _native(lexical, coercion)
        if datatype is None or datatype == str(XSD.string):
            return {"@value": lexical}
        return {"@value": lexical, "@type": compact.curie(datatype)}
    if coercion == "@vocab":
        if datatype is None or datatype == str(XSD.string):
            return {"@value": lexical}
        return {"@value": lexical, "@type": compact.curie(datatype)}
    if datatype is None or datatype == str(XSD.string):
        return lexical
    if datatype == str(XSD.boolean) and lexical in ("true", "false"):
        return lexical == "true"
    if datatype == str(XSD.integer) and re.fullmatch(r"-?[1-9][0-9]*|0", lexical) and _convertible(lexical):
        return int(lexical)
    return {"@value": lexical, "@type": compact.curie(datatype)}


def _native(lexical: str, datatype: str):
    """A plain YAML/JSON value that reads back as exactly this lexical form, else the text itself."""
    if datatype == "xsd:boolean":
        return {"true": True, "false": False}.get(lexical, lexical)
    if not _convertible(lexical):
        return lexical                  # too long for a number: kept as written, typed by the coercion
    value = plain_scalar_value(lexical)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and lexical_form(value, datatype) == lexical:
        return value
    return lexical


def _convertible(lexical: str) -> bool:
    """Whether a whole number's digits are few enough to read as a number (else it stays text)."""
    try:
        refuse_long_integer(lexical.strip())
    except NumberTooLong:
        return False
    return True


# ------------------------------------------------------------------------------------------ serialisers

def yaml_text(tree) -> str:
    """YAML for plain values; a string that evkg's reader would take for a number, boolean or null is quoted."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        if "\x85" in value:         # a next-line character (often a mis-decoded '…') is read as a line break
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')        # unless escaped
        plain = _convertible(value) and isinstance(plain_scalar_value(value), str) and value == value.strip() \
            and value != ""
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else "'")

    Dumper.add_representer(str, text)
    return yaml.dump(tree, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False)


def to_yaml(graph: Graph, header: str | None = None) -> str:
    text = yaml_text(to_tree(graph))
    lines = [f"# {line}" if line else "#" for line in (header or "").splitlines()]
    return ("\n".join(lines) + "\n" if lines else "") + text


def to_jsonld(graph: Graph) -> str:
    tree = to_tree(graph)
    document = {"@context": CONTEXT_URL, **tree}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# The lexical forms Turtle's short forms read back with their own datatype (Turtle grammar, productions
# INTEGER, DECIMAL, DOUBLE and BooleanLiteral): `yes` is no Turtle, and `1` would be read as an integer.
_TURTLE_SHORT_FORMS = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?([0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}


class _LiteralAsWritten(Literal):
    """A literal that Turtle writes in its own lexical form: rdflib's short form for numbers and booleans
    re-spells them from their value ("2.0e8" becomes 2e+08), and a description converts without loss."""

    def _literal_n3(self, use_plain: bool = False, qname_callback=None) -> str:
        short_form = _TURTLE_SHORT_FORMS.get(str(self.datatype))
        if use_plain and (short_form is None or not short_form.fullmatch(str(self)) or self.value is None
                          or super()._literal_n3(True, qname_callback) != str(self)):
            use_plain = False
        if use_plain:
            return super()._literal_n3(True, qname_callback)
        # written here, not by rdflib: it re-spells infinite numbers and warns about a lexical form it cannot
        # read as a number ("abc"^^xsd:decimal), which the checks report as a finding of their own
        datatype = (qname_callback(self.datatype) if qname_callback else None) or f"<{self.datatype}>"
        return f"{self._quote_encode()}^^{datatype}"


def _as_written(term):
    if isinstance(term, Literal) and term.datatype is not None:
        with quiet_about_ill_typed_booleans():
            return _LiteralAsWritten(str(term), datatype=term.datatype, normalize=False)
    return term


def to_turtle(graph: Graph) -> str:
    out = Graph()
    bind_prefixes(out)
    for prefix, base in DATA_PREFIXES.items():
        if prefix not in READ_ONLY_PREFIXES:
            out.bind(prefix, base, override=True)
    # blank nodes the serializer cannot nest (shared, or in a cycle) keep a label: one by content, not the
    # reader's random one, so the same graph is written the same way each time
    content = _blank_node_content(graph)
    stable = {node: BNode(f"b{i}") for i, node in enumerate(sorted(content, key=lambda n: (content[n], str(n))), 1)}
    for s, p, o in graph:
        out.add((stable.get(s, s), p, stable.get(o, _as_written(o))))
    return out.serialize(format="turtle")


def serialise(graph: Graph, fmt: str) -> str:
    fmt = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "yml": "yaml"}.get(fmt, fmt)
    if fmt == "yaml":
        return to_yaml(graph)
    if fmt == "jsonld":
        return to_jsonld(graph)
    if fmt == "ttl":
        return to_turtle(graph)
    raise ValueError(f"unknown output format {fmt!r}")
