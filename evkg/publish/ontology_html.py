"""Browsable HTML documentation of the evkg ontology, from rdflib and a plain template (one page, no scripts,
nothing fetched). Output is deterministic so that a stale page can be detected by regenerating it."""
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
dt{font-weight:600;color:#445}dd{margin:0}code{background:#f3f3f6;padding:0 .2rem}"""


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
    def __init__(self, graph: Graph):
        self.graph = graph
        self.documented: set[str] = set()

    def link(self, node) -> str:
        if isinstance(node, BNode):
            return self.describe_blank(node)
        iri = str(node)
        label = _curie(iri)
        if iri in self.documented:
            return f'<a href="#{html.escape(_local(iri))}"><code>{html.escape(label)}</code></a>'
        return f'<a href="{html.escape(iri)}"><code>{html.escape(label)}</code></a>'

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
                rows.append((title, ", ".join(
                    f'<a href="{html.escape(v)}">{html.escape(_curie(v))}</a>' for v in values)))
        body = "".join(f"<dt>{t}</dt><dd>{d}</dd>" for t, d in rows)
        return (f'<div class="term" id="{html.escape(_local(str(iri)))}"><h3>{html.escape(label)}</h3>'
                f'<div class="iri">{html.escape(str(iri))}</div><dl>{body}</dl></div>\n')


def ontology_html(graph: Graph) -> str:
    """One HTML page documenting every evkg class, property and named individual of ``graph``."""
    page = _Page(graph)
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

    ontology = URIRef(EVKG.rstrip("#"))
    title = _first(graph, ontology, DCTERMS.title) or "evkg ontology"
    description = _first(graph, ontology, DCTERMS.description) or ""
    version = _first(graph, ontology, OWL.versionInfo) or ""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>",
             f'<p class="iri">{html.escape(EVKG)}' + (f" · version {html.escape(version)}" if version else "") + "</p>",
             f"<p>{html.escape(description)}</p>",
             "<p>Generated from <code>ontology/*.ttl</code> by <code>python -m evkg.publish.docs</code>; "
             "do not edit by hand.</p>", "<nav><h2>Contents</h2>"]
    for key, heading, _ in SECTIONS:
        parts.append(f'<h3><a href="#{key}">{heading}</a> ({len(sections[key])})</h3><ul>')
        parts += [f'<li><a href="#{html.escape(_local(str(s)))}">{html.escape(_local(str(s)))}</a></li>'
                  for s in sections[key]]
        parts.append("</ul>")
    parts.append("</nav>")
    for key, heading, _ in SECTIONS:
        parts.append(f'<section id="{key}"><h2>{heading}</h2>')
        parts += [page.term(s) for s in sections[key]]
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
