"""The rule table (docs/rules.md), read from the classification rules themselves: the rule sets with the legal
text each implements, every rule per jurisdiction with what it concludes, its alternatives, status and legal
sources, the questions each jurisdiction answers, what each overlay rule set changes, and the worked examples.
Output is deterministic so that a stale table can be detected by regenerating it."""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from evkg.core.namespaces import EVD, EVKG, EVSH

JURISDICTION = str(EVD["jurisdiction/"])
SH_RULE = URIRef("http://www.w3.org/ns/shacl#rule")

# (heading, rule-set node, jurisdiction of its questions; None: questions declared for no jurisdiction)
GROUPS = [
    ("EV role (all jurisdictions)", "RoleRules", None),
    ("European Union", "EURules", "EU"),
    ("United States", "USRules", "US"),
    ("South Korea", "KRRules", "KR"),
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "valid"


def _label(graphs: tuple[Graph, ...], node) -> str:
    for graph in graphs:
        label = graph.value(node, RDFS.label)
        if label is not None:
            return str(label)
    text = str(node)
    return text[len(str(EVKG)):] if text.startswith(str(EVKG)) else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _labels(graphs, nodes) -> str:
    return "; ".join(sorted(_cell(_label(graphs, node)) for node in set(nodes))) or "-"


def _rule_rows(rules: Graph, ontology: Graph, data: Graph, rule_set: URIRef) -> list[str]:
    rows = ["| Id | Rule | Concludes | Alternatives | Status | Sources |", "|---|---|---|---|---|---|"]
    rule_nodes = sorted(rules.objects(rule_set, SH_RULE),
                        key=lambda rule: _natural(str(rules.value(rule, EVKG.ruleId) or rule)))
    for rule in rule_nodes:
        status = rules.value(rule, EVKG.status)
        rows.append("| " + " | ".join([
            f"`{rules.value(rule, EVKG.ruleId)}`",
            _cell(str(rules.value(rule, RDFS.label) or "")),
            _labels((ontology,), rules.objects(rule, EVKG.concludes)),
            _labels((ontology,), rules.objects(rule, EVKG.alternative)),
            _label((ontology,), status).lower() if status is not None else "-",
            _labels((data, ontology), rules.objects(rule, DCTERMS.source)),
        ]) + " |")
    return rows


def _questions(rules: Graph, ontology: Graph, rule_set: URIRef, jurisdiction: str | None) -> list[str]:
    answered = {q for rule in rules.objects(rule_set, SH_RULE)
                for q in rules.objects(rule, EVKG.answersQuestion)}
    declared = set()
    for question in ontology.subjects(RDF.type, EVKG.ClassificationQuestion):
        where = ontology.value(question, EVKG.jurisdiction)
        if (jurisdiction is None and where is None) or (where is not None and str(where) == JURISDICTION + str(jurisdiction)):
            declared.add(question)
    lines = []
    for question in sorted(answered | declared, key=lambda q: _natural(str(q))):
        name = str(question)[len(str(EVKG)):] if str(question).startswith(str(EVKG)) else str(question)
        note = "" if question in answered else " (no rule answers it: always undecided)"
        lines.append(f"- `evkg:{name}`: {_label((ontology,), question)}{note}")
    return lines


def _worked_examples(examples: Path) -> list[str]:
    lines = []
    for path in sorted(examples.glob("*.ttl")):
        header = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#") or len(header) == 2:
                break
            header.append(line.lstrip("#").strip())
        lines.append(f"- `examples/valid/{path.name}`: {' '.join(header)}")
    return lines or ["(the worked examples are part of the source repository, not of the installed package)"]


def _rule_set_rows(rule_sets, data: Graph, ontology: Graph) -> list[str]:
    by_iri = {r.iri: r.name for r in rule_sets}
    rows = ["| Rule set | What it implements | Legal basis | Version of the text | Status of the text | "
            "Derived from |", "|---|---|---|---|---|---|"]
    for r in rule_sets:
        name = f"`{r.name}`" + (" (default)" if r.default else "")
        rows.append("| " + " | ".join([
            name, _cell(r.label), _labels((data, ontology), [URIRef(a) for a in r.legal_basis]),
            _cell(r.text_version), r.law_status,
            f"`{by_iri[r.derived_from]}`" if r.derived_from in by_iri else "-"]) + " |")
    return rows


def _overlay_section(rule_set, overlay: Graph, base: Graph, ontology: Graph, data: Graph) -> list[str]:
    known = {str(v) for v in base.objects(None, EVKG.ruleId)}
    out = [f"## Rule set `{rule_set.name}`", "", _cell(rule_set.comment), "",
           f"Derived from the default rules; status of the text: {rule_set.law_status}. Try it with "
           f"`evkg whatif --rules {rule_set.name}`.", "",
           "| Change | Id | Rule | Concludes | Alternatives | Status | Sources |",
           "|---|---|---|---|---|---|---|"]
    nodes = sorted(set(overlay.subjects(EVKG.ruleId, None)),
                   key=lambda n: _natural(str(overlay.value(n, EVKG.ruleId))))
    for node in nodes:
        rule_id = str(overlay.value(node, EVKG.ruleId))
        off = overlay.value(node, URIRef("http://www.w3.org/ns/shacl#deactivated"))
        change = "retired" if off is not None and off.toPython() is True else (
            "replaced" if rule_id in known else "added")
        status = overlay.value(node, EVKG.status)
        out.append("| " + " | ".join([
            change, f"`{rule_id}`", _cell(str(overlay.value(node, RDFS.label) or "")),
            _labels((ontology,), overlay.objects(node, EVKG.concludes)),
            _labels((ontology,), overlay.objects(node, EVKG.alternative)),
            _label((ontology,), status).lower() if status is not None else "-",
            _labels((data, ontology), overlay.objects(node, DCTERMS.source))]) + " |")
    out.append("")
    return out


def rules_markdown(rules: Graph, ontology: Graph, data: Graph, examples: Path = EXAMPLES,
                   rule_sets=()) -> str:
    """`rule_sets`: (RuleSet, its overlay graph or None) pairs, defaults first."""
    out = [
        "# Classification rules",
        "",
        "Generated from shapes/rules-*.ttl and shapes/rule-sets/*.ttl by `python -m evkg.publish.docs`; do not edit "
        "by hand.",
        "",
        "Each rule concludes one or more categories when its premises hold for a product description. "
        "Alternatives are the other readings a contested or provisional rule reports beside its conclusion. "
        "Sources are the legal acts, agency documents and papers the rule rests on. Status:",
        "",
    ]
    for status in ("Settled", "Provisional", "Contested"):
        node = URIRef(EVKG + status)
        out.append(f"- {_label((ontology,), node)}: {ontology.value(node, SKOS.definition)}")
    out.append("")
    if rule_sets:
        out += ["## Rule sets", "",
                "The rules belong to named rule sets, each recording the legal text it implements. The law in "
                "force is the default; an overlay rule set is derived from it and adds rules, replaces a rule "
                "(same id) or retires one (`sh:deactivated`), each change with its own source. "
                "`evkg rules` lists them; `evkg whatif --rules NAME` shows which answers change. "
                "A rule file of your own (`--rules my-rules.ttl`) is held to what a rule may do: each rule has one "
                "`evkg:ruleId` and an IRI of its own, names itself in `evkg:derivedByRule`, writes only about the "
                "outcomes it mints (never facts about the product), calls no remote endpoint (`SERVICE`), "
                "concludes a few outcomes per product and reaches a fixpoint; a rule that does not is refused, "
                "naming the file and the rule. A rule holds at most 2,000 variables, terms and operators (the "
                "largest bundled rule about 300; larger ones overflowed Oxigraph's stack). Each run of one of its "
                "rules, and the planning of its query, may take at most 60 s "
                "(`--rule-timeout SECONDS`) and 3072 MB of memory (`--rule-memory MB`; 0 for no limit, on `evkg "
                "check` and `evkg whatif`): Oxigraph cannot cancel a query, so past either limit the whole command "
                "is stopped (its worker processes with it, half-written output removed, exit code 2), naming the "
                "rule and the file (the rules of the law in force are not limited). The file may define new terms "
                "but changes nothing the bundled vocabulary says of its own (category hierarchy, questions, "
                "labels).", ""]
        out += _rule_set_rows([r for r, _ in rule_sets], data, ontology)
        out.append("")
    for heading, rule_set, jurisdiction in GROUPS:
        node = URIRef(EVSH + rule_set)
        out += [f"## {heading}", ""]
        out += _rule_rows(rules, ontology, data, node)
        out += ["", f"### Classification questions: {heading}", ""]
        out += _questions(rules, ontology, node, jurisdiction)
        out.append("")
    for rule_set, overlay in rule_sets:
        if overlay is not None:
            out += _overlay_section(rule_set, overlay, rules, ontology, data)
    out += ["## Worked examples", "",
            "Complete product descriptions with their expected classification (`<name>.expected.json` beside "
            "each file); the tests run them through the rules.", ""]
    out += _worked_examples(examples)
    out.append("")
    return "\n".join(out)
