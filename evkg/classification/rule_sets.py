"""Rule sets: which body of rules classifies, and the legal text it implements.

The bundled rules (shapes/rules-*.ttl) form the default rule sets, the law in force, one per jurisdiction
plus the EV-role rules (declared in shapes/rule-sets/in-force.ttl). An overlay rule set is a Turtle file in
shapes/rule-sets/ (or a user's own file) that declares itself `evkg:overlayOf` another rule set and adds,
replaces or retires rules (see evkg.classification.knowledge). Choosing a rule set means choosing the chain of
overlay files to apply on the bundled rules.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from evkg.core import resources
from evkg.core.errors import UsageError
from evkg.core.namespaces import EVKG

LAW_STATUS = {str(EVKG.InForce): "in force", str(EVKG.AgreedText): "agreed text", str(EVKG.Proposal): "proposal"}
DEFAULT_NAME = "in-force"          # what `--rules` names when nothing else is chosen


@dataclass(frozen=True)
class RuleSet:
    iri: str
    name: str
    label: str
    comment: str
    legal_basis: tuple               # act or provision IRIs
    text_version: str
    law_status: str                  # "in force" | "agreed text" | "proposal"
    default: bool
    derived_from: str | None         # IRI of the rule set it overlays
    jurisdictions: tuple             # "EU", "US", "KR"; empty: every jurisdiction
    file: str | None                 # the overlay file; None for a default rule set
    outcome_graph: str | None
    rule_graph: str | None

    @property
    def overlay(self) -> bool:
        return self.file is not None


def _declarations(graph: Graph, file: str | None) -> list[RuleSet]:
    found = []
    for node in sorted(set(graph.subjects(RDF.type, EVKG.RuleSet)), key=str):
        name = graph.value(node, EVKG.ruleSetName)
        default = graph.value(node, EVKG.isDefaultRuleSet)
        derived = graph.value(node, EVKG.overlayOf)
        outcome_graph = graph.value(node, EVKG.outcomeGraph)
        rule_graph = graph.value(node, EVKG.ruleGraph)
        found.append(RuleSet(
            iri=str(node),
            name=str(name) if name is not None else (Path(file).stem if file else str(node).rsplit("/", 1)[-1]),
            label=str(graph.value(node, RDFS.label) or name or node),
            comment=str(graph.value(node, RDFS.comment) or ""),
            legal_basis=tuple(sorted(str(a) for a in graph.objects(node, EVKG.legalBasis))),
            text_version=str(graph.value(node, EVKG.textVersion) or "not stated"),
            law_status=LAW_STATUS.get(str(graph.value(node, EVKG.lawStatus)), "not stated"),
            default=isinstance(default, Literal) and default.toPython() is True,
            derived_from=str(derived) if derived is not None else None,
            jurisdictions=tuple(sorted(str(j).rsplit("/", 1)[-1]
                                       for j in graph.objects(node, EVKG.coversJurisdiction))),
            file=None if (isinstance(default, Literal) and default.toPython() is True) else file,
            outcome_graph=str(outcome_graph) if outcome_graph is not None else None,
            rule_graph=str(rule_graph) if rule_graph is not None else None,
        ))
    return found


@functools.cache
def bundled_rule_sets() -> dict[str, RuleSet]:
    """Every bundled rule set by name: the defaults first, then the overlays, each in name order."""
    found: list[RuleSet] = []
    for path in resources.rule_set_files():
        found.extend(_declarations(Graph().parse(path, format="turtle"), str(path)))
    found.sort(key=lambda r: (not r.default, r.name))
    return {r.name: r for r in found}


def rule_set_graph() -> Graph:
    """The declarations of every bundled rule set (no rules), for the store."""
    graph = Graph()
    for path in resources.rule_set_files():
        parsed = Graph().parse(path, format="turtle")
        for node in parsed.subjects(RDF.type, EVKG.RuleSet):
            for triple in parsed.triples((node, None, None)):
                graph.add(triple)
    return graph


def overlay_rule_graph(rule_set: RuleSet) -> Graph:
    """An overlay's own file minus its declaration: the rules it adds, replaces or retires."""
    graph = Graph().parse(rule_set.file, format="turtle")
    graph.remove((URIRef(rule_set.iri), None, None))
    return graph


def default_rule_sets() -> list[RuleSet]:
    return [r for r in bundled_rule_sets().values() if r.default]


def overlay_chain(rule_set: RuleSet, known: dict[str, RuleSet] | None = None) -> tuple[str, ...]:
    """The overlay files to apply on the bundled rules, oldest ancestor first."""
    known = known if known is not None else bundled_rule_sets()
    by_iri = {r.iri: r for r in known.values()}
    chain: list[str] = []
    seen: set[str] = set()
    current: RuleSet | None = rule_set
    while current is not None and current.file is not None:
        if current.iri in seen:
            raise UsageError(f"the rule set {current.name} is an overlay of itself (evkg:overlayOf loops).")
        seen.add(current.iri)
        chain.append(current.file)
        if current.derived_from is None:
            break
        parent = by_iri.get(current.derived_from)
        if parent is None:
            raise UsageError(f"the rule set {current.name} is derived from {current.derived_from}, which is not a "
                             f"known rule set; use one listed by `evkg rules`.")
        current = parent
    return tuple(reversed(chain))


def resolve(choice: str | None) -> tuple[RuleSet | None, tuple[str, ...]]:
    """A rule set name or a user's overlay file -> (its declaration if any, the overlay files to apply).

    None, "in-force" or the name of a default rule set give the law in force (no overlay)."""
    if choice is None or choice == DEFAULT_NAME:
        return None, ()
    known = bundled_rule_sets()
    if choice in known:
        chosen = known[choice]
        return chosen, overlay_chain(chosen, known)
    from evkg.core.safe_text import shortened

    path, shown = Path(choice), shortened(choice, 120)
    try:
        exists = path.exists()
    except OSError:                             # a name longer than any file name: no such file
        exists = False
    if path.suffix.lower() in (".ttl", ".turtle") or exists:
        if exists:
            from evkg.core.files import regular_file_status

            regular_file_status(path, what="rule file")      # a folder or a device is said to be one
        else:
            raise UsageError(f"the rule file {shown} does not exist; give a Turtle file of rules, or one of "
                             f"the rule sets {', '.join(known)} (see `evkg rules`).")
        from evkg.classification.knowledge import _parse_overlay

        graph = _parse_overlay(str(path))
        declared = _declarations(graph, str(path))
        if not _declares_rules(graph) and not any(d.derived_from for d in declared):
            raise UsageError(_no_rules_message(choice, graph))
        if declared:
            user = declared[0]
        else:
            user = RuleSet(iri=path.resolve().as_uri(), name=path.stem, label=f"rules of {path.name}",
                           comment="", legal_basis=(), text_version="not stated", law_status="not stated",
                           default=False, derived_from=None, jurisdictions=(), file=str(path),
                           outcome_graph=None, rule_graph=None)
        return user, overlay_chain(user, known)
    import difflib

    close = [n for n in known if n.startswith(choice)] or difflib.get_close_matches(choice, list(known), n=2)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise UsageError(f"no rule set named {shown!r}.{hint} Known rule sets: {', '.join(known)}; or give the "
                     "path of a Turtle file of your own rules (`evkg rules` lists them with their legal basis).")


def _declares_rules(graph: Graph) -> bool:
    """Whether a rule file adds, replaces or retires a rule: a node with an evkg:ruleId and a CONSTRUCT, or
    with sh:deactivated true."""
    from rdflib.namespace import SH

    return any(graph.value(node, SH.construct) is not None
               or graph.value(node, SH.deactivated) == Literal(True)
               for node in graph.subjects(EVKG.ruleId, None))


def _no_rules_message(choice: str, graph: Graph) -> str:
    what = (f"{choice} declares no classification rules (no node with an evkg:ruleId and a sh:construct, nor one "
            "retired with sh:deactivated true), so classifying with it would change nothing.")
    if (None, RDF.type, EVKG.EVProduct) in graph:
        return (what + " It describes a product: give it to `evkg check` as a FILE, not after --rules. --rules takes "
                "a rule set name from `evkg rules` or a Turtle file of rules.")
    return (what + " A rule file adds, replaces or retires rules as shapes/rule-sets/eu-reform-proposal-2023.ttl "
            "does; or give a rule set name from `evkg rules`.")


def describe_choice(choice: str | None) -> str:
    """The name a report shows for a rule-set choice."""
    if choice is None or choice == DEFAULT_NAME:
        return "the law in force"
    rule_set, _ = resolve(choice)
    return rule_set.name if rule_set else str(choice)
