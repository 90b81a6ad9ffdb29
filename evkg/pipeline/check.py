"""`evkg check`: load → validate → classify, per file, into one result that every report format renders.

A batch never stops at the first bad file: each file gets its own verdict or its own error. A file with more
products than one chunk is checked chunk by chunk (evkg.pipeline.chunks), so the cost per product does not
grow with the file; chunks and files can run in worker processes (evkg.pipeline.batch) with the same
results in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from evkg.core.errors import InputError
from evkg.validation.engine import DEFAULT_PROFILE, ValidationResult, check_profile, validate_store
from evkg.validation.store import DATA_GRAPH


@dataclass
class ProductCheck:
    iri: str
    label: str
    conforms: bool
    completeness: float
    results: list[ValidationResult]
    classifications: list = field(default_factory=list)   # evkg.classification.outcomes.Outcome items
    consistency_errors: list = field(default_factory=list)
    explanation: str | None = None                        # the full derivation, when asked for
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
    products: list[ProductCheck] = field(default_factory=list)
    other_results: list[ValidationResult] = field(default_factory=list)
    consistency_errors: list = field(default_factory=list)   # every consistency error, in report order
    products_conform: bool = True          # False when a product streamed out (not kept here) did not conform
    internal: bool = False                 # the error is a fault in evkg, not in the file
    source_map: object = None              # evkg.io.structured.SourceMap of a YAML/JSON description

    def locate(self, result):
        """Where a finding's node and property were written (line, column, key path), or None."""
        if self.source_map is None:
            return None
        # the value as read (an IRI), not as the form's words quote it: a misspelt key is found by its IRI
        value = str(result.value_term) if result.value_term is not None else result.value
        return self.source_map.locate(result.focus, result.path, value)

    @property
    def conforms(self) -> bool:
        return self.error is None and self.products_conform and all(p.conforms for p in self.products) \
            and not any(r.severity == "Violation" for r in self.other_results)


FAIL_ON = ("violation", "warning", "info")
_FAILING = {"violation": {"Violation"}, "warning": {"Violation", "Warning"}, "info": {"Violation", "Warning", "Info"}}


def check_fail_on(fail_on: str) -> str:
    if fail_on not in FAIL_ON:
        from evkg.core.errors import UsageError

        raise UsageError(f"unknown --fail-on level {fail_on!r}; use one of: {', '.join(FAIL_ON)}")
    return fail_on


class Tally:
    """The summary of a run, counted as products and files come in (so a stream need not keep them)."""

    def __init__(self, profile: str = DEFAULT_PROFILE, fail_on: str = "violation"):
        self.counts = {"files": 0, "files_with_errors": 0, "products": 0, "products_conforming": 0,
                       "violations": 0, "warnings": 0, "infos": 0}
        self.all_conform = True
        self.profile, self.fail_on = profile, fail_on
        self.failing = False                  # a finding at the fail-on level or above
        self.internal = False                 # a file met a fault in evkg

    def add_product(self, product: ProductCheck) -> None:
        counts = product.counts()
        self.counts["products"] += 1
        self.counts["products_conforming"] += product.conforms
        self.counts["violations"] += counts["Violation"]
        self.counts["warnings"] += counts["Warning"]
        self.counts["infos"] += counts["Info"]
        self.failing = self.failing or any(r.severity in _FAILING[self.fail_on] for r in product.results)

    def add_file(self, entry: FileCheck) -> None:
        self.counts["files"] += 1
        self.counts["files_with_errors"] += bool(entry.error)
        self.internal = self.internal or entry.internal
        self.all_conform = self.all_conform and entry.conforms
        # findings on no product (a vocabulary term redefined) count too: the summary said "0 violation(s)"
        # beside an exit code saying there was one
        for result in entry.other_results:
            key = {"Violation": "violations", "Warning": "warnings", "Info": "infos"}.get(result.severity)
            if key:
                self.counts[key] += 1
        self.failing = self.failing or any(r.severity in _FAILING[self.fail_on] for r in entry.other_results)

    @property
    def exit_code(self) -> int:
        """0 nothing at or above the fail-on level, 1 something is, 2 some file could not be read (bad input),
        3 internal error."""
        if self.internal:
            return 3
        if self.counts["files_with_errors"]:
            return 2
        return 1 if self.failing else 0

    def summary(self) -> dict:
        return {**self.counts, "conforms": self.all_conform, "profile": self.profile, "fail_on": self.fail_on,
                "exit_code": self.exit_code}


@dataclass
class CheckRun:
    files: list[FileCheck]
    profile: str = DEFAULT_PROFILE
    fail_on: str = "violation"             # the least severe finding that makes the run fail (as ROBOT's --fail-on)
    rule_set: str | None = None             # the rule set chosen with --rules; None: the law in force

    def _tally(self) -> Tally:
        tally = Tally(self.profile, self.fail_on)
        for entry in self.files:
            for product in entry.products:
                tally.add_product(product)
            tally.add_file(entry)
        return tally

    @property
    def exit_code(self) -> int:
        """0 nothing at or above the fail-on level, 1 something is, 2 some file could not be read (bad input),
        3 internal error."""
        return self._tally().exit_code

    def summary(self) -> dict:
        return self._tally().summary()


def check(graph: Graph, *, classify: bool = True, rules: str | None = None, profile: str = DEFAULT_PROFILE
          ) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify every product in an in-memory graph. The graph is not modified. `rules` names a
    rule set (see `evkg rules`) or a Turtle file of overlay rules; default: the law in force. `profile`:
    submission (default) or published."""
    from evkg.validation.store import working_store_holding

    with working_store_holding(graph) as store:      # reused from call to call: the ontology is copied in once
        return check_store(store, classify=classify, rules=rules, profile=profile)


def check_store(store, *, classify: bool = True, rules: str | None = None, profile: str = DEFAULT_PROFILE
                ) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify the submitted data held in a store made by evkg.validation.store.new_store()."""
    products, others, _ = check_chunk_store(store, classify, rule_files=rule_files_of(rules), profile=profile)
    return products, others


def check_text(raw: bytes, fmt: str, *, source_name: str = "description", classify: bool = True,
               profile: str = DEFAULT_PROFILE):
    """Check one description held in memory (the web page's editor and form): (CheckRun, graph).

    Like check_files for one file, but an unreadable description raises InputError (with its line) instead of
    becoming an error entry, so the caller can show the line; a YAML or JSON description keeps its SourceMap.
    """
    from evkg.io.load import parse_located
    from evkg.validation.store import working_store_holding

    graph, source_map = parse_located(raw, fmt, source_name=source_name)
    with working_store_holding(graph) as store:
        products, others, errors = check_chunk_store(store, classify, source=source_name, profile=profile)
    if source_map is not None and source_map.form:         # written in YAML or JSON: its words, as check_files does
        products, others = in_the_words_of_the_form(products, others)
    entry = FileCheck(path=source_name, products=products, other_results=others, consistency_errors=errors,
                      source_map=source_map)
    return CheckRun(files=[entry], profile=profile), graph


def rule_files_of(rules: str | None) -> tuple[str, ...]:
    """The overlay files of a rule-set choice, read once up front so that a bad rule file is reported once,
    not as an error of every description checked with it."""
    from evkg.classification.knowledge import knowledge
    from evkg.classification.rule_sets import resolve

    files = resolve(rules)[1]
    knowledge(files)
    return files


def in_the_words_of_the_form(products: list, others: list) -> tuple[list, list]:
    """The findings of a description written in YAML or JSON with their messages and the values they quote in the
    words of that form (value names without `evkg:`, IRIs as CURIEs), as `evkg new` writes them."""
    from dataclasses import replace

    from evkg.io.write import in_form_words, value_in_form_words, without_evkg_prefix

    def reworded(results):
        return [replace(r, message=in_form_words(r.message), value=value_in_form_words(r.value)) for r in results]

    def asking_in_form_words(outcome):
        # an undecided answer asks for its missing facts as a finding does
        missing = [dict(m, prompt=in_form_words(m["prompt"])) if m.get("prompt") else m for m in outcome.missing]
        return replace(outcome, missing=missing) if missing != outcome.missing else outcome

    return [replace(p, results=reworded(p.results),
                    classifications=[asking_in_form_words(o) for o in p.classifications],
                    explanation=without_evkg_prefix(p.explanation) if p.explanation else p.explanation)
            for p in products], reworded(others)


def rule_set_words(rules: str) -> str:
    from evkg.classification.rule_sets import resolve

    declared, _ = resolve(rules)
    if declared is None:
        return str(rules)
    return f"{declared.name} ({declared.label}; status of the text: {declared.law_status})"


def check_chunk_store(store, classify: bool, explain: bool = False, require_product: bool = True,
                      source: str | None = None, jurisdictions=None, rule_files: tuple[str, ...] = (),
                      profile: str = DEFAULT_PROFILE):
    """(products, results on no product, consistency errors) for the data in one store."""
    report = validate_store(store, profile=check_profile(profile))
    if not report.products and require_product:
        raise InputError("describes no product: no node is typed evkg:EVProduct.", path=source,
                         hint=_no_product_hint(store, report.redefinitions))
    outcomes_by_product: dict = {}
    errors_by_product: dict = {}
    errors: list = []
    classification = None
    if classify and report.products:
        classification = _classify_store(store, jurisdictions, rule_files)
        for product in report.products:
            outcomes_by_product[product.iri] = classification.for_product(URIRef(product.iri))
        errors = list(getattr(classification, "consistency_errors", []) or [])
        for error in errors:
            errors_by_product.setdefault(str(getattr(error, "product", "")), []).append(error)
    explained = set(classification.products) if (explain and classification is not None) else set()
    products = [
        ProductCheck(
            iri=p.iri, label=p.label, conforms=p.conforms, completeness=p.completeness, results=p.results,
            completeness_by_section=p.completeness_by_section,
            classifications=outcomes_by_product.get(p.iri, []),
            consistency_errors=errors_by_product.get(p.iri, []),
            explanation=_explanation(classification, p.iri, p.label) if p.iri in explained else None,
        )
        for p in report.products
    ]
    return products, report.unattributed, errors


def _explanation(classification, iri: str, label: str) -> str:
    from evkg.classification.explain import explain_product

    return explain_product(classification, iri, label)


def _no_product_hint(store, redefinitions=()) -> str:
    """Name the mistyped evkg classes with the closest declared ones (`a evkg:EvProduct` → evkg:EVProduct), and
    the kinds of product the description declared itself (`ex:Gadget rdfs:subClassOf evkg:EVProduct`)."""
    from rdflib.namespace import RDF

    from evkg.core.namespaces import EVKG, curie
    from evkg.core.safe_text import ascii_name, look_alike_note
    from evkg.validation.engine import SubmittedData, unknown_term_results

    typos = []
    for result in unknown_term_results(SubmittedData(store)):
        if result.path == RDF.type:
            name = ascii_name("evkg:" + str(result.value).rsplit("#", 1)[-1])
            close = max(result.messages).partition("Did you mean ")[2].rstrip("?")
            close = close.partition("? The name written")[0]
            typos.append(f"{name} is not an evkg class" + (f" (did you mean {close}?)" if close else "")
                         + look_alike_note("evkg:" + str(result.value).rsplit("#", 1)[-1]).rstrip("."))

    def written(iri: str) -> str:
        return curie(iri) if curie(iri) != iri else f"<{iri}>"

    declared = sorted({f"{written(q.subject.value)} {curie(q.predicate.value)} {curie(q.object.value)}"
                       for q in redefinitions if q.object.value == str(EVKG.EVProduct)})
    if declared:
        typos.append(f"The description declares its own kind of product ({', '.join(declared)}), which evkg "
                     "ignores: a description uses the vocabulary's terms and cannot add to them")
    if typos:
        return "; ".join(sorted(set(typos))) + f". Type the product node {_PRODUCT_TYPE_FORMS}."
    return f"Type the product node {_PRODUCT_TYPE_FORMS}."


_PRODUCT_TYPE_FORMS = "`type: EVProduct` in YAML, `a evkg:EVProduct` in Turtle (see examples/valid/)"


def _classify_store(store, jurisdictions=None, rule_files: tuple[str, ...] = ()):
    import pyoxigraph as ox

    from evkg.classification.engine import JURISDICTIONS, classify_ntriples

    return classify_ntriples(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DATA_GRAPH),
                             jurisdictions or JURISDICTIONS, rule_files=rule_files)
