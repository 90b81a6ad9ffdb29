"""mappings/evkg.sssom.tsv: valid SSSOM (checked by the sssom library), every mapped term declared with its
label, and every evkg class either mapped or named as having no counterpart."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from evkg.core import resources
from evkg.core.namespaces import PREFIXES
from evkg.publish.ontology_html import internal_classes

sssom_parsers = pytest.importorskip("sssom.parsers")
sssom_validators = pytest.importorskip("sssom.validators")

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings" / "evkg.sssom.tsv"
EVKG = PREFIXES["evkg"]
PREDICATES = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}
# OBI (with the IAO terms it uses), GO, CL, NCIt, EFO/MONDO, IDMP-O, and UO for units.
TARGET_PREFIXES = {"OBI", "IAO", "GO", "CL", "NCIT", "EFO", "MONDO", "UO", "idmp-mprd"}


@pytest.fixture(scope="module")
def mapping_set():
    return sssom_parsers.parse_sssom_table(str(MAPPINGS))


@pytest.fixture(scope="module")
def declared() -> Graph:
    graph = Graph().parse(ROOT / "ontology" / "imports" / "external.ttl", format="turtle")
    return graph.parse(ROOT / "mappings" / "external-terms.ttl", format="turtle")


def expand(curie: str, converter) -> URIRef:
    return URIRef(converter.expand(curie, strict=True))


def validation_errors(msdf) -> list[str]:
    reports = sssom_validators.validate(msdf, fail_on_error=False)
    return [str(result) for report in reports.values() for result in report.results]


def test_mapping_file_is_valid_sssom(mapping_set):
    assert validation_errors(mapping_set) == []
    rows = mapping_set.df
    assert len(rows) == 17
    assert set(rows["predicate_id"]) <= PREDICATES
    assert set(rows["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    assert rows["comment"].str.len().min() > 40, "every mapping says how the two classes differ"
    assert {curie.split(":")[0] for curie in rows["object_id"]} <= TARGET_PREFIXES
    assert mapping_set.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_validation_catches_a_prefix_missing_from_the_curie_map(tmp_path):
    broken = tmp_path / "broken.sssom.tsv"
    text = MAPPINGS.read_text(encoding="utf-8").replace("#  OBI: http://purl.obolibrary.org/obo/OBI_\n", "")
    broken.write_text(text, encoding="utf-8")
    errors = validation_errors(sssom_parsers.parse_sssom_table(str(broken)))
    assert errors and any("OBI" in error for error in errors)


def test_every_mapped_term_is_declared_with_the_label_the_file_gives(mapping_set, declared):
    ontology = resources.ontology_graph()
    for row in mapping_set.df.itertuples():
        subject = expand(row.subject_id, mapping_set.converter)
        target = expand(row.object_id, mapping_set.converter)
        assert (subject, RDF.type, OWL.Class) in ontology, row.subject_id
        assert Literal(row.subject_label, lang="en") in set(ontology.objects(subject, RDFS.label)) or \
            Literal(row.subject_label) in set(ontology.objects(subject, RDFS.label)), row.subject_id
        assert (target, RDF.type, OWL.Class) in declared, f"{row.object_id} is not declared"
        assert str(declared.value(target, RDFS.label)) == row.object_label, row.object_id


def _no_counterpart(metadata) -> set[str]:
    return set(re.findall(r"evkg:([A-Za-z0-9_]+)", metadata["comment"].split("unverified):")[1]))


def test_every_evkg_class_is_mapped_or_named_as_having_no_counterpart(mapping_set):
    ontology = resources.ontology_graph()
    mapped = {row.subject_id.removeprefix("evkg:") for row in mapping_set.df.itertuples()}
    helpers = internal_classes()
    classes = {str(c)[len(EVKG):] for c in ontology.subjects(RDF.type, OWL.Class)
               if str(c).startswith(EVKG) and str(c) not in helpers
               and (c, OWL.deprecated, Literal(True)) not in ontology}
    categories = {c for c in classes if c.startswith(("EU_", "US_", "KR_"))}
    none = _no_counterpart(mapping_set.metadata)
    assert mapped.isdisjoint(none)
    assert classes - categories == mapped | none


def test_skos_matches_in_the_ontology_are_in_the_mapping_file(mapping_set):
    ontology = resources.ontology_graph()
    rows = {(expand(r.subject_id, mapping_set.converter), r.predicate_id, expand(r.object_id, mapping_set.converter))
            for r in mapping_set.df.itertuples()}
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for subject, target in ontology.subject_objects(predicate):
            if (subject, RDF.type, OWL.Class) not in ontology or (subject, OWL.deprecated, Literal(True)) in ontology:
                continue      # value-list individuals (units, methods) keep their matches in the ontology only
            assert (subject, "skos:" + predicate.split("#")[1], target) in rows, (subject, predicate, target)
