"""Parameter values of the named queries: the kind of each parameter (from its name), each value parsed into
one validated RDF term (user text never becomes SPARQL syntax), and a value naming a thing of the graph (a
product, rule set, rule, act, class, paper, trial …) checked against the graph asked, so that a misspelt name
is not answered with an empty table."""
from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

from evkg.core.errors import UsageError
from evkg.core.namespaces import PREFIXES
from evkg.core.safe_text import shortened
from evkg.graph.store import prefixed

EVD = PREFIXES["evd"]
EVKG = PREFIXES["evkg"]
JURISDICTIONS = ("EU", "US", "KR")


# --- parameter values ---------------------------------------------------------------------------------------
_KIND_BY_NAME = {
    "jurisdiction": "jurisdiction", "product": "product", "act": "act", "type": "class", "class": "class",
    "category": "class", "paper": "paper", "trial": "trial", "rule": "rule", "year": "integer",
    "limit": "integer", "text": "string", "author": "string", "keyword": "string", "status": "status",
    "role": "role", "ruleset": "ruleset", "baseline": "ruleset",
}
ACCEPTED = {
    "jurisdiction": "EU, US or KR, or a jurisdiction IRI",
    "product": "a product id such as exoflo, a CURIE such as evd:product/exoflo, or an IRI",
    "act": "an act id such as eu-dir-2001-83 (or a provision such as eu-dir-2001-83/art-1-2), the act's name or "
           "number (Directive 2001/83/EC, 2001/83/EC, 21 CFR Part 1271), a CURIE or an IRI",
    "class": "an evkg class name such as Exosome, its label or abbreviation such as sEV, a CURIE such as "
             "evkg:Exosome, or an IRI",
    "paper": "a DOI such as 10.3402/jev.v4.30087, pmid:<number>, a CURIE or an IRI",
    "trial": "a registry id such as NCT04493242, a CURIE or an IRI",
    "rule": "a rule id such as EU-10, a check id such as Q-19, a CURIE such as evsh:EU-10, or an IRI",
    "ruleset": "the name of a rule set, as `evkg rules` lists them, such as eu-in-force",
    "status": "Settled, Provisional or Contested (or evkg:Settled …)",
    "role": "ActiveSubstance, DeliveryVehicle, Combined or NotApplicable (or evkg:DeliveryVehicleRole …)",
    "integer": "a whole number",
    "string": "any text",
    "term": "an IRI (<…> or http…), a CURIE with a known prefix (evkg:, evd:, …), a number, or text",
}


def param_kind(name: str) -> str:
    lowered = name.lower()
    if lowered in _KIND_BY_NAME:
        return _KIND_BY_NAME[lowered]
    for suffix, kind in (("jurisdiction", "jurisdiction"), ("product", "product"), ("act", "act"),
                         ("type", "class"), ("class", "class"), ("category", "class"), ("paper", "paper"),
                         ("year", "integer")):
        if lowered.endswith(suffix):
            return kind
    if lowered.startswith(("min", "max")):
        return "integer"
    return "term"


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CURIE = re.compile(r"^([A-Za-z][\w-]*)?:(\S*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class BadValue(ValueError):
    pass


def _iri_term(iri: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        raise BadValue("an IRI cannot contain spaces or any of < > \" { } | ^ ` \\")
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise BadValue(f"{shortened(iri, 80)!r} is not a valid IRI ({exc})") from None


def _as_iri(raw: str) -> str | None:
    """The IRI a value names, if it is written as <IRI>, http(s)/urn IRI or a CURIE with a known prefix."""
    if raw.startswith("<") and raw.endswith(">"):
        return raw[1:-1]
    if re.match(r"^(https?|urn|ftp):", raw, re.IGNORECASE):
        return raw
    match = _CURIE.match(raw)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    if match and match.group(1) and not re.match(r"^\d", match.group(2) or "x"):
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise BadValue(f"the prefix {match.group(1)}: is not known (known: {known})")
    return None


def parse_value(kind: str, raw: str) -> str:
    """One parameter value as a validated SPARQL term, or BadValue saying what is wrong."""
    value = raw.strip()
    if not value:
        raise BadValue("the value is empty")
    said = shortened(value, 80)                 # quoted back in messages: a pasted page is not echoed whole
    if kind in ("string", "ruleset"):
        return str(ox.Literal(value))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise BadValue(f"{said!r} is not a whole number")
        return str(ox.Literal(str(int(value)), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))
    if kind == "paper" and re.match(r"^(doi:)?10\.\d{4,9}/\S+$", value, re.IGNORECASE):
        doi = re.sub(r"^doi:", "", value, flags=re.IGNORECASE).lower()
        return _iri_term(f"{EVD}paper/doi/{doi}")
    if kind == "paper" and re.match(r"^pmid:\d+$", value, re.IGNORECASE):
        return _iri_term(f"{EVD}paper/pmid/{value.split(':', 1)[1]}")
    if kind == "paper" and value.lower().startswith("pmid:"):
        raise BadValue(f"{said!r} is not a PubMed id: write pmid: followed by its digits, e.g. pmid:26725829")
    iri = _as_iri(value)
    if iri is not None:
        return _iri_term(iri)
    if kind == "jurisdiction":
        if value.upper() in JURISDICTIONS:
            return _iri_term(f"{EVD}jurisdiction/{value.upper()}")
        raise BadValue(f"{said!r} is not a jurisdiction evkg knows")
    if kind == "product":
        if _SLUG.match(value.lower()):
            return _iri_term(f"{EVD}product/{value.lower()}")
        raise BadValue(f"{said!r} is not a product id (lower-case letters, digits and hyphens)")
    if kind == "act":
        slug = re.fullmatch(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?", value.lower())
        if slug and re.match(r"[a-z]+-", value.lower()):      # eu-dir-2001-83, us-21-cfr-1271/1271-3-d
            return _iri_term(f"{EVD}act/{value.lower()}")
        named = _acts_named(value)
        if len(named) == 1:                      # as the act calls itself: Directive 2001/83/EC, 21 CFR Part 600
            return _iri_term(named[0])
        if slug and not named:
            return _iri_term(f"{EVD}act/{value.lower()}")
        raise BadValue(f"{said!r} is not an act id" + (f" (it names several acts: {', '.join(named)})"
                                                        if named else ""))
    if kind == "class":
        named = _classes_named(value)
        if len(named) == 1:                      # by its label or a synonym: sEV, OMV, exosome
            return _iri_term(named[0])
        if re.fullmatch(r"[A-Za-z_][\w-]*", value):
            return _iri_term(EVKG + value)
        raise BadValue(f"{said!r} is not a class name")
    if kind == "trial":
        if re.fullmatch(r"[A-Za-z0-9][\w.-]*", value):
            return _iri_term(f"{EVD}trial/{value}")
        raise BadValue(f"{said!r} is not a trial registry id")
    if kind == "rule":
        shapes = _shapes_with_check_id(value)      # Q-19, as a report shows it, for evsh:Q-19-TransmembraneMarker
        if len(shapes) == 1:
            return _iri_term(shapes[0])
        if shapes:
            names = ", ".join(s.removeprefix(PREFIXES["evsh"]) for s in shapes)
            raise BadValue(f"{said!r} is the check id of several shapes ({names}); give one of them")
        if re.fullmatch(r"[A-Za-z]+-[\w-]+", value):
            return _iri_term(PREFIXES["evsh"] + value)
        raise BadValue(f"{said!r} is not a rule id")
    if kind == "status":
        names = {"settled": "Settled", "provisional": "Provisional", "contested": "Contested"}
        if value.lower() in names:
            return _iri_term(EVKG + names[value.lower()])
        raise BadValue(f"{said!r} is not a rule status")
    if kind == "role":
        names = {"activesubstance": "ActiveSubstanceRole", "deliveryvehicle": "DeliveryVehicleRole",
                 "combined": "CombinedRole", "notapplicable": "NotApplicableRole"}
        key = re.sub(r"[\s_-]", "", value.lower()).removesuffix("role")
        if key in names:
            return _iri_term(EVKG + names[key])
        meant = [names[k].removesuffix("Role") for k in names if key and key in k]    # `delivery`, `active`
        raise BadValue(f"{said!r} is not an EV role" + (f" (did you mean {' or '.join(meant)}?)" if meant else ""))
    if kind == "paper":
        raise BadValue(f"{said!r} is not a DOI or pmid:<number>")
    # any term: numbers and booleans as typed literals, anything else as text
    if re.fullmatch(r"[+-]?\d{1,18}", value):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "decimal")))
    if value in ("true", "false"):
        return str(ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean")))
    return str(ox.Literal(value))


def _shapes_with_check_id(check_id: str) -> list[str]:
    from rdflib import Literal

    from evkg.core import resources
    from evkg.core.namespaces import EVKG as EVKG_NS

    return sorted(str(s) for s in resources.shapes_graph().subjects(EVKG_NS.constraintId, Literal(check_id)))


def _acts_named(text: str) -> list[str]:
    """The bundled acts whose name or official identifier is `text` or ends with it as whole words
    ("2001/83/EC" for Directive 2001/83/EC, "CELEX 32001L0083")."""
    from rdflib.namespace import RDF, RDFS

    from evkg.core import resources
    from evkg.core.namespaces import EVKG as EVKG_NS

    wanted = " ".join(text.split()).casefold()
    data = resources.data_graph()
    found = set()
    for act in data.subjects(RDF.type, EVKG_NS.LegalAct):
        for name in [*data.objects(act, RDFS.label), *data.objects(act, EVKG_NS.officialIdentifier)]:
            name = " ".join(str(name).split()).casefold()
            if name == wanted or name.endswith(" " + wanted):
                found.add(str(act))
    return sorted(found)


def _classes_named(text: str) -> list[str]:
    """The evkg classes whose label or synonym (skos:altLabel) is `text`, in any case ("sEV" for SmallEV,
    "outer-membrane vesicle" or "OMV" for OuterMembraneVesicle); a class's own name is taken as it is."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    from evkg.core import resources

    wanted = " ".join(text.split()).casefold()
    ontology = resources.ontology_graph()
    if (URIRef(EVKG + text.strip()), RDF.type, OWL.Class) in ontology:
        return [EVKG + text.strip()]
    return sorted({str(c) for prop in (RDFS.label, SKOS.altLabel) for c, name in ontology.subject_objects(prop)
                   if str(c).startswith(EVKG) and (c, RDF.type, OWL.Class) in ontology
                   and " ".join(str(name).split()).casefold() == wanted})


# Parameter kinds that name one thing of the graph: what it is called, a graph pattern that holds for each such
# thing ?thing (to ask whether the given one is there, and to list the names to suggest instead), and where to
# find the names. Without this check a misspelt name gives an empty table, which reads as "no evidence".
_P = {prefix: f"<{iri}" for prefix, iri in PREFIXES.items()}
_NAMED_THINGS = {
    "product": ("product", f"?thing a {_P['evkg']}EVProduct>",
                "Give the id of a product in the graph, such as exoflo (the query classification-matrix lists them)."),
    "ruleset": ("rule set", f"?set {_P['evkg']}ruleSetName> ?thing",
                "`evkg rules` lists the rule sets (a rule set of your own file is not in the graph)."),
    "rule": ("rule or shape", f"VALUES ?type {{ {_P['evkg']}ClassificationRule> {_P['sh']}NodeShape> "
             f"{_P['sh']}PropertyShape> {_P['sh']}SPARQLRule> }} ?thing a ?type . FILTER (isIRI(?thing))",
             "Give a rule id such as EU-10 (the query rules-by-status lists the classification rules)."),
    "act": ("act or provision", f"VALUES ?type {{ {_P['evkg']}LegalAct> {_P['evkg']}LegalProvision> }} "
            "?thing a ?type",
            "Give the id of an act in the graph, such as eu-dir-2001-83, or of one of its provisions, such as "
            "eu-dir-2001-83/art-1-2 (`evkg cite` prints the acts behind a rule or product)."),
    "class": ("class", f"{{ ?thing a {_P['owl']}Class> }} UNION {{ ?thing a {_P['rdfs']}Class> }} UNION "
              f"{{ ?thing {_P['rdfs']}subClassOf> ?broader }} FILTER (isIRI(?thing))",
              "Give an evkg class such as ExtracellularVesicle or Exosome (the query ev-subtypes lists the EV "
              "types; `evkg terms search` finds ontology terms)."),
    "paper": ("paper", f"{{ ?thing {_P['bibo']}doi>|{_P['fabio']}hasPubMedId> ?id }} UNION "
              f"{{ ?thing a ?type FILTER (STRSTARTS(STR(?type), \"{PREFIXES['fabio']}\")) }}",
              "Give the DOI or pmid:<number> of a paper in evkg's bibliography (`evkg cite exoflo` lists a "
              "product's papers). Papers you imported with `evkg literature import` are not in the built graph; "
              "`evkg cite` finds them."),
    "trial": ("clinical trial", f"?thing a {_P['evkg']}ClinicalTrial>",
              "Give the registry id of a trial in the graph, such as NCT04493242."),
    "jurisdiction": ("jurisdiction", f"?thing a {_P['evkg']}Jurisdiction>", "Give EU, US or KR."),
    "status": ("rule status", f"{{ ?thing a {_P['evkg']}ConclusionStatus> }} UNION "
               f"{{ ?rule {_P['evkg']}status> ?thing }}", "Give Settled, Provisional or Contested."),
    "role": ("EV role", f"?thing a {_P['evkg']}EVRole>",
             "Give ActiveSubstance, DeliveryVehicle, Combined or NotApplicable."),
}
# How a user writes the name of a thing of each namespace in a parameter (the namespace left out).
_SHORT_NAMES = ((f"{EVD}product/", ""), (f"{EVD}act/", ""), (f"{EVD}trial/", ""), (f"{EVD}jurisdiction/", ""),
                (f"{EVD}paper/doi/", ""), (f"{EVD}paper/pmid/", "pmid:"), (PREFIXES["evsh"], ""), (EVKG, ""))


def _thing_name(term) -> str:
    """A thing's name as a user writes it in a parameter: a product id (exoflo), a rule id (EU-10), an act id,
    a class name, a DOI, a rule set's name; else its CURIE or IRI."""
    if isinstance(term, ox.Literal):
        return term.value
    for namespace, shown in _SHORT_NAMES:
        if isinstance(term, ox.NamedNode) and term.value.startswith(namespace) and term.value != namespace:
            return shown + term.value[len(namespace):]
    return prefixed(term)


def _closest(given: str, names: list[str]) -> list[str]:
    """Up to five names close to the given one, ignoring case: similar spellings first, then names that
    start like it."""
    by_lower = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    lowered = given.lower()
    close = difflib.get_close_matches(lowered, list(by_lower), n=5, cutoff=0.6)
    if len(lowered) >= 4:
        close += [n for n in by_lower if n.startswith(lowered[:max(4, len(lowered) * 2 // 3)]) and n not in close]
    return [by_lower[n] for n in close[:5]]


def check_named_things(query, params: dict[str, str] | None, target) -> None:
    """Each parameter given to ``query`` (a NamedQuery) that names a thing of the graph (a product, rule set,
    rule, act, class, paper, trial, jurisdiction, status or EV role) must name one in the graph ``target``
    holds; otherwise a UsageError names the closest ones."""
    for name, raw in (params or {}).items():
        spec = query.param(name)
        kind = spec.kind if spec else param_kind(name)
        if kind not in _NAMED_THINGS:
            continue
        what, pattern, hint = _NAMED_THINGS[kind]
        try:
            term = parse_value(kind, str(raw))
        except BadValue:
            continue                                   # reported where the query is prepared
        if target.query(f"ASK {{ VALUES ?thing {{ {term} }} {pattern} }}").boolean:
            continue
        listing = target.query(f"SELECT DISTINCT ?thing WHERE {{ {pattern} }}").rows
        names = sorted({_thing_name(row[0]) for row in listing})
        given = str(raw).strip()
        close = _closest(_thing_name(ox.NamedNode(term[1:-1])) if term.startswith("<") else given, names)
        closest = f" Closest names: {', '.join(close)}." if close else ""
        raise UsageError(f"parameter {name!r}: there is no {what} {shortened(given, 80)!r} in the knowledge graph."
                         f"{closest} {hint}")
