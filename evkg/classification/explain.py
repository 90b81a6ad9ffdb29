"""The full derivation of every classification answer, in plain words (used by `evkg explain` and `check --explain`)."""
from __future__ import annotations

from evkg.classification.outcomes import JURISDICTION_NAMES, STATUS_RANK, decision_rank, jurisdiction_rank
from evkg.classification.schedule import HIERARCHY_RULE_ID
from evkg.core.safe_text import markdown_inert, visible

_STATUS_WORDS = {
    "settled": "settled: follows from the legal text for the stated facts",
    "provisional": "provisional: a reasonable reading without EV-specific agency confirmation; confirm with the regulator",
    "contested": "contested: authorities or texts diverge (every alternative the sources name is listed), or a premise is contested",
    "superseded": "superseded: an agency determination or a statutory precedence overrides it (kept for the record)",
    "undecided": "undecided: the description lacks facts the rules need",
    "out-of-scope": "out of scope: outside the human medicinal-product law evkg applies (the rule says why)",
}


def _source_line(source: dict) -> str:
    text = source.get("label") or source["iri"]
    if source.get("url"):
        text += f" <{source['url']}>"
    return text


def _shown_premises(result, outcome) -> list:
    """Each premise category of an outcome once, by its strongest derivation (a rule's before the category
    hierarchy's): a category reached both ways is one premise, and the hierarchy's way round, through a
    narrower category that itself rests on this one, would look like a circle. Its other derivations are
    named under it ("also derived by")."""
    strongest: dict = {}
    for iri in outcome.premise_outcomes:
        premise = result.derivation(iri)
        if premise is None:
            continue
        strength = (STATUS_RANK.get(premise.status, 0), premise.rule != HIERARCHY_RULE_ID)
        held = strongest.get(premise.category)
        if held is None or strength > held[0]:
            strongest[premise.category] = (strength, iri, premise)
    return [(iri, premise) for _, iri, premise in strongest.values()]


def _weakest_link(result, outcome) -> str:
    """Why the outcome has its status: its rule's own status and the best status of each premise."""
    from evkg.classification.knowledge import knowledge

    rules = getattr(result, "rules_by_iri", None) or knowledge().rules_by_iri
    rule = rules.get(outcome.rule_iri or "")
    parts = [f"rule {outcome.rule} is {rule.status}" if rule else f"rule {outcome.rule}"]
    for _, premise in _shown_premises(result, outcome):
        parts.append(f"premise '{premise.category_label}' ({premise.rule}) is {premise.status}")
    if outcome.superseded_by:
        parts.append("overridden by " + ", ".join(
            f"{(result.derivation(i).rule if result.derivation(i) else i)}" for i in outcome.superseded_by))
    which = "the strongest" if rule and rule.any_premise else "the weakest"
    return f"{outcome.status} — {which} link of: " + "; ".join(parts)


def _derivation_lines(result, outcome, indent: str, seen: set) -> list[str]:
    lines = [f"{indent}rule {outcome.rule}: {outcome.rule_label or ''}".rstrip()]
    if outcome.premises:
        lines.append(f"{indent}  because: " + "; ".join(outcome.premises))
    lines.append(f"{indent}  status: {_weakest_link(result, outcome)}")
    if outcome.rationale:
        lines.append(f"{indent}  why: {outcome.rationale}")
    for source in outcome.sources:
        lines.append(f"{indent}  source: {_source_line(source)}")
    for _, label in outcome.alternatives:
        lines.append(f"{indent}  alternative reading: {label}")
    for rule_id, status in outcome.other_derivations:
        lines.append(f"{indent}  also derived by {rule_id} ({status})")
    for premise_iri, premise in _shown_premises(result, outcome):
        lines.append(f"{indent}  from: {premise.category_label} [{premise.status}]")
        if premise_iri in seen:
            lines.append(f"{indent}    (explained above)")
            continue
        lines.extend(_derivation_lines(result, premise, indent + "    ", seen | {premise_iri}))
    return lines


def explain_product(result, product: str, label: str | None = None) -> str:
    """One product's questions, answers and derivations, per jurisdiction, in decision order."""
    # an unlabelled product is named by the end of its IRI, as `evkg check` names it, not by the IRI twice
    name = label or product.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or product
    out: list[str] = [f"Product {name}  <{product}>"]
    by_jurisdiction: dict[str, list] = {}
    for outcome in result.for_product(product):
        by_jurisdiction.setdefault(outcome.jurisdiction, []).append(outcome)
    for jurisdiction in sorted(by_jurisdiction, key=jurisdiction_rank):
        out.append(f"  {JURISDICTION_NAMES.get(jurisdiction, jurisdiction)}")
        asked = None
        for outcome in sorted(by_jurisdiction[jurisdiction],
                              key=lambda o: (decision_rank(o.question), o.question or "")):
            if outcome.question != asked or asked is None:       # each question once, its answers below
                out.append(f"    Q: {outcome.question_label or 'scope'}")
                asked = outcome.question
            if outcome.status == "undecided":
                out.append(f"       A: undecided — {outcome.rationale}")
                for missing in outcome.missing:
                    whose = f" for {'; '.join(missing['of'])}" if missing.get("of") else ""
                    head = (f"not reported by the source{whose}" if missing.get("not_reported") else
                            f"add: {missing['prompt']}")
                    out.append(f"         {head} (property {missing['label']}; "
                               f"waiting rules: {', '.join(missing['rules'])})")
                continue
            out.append(f"       A: {outcome.category_label} [{_STATUS_WORDS.get(outcome.status, outcome.status)}]")
            out.extend(_derivation_lines(result, outcome, "         ", {outcome.iri}))
    out.append("")
    return "\n".join(visible(line) for line in out) + "\n"


def _join(product_texts: list[str], consistency_errors: list) -> str:
    out = "".join(product_texts)
    out += "".join(f"Consistency error: {visible(error)}\n" for error in consistency_errors)
    return out.rstrip() + "\n"


def explain_text(result, product_labels: dict | None = None) -> str:
    """Every question of every product and jurisdiction with its answer and the derivation behind it."""
    product_labels = product_labels or {}
    return _join([explain_product(result, p, product_labels.get(p)) for p in result.products],
                 result.consistency_errors)


def explain_run(run) -> str:
    """The derivations for every file of a check run (see evkg.pipeline.check_files, explain=True)."""
    parts = []
    for file in run.files:
        texts = [p.explanation for p in file.products if p.explanation is not None]
        if not texts:
            continue
        parts.append(f"== {visible(file.path)}\n" + _join(texts, file.consistency_errors))
    return "\n".join(parts)


# said for a file with no product, as `evkg check` says it, in the words of both forms
NO_PRODUCT = ("No product found: no node is typed evkg:EVProduct. Type the product node `type: EVProduct` in YAML, "
              "`a evkg:EVProduct` in Turtle (see examples/valid/).\n")


def explain_document(documents, fmt: str = "text", in_form_paths=(), notes=None) -> str:
    """`evkg explain` output for (path, graph, ClassificationResult) triples: text, Markdown or JSON. The
    explanations of `in_form_paths` (descriptions written in YAML or JSON) name evkg terms as that form does;
    `notes` (path → text) are said under a file's name (that its description does not pass the checks)."""
    import json

    from rdflib import RDFS

    if fmt == "json":
        from evkg.classification.outcomes import outcome_dict

        return json.dumps([{"path": path, "products": [
            {"iri": str(product), "label": _graph_label(graph, product, RDFS),
             "answers": [outcome_dict(o) for o in result.for_product(product)]}
            for product in result.products]} for path, graph, result in documents], indent=2, ensure_ascii=False) + "\n"
    parts = []
    for path, graph, result in documents:
        labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
        body = explain_text(result, labels) if result.products else NO_PRODUCT
        if path in in_form_paths and result.products:
            from evkg.io.write import without_evkg_prefix

            body = without_evkg_prefix(body)
        note = (notes or {}).get(path)
        if fmt == "markdown":
            parts.append(f"## {markdown_inert(visible(path))}\n\n" + (f"{markdown_inert(note)}\n\n" if note else "")
                         + _markdown(body))
        else:
            parts.append(f"== {visible(path)}\n" + (f"{note}\n" if note else "") + body)
    return "\n".join(parts)


def _graph_label(graph, node, RDFS) -> str | None:
    from rdflib import URIRef

    label = graph.value(URIRef(str(node)), RDFS.label)
    return str(label) if label is not None else None


def _markdown(text: str) -> str:
    """The text derivation as Markdown: products and jurisdictions as headings, questions as list items."""
    out = []
    for line in text.splitlines():
        stripped = markdown_inert(line.lstrip())
        depth = len(line) - len(stripped)
        if not stripped:
            out.append("")
        elif depth == 0:
            out.append(f"### {stripped}\n")
        elif depth == 2:
            out.append(f"\n#### {stripped}\n")
        elif stripped.startswith("Q: "):
            out.append(f"- **{stripped[3:]}**")
        elif stripped.startswith("A: "):
            out.append(f"  - answer: {stripped[3:]}")
        else:
            out.append("  " * max(1, (depth - 5) // 2) + f"- {stripped}")
    return "\n".join(out).rstrip() + "\n"
