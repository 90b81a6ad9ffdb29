"""Browsable HTML documentation of the evkg ontology, from rdflib and a plain template (one page, no scripts,
nothing fetched). Output is deterministic so that a stale page can be detected by regenerating it.

Our own generator rather than pyLODE: pyLODE 3.6 needs Python 3.12 and does not import with its current
dependency kurra (docs/pylode.md has the details), and it cannot group internal helper classes or list the
release downloads."""
from __future__ import annotations

import html
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from evkg.core.namespaces import PREFIXES

EVKG = PREFIXES["evkg"]

SECTIONS = [
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Named individuals (value lists)", OWL.NamedIndividual),
]

STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccd;padding-top:1rem}nav ul{columns:3;font-size:.9rem}
.term{border-left:3px solid #9ab;padding:.3rem .8rem;margin:1rem 0}.term h3{margin:.2rem 0}.iri{font-family:monospace;
font-size:.85rem;color:#555}dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem;margin:.4rem 0}
dt{font-weight:600;color:#445}dd{margin:0}code{background:#f3f3f6;padding:0 .2rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid #dde;padding:.2rem .5rem;text-align:left;
vertical-align:top}#hierarchy ul{margin:.1rem 0 .1rem 1.2rem;padding:0}"""


def _local(iri: str) -> str:
    return iri[len(EVKG):] if iri.startswith(EVKG) else iri


def _curie(iri: str) -> str:
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda pn: len(pn[1]),
               default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def _first(graph: Graph, subject, predicate) -> str | None:
    values = sorted(str(v) for v in graph.objects(subject, predicate)
                    if not isinstance(v, Literal) or v.language in (None, "en"))
    return values[0] if values else None


class _Page:
    def __init__(self, graph: Graph, source_labels: Graph | None = None):
        self.graph = graph
        self.source_labels = source_labels if source_labels is not None else graph
        self.documented: set[str] = set()

    def link(self, node) -> str:
        if isinstance(node, BNode):
            return self.describe_blank(node)
        iri = str(node)
        label = _curie(iri)
        if iri in self.documented:
            return f'<a href="#{html.escape(_local(iri))}"><code>{html.escape(label)}</code></a>'
        return f'<a href="{html.escape(iri)}"><code>{html.escape(label)}</code></a>'

    def source_label(self, iri: str) -> str:
        label = _first(self.source_labels, URIRef(iri), RDFS.label) or _first(self.source_labels, URIRef(iri),
                                                                              DCTERMS.title)
        return f"{label} ({_curie(iri)})" if label else _curie(iri)

    def describe_blank(self, node: BNode) -> str:
        graph = self.graph
        on = graph.value(node, OWL.onProperty)
        if on is not None:
            for predicate, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"),
                                    (OWL.hasValue, "value"), (OWL.minCardinality, "min"),
                                    (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"),
                                    (OWL.qualifiedCardinality, "exactly"), (OWL.minQualifiedCardinality, "min"),
                                    (OWL.maxQualifiedCardinality, "max")):
                value = graph.value(node, predicate)
                if value is not None:
                    target = html.escape(str(value)) if isinstance(value, Literal) else self.link(value)
                    qualifier = graph.value(node, OWL.onClass)
                    extra = f" {self.link(qualifier)}" if qualifier is not None else ""
                    return f"{self.link(on)} {word} {target}{extra}"
        for predicate, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            members = graph.value(node, predicate)
            if members is not None:
                return "(" + word.join(self.link(m) for m in graph.items(members)) + ")"
        complement = graph.value(node, OWL.complementOf)
        if complement is not None:
            return f"not {self.link(complement)}"
        one_of = graph.value(node, OWL.oneOf)
        if one_of is not None:
            return "one of {" + ", ".join(self.link(m) for m in graph.items(one_of)) + "}"
        return "(an anonymous class)"

    def term(self, iri: URIRef) -> str:
        graph = self.graph
        label = _first(graph, iri, RDFS.label) or _local(str(iri))
        rows = []
        definition = _first(graph, iri, SKOS.definition) or _first(graph, iri, RDFS.comment)
        if definition:
            rows.append(("Definition", html.escape(definition)))
        for title, predicate in (("Subclass of", RDFS.subClassOf), ("Equivalent to", OWL.equivalentClass),
                                 ("Subproperty of", RDFS.subPropertyOf), ("Domain", RDFS.domain),
                                 ("Range", RDFS.range), ("Type", RDF.type)):
            values = [v for v in graph.objects(iri, predicate)
                      if not (predicate == RDF.type and v in (OWL.Class, OWL.NamedIndividual, OWL.ObjectProperty,
                                                              OWL.DatatypeProperty, OWL.AnnotationProperty))]
            if values:
                rendered = sorted(self.link(v) for v in values)
                rows.append((title, ", ".join(rendered)))
        for title, predicate in (("Source", DCTERMS.source), ("Defined by", RDFS.isDefinedBy)):
            values = sorted(str(v) for v in graph.objects(iri, predicate))
            if values:
                rows.append((title, "<br>".join(
                    f'<a href="{html.escape(v)}">{html.escape(self.source_label(v))}</a>' for v in values)))
        body = "".join(f"<dt>{t}</dt><dd>{d}</dd>" for t, d in rows)
        return (f'<div class="term" id="{html.escape(_local(str(iri)))}"><h3>{html.escape(label)}</h3>'
                f'<div class="iri">{html.escape(str(iri))}</div><dl>{body}</dl></div>\n')


RELEASE_FILES = [
    ("evkg.owl", "merged ontology, RDF/XML"), ("evkg.ttl", "merged ontology, Turtle"),
    ("evkg.jsonld", "merged ontology, JSON-LD"), ("evkg.obo", "OBO flat file (OWL API)"),
    ("evkg-base.owl", "evkg's own axioms, RDF/XML"), ("evkg-base.ttl", "evkg's own axioms, Turtle"),
    ("evkg-shapes.ttl", "SHACL validation shapes"), ("evkg-rules.ttl", "SHACL-AF classification rules"),
    ("evkg.sssom.tsv", "mappings to OBI, IAO, GO, UO, NCIt and IDMP-O (SSSOM)"),
    ("CHANGELOG.md", "changes per release"),
]
CATEGORY_PREFIXES = ("EU_", "US_", "KR_")


def internal_classes() -> set[str]:
    """The helper classes of the HermiT cross-check: declared in category-definitions.ttl and nowhere else."""
    from evkg.core import resources

    declared_here, elsewhere = set(), set()
    for path in resources.turtle_files("ontology"):
        module = Graph().parse(path, format="turtle")
        target = declared_here if path.name == "category-definitions.ttl" else elsewhere
        target.update(str(s) for s in module.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef))
    return declared_here - elsewhere


def _hierarchy(page: "_Page", classes: list[URIRef]) -> str:
    """Nested lists of the classes by their named superclasses (a class with several appears under each)."""
    members = {str(c) for c in classes}
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for c in classes:
        parents = [str(p) for p in page.graph.objects(c, RDFS.subClassOf) if str(p) in members]
        for parent in parents:
            children[parent].append(str(c))
        if not parents:
            roots.append(str(c))

    def tree(iris: list[str], trail: frozenset) -> str:
        items = []
        labelled = sorted(((_first(page.graph, URIRef(i), RDFS.label) or _local(i), i) for i in iris),
                          key=lambda pair: (pair[0].lower(), pair[1]))
        for label, iri in labelled:
            below = tree(children[iri], trail | {iri}) if iri not in trail and children[iri] else ""
            items.append(f'<li><a href="#{html.escape(_local(iri))}">{html.escape(label)}</a>{below}</li>')
        return "<ul>" + "".join(items) + "</ul>"

    return tree(roots, frozenset())


def _property_table(page: "_Page", properties: list[URIRef]) -> str:
    rows = []
    for prop in properties:
        domain = ", ".join(sorted(page.link(v) for v in page.graph.objects(prop, RDFS.domain))) or "—"
        rng = ", ".join(sorted(page.link(v) for v in page.graph.objects(prop, RDFS.range))) or "—"
        label = _first(page.graph, prop, RDFS.label) or _local(str(prop))
        rows.append(f'<tr><td><a href="#{html.escape(_local(str(prop)))}">{html.escape(label)}</a></td>'
                    f"<td>{domain}</td><td>{rng}</td></tr>")
    return ("<table><thead><tr><th>property</th><th>domain (used on)</th><th>range (values)</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")


def ontology_html(graph: Graph, *, downloads: str = "../../release/", available: set[str] | None = None,
                  internal: set[str] | None = None, source_labels: Graph | None = None) -> str:
    """One HTML page documenting the evkg ontology in ``graph``: metadata and release downloads, the class
    hierarchy, properties with domain and range, every term with its definition and sources. Regulatory
    categories, internal helper classes (``internal``) and deprecated terms are grouped on their own."""
    page = _Page(graph, source_labels)
    internal = internal if internal is not None else set()
    sections: dict[str, list[URIRef]] = defaultdict(list)
    for key, _, rdf_type in SECTIONS:
        for subject in graph.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and str(subject).startswith(EVKG):
                sections[key].append(subject)
    placed: set[str] = set()
    for key, _, _ in SECTIONS:  # a term appears once, in its first section
        sections[key] = sorted({s for s in sections[key] if str(s) not in placed}, key=lambda s: str(s).lower())
        placed.update(str(s) for s in sections[key])
    page.documented = placed
    deprecated = [s for key, _, _ in SECTIONS for s in sections[key] if (s, OWL.deprecated, Literal(True)) in graph]
    for key, _, _ in SECTIONS:
        sections[key] = [s for s in sections[key] if s not in deprecated]
    classes = sections.pop("classes")
    groups = {
        "classes": ("Classes", [c for c in classes if str(c) not in internal
                                and not _local(str(c)).startswith(CATEGORY_PREFIXES)]),
        "categories": ("Regulatory categories (per jurisdiction)",
                       [c for c in classes if _local(str(c)).startswith(CATEGORY_PREFIXES)]),
        **{key: (heading, sections[key]) for key, heading, _ in SECTIONS if key != "classes"},
        "deprecated": ("Deprecated terms", deprecated),
    }
    helpers = [c for c in classes if str(c) in internal]

    ontology = URIRef(EVKG.rstrip("#"))
    title = _first(graph, ontology, DCTERMS.title) or "evkg ontology"
    description = _first(graph, ontology, DCTERMS.description) or ""
    meta = []
    for name, predicate in (("Ontology IRI", None), ("Version", OWL.versionInfo), ("Version IRI", OWL.versionIRI),
                            ("Prior version", OWL.priorVersion), ("Licence", DCTERMS.license),
                            ("Creator", DCTERMS.creator)):
        value = str(ontology) if predicate is None else _first(graph, ontology, predicate)
        if value:
            shown = f'<a href="{html.escape(value)}">{html.escape(value)}</a>' if value.startswith("http") \
                else html.escape(value)
            meta.append(f"<dt>{name}</dt><dd>{shown}</dd>")
    files = [(name, what) for name, what in RELEASE_FILES if available is None or name in available]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(description)}</p>",
             "<dl>" + "".join(meta) + "</dl>",
             '<section id="downloads"><h2>Release files</h2><ul>'
             + "".join(f'<li><a href="{html.escape(downloads + name)}"><code>{name}</code></a> — {what}</li>'
                       for name, what in files) + "</ul></section>",
             "<p>Generated from <code>ontology/*.ttl</code> by <code>python -m evkg.publish.docs</code>; "
             "do not edit by hand.</p>", "<nav><h2>Contents</h2><ul>",
             '<li><a href="#hierarchy">Class hierarchy</a></li>', '<li><a href="#property-table">Properties with '
             "domain and range</a></li>"]
    parts += [f'<li><a href="#{key}">{heading}</a> ({len(terms)})</li>' for key, (heading, terms) in groups.items()]
    parts.append(f'<li><a href="#internal">Internal helper classes</a> ({len(helpers)})</li></ul></nav>')
    parts.append(f'<section id="hierarchy"><h2>Class hierarchy</h2>{_hierarchy(page, groups["classes"][1])}'
                 f'<h3>Regulatory categories</h3>{_hierarchy(page, groups["categories"][1])}</section>')
    properties = groups["object-properties"][1] + groups["datatype-properties"][1]
    parts.append(f'<section id="property-table"><h2>Properties with domain and range</h2>'
                 f"{_property_table(page, properties)}</section>")
    for key, (heading, terms) in groups.items():
        parts.append(f'<section id="{key}"><h2>{heading}</h2>')
        parts += [page.term(s) for s in terms]
        parts.append("</section>")
    parts.append('<section id="internal"><h2>Internal helper classes</h2><p>Classes of '
                 "<code>category-definitions.ttl</code> that restate the premises of classification rules for the "
                 "HermiT cross-check (<code>evkg reason</code>). They are not for describing products.</p>"
                 f"<details><summary>Show the {len(helpers)} helper classes</summary>")
    parts += [page.term(s) for s in helpers]
    parts.append("</details></section></body></html>")
    return "\n".join(parts) + "\n"
