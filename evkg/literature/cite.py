"""`evkg cite`: the sources behind a term, product, rule or paper, as text, BibTeX or CSL-JSON."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from evkg.core.namespaces import EVD, EVKG, curie, expand_curie
from evkg.literature.identifiers import paper_iri
from evkg.literature.records import _family, is_initials
from evkg.literature.sources import (
    _doi_from_resolver,
    bibliographic_graph,
    resolve_source,
    sources_of,
    user_references_graph,
)

# ---------------------------------------------------------------------------------------------- citing

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Citation:
    """The sources behind one term, product, rule or paper, ready to render."""

    thing: URIRef
    label: str
    kind: str
    sources: list[dict]


def _bundled_graphs() -> list[Graph]:
    from evkg.core import resources

    graphs = []
    for load in (resources.ontology_graph, resources.shapes_graph, resources.rules_graph, resources.data_graph):
        try:
            graphs.append(load())
        except (FileNotFoundError, RuntimeError):  # a folder not yet populated holds nothing to cite
            continue
    return graphs


def _known_names(graphs: list[Graph]) -> dict[str, URIRef]:
    """Every name a user may type for something citable: CURIEs, product ids, rule ids, citation keys."""
    names: dict[str, URIRef] = {}
    for graph in graphs + [bibliographic_graph()]:
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef) and str(subject).startswith(("https://w3id.org/evkg",)):
                names.setdefault(curie(str(subject)), subject)
        for subject, rule_id in graph.subject_objects(EVKG.ruleId):
            names.setdefault(str(rule_id), subject)
        for check_id in sorted({str(o) for o in graph.objects(None, EVKG.constraintId)}):   # Q-34, as a report shows
            names.setdefault(check_id, min(graph.subjects(EVKG.constraintId, Literal(check_id)), key=str))
        for subject, key in graph.subject_objects(EVKG.citationKey):
            names.setdefault(str(key), subject)
        for subject in graph.subjects(RDF.type, EVKG.EVProduct):
            if str(subject).startswith(str(EVD) + "product/"):
                names.setdefault(str(subject)[len(str(EVD) + "product/"):], subject)
    return names


def find_citable(name: str) -> URIRef:
    """The IRI a user means by `name` (CURIE, IRI, product id, rule id or citation key); UsageError if none."""
    from evkg.core.errors import UsageError

    from evkg.literature.identifiers import normalise_doi
    from evkg.literature.web_addresses import named_by_link

    graphs = _bundled_graphs()
    users = user_references_graph()
    everything = graphs + [bibliographic_graph(), users]

    def known(iri) -> bool:
        return any((iri, None, None) in g for g in everything)

    name = name.strip()
    candidates = []
    if re.match(r"^https?://", name):
        doi = _doi_from_resolver(name)
        candidates.append(paper_iri(doi=doi) if doi else URIRef(name))
        candidates += [n for n in (named_by_link(name, g) for g in everything) if n is not None]
    elif re.match(r"^(?:doi:\s*)?10\.\d", name, re.IGNORECASE):   # a bare DOI
        try:
            candidates.append(paper_iri(doi=normalise_doi(re.sub(r"^doi:\s*", "", name, flags=re.I))))
        except ValueError:
            pass
    elif pmid := re.fullmatch(r"(?:pmid:?|pubmed:?)\s*(\d+)", name, re.IGNORECASE):   # pmid:37356708, PMID 37356708
        candidates.append(paper_iri(pmid=pmid.group(1)))
        candidates += [s for g in everything for s in g.subjects(FABIO_PMID, Literal(pmid.group(1)))]
    expanded = None if re.match(r"^https?://", name) else expand_curie(name)
    if expanded is not None:
        candidates.append(URIRef(expanded))
    names = _known_names(graphs + [users])
    if name in names:
        candidates.append(names[name])
    candidates += _sources_named(name, everything)     # "Lener et al. 2015", as a report prints a source
    if re.fullmatch(r"[\w.-]+", name):   # a bare id; text with spaces or brackets names no IRI
        candidates += [EVD["product/" + name], EVKG[name], EVSH_NS[name]]
    for candidate in candidates:
        if known(candidate):
            return candidate
    if Path(name).is_file():
        raise UsageError(f"cite names something in the knowledge graph (a product, rule or term), not a file. "
                         f"For the rules and legal sources behind a description's answers run `evkg explain "
                         f"{name}`; then cite any rule it names, e.g. `evkg cite EU-12`.")
    import difflib

    lowered = name.lower()
    close = sorted(n for n in names if n.lower().startswith(lowered))[:5]
    close += [n for n in difflib.get_close_matches(name, list(names), n=5, cutoff=0.5) if n not in close]
    close = close[:5]
    hint = f" Closest names: {', '.join(close)}." if close else (
        " Give a product id (e.g. exoflo), a rule id (e.g. EU-10), a term (e.g. evkg:EU_GTMP), a paper's DOI "
        "or pmid:<number>, or a full IRI.")
    if re.fullmatch(r"[\w.-]+", name):        # perhaps the id of the user's own product
        hint += (" A product you describe yourself is not in it: `evkg explain YOUR-FILE` gives the rules and "
                 "legal sources behind its answers, and `evkg cite` any rule it names.")
    raise UsageError(f"nothing called {name!r} is in the knowledge graph.{hint}")


def _sources_named(name: str, graphs: list[Graph]) -> list[URIRef]:
    """The papers and legal acts or provisions whose label is `name` (in any case): the names reports print
    beside "source:", such as "Lener et al. 2015" or "Directive 2001/83/EC, Article 1(2)"."""
    wanted = " ".join(name.split()).casefold()
    sources = (str(EVD) + "paper/", str(EVD) + "act/")
    return sorted({s for g in graphs for s, label in g.subject_objects(RDFS.label)
                   if isinstance(s, URIRef) and str(s).startswith(sources)
                   and " ".join(str(label).split()).casefold() == wanted}, key=str)


EVSH_NS = Namespace("https://w3id.org/evkg/shapes#")
FABIO_PMID = URIRef("http://purl.org/spar/fabio/hasPubMedId")


def _label_of(graphs: list[Graph], thing) -> str:
    for graph in graphs:
        value = graph.value(thing, RDFS.label)
        if value is not None:
            return str(value)
    return curie(str(thing))


def citation_sources(name: str) -> Citation:
    """Collect the papers, acts and records behind a term, product, rule, shape or paper."""
    thing = find_citable(name)
    graphs = _bundled_graphs()
    found: list[URIRef] = []

    def add(values):
        for value in values:
            if value not in found:
                found.append(value)

    kind = "term"
    if resolve_source(thing) is not None:  # a paper or act: its own record is the citation
        resolved = resolve_source(thing)
        return Citation(thing=thing, label=resolved["label"], kind=resolved["kind"], sources=[resolved])
    label = None
    for graph in graphs:
        add(sources_of(graph, thing))
        check_id = graph.value(thing, EVKG.constraintId)
        siblings = sorted(set(graph.subjects(EVKG.constraintId, check_id)) - {thing}, key=str) if check_id else []
        if siblings:                   # one check id, several shapes (Q-28: sterility and mycoplasma)
            shapes = [thing] + siblings
            label = f"check {check_id}: " + "; ".join(str(graph.value(s, RDFS.label) or curie(str(s))) for s in shapes)
            for sibling in siblings:
                add(sources_of(graph, sibling))
                for part in graph.objects(sibling, SH.sparql):
                    add(sources_of(graph, part))
        if (thing, RDF.type, EVKG.EVProduct) in graph:
            kind = "product"
            for trial in graph.subjects(EVKG.investigatesProduct, thing):
                add(sources_of(graph, trial))
            for determination in graph.objects(thing, EVKG.agencyDetermination):
                add(sources_of(graph, determination))
        if (thing, EVKG.ruleId, None) in graph:
            kind = "rule"
        for shape_part in (SH.property, SH.sparql, SH.rule):
            for part in graph.objects(thing, shape_part):
                kind = "shape" if kind == "term" else kind
                add(sources_of(graph, part))
    records = []
    for iri in found:
        if any((iri, RDF.type, OWL.Ontology) in g for g in graphs):  # defined by an ontology, not a paper
            records.append({"iri": str(iri), "kind": "ontology", "label": _label_of(graphs, iri), "url": str(iri),
                            "identifier": None, "authors": [], "title": None, "year": None, "journal": None,
                            "citation": None, "doi": None, "pmid": None, "pmcid": None, "part_of": None,
                            "note": None})
            continue
        record = resolve_source(iri) or {"iri": str(iri), "kind": "unresolved", "label": str(iri), "title": None,
                                          "authors": [], "year": None, "journal": None, "citation": None,
                                          "doi": None, "pmid": None, "pmcid": None, "identifier": None,
                                          "url": str(iri) if str(iri).startswith("http") else None,
                                          "part_of": None, "note": None}
        records.append(record)
        if record["kind"] == "provision" and record.get("part_of"):  # a rule cites a provision: name its act
            act = resolve_source(record["part_of"])
            if act and all(r["iri"] != act["iri"] for r in records) and URIRef(act["iri"]) not in found:
                records.append(act)
    order = {"paper": 0, "trial": 1, "registry-record": 2, "act": 3, "provision": 3, "ontology": 4, "unresolved": 5}
    records.sort(key=lambda r: order.get(r["kind"], 5))  # stable: papers first, in the order cited
    return Citation(thing=thing, label=label or _label_of(graphs + [bibliographic_graph()], thing), kind=kind,
                    sources=records)


def _authors_text(authors: list[str], limit: int = 6) -> str:
    if not authors:
        return ""
    shown = authors[:limit]
    return ", ".join(shown) + (", et al." if len(authors) > limit else "")


def format_text(citation: Citation) -> str:
    lines = [f"Sources for {citation.label} ({curie(str(citation.thing))}):"]
    if not citation.sources:
        lines.append("  none recorded")
    for number, record in enumerate(citation.sources, 1):
        lines.append(f"  [{number}] {format_record(record)}")
    return "\n".join(lines)


def format_record(record: dict) -> str:
    """One readable bibliography line."""
    kind = record["kind"]
    if kind == "paper":
        parts = []
        head = _authors_text(record["authors"])
        if head:
            parts.append(head + (f" ({record['year']})." if record["year"] else "."))
        elif record["year"]:
            parts.append(f"({record['year']}).")
        parts.append((record["title"] or record["label"]).rstrip(".") + ".")
        if record["citation"] or record["journal"]:
            parts.append((record["citation"] or record["journal"]).rstrip(".") + ".")
        if record["doi"]:
            parts.append(f"doi:{record['doi']}.")
        if record["pmid"]:
            parts.append(f"PMID {record['pmid']}.")
        if record["pmcid"]:
            parts.append(f"{record['pmcid']}.")
        if record.get("retracted"):
            parts.append("[RETRACTED]")
        if record.get("note") and "unverified" in record["note"]:
            parts.append("[some details unverified]")
        return " ".join(parts)
    if kind in ("act", "provision"):
        text = record["label"].rstrip(".") + "."
        if record.get("identifier"):
            text += f" {record['identifier']}."
        if record.get("url"):
            text += f" {record['url']}"
        return text
    if kind == "registry-record":
        return f"{record['label']}. {record['url']}"
    if kind == "ontology":
        return f"{record['label']} (ontology). {record['url']}"
    if kind == "trial":
        return f"Clinical trial {record['label']}."
    return f"{record['iri']} (not found in the bibliography or the act register)"


def _bibtex_author(author: str) -> str:
    family = _family(author)
    initials = author[len(family):].strip()
    if not is_initials(initials):
        return "{" + author + "}"
    return f"{family}, " + " ".join(f"{letter}." for letter in initials)


def _ascii_key(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower()) or "ref"


def format_bibtex(citation: Citation) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    used: set[str] = set()
    for record in citation.sources:
        if record["kind"] == "paper":
            base = _ascii_key(_family(record["authors"][0]) if record["authors"] else record["label"].split()[0])
            base += record["year"] or ""
            entry_type = "article"
            fields = [("author", " and ".join(_bibtex_author(a) for a in record["authors"])),
                      ("title", record["title"] or record["label"]), ("journal", record["journal"]),
                      ("year", record["year"]), ("doi", record["doi"]), ("pmid", record["pmid"]),
                      ("pmcid", record["pmcid"]), ("note", record["citation"])]
        else:
            base = _ascii_key(record.get("identifier") or record["label"])[:30]
            entry_type = "misc"
            fields = [("title", record["label"]), ("note", record.get("identifier")), ("url", record.get("url"))]
        key, suffix = base, ord("a")
        while key in used:
            key, suffix = f"{base}{chr(suffix)}", suffix + 1
        used.add(key)
        library.add(Entry(entry_type, key, [Field(name, value.replace("{", "(").replace("}", ")")
                                                  if name != "author" else value)
                                            for name, value in fields if value]))
    return bibtexparser.write_string(library)


def format_csl_json(citation: Citation) -> str:
    items = []
    for record in citation.sources:
        if record["kind"] == "paper":
            item = {"id": record["iri"], "type": "article-journal", "title": record["title"] or record["label"]}
            authors = []
            for author in record["authors"]:
                family = _family(author)
                given = author[len(family):].strip()
                authors.append({"family": family, "given": given} if given else {"literal": author})
            if authors:
                item["author"] = authors
            if record["year"]:
                item["issued"] = {"date-parts": [[int(record["year"])]]}
            for key, field_name in (("journal", "container-title"), ("doi", "DOI"), ("pmid", "PMID"),
                                    ("pmcid", "PMCID"), ("url", "URL")):
                if record.get(key):
                    item[field_name] = record[key]
        else:
            item = {"id": record["iri"], "type": "legislation" if record["kind"] in ("act", "provision")
                    else "webpage", "title": record["label"]}
            if record.get("identifier"):
                item["number"] = record["identifier"]
            if record.get("url"):
                item["URL"] = record["url"]
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2)
