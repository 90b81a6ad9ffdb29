"""The OWL ontology: HermiT consistency, ROBOT-style quality checks, and that every term used elsewhere is declared."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from evkg.classification.reason import check_ontology

ROOT = Path(__file__).resolve().parent.parent
EVKG_NS = "https://w3id.org/evkg#"
EXTERNAL_STEMS = ("http://purl.obolibrary.org/obo/", "http://purl.uniprot.org/uniprot/",
                  "http://www.ebi.ac.uk/efo/", "https://www.cellosaurus.org/")
SPARQL_TEXT = {URIRef("http://www.w3.org/ns/shacl#" + name) for name in ("select", "construct", "ask", "update")}
PREFIXED_EVKG = re.compile(r"(?<![\w:/#])evkg:([A-Za-z_][\w-]*[\w])")
FULL_EVKG = re.compile(r"<https://w3id\.org/evkg#([A-Za-z_][\w-]*)>")

REGULATORY_FACTS = [
    "intendedUse", "diseaseClaim", "evOriginKind", "vesicleKind", "evSourceMaterial", "evRole", "cellContent",
    "cellsEngineered", "hctpMinimallyManipulated", "hctpHomologousUse", "hctpSystemicOrMetabolic",
    "manufacturingSetting", "integralMedicalDevice", "annexI3Indication", "loadedCargo", "hasNoLoadedCargo",
    "cargoKind", "manufacture", "lengthAminoAcids", "nucleicAcidMechanism", "effectIsGenetic",
    "geneticallyModified", "incidentalRecombinantNucleicAcid", "donorRelation", "engineeredVesicleComponent",
    "coFormulatedActiveSubstance", "agencyDetermination"]

PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
EVKG_TERMS = """
  VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty owl:NamedIndividual }
  ?term a ?type .
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "https://w3id.org/evkg#"))
"""


def ontology_files() -> list[Path]:
    return sorted((ROOT / "ontology").rglob("*.ttl"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def offenders(graph: Graph, where: str) -> list[str]:
    query = PREFIXES + "SELECT DISTINCT ?term WHERE {" + EVKG_TERMS + where + "} ORDER BY ?term"
    return [str(row.term).removeprefix(EVKG_NS) for row in graph.query(query)]


# ------------------------------------------------------------------------------------------ HermiT

def test_hermit_finds_the_whole_ontology_consistent_with_no_unsatisfiable_class():
    assert len(ontology_files()) >= 3
    verdict = check_ontology()
    assert verdict.consistent, "HermiT: the merged ontology/**/*.ttl is inconsistent"
    assert verdict.unsatisfiable == [], f"unsatisfiable classes: {verdict.unsatisfiable}"


def test_hermit_detects_an_individual_of_two_disjoint_particle_kinds(ontology):
    broken = Graph()
    broken += ontology
    vesicle = URIRef("https://example.org/vesicle")
    broken.add((vesicle, RDF.type, URIRef(EVKG_NS + "Exosome")))
    broken.add((vesicle, RDF.type, URIRef(EVKG_NS + "Ectosome")))
    assert not check_ontology(broken).consistent


def test_hermit_reports_a_class_below_two_disjoint_classes_as_unsatisfiable(ontology):
    broken = Graph()
    broken += ontology
    hybrid = URIRef(EVKG_NS + "VesicleThatIsAlsoAMimetic")
    broken.add((hybrid, RDF.type, OWL.Class))
    broken.add((hybrid, RDFS.subClassOf, URIRef(EVKG_NS + "ExtracellularVesicle")))
    broken.add((hybrid, RDFS.subClassOf, URIRef(EVKG_NS + "EVMimetic")))
    verdict = check_ontology(broken)
    assert verdict.consistent
    assert verdict.unsatisfiable == [str(hybrid)]


# ------------------------------------------------------------------------------------------ QC (ROBOT style)

def test_every_evkg_term_has_a_label(ontology):
    missing = offenders(ontology, "FILTER NOT EXISTS { ?term rdfs:label ?label }")
    assert missing == [], f"evkg terms without rdfs:label: {missing}"


def test_every_evkg_term_has_a_definition(ontology):
    missing = offenders(ontology, "FILTER NOT EXISTS { ?term skos:definition ?definition }")
    assert missing == [], f"evkg terms without skos:definition: {missing}"


def test_every_evkg_term_has_a_source(ontology):
    missing = offenders(ontology, "FILTER NOT EXISTS { ?term dct:source|rdfs:isDefinedBy ?source }")
    assert missing == [], f"evkg terms without dct:source or rdfs:isDefinedBy: {missing}"


def test_no_two_evkg_classes_share_a_label(ontology):
    query = PREFIXES + """
        SELECT ?label (GROUP_CONCAT(STR(?class); separator=" ") AS ?classes) WHERE {
          ?class a owl:Class ; rdfs:label ?l .
          FILTER(isIRI(?class) && STRSTARTS(STR(?class), "https://w3id.org/evkg#"))
          BIND(LCASE(STR(?l)) AS ?label)
        } GROUP BY ?label HAVING (COUNT(DISTINCT ?class) > 1) ORDER BY ?label"""
    duplicates = {str(row.label): str(row.classes) for row in ontology.query(query)}
    assert duplicates == {}, f"evkg classes sharing a label: {duplicates}"


def test_every_evkg_term_has_exactly_one_english_label(ontology):
    query = PREFIXES + "SELECT ?term (COUNT(DISTINCT ?label) AS ?n) WHERE {" + EVKG_TERMS + """
          ?term rdfs:label ?label } GROUP BY ?term HAVING (COUNT(DISTINCT ?label) > 1) ORDER BY ?term"""
    several = [str(row.term).removeprefix(EVKG_NS) for row in ontology.query(query)]
    assert several == [], f"evkg terms with more than one label: {several}"


def test_every_value_individual_of_evkg_ttl_is_in_a_closed_or_all_different_list():
    values = Graph().parse(ROOT / "ontology" / "evkg.ttl", format="turtle")
    query = PREFIXES + """
        SELECT DISTINCT ?value WHERE {
          ?value a owl:NamedIndividual , ?class .
          FILTER(STRSTARTS(STR(?value), "https://w3id.org/evkg#") && ?class != owl:NamedIndividual)
          FILTER NOT EXISTS { ?class owl:equivalentClass/owl:oneOf/rdf:rest*/rdf:first ?value }
          FILTER NOT EXISTS { ?all owl:distinctMembers/rdf:rest*/rdf:first ?value }
        } ORDER BY ?value"""
    loose = [str(row.value).removeprefix(EVKG_NS) for row in values.query(query)]
    assert len(list(values.subjects(RDF.type, OWL.NamedIndividual))) > 150
    assert loose == [], f"value individuals in no closed or all-different list: {loose}"


def test_every_regulatory_fact_property_tells_the_user_what_to_state(ontology):
    prompt = URIRef(EVKG_NS + "missingFactPrompt")
    missing = [name for name in REGULATORY_FACTS
               if not any(isinstance(v, Literal) and len(str(v)) > 30
                          for v in ontology.objects(URIRef(EVKG_NS + name), prompt))]
    assert missing == [], f"regulatory facts without evkg:missingFactPrompt: {missing}"


def test_particle_kinds_form_the_misev_hierarchy(ontology):
    def parent(name):
        return {str(o).removeprefix(EVKG_NS) for o in ontology.objects(URIRef(EVKG_NS + name), RDFS.subClassOf)}
    assert parent("ExtracellularVesicle") == {"ExtracellularParticle"}
    assert parent("Exosome") == {"ExtracellularVesicle"}
    assert parent("OuterMembraneVesicle") == {"BacterialMembraneVesicle"}
    assert parent("SyntheticVesicle") == {"EVMimetic"}
    assert parent("EVMimetic") == {"ParticleEntity"}
    close = URIRef("http://www.w3.org/2004/02/skos/core#closeMatch")
    assert (URIRef(EVKG_NS + "Exosome"), close, URIRef("http://purl.obolibrary.org/obo/GO_0070062")) in ontology


# ------------------------------------------------------------------------------------------ terms used elsewhere

def used_files() -> list[Path]:
    files = list((ROOT / "shapes").rglob("*.ttl")) + list((ROOT / "queries").glob("*.rq"))
    files += list((ROOT / "examples").rglob("*.ttl")) + list((ROOT / "data").rglob("*.ttl"))
    return sorted(files)


def iris_used(path: Path) -> set[str]:
    """Every IRI a file uses: RDF terms of Turtle files, plus names inside SPARQL text (queries, rules)."""
    if path.suffix == ".rq":
        return sparql_iris(path.read_text(encoding="utf-8"))
    graph = Graph().parse(path, format="turtle")
    found = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    for predicate in SPARQL_TEXT:
        for text in graph.objects(None, predicate):
            found |= sparql_iris(str(text))
    return found


def sparql_iris(text: str) -> set[str]:
    text = re.sub(r"#[^\n>]*$", "", text, flags=re.MULTILINE) if "PREFIX" in text else text
    names = set(PREFIXED_EVKG.findall(text)) | set(FULL_EVKG.findall(text))
    found = {EVKG_NS + name for name in names}
    found |= set(re.findall(r"<((?:%s)[^>\s]+)>" % "|".join(re.escape(s) for s in EXTERNAL_STEMS), text))
    found |= {"http://purl.obolibrary.org/obo/" + n for n in re.findall(r"(?<![\w:])obo:([A-Za-z]+_\w+)", text)}
    return found


def test_the_term_scan_sees_files_and_names():
    assert sparql_iris("SELECT ?p WHERE { ?p evkg:evRole evkg:CombinedRole ; a <https://w3id.org/evkg#EVProduct> }") \
        == {EVKG_NS + "evRole", EVKG_NS + "CombinedRole", EVKG_NS + "EVProduct"}
    assert sparql_iris("?s evkg:indication obo:MONDO_0005300 .") == {
        EVKG_NS + "indication", "http://purl.obolibrary.org/obo/MONDO_0005300"}


def test_every_evkg_term_used_in_shapes_queries_examples_and_data_is_declared(ontology):
    declared = {str(s) for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    undeclared: dict[str, list[str]] = {}
    for path in used_files():
        for iri in sorted(iris_used(path)):
            if iri.startswith(EVKG_NS) and iri not in declared:
                undeclared.setdefault(iri.removeprefix(EVKG_NS), []).append(str(path.relative_to(ROOT)))
    assert undeclared == {}, "evkg terms used but not declared in ontology/ (term: files):\n" + "\n".join(
        f"  evkg:{term}: {', '.join(files)}" for term, files in sorted(undeclared.items()))


def test_every_external_term_used_is_declared_in_imports_external(ontology):
    external = Graph().parse(ROOT / "ontology" / "imports" / "external.ttl", format="turtle")
    declared = {str(s) for s in external.subjects(RDFS.label, None)}
    undeclared: dict[str, list[str]] = {}
    for path in used_files():
        for iri in sorted(iris_used(path)):
            if iri.startswith(EXTERNAL_STEMS) and iri not in declared:
                undeclared.setdefault(iri, []).append(str(path.relative_to(ROOT)))
    assert undeclared == {}, "external terms used but not declared in ontology/imports/external.ttl:\n" + \
        "\n".join(f"  {iri}: {', '.join(files)}" for iri, files in sorted(undeclared.items()))
