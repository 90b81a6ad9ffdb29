"""`evkg check`: load → validate → classify, per file, into one result that every report format renders.

A batch never stops at the first bad file: each file gets its own verdict or its own error.
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from evkg.core.errors import InputError
from evkg.io.load import load_into_store
from evkg.validation.engine import DATA_GRAPH, DEFAULT_PROFILE, ValidationResult, check_profile, new_store, \
    store_of_graph, validate_store


@dataclass
class ProductCheck:
    iri: str
    label: str
    conforms: bool
    completeness: float
    results: list[ValidationResult]
    classifications: list = field(default_factory=list)   # evkg.classification.outcomes.Outcome items
    consistency_errors: list = field(default_factory=list)
    completeness_by_section: dict = field(default_factory=dict)

    def counts(self) -> dict:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts


@dataclass
class FileCheck:
    path: str
    error: str | None = None
    error_detail: dict | None = None
    internal: bool = False                 # the error is a fault in evkg, not in the file
    products: list[ProductCheck] = field(default_factory=list)
    other_results: list[ValidationResult] = field(default_factory=list)
    classification: object = None          # evkg.classification.outcomes.ClassificationResult, for --explain
    source_map: object = None              # evkg.io.structured.SourceMap of a YAML/JSON description

    def locate(self, result):
        """Where a finding's node and property were written (line, column, key path), or None."""
        return self.source_map.locate(result.focus, result.path, result.value) if self.source_map is not None else None

    @property
    def conforms(self) -> bool:
        return self.error is None and all(p.conforms for p in self.products) and not any(
            r.severity == "Violation" for r in self.other_results)


FAIL_ON = ("violation", "warning", "info")


def check_fail_on(fail_on: str) -> str:
    if fail_on not in FAIL_ON:
        from evkg.core.errors import UsageError

        raise UsageError(f"unknown --fail-on level {fail_on!r}; use one of: {', '.join(FAIL_ON)}")
    return fail_on


@dataclass
class CheckRun:
    files: list[FileCheck]
    profile: str = DEFAULT_PROFILE
    fail_on: str = "violation"             # the least severe finding that makes the run fail (as ROBOT's --fail-on)
    rule_set: str | None = None             # the rule set chosen with --rules; None: the law in force

    @property
    def exit_code(self) -> int:
        """0 nothing at or above the fail-on level, 1 something is, 2 some file could not be read (bad input),
        3 internal error."""
        if any(f.internal for f in self.files):
            return 3
        if any(f.error for f in self.files):
            return 2
        failing = {"violation": {"Violation"}, "warning": {"Violation", "Warning"},
                   "info": {"Violation", "Warning", "Info"}}[self.fail_on]
        results = [r for f in self.files for r in f.other_results + [x for p in f.products for x in p.results]]
        return 1 if any(r.severity in failing for r in results) else 0

    def summary(self) -> dict:
        products = [p for f in self.files for p in f.products]
        return {
            "files": len(self.files),
            "files_with_errors": sum(1 for f in self.files if f.error),
            "products": len(products),
            "products_conforming": sum(1 for p in products if p.conforms),
            "violations": sum(p.counts()["Violation"] for p in products),
            "warnings": sum(p.counts()["Warning"] for p in products),
            "infos": sum(p.counts()["Info"] for p in products),
            "conforms": all(f.conforms for f in self.files),
            "profile": self.profile,
            "fail_on": self.fail_on,
            "exit_code": self.exit_code,
        }


def check(graph: Graph, *, classify: bool = True, rules: str | None = None, profile: str = DEFAULT_PROFILE
          ) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify every product in an in-memory graph. The graph is not modified. `rules` names a
    rule set (see `evkg rules`) or a Turtle file of overlay rules; default: the law in force. `profile`:
    submission (default) or published."""
    return check_store(store_of_graph(graph), classify=classify, rules=rules, profile=profile)


def check_store(store, *, classify: bool = True, rules: str | None = None, profile: str = DEFAULT_PROFILE
                ) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify the submitted data held in a store made by evkg.validation.engine.new_store()."""
    products, others, _ = _check_store(store, classify, rule_files=_rule_files(rules), profile=profile)
    return products, others


def _rule_files(rules: str | None) -> tuple[str, ...]:
    """The overlay files of a rule-set choice, read once up front so that a bad rule file is reported once,
    not as an error of every description checked with it."""
    from evkg.classification.knowledge import knowledge
    from evkg.classification.rule_sets import resolve

    files = resolve(rules)[1]
    knowledge(files)
    return files


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector rescans every live object each time it runs; a check allocates millions of small
    acyclic objects, so on large descriptions the rescans grow with size squared. Pause it during a check
    (the objects are freed by reference counting as usual) and let it resume afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_store(store, classify: bool, source: str | None = None, jurisdictions=None,
                 rule_files: tuple[str, ...] = (), profile: str = DEFAULT_PROFILE):
    with _collector_paused():
        return _check_store_now(store, classify, source, jurisdictions, rule_files, profile)


def _check_store_now(store, classify: bool, source: str | None = None, jurisdictions=None,
                     rule_files: tuple[str, ...] = (), profile: str = DEFAULT_PROFILE):
    report = validate_store(store, profile=check_profile(profile))
    if not report.products:
        raise InputError("describes no product: no node is typed evkg:EVProduct.", path=source,
                         hint=_no_product_hint(store))
    outcomes_by_product: dict = {}
    errors_by_product: dict = {}
    classification = None
    if classify:
        classification = _classify_store(store, jurisdictions, rule_files)
        for product in report.products:
            outcomes_by_product[product.iri] = classification.for_product(URIRef(product.iri))
        for error in getattr(classification, "consistency_errors", []) or []:
            errors_by_product.setdefault(str(getattr(error, "product", "")), []).append(error)
    products = [
        ProductCheck(
            iri=p.iri, label=p.label, conforms=p.conforms, completeness=p.completeness, results=p.results,
            completeness_by_section=p.completeness_by_section,
            classifications=outcomes_by_product.get(p.iri, []),
            consistency_errors=errors_by_product.get(p.iri, []),
        )
        for p in report.products
    ]
    return products, report.unattributed, classification


def _no_product_hint(store) -> str:
    """Name the mistyped evkg classes with the closest declared ones (`a evkg:EvProduct` → evkg:EVProduct)."""
    from rdflib.namespace import RDF

    from evkg.validation.engine import SubmittedData, unknown_term_results

    typos = []
    for result in unknown_term_results(SubmittedData(store)):
        if result.path == RDF.type:
            name = "evkg:" + str(result.value).rsplit("#", 1)[-1]
            close = max(result.messages).partition("Did you mean ")[2].rstrip("?")
            typos.append(f"{name} is not an evkg class" + (f" (did you mean {close}?)" if close else ""))
    if typos:
        return "; ".join(sorted(set(typos))) + ". Type the product node `a evkg:EVProduct` (see examples/valid/)."
    return "Add `a evkg:EVProduct` to the product node (see examples/valid/)."


def _classify_store(store, jurisdictions=None, rule_files: tuple[str, ...] = ()):
    import pyoxigraph as ox

    from evkg.classification.engine import JURISDICTIONS, classify_ntriples

    return classify_ntriples(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DATA_GRAPH),
                             jurisdictions or JURISDICTIONS, rule_files=rule_files)


def check_files(paths, *, input_format: str | None = None, allow_remote: bool = False,
                max_bytes: int | None = None, classify: bool = True, progress=None,
                jurisdictions=None, rules: str | None = None, profile: str = DEFAULT_PROFILE,
                fail_on: str = "violation") -> CheckRun:
    """Check each file on its own; an unreadable file gets an error entry and the batch goes on. `rules`
    chooses the rule set (a name from `evkg rules` or an overlay file); default: the law in force."""
    check_profile(profile)
    check_fail_on(fail_on)
    rule_files = _rule_files(rules) if classify else ()
    files: list[FileCheck] = []
    paths = [Path(p) for p in paths]
    for index, path in enumerate(paths, start=1):
        if progress is not None:
            progress(index, len(paths), path)
        entry = FileCheck(path=str(path))
        try:
            store = new_store()
            entry.source_map = load_into_store(path, store, DATA_GRAPH, input_format=input_format,
                                               allow_remote=allow_remote, max_bytes=max_bytes)
            entry.products, entry.other_results, entry.classification = _check_store(
                store, classify, str(path), jurisdictions, rule_files, profile=profile)
        except InputError as exc:
            entry.error = str(exc)
            entry.error_detail = {"reason": exc.reason, "line": exc.line, "column": exc.column, "hint": exc.hint}
        except (MemoryError, RecursionError) as exc:
            entry.error = (f"{path}: is too large or too deeply structured to check "
                           f"({type(exc).__name__}). Split it into smaller descriptions.")
            entry.error_detail = {"reason": entry.error, "line": None, "column": None, "hint": None}
        except Exception as exc:  # a fault in evkg: this file gets the report, the batch goes on
            entry.error = (f"{path}: internal error while checking this file ({type(exc).__name__}: {exc}). "
                           "This is a fault in evkg, not in the file; please report it.")
            entry.error_detail = {"reason": entry.error, "line": None, "column": None, "hint": None}
            entry.internal = True
        files.append(entry)
    return CheckRun(files=files, rule_set=None if not rule_files else _rule_set_words(rules), profile=profile,
                    fail_on=fail_on)


def check_text(raw: bytes, fmt: str, *, source_name: str = "description", classify: bool = True,
               profile: str = DEFAULT_PROFILE):
    """Check one description held in memory (the web page's editor and form): (CheckRun, graph).

    Like check_files for one file, but an unreadable description raises InputError (with its line) instead of
    becoming an error entry, so the caller can show the line; a YAML or JSON description keeps its SourceMap.
    """
    import pyoxigraph as ox

    from evkg.io.load import parse_located
    from evkg.io.rdf import quads_of

    graph, source_map = parse_located(raw, fmt, source_name=source_name)
    store = new_store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, DATA_GRAPH) for q in quads_of(graph))
    entry = FileCheck(path=source_name, source_map=source_map)
    entry.products, entry.other_results, entry.classification = _check_store(store, classify, source_name,
                                                                             profile=profile)
    return CheckRun(files=[entry], profile=profile), graph


def _rule_set_words(rules: str) -> str:
    from evkg.classification.rule_sets import resolve

    declared, _ = resolve(rules)
    if declared is None:
        return str(rules)
    return f"{declared.name} ({declared.label}; status of the text: {declared.law_status})"


# ---------------------------------------------------------------------------------------------------------
# What if the law changes: the same products under two rule sets


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
    before_files = _rule_files(baseline)
    _rule_files(rules)
    changes, compared, errors = [], {}, {}
    if curated:
        if progress is not None:
            progress("curated products")
        import pyoxigraph as ox

        data = resources.data_graph().serialize(format="nt", encoding="utf-8")
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
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
            errors[origin] = str(exc)
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
