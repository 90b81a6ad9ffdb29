"""Mutation check: does the test suite catch wrong answers?

Each mutation is one deliberate, meaningful bug: a rule premise removed or inverted, a threshold moved, a rule
concluding the wrong category, status ranks swapped, supersession off, a constraint kind skipped by the compiled
validator, CURIE expansion ignoring the prefix, the input size limit off. Each is applied on its own to a
temporary copy of the repository, and the tests that should catch it run there. A mutation is caught when one of
those tests fails.

    python benchmarks/mutations.py              # all mutations; exit code 1 when one is missed
    python benchmarks/mutations.py --list       # the list, without running anything
    python benchmarks/mutations.py --only US-09-line-at-50 --only supersession-off

It prints one line per mutation with the test that caught it, then `mutations=N caught=K` and the time taken.
The tests listed for a mutation are chosen to be quick; the whole check takes a few minutes on two cores.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMPILED_CASES = ("tests/test_engine_equivalence.py", "-k", "compiled_engine_gives")
SKIPPED_COMPONENTS = "for component in (_VALUE_COMPONENTS - {SH.flags, SH.hasValue, SH.pattern}):"


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]          # pytest arguments: files, node ids, -k expressions
    occurrences: int = 1            # how often `old` stands in the file; every one is changed


def _skip(component: str) -> str:
    return SKIPPED_COMPONENTS.replace("SH.pattern}", f"SH.pattern, {component}}}")


MUTATIONS = [
    # --- classification rules: premises removed or inverted, thresholds moved, wrong conclusions, statuses
    Mutation("EU-14-without-not-TEP", "shapes/rules-eu.ttl",
             "        ?preTEP evkg:ofProduct $this ; evkg:category evkg:EU_NotTEP .\n", "",
             ("tests/test_rule_premises.py", "-k", "not_atmp")),
    Mutation("US-09-line-at-50", "shapes/rules-us.ttl",
             "          FILTER(?length > 40) }\n        UNION\n        { $this evkg:coFormulatedActiveSubstance ?protein .",
             "          FILTER(?length > 50) }\n        UNION\n        { $this evkg:coFormulatedActiveSubstance ?protein .",
             ("tests/test_rule_boundaries.py",)),
    Mutation("US-15-peptide-line-below-40", "shapes/rules-us.ttl",
             "?peptideLength <= 40) }\n        $this evkg:hasEVComponent ?prep .\n        ?prep evkg:vesicleKind ?vesicleKind ;",
             "?peptideLength < 40) }\n        $this evkg:hasEVComponent ?prep .\n        ?prep evkg:vesicleKind ?vesicleKind ;",
             ("tests/test_rule_boundaries.py",)),
    Mutation("US-06-autologous-for-allogeneic", "shapes/rules-us.ttl",
             "?source evkg:donorRelation evkg:Allogeneic }", "?source evkg:donorRelation evkg:Autologous }",
             ("tests/test_rules_us.py", "-k", "US-06")),
    Mutation("KR-01-without-no-cells", "shapes/rules-kr.ttl",
             "        $this evkg:cellContent evkg:NoCells ;\n              evkg:hasEVComponent ?prep .",
             "        $this evkg:hasEVComponent ?prep .",
             ("tests/test_rule_premises.py", "-k", "KR-01")),
    Mutation("EU-10-vaccine-exclusion-removed", "shapes/rules-eu.ttl",
             "        FILTER NOT EXISTS { $this evkg:intendedUse evkg:InfectiousDiseaseVaccine }\n"
             "        BIND(IRI(CONCAT(\"https://w3id.org/evkg/data/outcome/\", SHA1(CONCAT(STR($this), \"|EU-10|EU_GTMP\"",
             "        BIND(IRI(CONCAT(\"https://w3id.org/evkg/data/outcome/\", SHA1(CONCAT(STR($this), \"|EU-10|EU_GTMP\"",
             ("tests/test_rules_eu.py", "-k", "EU-10")),
    Mutation("EU-02-concludes-non-biological", "shapes/rules-eu.ttl",
             "evkg:category evkg:EU_BiologicalMedicinalProduct ; evkg:question evkg:Q_EU_Biological ;\n"
             "              evkg:premise ?preMed ;\n"
             "              dct:source <https://w3id.org/evkg/data/act/eu-dir-2001-83/annex-i-part-i-3-2-1-1-b> ;\n"
             "              dct:source <https://w3id.org/evkg/data/act/eu-dir-2003-63> ;\n"
             "              evkg:derivedByRule evsh:EU-02 ;",
             "evkg:category evkg:EU_NonBiologicalMedicinalProduct ; evkg:question evkg:Q_EU_Biological ;\n"
             "              evkg:premise ?preMed ;\n"
             "              dct:source <https://w3id.org/evkg/data/act/eu-dir-2001-83/annex-i-part-i-3-2-1-1-b> ;\n"
             "              dct:source <https://w3id.org/evkg/data/act/eu-dir-2003-63> ;\n"
             "              evkg:derivedByRule evsh:EU-02 ;",
             ("tests/test_rule_premises.py", "-k", "own_category and EU-02")),
    Mutation("EU-26b-settled-not-provisional", "shapes/rules-eu.ttl",
             "    evkg:needsFact evkg:annexI3Indication ;\n    evkg:needsCategory evkg:EU_MedicinalProduct ;\n"
             "    evkg:status evkg:Provisional ;",
             "    evkg:needsFact evkg:annexI3Indication ;\n    evkg:needsCategory evkg:EU_MedicinalProduct ;\n"
             "    evkg:status evkg:Settled ;",
             ("tests/test_products_classification.py",)),
    Mutation("EU-31-provisional-not-contested", "shapes/rules-eu.ttl",
             "    evkg:needsCategory evkg:EU_BiologicalMedicinalProduct ;\n    evkg:status evkg:Contested ;",
             "    evkg:needsCategory evkg:EU_BiologicalMedicinalProduct ;\n    evkg:status evkg:Provisional ;",
             ("tests/test_products_classification.py",)),
    Mutation("KR-biological-question-removed", "ontology/categories-kr.ttl",
             "    evkg:positiveCategory evkg:KR_BiologicalProduct ;\n", "",
             ("tests/test_rules_kr.py",)),
    # --- classification engine: statuses, supersession, hierarchy
    Mutation("status-ranks-swapped", "evkg/classification/outcomes.py",
             'STATUS_RANK = {"settled": 3, "provisional": 2, "contested": 1}',
             'STATUS_RANK = {"settled": 3, "provisional": 1, "contested": 2}',
             ("tests/test_products_classification.py", "tests/test_classify_engine.py")),
    Mutation("strongest-link-instead-of-weakest", "evkg/classification/ranks.py",
             "support = max(best) if any_premise else min(best)", "support = max(best)",
             ("tests/test_classify_engine.py", "tests/test_products_classification.py")),
    Mutation("supersession-off", "evkg/classification/engine.py",
             "        if agency_by_question:\n", "        if False:\n",
             ("tests/test_supersession.py", "tests/test_classify_engine.py")),
    Mutation("statutory-precedence-off", "evkg/classification/engine.py",
             "superseded: dict[str, set] = {o: set(s) for o, s in index.precedence.items() if s}",
             "superseded: dict[str, set] = {}",
             ("tests/test_classify_engine.py", "-k", "precedence")),
    Mutation("superseded-keeps-its-chain-status", "evkg/classification/engine.py",
             "status_iri = SUPERSEDED_IRI if effective[o] == SUPERSEDED else STATUS_IRI",
             "status_iri = STATUS_IRI",
             ("tests/test_supersession.py",)),
    Mutation("hierarchy-step-off", "evkg/classification/knowledge.py",
             "    if subsumption:\n        rules.append(hierarchy)", "    if False:\n        rules.append(hierarchy)",
             ("tests/test_rules_kr.py", "tests/test_products_classification.py")),
    Mutation("reports-show-superseded-answers", "evkg/classification/outcomes.py",
             'if o.status != "superseded"]', "]",
             ("tests/test_supersession.py", "-k", "report")),
    # the query leaves superseded answers out twice (the strongest status and the derivations): both go
    Mutation("query-lists-superseded-answers", "queries/products-by-category.rq",
             "Status != evkg:Superseded)", "Status != evkg:Superseded || true)",
             ("tests/test_supersession.py", "-k", "named_query"), occurrences=2),
    # --- compiled validator: constraint kinds skipped, bounds off, values normalised
    Mutation("compiled-skips-sh:in", "evkg/validation/compiled.py", SKIPPED_COMPONENTS, _skip('SH["in"]'),
             COMPILED_CASES),
    Mutation("compiled-skips-sh:nodeKind", "evkg/validation/compiled.py", SKIPPED_COMPONENTS, _skip("SH.nodeKind"),
             COMPILED_CASES),
    Mutation("compiled-skips-sh:class", "evkg/validation/compiled.py", SKIPPED_COMPONENTS, _skip('SH["class"]'),
             COMPILED_CASES),
    Mutation("compiled-skips-sh:or", "evkg/validation/compiled.py", SKIPPED_COMPONENTS, _skip('SH["or"]'),
             COMPILED_CASES),
    Mutation("compiled-skips-value-ranges", "evkg/validation/compiled.py", SKIPPED_COMPONENTS,
             _skip("SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive"), COMPILED_CASES),
    # a count check runs alone or with the others of its focus: the bound is moved for both
    Mutation("compiled-counts-off-by-one", "evkg/validation/compiled.py",
             "            bound = shapes.value(shape, component)\n            if bound is not None:\n",
             "            bound = shapes.value(shape, component)\n            if bound is not None:\n"
             "                bound = int(bound) + 1\n",
             COMPILED_CASES),
    Mutation("compiled-ignores-lexical-forms", "evkg/validation/compiled.py",
             "        lexical = _LEXICAL.get(argument)\n", "        lexical = None\n",
             ("tests/test_engine_equivalence.py", "-k", "adversarial and (yes or exponent)")),
    Mutation("report-values-normalised", "evkg/io/rdf.py",
             "datatype=URIRef(datatype), normalize=False)", "datatype=URIRef(datatype))",
             ("tests/test_engine_equivalence.py", "-k", "report_prints")),
    # --- validation shapes: thresholds and counts moved
    Mutation("small-EV-cut-off-250", "shapes/characterisation.ttl",
             "                BIND (COALESCE(?statedCutoff, 200) AS ?cutoff)\n                FILTER (?value >= ?cutoff)",
             "                BIND (COALESCE(?statedCutoff, 250) AS ?cutoff)\n                FILTER (?value >= ?cutoff)",
             COMPILED_CASES),
    Mutation("loading-efficiency-bound-1000", "shapes/product.ttl",
             "    sh:maxInclusive 100 ;", "    sh:maxInclusive 1000 ;", COMPILED_CASES),
    Mutation("one-quantity-is-enough", "shapes/characterisation.ttl",
             "                FILTER (?count < 2)", "                FILTER (?count < 1)", COMPILED_CASES),
    # --- input and look-up
    Mutation("curie-prefix-ignored", "evkg/core/namespaces.py",
             "return PREFIXES[prefix] + local if prefix in PREFIXES else None",
             'return PREFIXES["evkg"] + local if prefix in PREFIXES else None',
             ("tests/test_curie_lookup.py",)),
    Mutation("size-limit-off", "evkg/core/files.py",
             '    """The bytes of a regular file (or of standard input for `-`), refusing anything over ``limit`` bytes."""\n',
             '    """The bytes of a regular file (or of standard input for `-`), refusing anything over ``limit`` bytes."""\n'
             "    limit = 1 << 40\n",
             ("tests/test_check_cli.py", "-k", "size_limit")),
]


def _copy_repository(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _pytest(copy: Path, arguments: tuple[str, ...]) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(copy), EVKG_CACHE_DIR=str(copy / ".evkg-cache"),
                       PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-p", "no:randomly", *arguments], cwd=copy, env=environment, capture_output=True,
                          text=True)


def _first_failure(output: str) -> str | None:
    found = re.search(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)
    return found.group(1) if found else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the mutations and stop")
    parser.add_argument("--only", action="append", default=[], help="run only the named mutation (repeatable)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.name}: {m.path} -> {' '.join(m.tests)}")
        return 0
    started = time.perf_counter()
    caught = 0
    with tempfile.TemporaryDirectory(prefix="evkg-mutations-") as folder:
        copy = Path(folder) / "repo"
        _copy_repository(copy)
        where = subprocess.run([sys.executable, "-c", "import evkg; print(evkg.__file__)"], cwd=copy, text=True,
                               env=dict(os.environ, PYTHONPATH=str(copy)), capture_output=True).stdout.strip()
        if not where.startswith(str(copy)):
            print(f"the copy's evkg package is not the one imported ({where}); stopping", file=sys.stderr)
            return 2
        for tests in dict.fromkeys(m.tests for m in chosen):      # each selection passes before any mutation
            check = _pytest(copy, tests)
            if check.returncode != 0:
                print(f"the tests fail before any mutation ({_first_failure(check.stdout) or ' '.join(tests)}); "
                      "fix them first")
                return 2
        for mutation in chosen:
            path = copy / mutation.path
            original = path.read_text(encoding="utf-8")
            if original.count(mutation.old) != mutation.occurrences:
                print(f"{mutation.name}: NOT APPLIED (the text to change occurs {original.count(mutation.old)} "
                      f"times in {mutation.path})")
                continue
            path.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
            try:
                run = _pytest(copy, mutation.tests)
            finally:
                path.write_text(original, encoding="utf-8")
            failure = _first_failure(run.stdout)
            if run.returncode == 1 and failure:
                caught += 1
                print(f"{mutation.name}: caught by {failure}", flush=True)
            else:
                print(f"{mutation.name}: MISSED (pytest exit {run.returncode}; {' '.join(mutation.tests)})",
                      flush=True)
    print(f"mutations={len(chosen)} caught={caught}")
    print(f"time {time.perf_counter() - started:.0f} s")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
