"""What if the law changes: the same products classified under two rule sets, and every answer that differs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evkg.core.errors import InputError
from evkg.io.load import load_into_store
from evkg.pipeline.check import _classify_store, rule_files_of
from evkg.validation.store import DATA_GRAPH, new_store

@dataclass
class WhatIfRun:
    rule_set: str                   # name of the rule set tried
    baseline: str                   # name of the rule set compared with
    changes: list                   # evkg.classification.whatif.AnswerChange items
    rule_changes: list              # dicts from evkg.classification.whatif.rule_change_dict
    compared: dict                  # origin ("curated", a file) -> number of products classified
    errors: dict                    # file -> why it could not be read
    declaration: object = None      # evkg.classification.rule_sets.RuleSet of the rule set tried, if any


def _labels_of(store) -> dict[str, str]:
    answer = store.query("SELECT ?p ?l WHERE { ?p a <https://w3id.org/evkg#EVProduct> ; "
                         "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    return {row["p"].value: row["l"].value for row in answer}


def _rule_diff(before_files: tuple[str, ...], after_files: tuple[str, ...]) -> list[dict]:
    """Rules added, replaced or retired going from one rule set to the other, with the overlay's reasons."""
    from evkg.classification.knowledge import HIERARCHY_RULE_ID, RuleChange, knowledge
    from evkg.classification.whatif import rule_change_dict

    old, new = knowledge(before_files), knowledge(after_files)
    # the hierarchy rule follows the categories; it is not a rule of any rule set
    old_rules = {r.id: r for r in old.rules if r.id != HIERARCHY_RULE_ID}
    new_rules = {r.id: r for r in new.rules if r.id != HIERARCHY_RULE_ID}
    stated = {c.rule_id: c for c in new.changes}
    found = []
    for rule_id in sorted(set(old_rules) | set(new_rules)):
        a, b = old_rules.get(rule_id), new_rules.get(rule_id)
        if a is not None and b is not None and a.iri == b.iri and a.query == b.query:
            continue
        kind = "added" if a is None else "retired" if b is None else "replaced"
        change = stated.get(rule_id)
        if change is None or change.kind != kind:
            change = RuleChange(kind=kind, rule_id=rule_id, label=(b or a).label, rationale=(b or a).rationale,
                                sources=(b or a).sources, origin=(b or a).origin or "", before=a, after=b)
        else:
            change = RuleChange(kind=kind, rule_id=rule_id, label=change.label, rationale=change.rationale,
                                sources=change.sources, origin=change.origin, before=a, after=b)
        found.append(rule_change_dict(change))
    return found


def worked_examples() -> list[Path]:
    """The worked examples (examples/valid/*.ttl) of a source checkout; an installed package has none."""
    from evkg.core import resources

    folder = resources.bundle_root() / "examples" / "valid"
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []


def whatif(rules: str, paths=(), *, baseline: str | None = None, curated: bool = True, examples: bool = True,
           input_format: str | None = None, allow_remote: bool = False, max_bytes: int | None = None,
           progress=None) -> WhatIfRun:
    """Classify the curated products, the worked examples and each file given under `baseline` (default: the
    law in force) and under `rules` (a rule set name or an overlay file), and keep every answer that differs."""
    from evkg.classification.engine import classify_ntriples
    from evkg.classification.rule_sets import describe_choice, resolve
    from evkg.classification.whatif import compare
    from evkg.core import resources

    declaration, after_files = resolve(rules)
    before_files = rule_files_of(baseline)
    rule_files_of(rules)
    changes, compared, errors = [], {}, {}
    if curated:
        if progress is not None:
            progress("curated products")
        import pyoxigraph as ox

        from evkg.core.store_loading import load_serialized

        data = resources.data_graph().serialize(format="nt", encoding="utf-8")
        store = ox.Store()
        load_serialized(store, data, ox.RdfFormat.N_TRIPLES)
        labels = _labels_of(store)
        before = classify_ntriples(data, rule_files=before_files)
        after = classify_ntriples(data, rule_files=after_files)
        compared["curated"] = len(before.products)
        changes.extend(compare(before, after, origin="curated", labels=labels))
    given = [Path(p) for p in paths]
    seen = {p.resolve() for p in given if p.exists()}
    extra = [p for p in worked_examples() if p.resolve() not in seen] if examples else []
    for path in extra + given:
        origin = f"examples/valid/{path.name}" if path in extra else str(path)
        if progress is not None:
            progress(origin)
        store = new_store()
        try:
            load_into_store(Path(path), store, DATA_GRAPH, input_format=input_format, allow_remote=allow_remote,
                            max_bytes=max_bytes)
        except InputError as exc:
            # the place within the file and the reason: the file is named once, by the key
            place = f"line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "") \
                if exc.line is not None else ""
            errors[origin] = (f"{place}: " if place else "") + exc.reason + (f" {exc.hint}" if exc.hint else "")
            continue
        before = _classify_store(store, rule_files=before_files)
        after = _classify_store(store, rule_files=after_files)
        compared[origin] = len(before.products)
        labels = {row["p"].value: row["l"].value for row in store.query(
            "SELECT ?p ?l WHERE { GRAPH ?g { ?p a <https://w3id.org/evkg#EVProduct> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }")}
        changes.extend(compare(before, after, origin=origin, labels=labels))
    return WhatIfRun(rule_set=describe_choice(rules), baseline=describe_choice(baseline), changes=changes,
                     rule_changes=_rule_diff(before_files, after_files), compared=compared, errors=errors,
                     declaration=declaration)
