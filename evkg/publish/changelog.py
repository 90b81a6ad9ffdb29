"""The CHANGELOG of the ontology releases, generated from the merged ontology of each release.

Every release keeps its merged ontology in release/history/evkg-<version>.ttl; a section compares one release
with the one before it (its owl:priorVersion) term by term: terms added, removed, deprecated, and changed (any
statement about the term differs, blank-node axioms compared up to renaming).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from evkg.core.namespaces import PREFIXES

EVKG = PREFIXES["evkg"]
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


@dataclass
class ReleaseDiff:
    version: str
    previous: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)   # term -> predicates whose statements differ
    terms: int = 0


def version_of(graph: Graph) -> str:
    versions = sorted(str(v) for v in graph.objects(URIRef(EVKG.rstrip("#")), OWL.versionInfo))
    if not versions:
        raise ValueError("the ontology states no owl:versionInfo")
    return versions[0]


def _terms(graph: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(EVKG)}


def _deprecated(graph: Graph, term: URIRef) -> bool:
    return any(o == Literal(True) for o in graph.objects(term, OWL.deprecated))


def same_statements(a: Graph, b: Graph) -> bool:
    """Whether two graphs say the same, blank nodes compared up to renaming. Both are brought to the canonical
    form of RDF Dataset Canonicalization (Oxigraph's): a tenth of a second for the whole ontology, where rdflib's
    isomorphism test took half a minute."""
    return len(a) == len(b) and _canonical(a) == _canonical(b)


def _canonical(graph: Graph):
    import pyoxigraph

    dataset = pyoxigraph.Dataset(pyoxigraph.parse(graph.serialize(format="nt", encoding="utf-8"),
                                                  format=pyoxigraph.RdfFormat.N_TRIPLES))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _description(graph: Graph, term: URIRef) -> Graph:
    """The term's statements with the blank-node axioms they lead to (its concise bounded description)."""
    from evkg.io.rdf import add_bounded_description

    out = Graph()
    add_bounded_description(graph, [term], out)
    return out


def _statements(description: Graph, term: URIRef, predicate) -> Graph:
    """The term's statements with one predicate, with the blank-node axioms they lead to."""
    out = Graph()
    for o in description.objects(term, predicate):
        out.add((term, predicate, o))
        if isinstance(o, BNode):
            out += _description(description, o)
    return out


def _changed_predicates(term: URIRef, old: Graph, new: Graph) -> list[str]:
    predicates = set(old.predicates(term)) | set(new.predicates(term))
    return [_curie(str(p)) for p in sorted(predicates)
            if not same_statements(_statements(old, term, p), _statements(new, term, p))]


def diff(previous: Graph | None, current: Graph) -> ReleaseDiff:
    result = ReleaseDiff(version_of(current), version_of(previous) if previous is not None else None)
    new_terms = _terms(current)
    result.terms = len(new_terms)
    if previous is None:
        return result
    old_terms = _terms(previous)
    result.added = sorted(str(t) for t in new_terms - old_terms)
    result.removed = sorted(str(t) for t in old_terms - new_terms)
    result.deprecated = sorted(str(t) for t in new_terms & old_terms
                               if _deprecated(current, t) and not _deprecated(previous, t))
    for term in sorted(new_terms & old_terms):
        if str(term) in result.deprecated:
            continue
        old, new = _description(previous, term), _description(current, term)
        if not same_statements(old, new):
            result.changed[str(term)] = _changed_predicates(term, old, new)
    return result


def _curie(iri: str) -> str:
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda pn: len(pn[1]),
               default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"


def _label(graph: Graph, term: str) -> str:
    labels = sorted(str(label) for label in graph.objects(URIRef(term), RDFS.label))
    return labels[0] if labels else ""


def section(change: ReleaseDiff, current: Graph) -> str:
    """One Markdown section of the CHANGELOG."""
    lines = [f"## {change.version}", ""]
    if change.previous is None:
        lines += [f"First recorded release: {change.terms} evkg terms.", ""]
        return "\n".join(lines)
    lines += [f"Compared with {change.previous}: {len(change.added)} added, {len(change.changed)} changed, "
              f"{len(change.deprecated)} deprecated, {len(change.removed)} removed ({change.terms} evkg terms).", ""]

    def entry(term: str, extra: str = "") -> str:
        label = _label(current, term)
        return f"- `{_curie(term)}`" + (f" ({label})" if label else "") + extra

    if change.added:
        lines += ["### Added", ""] + [entry(t) for t in change.added] + [""]
    if change.deprecated:
        lines += ["### Deprecated", ""]
        for term in change.deprecated:
            replacements = sorted(_curie(str(o)) for o in current.objects(URIRef(term), DCTERMS.isReplacedBy))
            lines.append(entry(term, f": replaced by {', '.join(f'`{r}`' for r in replacements)}"
                               if replacements else ": no replacement"))
        lines.append("")
    if change.changed:
        lines += ["### Changed", ""]
        lines += [entry(t, ": " + ", ".join(f"`{p}`" for p in predicates))
                  for t, predicates in change.changed.items()] + [""]
    if change.removed:
        lines += ["### Removed", ""] + [f"- `{_curie(t)}`" for t in change.removed] + [""]
    return "\n".join(lines)


def _version_key(path: Path):
    version = path.stem.removeprefix("evkg-")
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.-]", version))


def changelog(history: Path) -> str:
    """The whole CHANGELOG.md, newest release first, from the merged ontologies in `history`."""
    files = sorted(history.glob("evkg-*.ttl"), key=_version_key)
    graphs = [Graph().parse(path, format="turtle") for path in files]
    sections = []
    for index, graph in enumerate(graphs):
        previous = graphs[index - 1] if index else None
        sections.append(section(diff(previous, graph), graph))
    header = ["# Changelog of the evkg ontology", "",
              "Generated by `evkg release` from the merged ontology of each release (release/history/).", ""]
    return "\n".join(header + list(reversed(sections))).rstrip("\n") + "\n"
