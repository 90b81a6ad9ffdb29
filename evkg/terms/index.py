"""The term index: labels, kinds, parents and obsolete flags of external ontology terms.

Two sources: the terms bundled with the package (ontology/imports/external.ttl, with the kinds of
ontology/term-kinds.ttl) and the local index that `evkg terms add` builds from whole ontology files. A local
index covers the identifier prefix of its ontology (MONDO for mondo.obo), so a term of that prefix it lacks
does not exist; the bundled index is a selection and covers no prefix.
"""
from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from evkg.core import resources
from evkg.core.closure import reachable
from evkg.core.errors import InputError
from evkg.core.identifiers import PREFIX_STEMS, identifier_stems, iri_for_identifier  # noqa: F401 (re-exported)
from evkg.core.namespaces import EVKG, OBO, curie
from evkg.core.stop_points import stopping

OBO_PURL = str(OBO)
REPLACED_BY = OBO["IAO_0100001"]
# Namespaces whose IRIs name ontology terms or records (not description nodes, papers or acts).
TERM_NAMESPACES = {
    OBO_PURL: None,                                   # the prefix is the part before "_" (CL_0000134 → CL)
    "http://www.ebi.ac.uk/efo/": None,
    "http://purl.uniprot.org/uniprot/": "uniprot",
    "https://www.cellosaurus.org/": None,
    "http://identifiers.org/hgnc/": "HGNC",
    "http://identifiers.org/ncbigene/": "NCBIGene",
}
@dataclass(frozen=True)
class Term:
    iri: str
    label: str
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()             # the direct superclasses; ancestors are walked from them
    obsolete: bool = False
    replaced_by: tuple[str, ...] = ()
    source: str = "bundled"                   # "bundled" or the name of the added ontology file

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "synonyms": list(self.synonyms),
                "parents": list(self.parents), "obsolete": self.obsolete,
                "replaced_by": list(self.replaced_by)}


@dataclass(frozen=True)
class TermKind:
    iri: str
    label: str
    roots: frozenset
    prefixes: frozenset


@dataclass
class LocalOntology:
    """One ontology file added with `evkg terms add`."""
    name: str
    path: str
    prefixes: tuple[str, ...]
    terms: dict = field(default_factory=dict)


def id_prefix(iri: str) -> str | None:
    """The identifier prefix of a term IRI (CL for .../obo/CL_0000134, uniprot for a UniProt entry)."""
    for namespace, fixed in TERM_NAMESPACES.items():
        if iri.startswith(namespace):
            if fixed:
                return fixed
            local = iri[len(namespace):]
            return local.split("_", 1)[0] if "_" in local else None
    return None


def curie_of(iri: str) -> str:
    prefix = id_prefix(iri)
    if prefix is None:
        return iri
    local = iri.rsplit("/", 1)[-1]
    return f"{prefix}:{local.split('_', 1)[1]}" if "_" in local and prefix != "uniprot" else f"{prefix}:{local}"


def written_curie(iri: str) -> str:
    """The CURIE a description writes for an ontology term (CVCL:0045, CL:0002518, uniprot:P25063), else the
    shortest CURIE under a bundled prefix, else the IRI."""
    return curie_of(iri) if id_prefix(iri) else curie(iri)


# ------------------------------------------------------------------------------------------ bundled terms

@functools.cache
def term_kinds() -> dict[str, TermKind]:
    graph = resources.ontology_graph()
    kinds = {}
    for kind in graph.subjects(RDF.type, EVKG.TermKind):
        kinds[str(kind)] = TermKind(
            iri=str(kind), label=str(graph.value(kind, RDFS.label) or kind),
            roots=frozenset(str(r) for r in graph.objects(kind, EVKG.kindRoot)),
            prefixes=frozenset(str(p) for p in graph.objects(kind, EVKG.kindIdPrefix)))
    return kinds


@functools.cache
def _all_kind_roots() -> frozenset:
    return frozenset().union(*(kind.roots for kind in term_kinds().values()))


class _ParentLinks:
    """An index's parent links as the mapping `reachable` walks."""

    def __init__(self, index: "TermIndex"):
        self.index = index

    def get(self, iri: str, default=()):
        return self.index.parents_of(iri) or default


@functools.cache
def expected_kinds() -> dict[str, tuple[str, ...]]:
    """Property IRI → the term kinds it accepts."""
    graph = resources.ontology_graph()
    out: dict[str, list] = {}
    for prop, kind in graph.subject_objects(EVKG.expectsTermKind):
        out.setdefault(str(prop), []).append(str(kind))
    return {p: tuple(sorted(k)) for p, k in out.items()}


@functools.cache
def bundled_terms() -> dict[str, Term]:
    graph = resources.ontology_graph()
    parents: dict[str, set] = {}
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and id_prefix(str(child)):
            parents.setdefault(str(child), set()).add(str(parent))
    terms = {}
    for subject, label in graph.subject_objects(RDFS.label):
        iri = str(subject)
        if not isinstance(subject, URIRef) or id_prefix(iri) is None or iri in terms:
            continue
        synonyms = tuple(sorted({str(s) for s in graph.objects(subject, SKOS.altLabel)}))
        terms[iri] = Term(iri=iri, label=str(label), synonyms=synonyms,
                          parents=tuple(sorted(parents.get(iri, ()))),
                          obsolete=graph.value(subject, OWL.deprecated) == Literal(True),
                          replaced_by=tuple(sorted(str(r) for r in graph.objects(subject, REPLACED_BY))))
    return terms


# ------------------------------------------------------------------------------------------ local index

def local_index_folder() -> Path:
    """Where `evkg terms add` keeps its index: EVKG_TERMS_DIR, else the user's data folder."""
    folder = os.environ.get("EVKG_TERMS_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_data_dir("evkg")) / "terms"


def load_local_ontologies(folder: Path | None = None) -> list[LocalOntology]:
    folder = folder or local_index_folder()
    ontologies = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            terms = {t["iri"]: Term(iri=t["iri"], label=t["label"], synonyms=tuple(t.get("synonyms", ())),
                                    # an index written before held every ancestor, which walks the same
                                    parents=tuple(t.get("parents", t.get("ancestors", ()))),
                                    obsolete=bool(t.get("obsolete")),
                                    replaced_by=tuple(t.get("replaced_by", ())), source=data["name"])
                     for t in data["terms"]}
            ontologies.append(LocalOntology(name=data["name"], path=data.get("path", ""),
                                            prefixes=tuple(data.get("prefixes", ())), terms=terms))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):    # cut short, edited, or not ours
            raise InputError("is a damaged file in your term index (the ontologies added with `evkg terms add`), "
                             "so no check can use the index.", path=str(path),
                             hint="Add that ontology again with `evkg terms add` and its OBO, OWL or JSON file, or "
                                  "delete this file.") from None
    return ontologies


def save_local_ontology(ontology: LocalOntology, folder: Path | None = None) -> Path:
    folder = folder or local_index_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', ontology.name)}.json"
    payload = {"name": ontology.name, "path": ontology.path, "prefixes": list(ontology.prefixes),
               "terms": [t.to_json() for t in sorted(ontology.terms.values(), key=lambda t: t.iri)]}
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    temporary.replace(target)
    return target


# ------------------------------------------------------------------------------------------ the index

class TermIndex:
    """Bundled terms plus every added ontology; an added ontology's record wins over the bundled one."""

    def __init__(self, local: list[LocalOntology] | None = None):
        self.local = load_local_ontologies() if local is None else local
        self.terms: dict[str, Term] = dict(bundled_terms())
        self.covered: dict[str, str] = {}               # prefix → name of the ontology that covers it
        self._roots_reached: dict[str, frozenset] = {}  # term → the kind roots among it and its ancestors
        for ontology in self.local:
            self.terms.update(ontology.terms)
            for prefix in ontology.prefixes:
                self.covered.setdefault(prefix, ontology.name)

    def get(self, iri: str) -> Term | None:
        return self.terms.get(iri)

    def covering_ontology(self, iri: str) -> str | None:
        prefix = id_prefix(iri)
        return self.covered.get(prefix) if prefix else None

    def parents_of(self, iri: str) -> tuple[str, ...]:
        term = self.terms.get(iri)
        return term.parents if term else ()

    def ancestors(self, iri: str) -> set[str]:
        """Every superclass of a term, however far up."""
        return reachable(self.parents_of(iri), _ParentLinks(self))

    def kinds_of(self, iri: str) -> set[str]:
        """The kinds of a term: by its ancestors, or by its prefix when no ancestor reaches a kind root."""
        reached = self._kind_roots_reached(iri)
        kinds = {k.iri for k in term_kinds().values() if k.roots & reached}
        if not kinds:
            prefix = id_prefix(iri)
            kinds = {k.iri for k in term_kinds().values() if prefix in k.prefixes}
        return kinds

    def _kind_roots_reached(self, start: str) -> frozenset:
        """The kind roots among a term and its ancestors, remembered for every term the walk passes: walking up
        from each term on its own made a deep is_a chain quadratic (20,000 levels: minutes and gigabytes). The
        walk is Tarjan's, so the terms of an is_a cycle share one answer and stay linear too."""
        memo = self._roots_reached
        if start in memo:
            return memo[start]
        roots = _all_kind_roots()
        order: dict[str, int] = {start: 0}
        low = {start: 0}
        path, on_path = [start], {start}
        work = [(start, iter(self.parents_of(start)))]
        while work:
            node, parents = work[-1]
            for parent in parents:
                if parent in memo:
                    continue
                if parent not in order:
                    order[parent] = low[parent] = len(order)
                    path.append(parent)
                    on_path.add(parent)
                    work.append((parent, iter(self.parents_of(parent))))
                    break
                if parent in on_path:
                    low[node] = min(low[node], order[parent])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:              # node heads a group of terms that reach each other
                    group = set()
                    while not group or member != node:
                        member = path.pop()
                        on_path.discard(member)
                        group.add(member)
                    reached = set(group & roots)
                    for member in group:
                        reached.update(*(memo[p] for p in self.parents_of(member) if p not in group))
                    for member in group:
                        memo[member] = frozenset(reached)
        return memo[start]

    def label(self, iri: str) -> str | None:
        term = self.terms.get(iri)
        return term.label if term else None

    def search(self, text: str, kind: str | None = None, limit: int = 20) -> list[dict]:
        wanted = _kind_iri(kind)
        needle = text.strip().lower()
        if not needle:
            return []
        as_iri = iri_for_identifier(text) or (text.strip() if text.strip().startswith("http") else None)
        # "CD 63", "TSG-101", "HEK-293T" as the names are written: CD63, TSG101, HEK293T
        joined = re.sub(r"(?<=[a-z])[\s-]+(?=[0-9])|(?<=[0-9])[\s-]+(?=[a-z])", "", needle)
        scored = []
        for term in stopping(self.terms.values()):      # a server's search stops at its time limit
            scores = [_match_score(term, n, as_iri) for n in {needle, joined}]
            score = min((s for s in scores if s is not None), default=None)
            if score is None:
                continue
            kinds = self.kinds_of(term.iri)
            if wanted and wanted not in kinds:
                continue
            scored.append(((term.obsolete, score, len(term.label), term.label.lower(), term.iri), term, kinds))
        scored.sort(key=lambda item: item[0])
        kinds_by_iri = term_kinds()
        return [{"iri": term.iri, "curie": curie_of(term.iri), "label": term.label,
                 "synonyms": list(term.synonyms), "kinds": sorted(kinds_by_iri[k].label for k in kinds),
                 "obsolete": term.obsolete,
                 "replaced_by": list(term.replaced_by), "source": term.source}
                for _, term, kinds in scored[:limit]]

    def closest(self, text: str, kinds: tuple[str, ...] = (), limit: int = 3, strict: bool = False) -> list[Term]:
        """Terms whose labels (or synonyms, unless `strict`) are closest to `text`, among the given kinds (any
        kind when none), not obsolete; `strict` keeps only labels that are spelled alike (no shared-word
        matches). Otherwise the words a name shares with few labels count most: "pancreatic cancer" is closer
        to "pancreatic ductal adenocarcinoma" than to "breast cancer", "HEK239 cells" to "HEK293"."""
        import difflib

        candidates = [t for t in stopping(self.terms.values()) if not t.obsolete
                      and (not kinds or self.kinds_of(t.iri) & set(kinds))]
        by_label = {}
        for term in candidates:
            by_label.setdefault(term.label.lower(), term)
        if strict:
            if text.lower() in by_label:             # the exact name answers alone
                return [by_label[text.lower()]]
            names = difflib.get_close_matches(text.lower(), list(by_label), n=limit, cutoff=0.7)
            return [by_label[n] for n in names]
        for term in stopping(candidates):
            for synonym in term.synonyms:
                by_label.setdefault(synonym.lower(), term)
        # a name that is a term's label or synonym answers alone: `urine` is spelled enough like "brain" to be
        # offered beside urine, and a term spelled like the name is no better answer than the name's own
        named = [t for t in stopping(candidates) if text.lower() in (t.label.lower(), *(s.lower() for s in t.synonyms))]
        if named:
            return named[:limit]
        found: list[Term] = []
        for name in _by_likeness(text.lower(), list(by_label)):
            if by_label[name] not in found:
                found.append(by_label[name])
            if len(found) >= limit:
                break
        return found


# difflib's own cut-off for close matches: at 0.4 "centella asiatica" was spelled like "bordetella pertussis"
_SPELLED_ALIKE = 0.6


def _by_likeness(text: str, names: list[str]) -> list[str]:
    """The names spelled like `text` (difflib ratio _SPELLED_ALIKE or more) or sharing a word with it, best first: half
    the spelling likeness plus the share of the text's words the name holds, each word weighted by how few
    names hold it (a typo within a word of more than three letters still counts)."""
    import difflib
    import math

    words = re.findall(r"[a-z0-9]+", text)
    name_words = {name: set(re.findall(r"[a-z0-9]+", name)) for name in stopping(names)}
    vocabulary = set().union(*name_words.values()) if name_words else set()
    likeness: dict[str, dict[str, float]] = {}
    for word in set(words):
        alike = {word: 1.0} if word in vocabulary else {}
        if len(word) > 3:
            matcher = difflib.SequenceMatcher(None, "", word)          # b, the side difflib indexes
            for other in stopping(vocabulary):
                matcher.set_seq1(other)
                if other != word and matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                    alike[other] = matcher.ratio()
        likeness[word] = alike
    weight = {word: math.log((len(names) + 1) / (1 + sum(1 for held in stopping(name_words.values())
                                                          if held & likeness[word].keys())))
              for word in likeness}
    total = sum(weight[w] for w in words) or 1.0
    scored = []
    for name, held in stopping(name_words.items()):
        spelling = difflib.SequenceMatcher(None, text, name).ratio()
        shared = sum(weight[w] * max((likeness[w].get(h, 0.0) for h in held), default=0.0) for w in words)
        if spelling >= _SPELLED_ALIKE or shared > 0:
            scored.append((-(spelling / 2 + shared / total), shared == 0, name))
    # a name only spelled alike (brain for "urin") is offered only when no name holds one of the words
    if any(not alike_only for _, alike_only, _ in scored):
        scored = [entry for entry in scored if not entry[1]]
    return [name for _, _, name in sorted(scored)]


def _kind_iri(kind: str | None) -> str | None:
    if not kind:
        return None
    kinds = term_kinds()
    lowered = kind.strip().lower()
    compact = re.sub(r"[\s_-]+", "", lowered)
    for iri, info in kinds.items():
        local = iri.rsplit("#", 1)[-1].lower()
        if lowered in (iri.lower(), info.label.lower()) or compact in (local, local.removesuffix("termkind")):
            return iri
    from evkg.core.errors import UsageError

    names = ", ".join(sorted(k.iri.rsplit("#", 1)[-1].removesuffix("TermKind").lower() for k in kinds.values()))
    raise UsageError(f"unknown term kind {kind!r}; use one of: {names}")


def kind_names() -> list[str]:
    return sorted(k.iri.rsplit("#", 1)[-1].removesuffix("TermKind").lower() for k in term_kinds().values())


def _match_score(term: Term, needle: str, as_iri: str | None) -> float | None:
    """How well a term matches: its IRI or CURIE, then its label, then a synonym (MSC, microRNA) at each level:
    the whole name, its start, the start of one of its words, anywhere in it. A search of three letters or
    fewer matches inside a word only when it holds a digit ("293" in HEK293), or EV would find cerevisiae."""
    if as_iri and term.iri == as_iri:
        return 0
    inside_words = len(needle) > 3 or any(ch.isdigit() for ch in needle)
    best = None
    for offset, name in ((0.0, term.label), *((0.5, s) for s in term.synonyms)):
        text = name.lower()
        if text == needle:
            level = 1
        elif text.startswith(needle):
            level = 2
        elif re.search(r"\b" + re.escape(needle), text):
            level = 3
        elif inside_words and needle in text:
            level = 4
        else:
            continue
        score = level + offset
        best = score if best is None else min(best, score)
    if best is not None:
        return best
    if needle in curie_of(term.iri).lower():
        return 6
    return None


@functools.lru_cache(maxsize=1)
def _default_index(folder_key: str, stamp: tuple) -> TermIndex:
    return TermIndex()


def default_index() -> TermIndex:
    """The bundled terms and the user's added ontologies, read once until the local index changes."""
    folder = local_index_folder()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.json"))) if folder.is_dir() else ()
    return _default_index(str(folder), stamp)


def search_terms(text: str, kind: str | None = None, limit: int = 20) -> list[dict]:
    """Terms whose label, synonym or identifier matches `text`, best first, from the bundled and added indexes.

    `kind` narrows to one term kind ("disease", "celltype", "cellline", "taxon", "anatomicalentity",
    "protein", "gene", "chemicalentity", "sequencefeature", or the kind's label). Each hit is a dict with
    iri, curie, label, kinds (labels), obsolete, replaced_by and source ("bundled" or the ontology name).
    """
    return default_index().search(text, kind=kind, limit=limit)
