"""`evkg check`: load → validate → classify, per file, into one result that every report format renders.

A batch never stops at the first bad file: each file gets its own verdict or its own error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from evkg.core.errors import InputError
from evkg.io.load import load_into_store
from evkg.validation.engine import DATA_GRAPH, ValidationResult, new_store, store_of_graph, validate_store


@dataclass
class ProductCheck:
    iri: str
    label: str
    conforms: bool
    completeness: float
    results: list[ValidationResult]
    classifications: list = field(default_factory=list)   # evkg.classification.outcomes.Outcome items
    consistency_errors: list = field(default_factory=list)

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
    classification: object = None          # evkg.classification.outcomes.ClassificationResult, for --explain

    @property
    def conforms(self) -> bool:
        return self.error is None and all(p.conforms for p in self.products) and not any(
            r.severity == "Violation" for r in self.other_results)


@dataclass
class CheckRun:
    files: list[FileCheck]

    @property
    def exit_code(self) -> int:
        """0 all conform, 1 some do not, 2 some file could not be read (bad input)."""
        if any(f.error for f in self.files):
            return 2
        return 0 if all(f.conforms for f in self.files) else 1

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
            "exit_code": self.exit_code,
        }


def check(graph: Graph, *, classify: bool = True) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify every product in an in-memory graph. The graph is not modified."""
    return check_store(store_of_graph(graph), classify=classify)


def check_store(store, *, classify: bool = True) -> tuple[list[ProductCheck], list[ValidationResult]]:
    """Validate and classify the submitted data held in a store made by evkg.validation.engine.new_store()."""
    products, others, _ = _check_store(store, classify)
    return products, others


def _check_store(store, classify: bool, source: str | None = None, jurisdictions=None):
    report = validate_store(store)
    if not report.products:
        raise InputError("describes no product: no node is typed evkg:EVProduct.", path=source,
                         hint="Add `a evkg:EVProduct` to the product node (see examples/valid/).")
    outcomes_by_product: dict = {}
    errors_by_product: dict = {}
    classification = None
    if classify:
        classification = _classify_store(store, jurisdictions)
        for product in report.products:
            outcomes_by_product[product.iri] = classification.for_product(URIRef(product.iri))
        for error in getattr(classification, "consistency_errors", []) or []:
            errors_by_product.setdefault(str(getattr(error, "product", "")), []).append(error)
    products = [
        ProductCheck(
            iri=p.iri, label=p.label, conforms=p.conforms, completeness=p.completeness, results=p.results,
            classifications=outcomes_by_product.get(p.iri, []),
            consistency_errors=errors_by_product.get(p.iri, []),
        )
        for p in report.products
    ]
    return products, report.unattributed, classification


def _classify_store(store, jurisdictions=None):
    import pyoxigraph as ox

    from evkg.classification.engine import JURISDICTIONS, classify_ntriples

    return classify_ntriples(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DATA_GRAPH),
                             jurisdictions or JURISDICTIONS)


def check_files(paths, *, input_format: str | None = None, allow_remote: bool = False,
                max_bytes: int | None = None, classify: bool = True, progress=None,
                jurisdictions=None) -> CheckRun:
    """Check each file on its own; an unreadable file gets an error entry and the batch goes on."""
    files: list[FileCheck] = []
    paths = [Path(p) for p in paths]
    for index, path in enumerate(paths, start=1):
        if progress is not None:
            progress(index, len(paths), path)
        entry = FileCheck(path=str(path))
        try:
            store = new_store()
            load_into_store(path, store, DATA_GRAPH, input_format=input_format, allow_remote=allow_remote,
                            max_bytes=max_bytes)
            entry.products, entry.other_results, entry.classification = _check_store(store, classify, str(path), jurisdictions)
        except InputError as exc:
            entry.error = str(exc)
            entry.error_detail = {"reason": exc.reason, "line": exc.line, "column": exc.column, "hint": exc.hint}
        files.append(entry)
    return CheckRun(files=files)
