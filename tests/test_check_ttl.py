"""`evkg check --format ttl` gives a SHACL validation report that SHACL tools can read."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parent.parent

# The structure of a validation report (SHACL 1.0, section 3.6), written as shapes: a report has exactly one
# sh:conforms; each result exactly one focus node, severity and source constraint component, at most one
# path, value and source shape, and a severity that is one of the three SHACL severities.
REPORT_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <urn:report-shapes:> .
ex:Report a sh:NodeShape ; sh:targetClass sh:ValidationReport ;
    sh:property [ sh:path sh:conforms ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:boolean ] ;
    sh:property [ sh:path sh:result ; sh:class sh:ValidationResult ] .
ex:Result a sh:NodeShape ; sh:targetClass sh:ValidationResult ;
    sh:property [ sh:path sh:focusNode ; sh:minCount 1 ; sh:maxCount 1 ] ;
    sh:property [ sh:path sh:resultPath ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path sh:value ; sh:maxCount 1 ] ;
    sh:property [ sh:path sh:sourceShape ; sh:minCount 1 ; sh:maxCount 1 ] ;
    sh:property [ sh:path sh:sourceConstraintComponent ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path sh:resultSeverity ; sh:minCount 1 ; sh:maxCount 1 ;
                  sh:in ( sh:Violation sh:Warning sh:Info ) ] ;
    sh:property [ sh:path sh:resultMessage ; sh:minCount 1 ] .
"""
EXAMPLES = [ROOT / "examples" / "invalid" / "size-without-unit-or-method.ttl",
            ROOT / "examples" / "invalid" / "trial-id-with-prefix.ttl",
            ROOT / "examples" / "valid" / "e7-platelet-ev-gel-incomplete.ttl"]


def ttl_report(*paths: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--no-classify", "-f", "ttl",
                           *map(str, paths)], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_ttl_report_conforms_to_the_shacl_report_structure_and_round_trips():
    text = ttl_report(*EXAMPLES)
    graph = Graph().parse(data=text, format="turtle")
    results = set(graph.subjects(RDF.type, SH.ValidationResult))
    assert len(results) > 10
    conforms, _, details = validate(graph, shacl_graph=Graph().parse(data=REPORT_SHAPES, format="turtle"))
    assert conforms, details
    again = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert len(again) == len(graph)
    assert {graph.value(r, SH.resultSeverity) for r in results} >= {SH.Violation, SH.Warning}


def test_ttl_results_carry_the_engine_terms():
    graph = Graph().parse(data=ttl_report(EXAMPLES[1]), format="turtle")
    pattern = [r for r in graph.subjects(RDF.type, SH.ValidationResult)
               if str(graph.value(r, SH.sourceShape)).endswith("S-trialRegistryId")]
    assert pattern, "the malformed trial number is reported"
    assert graph.value(pattern[0], SH.value) == Literal("ClinicalTrials.gov NCT04276987")     # the literal itself
    components = {str(graph.value(r, SH.sourceConstraintComponent)) for r in graph.subjects(RDF.type, SH.ValidationResult)}
    assert all(c.startswith(str(SH)) and c.endswith("ConstraintComponent") for c in components), components
