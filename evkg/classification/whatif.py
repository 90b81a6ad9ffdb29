"""What changes between two rule sets: the answers of one classification run compared with another's.

An answer is everything reported for one product, jurisdiction and question: the categories with their
status and alternatives, or undecided with the facts still missing. Two answers are the same when all of that
is the same; only answers that differ are reported, each side with the rules and legal sources behind it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from evkg.classification.knowledge import RuleChange, source_info
from evkg.classification.outcomes import ClassificationResult, Outcome


@dataclass
class AnswerSide:
    """One side of a changed answer."""

    status: str                                          # the strongest status, or undecided / superseded …
    categories: list = field(default_factory=list)       # [dict(iri, label, status, alternatives)]
    rules: list = field(default_factory=list)            # [dict(id, label, origin)]
    sources: list = field(default_factory=list)          # [dict(iri, label, url)]
    missing: list = field(default_factory=list)          # labels of facts still missing
    waiting: list = field(default_factory=list)          # ids of the rules that wait for those facts

    @property
    def summary(self) -> str:
        if not self.categories:
            return "no answer"
        parts = []
        for c in self.categories:
            text = c["label"] if c["status"] in ("undecided", "out-of-scope") else f"{c['label']} ({c['status']})"
            if c["alternatives"]:
                text += " or " + " or ".join(c["alternatives"])
            parts.append(text)
        text = "; ".join(parts)
        if self.missing:
            text += " — missing: " + ", ".join(self.missing)
        return text

    def as_dict(self) -> dict:
        return {"summary": self.summary, "status": self.status, "categories": self.categories,
                "rules": self.rules, "sources": self.sources, "missing": self.missing, "waiting": self.waiting}


@dataclass
class AnswerChange:
    origin: str                      # "curated" or the file the product came from
    product: str
    product_label: str
    jurisdiction: str
    question: str | None
    question_label: str | None
    before: AnswerSide
    after: AnswerSide

    @property
    def category_changed(self) -> bool:
        return {c["iri"] for c in self.before.categories} != {c["iri"] for c in self.after.categories}

    def as_dict(self) -> dict:
        return {"origin": self.origin, "product": self.product, "product_label": self.product_label,
                "jurisdiction": self.jurisdiction, "question": self.question,
                "question_label": self.question_label, "category_changed": self.category_changed,
                "before": self.before.as_dict(), "after": self.after.as_dict()}


_STATUS_ORDER = ["settled", "provisional", "contested", "superseded", "undecided", "out-of-scope"]


def _signature(outcomes: list[Outcome]) -> frozenset:
    return frozenset((o.category, o.status, tuple(sorted(a for a, _ in o.alternatives)),
                      tuple(sorted(m.get("property", "") for m in o.missing))) for o in outcomes)


def _side(outcomes: list[Outcome]) -> AnswerSide:
    if not outcomes:
        return AnswerSide(status="no answer")
    ordered = sorted(outcomes, key=lambda o: (_STATUS_ORDER.index(o.status) if o.status in _STATUS_ORDER
                                               else len(_STATUS_ORDER), o.category))
    rules, sources, missing, waiting, seen_rules, seen_sources = [], [], [], [], set(), set()
    for o in ordered:
        if o.rule and o.rule not in seen_rules:
            seen_rules.add(o.rule)
            rules.append({"id": o.rule, "label": o.rule_label, "iri": o.rule_iri})
        for source in o.sources:
            if source["iri"] not in seen_sources:
                seen_sources.add(source["iri"])
                sources.append(source)
        for m in o.missing:
            label = m.get("label") or m.get("property")
            if label not in missing:
                missing.append(label)
            for rule_id in m.get("rules", ()) or ():
                if rule_id not in waiting:
                    waiting.append(rule_id)
    categories = [{"iri": o.category, "label": o.category_label, "status": o.status,
                   "alternatives": [label for _, label in o.alternatives]} for o in ordered]
    return AnswerSide(status=ordered[0].status, categories=categories, rules=rules, sources=sources,
                      missing=missing, waiting=waiting)


def _grouped(result: ClassificationResult) -> dict[tuple, list[Outcome]]:
    groups: dict[tuple, list[Outcome]] = {}
    for o in result.outcomes:
        groups.setdefault((o.product, o.jurisdiction, o.question or ""), []).append(o)
    return groups


def compare(before: ClassificationResult, after: ClassificationResult, *, origin: str = "curated",
            labels: dict | None = None) -> list[AnswerChange]:
    """Every answer that differs between two runs over the same data, in product and question order."""
    labels = labels or {}
    old, new = _grouped(before), _grouped(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, []), new.get(key, [])
        if _signature(a) == _signature(b):
            continue
        product, jurisdiction, question = key
        sample = (a or b)[0]
        changes.append(AnswerChange(
            origin=origin, product=product, product_label=labels.get(product) or product.rsplit("/", 1)[-1],
            jurisdiction=jurisdiction, question=question or None, question_label=sample.question_label,
            before=_side(a), after=_side(b)))
    return changes


def rule_change_dict(change: RuleChange) -> dict:
    """A rule change in plain data, for reports."""
    def rule(r):
        if r is None:
            return None
        return {"id": r.id, "label": r.label, "status": r.status, "iri": r.iri,
                "sources": [source_info(s) for s in r.sources]}

    return {"kind": change.kind, "rule_id": change.rule_id, "label": change.label, "rationale": change.rationale,
            "sources": [source_info(s) for s in change.sources], "before": rule(change.before),
            "after": rule(change.after)}
