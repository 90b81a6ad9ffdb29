"""The validation shapes (shapes/*.ttl except the classification rules) as a contract.

Checks that the shapes are well-formed SHACL, that every shape carries what a user report needs (severity,
message, source, constraint id, label, name), that each invalid example produces exactly the results its
sidecar lists, that curated products and valid examples raise no Violation, and that every quality
constraint (Q-*) and consistency check (V-*) that the shapes implement is triggered by some case and stays quiet
on a correct description.

pySHACL runs as the package's reference engine runs it (evkg/validation/compiled.py, run_pyshacl): the
ontology merged into the data, inference "none", advanced features on, so sh:class and rdfs:subClassOf-based
checks see the class hierarchy. For speed the tests here merge the ontology themselves and reuse rdflib's
prepared queries (rdflib otherwise re-parses each SPARQL constraint for every focus node); one test holds
that shortcut to the package's reference engine.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from evkg.core.namespaces import DCT, EVKG, EVSH
from evkg.validation.compiled import run_pyshacl

ROOT = Path(__file__).resolve().parent.parent
SHAPE_FILES = sorted(p for p in (ROOT / "shapes").glob("*.ttl") if not p.name.startswith("rules-"))
INVALID = sorted((ROOT / "examples" / "invalid").glob("*.ttl"))
CORRECT_DESCRIPTIONS = sorted((ROOT / "data" / "products").glob("*.ttl")) + sorted(
    (ROOT / "examples" / "valid").glob("*.ttl"))
# Papers, acts and the registries and terminologies of data/literature/standards.ttl.
SOURCE_STEMS = ("https://w3id.org/evkg/data/paper/", "https://w3id.org/evkg/data/act/", "https://w3id.org/evkg/data/web/")


@functools.cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in SHAPE_FILES:
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def ontology_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def curie(term) -> str | None:
    if term is None:
        return None
    text = str(term)
    for prefix, namespace in (("evsh:", str(EVSH)), ("evkg:", str(EVKG))):
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return text


@functools.cache
def _prepared_query(text: str, base, namespaces: tuple):
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


_plain_sparql_query = sparql_processor.SPARQLProcessor.query


def _sparql_query_reusing_prepared(self, query, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    if isinstance(query, str):
        query = _prepared_query(query, base, tuple(sorted((initNs or {}).items())))
    return _plain_sparql_query(self, query, initBindings, initNs, base, DEBUG)


@pytest.fixture(autouse=True, scope="module")
def reuse_prepared_queries():
    patch = pytest.MonkeyPatch()
    patch.setattr(sparql_processor.SPARQLProcessor, "query", _sparql_query_reusing_prepared)
    yield
    patch.undo()


def run_shapes(data: Graph) -> tuple[bool, set[tuple[str, str, str | None]]]:
    """Conformance (no Violation) and the (shape, severity, path) of every result, the ontology merged in."""
    conforms, results_graph, _ = validate(
        data + ontology_graph(), shacl_graph=shapes_graph(), inference="none", advanced=True,
        allow_warnings=True, allow_infos=True)
    found = set()
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        severity = curie(results_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        found.add((curie(results_graph.value(result, SH.sourceShape)), severity,
                   curie(results_graph.value(result, SH.resultPath))))
    return conforms, found


def reported_shapes() -> list:
    """Every shape that can produce a result: named node and property shapes (not the operands of sh:or)."""
    graph = shapes_graph()
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return sorted(shapes, key=str)


# ---------------------------------------------------------------------------------------------------
# The shapes themselves
# ---------------------------------------------------------------------------------------------------

def test_shapes_are_valid_shacl():
    """pySHACL checks the shapes graph against the SHACL-for-SHACL shapes before validating."""
    conforms, _, text = validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True, advanced=True)
    assert conforms, text


def test_shape_files_are_found():
    assert {p.name for p in SHAPE_FILES} >= {"product.ttl", "characterisation.ttl", "release.ttl"}
    assert len(reported_shapes()) >= 100


@pytest.mark.parametrize("shape", reported_shapes(), ids=curie)
def test_every_shape_explains_itself(shape):
    graph = shapes_graph()
    assert isinstance(shape, URIRef) and str(shape).startswith(str(EVSH)), "shapes have readable evsh: IRIs"
    assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info)
    assert graph.value(shape, SH.deactivated) is None
    for prop, what in ((SH.message, "message"), (RDFS.label, "label"), (EVKG.constraintId, "constraint id")):
        values = list(graph.objects(shape, prop))
        assert len(values) == 1 and isinstance(values[0], Literal) and len(str(values[0])) > 10 or (
            prop == EVKG.constraintId and len(values) == 1), f"{curie(shape)} needs exactly one {what}"
    if graph.value(shape, SH.path) is not None:
        assert graph.value(shape, SH.name) is not None, f"{curie(shape)} needs sh:name in plain words"
    sources = list(graph.objects(shape, DCT.source))
    assert sources, f"{curie(shape)} needs dct:source"
    for source in sources:
        assert isinstance(source, URIRef) and str(source).startswith(SOURCE_STEMS), source
    local = str(shape)[len(str(EVSH)):].replace("Fact-", "F-", 1)
    assert local.startswith(str(graph.value(shape, EVKG.constraintId))), "the IRI carries the constraint id"


def test_sources_are_in_the_curated_graph():
    data = Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        data.parse(path, format="turtle")
    cited = {s for s in shapes_graph().objects(None, DCT.source)}
    unknown = sorted(str(s) for s in cited if (s, None, None) not in data)
    assert not unknown, f"cited but not in data/: {unknown}"


def test_sparql_constraints_declare_prefixes_and_use_no_values_clause():
    graph = shapes_graph()
    declared = {str(p) for p in graph.objects(None, SH.prefix)}
    constraints = list(graph.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert graph.value(constraint, SH.prefixes) == EVSH.prefixes
        query = str(graph.value(constraint, SH.select))
        assert "$this" in query and not re.search(r"\bVALUES\b", query)
        used = set(re.findall(r"\b([a-z][a-z0-9]*):[A-Za-z_]", re.sub(r"<[^>]*>|\"[^\"]*\"", "", query)))
        assert used <= declared, f"undeclared prefixes {used - declared}"
        assert graph.value(constraint, SH.message) is not None


def test_severities_follow_the_kind_of_constraint():
    """Consistency errors (V-*) are Violations, consistency warnings Warnings; missing regulatory
    facts are Warnings except the intended use and the vesicle preparation."""
    graph = shapes_graph()
    by_id: dict[str, set] = {}
    for shape in reported_shapes():
        by_id.setdefault(str(graph.value(shape, EVKG.constraintId)), set()).add(graph.value(shape, SH.severity))
    for cid in ("V-01", "V-03", "V-05", "V-09"):
        assert by_id[cid] == {SH.Violation}, cid
    for cid in ("V-02", "V-04", "V-06", "V-07", "V-08", "V-11", "V-16"):
        assert by_id[cid] == {SH.Warning}, cid
    assert by_id["V-10"] == {SH.Info}       # advice on the role, which only the submitter can decide
    for cid, severities in by_id.items():
        if cid.startswith("F-") and cid not in ("F-intendedUse", "F-hasEVComponent"):
            assert severities == {SH.Warning}, cid
    assert by_id["F-intendedUse"] == {SH.Violation}
    assert SH.Violation in by_id["Q-37"]


# ---------------------------------------------------------------------------------------------------
# Examples and curated descriptions
# ---------------------------------------------------------------------------------------------------

def test_enough_invalid_examples_each_with_a_sidecar():
    assert len(INVALID) >= 12
    sidecars = sorted((ROOT / "examples" / "invalid").glob("*.expected.json"))
    assert len(sidecars) == len(INVALID)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_produces_exactly_its_results(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    header = path.read_text(encoding="utf-8").splitlines()[:2]
    assert all(line.startswith("# ") for line in header), "two comment lines say what is wrong"
    conforms, found = run_shapes(Graph().parse(path, format="turtle"))
    published = expected["published"]               # plain SHACL gives each shape its own severity
    wanted = {(r["shape"], r["severity"], r["path"]) for r in published["results"]}
    assert found == wanted
    assert conforms is published["conforms"]


@pytest.mark.parametrize("path", CORRECT_DESCRIPTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_descriptions_raise_no_violation(path):
    conforms, found = run_shapes(Graph().parse(path, format="turtle"))
    assert conforms, sorted(r for r in found if r[1] == "Violation")


@pytest.mark.parametrize("path", [INVALID[0], CORRECT_DESCRIPTIONS[0]], ids=lambda p: p.stem)
def test_merging_the_ontology_here_gives_the_package_results(path):
    data = Graph().parse(path, format="turtle")
    package = {(curie(r.shape), curie(r.severity).rsplit("#", 1)[-1], curie(r.path)) for r in run_pyshacl(data)}
    conforms, found = run_shapes(data)
    assert found == package
    assert conforms == (not any(severity == "Violation" for _, severity, _ in package))


# ---------------------------------------------------------------------------------------------------
# Inline cases: a complete description (adipose-MSC small EVs after data/products/hamsc-exo-covid.ttl) that
# produces no result, and one change per case. Every case names the constraint it exercises; a case with
# no expected result shows that the constraint stays quiet when its condition holds and is met.
# ---------------------------------------------------------------------------------------------------

COMPLETE_MSC_EV = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix obo:  <http://purl.obolibrary.org/obo/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix up:   <http://purl.uniprot.org/uniprot/> .
@prefix ex:   <https://w3id.org/evkg/data/example/> .

ex:msc-ev a evkg:EVProduct ;
    rdfs:label "Nebulised adipose-MSC small EVs for severe COVID-19 pneumonia" ;
    evkg:developer "Hospital sponsor, Shanghai" ;
    evkg:trialRegistryId "NCT04276987" ;
    evkg:intendedUse evkg:Treatment ;
    evkg:diseaseClaim true ;
    evkg:therapeuticApproach evkg:ImmunomodulatoryRegenerativeTherapy ;
    evkg:mechanismOfAction evkg:Immunosuppression , evkg:ProRegenerativeSignalling ;
    evkg:evRole evkg:ActiveSubstanceRole ;
    evkg:roleJustification "The effect is attributed to the vesicles' own proteins and RNAs; nothing is loaded." ;
    evkg:indication obo:MONDO_0100096 ;
    evkg:routeOfAdministration evkg:Inhalation ;
    evkg:dose ex:msc-ev-dose ;
    evkg:cellContent evkg:NoCells ;
    evkg:manufacturingSetting evkg:IndustrialManufacture ;
    evkg:integralMedicalDevice false ;
    evkg:annexI3Indication true ;
    evkg:hasNoLoadedCargo true ;
    evkg:hasEVComponent ex:msc-ev-prep ;
    evkg:releaseTest ex:msc-ev-sterility , ex:msc-ev-endotoxin , ex:msc-ev-mycoplasma , ex:msc-ev-identity ,
        ex:msc-ev-virus , ex:msc-ev-hcdna , ex:msc-ev-potency-release ;
    evkg:potencyAssay ex:msc-ev-potency ;
    evkg:storageCondition "-80 °C in saline; thawed once before nebulisation" ;
    evkg:shelfLife "P12M"^^xsd:duration ;
    evkg:nonClinicalStudy "Biodistribution and toxicology of nebulised vesicles in mice (sponsor report)" ;
    dct:source <https://w3id.org/evkg/data/paper/doi/10.1002/jev2.12134> .

ex:msc-ev-dose a evkg:Measurement ;
    evkg:quantityKind evkg:ParticleNumber ; evkg:value 2.0e8 ; evkg:unit evkg:Particles ;
    evkg:method evkg:NanoparticleTrackingAnalysis .

ex:msc-ev-sterility a evkg:ReleaseTest ; evkg:testType evkg:SterilityTest ;
    evkg:method evkg:CompendialSterilityTest ; evkg:result "no growth after 14 days" .
ex:msc-ev-endotoxin a evkg:ReleaseTest ; evkg:testType evkg:EndotoxinTest ;
    evkg:method evkg:LimulusAmebocyteLysateAssay ; evkg:value 0.1 ; evkg:unit evkg:EndotoxinUnitsPerMillilitre ;
    evkg:specification "< 0.25 EU/mL" .
ex:msc-ev-mycoplasma a evkg:ReleaseTest ; evkg:testType evkg:MycoplasmaTest ;
    evkg:method evkg:MycoplasmaPCR ; evkg:result "not detected" .
ex:msc-ev-identity a evkg:ReleaseTest ; evkg:testType evkg:IdentityTest ;
    evkg:method evkg:WesternBlot ; evkg:result "CD9+, CD63+, CD81+, calnexin-" .
ex:msc-ev-virus a evkg:ReleaseTest ; evkg:testType evkg:AdventitiousAgentTest ; evkg:result "negative" .
ex:msc-ev-hcdna a evkg:ReleaseTest ; evkg:testType evkg:ResidualHostCellDNATest ; evkg:result "< 10 ng per dose" .
ex:msc-ev-potency-release a evkg:ReleaseTest ; evkg:testType evkg:PotencyTest ;
    evkg:result "inhibits T-cell proliferation against the reference batch" .
ex:msc-ev-potency a evkg:PotencyAssay ; evkg:measures evkg:Immunosuppression ; evkg:method evkg:FlowCytometry .

ex:msc-ev-source a evkg:CellCultureSource ;
    evkg:producerCellType obo:CL_0002570 ;
    evkg:anatomicalOrigin obo:UBERON_0001013 ;
    evkg:organism obo:NCBITaxon_9606 ;
    evkg:donorRelation evkg:Allogeneic ;
    evkg:geneticallyModified false ;
    evkg:mediumSupplement evkg:HumanPlateletLysate ;
    evkg:supplementEVDepleted true .

ex:msc-ev-prep a evkg:EVPreparation ;
    rdfs:label "Adipose-MSC small EVs, lot L-12" ;
    evkg:particleKind evkg:SmallEV ;
    evkg:vesicleKind evkg:NaturallyReleasedEV ;
    evkg:evOriginKind evkg:HumanOrigin ;
    evkg:evSourceMaterial evkg:PrimaryHumanCells ;
    evkg:hasSource ex:msc-ev-source ;
    evkg:startingMaterialAmount ex:msc-ev-start ;
    evkg:separationStep ex:msc-ev-step-1 , ex:msc-ev-step-2 ;
    evkg:sizeCutoffNm 200 ;
    evkg:measurement ex:msc-ev-particles , ex:msc-ev-protein , ex:msc-ev-size ;
    evkg:markerResult ex:msc-ev-cd63 , ex:msc-ev-tsg101 , ex:msc-ev-albumin , ex:msc-ev-calnexin ;
    evkg:singleVesicleImaging ex:msc-ev-tem ;
    evkg:evTrackId "EV200042" .

ex:msc-ev-start a evkg:Measurement ; evkg:quantityKind evkg:Volume ; evkg:value 1000 ; evkg:unit evkg:Millilitre .
ex:msc-ev-step-1 a evkg:SeparationStep ; evkg:method evkg:TangentialFlowFiltration ; evkg:stepOrder 1 .
ex:msc-ev-step-2 a evkg:SeparationStep ; evkg:method evkg:SizeExclusionChromatography ; evkg:stepOrder 2 .
ex:msc-ev-particles a evkg:Measurement ; evkg:quantityKind evkg:ParticleConcentration ; evkg:value 1.2e10 ;
    evkg:unit evkg:ParticlesPerMillilitre ; evkg:method evkg:NanoparticleTrackingAnalysis .
ex:msc-ev-protein a evkg:Measurement ; evkg:quantityKind evkg:ProteinConcentration ; evkg:value 85.0 ;
    evkg:unit evkg:MicrogramPerMillilitre ; evkg:method evkg:MicroBCAAssay .
ex:msc-ev-size a evkg:Measurement ; evkg:quantityKind evkg:ModalDiameter ; evkg:value 118 ;
    evkg:unit evkg:Nanometre ; evkg:method evkg:NanoparticleTrackingAnalysis .
ex:msc-ev-cd63 a evkg:MarkerResult ; rdfs:label "CD63" ; evkg:marker up:P08962 ;
    evkg:markerCategory evkg:TransmembraneMarker ; evkg:detected true ; evkg:method evkg:WesternBlot ; evkg:batch "L-12" .
ex:msc-ev-tsg101 a evkg:MarkerResult ; rdfs:label "TSG101" ; evkg:marker up:Q99816 ;
    evkg:markerCategory evkg:CytosolicMarker ; evkg:detected true ; evkg:method evkg:WesternBlot ; evkg:batch "L-12" .
ex:msc-ev-albumin a evkg:MarkerResult ; rdfs:label "albumin" ; evkg:marker up:P02768 ;
    evkg:markerCategory evkg:PurityMarker ; evkg:detected false ; evkg:method evkg:WesternBlot ; evkg:batch "L-12" .
ex:msc-ev-calnexin a evkg:MarkerResult ; rdfs:label "calnexin" ; evkg:marker up:P27824 ;
    evkg:markerCategory evkg:IntracellularCompartmentMarker ; evkg:detected false ; evkg:method evkg:WesternBlot ;
    evkg:batch "L-12" .
ex:msc-ev-tem a evkg:ImagingResult ; evkg:method evkg:TransmissionElectronMicroscopy ;
    evkg:wideFieldImage true ; evkg:closeUpImage true .

"""

UPDATE_PREFIXES = """
PREFIX evkg: <https://w3id.org/evkg#>
PREFIX obo:  <http://purl.obolibrary.org/obo/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
PREFIX up:   <http://purl.uniprot.org/uniprot/>
PREFIX ex:   <https://w3id.org/evkg/data/example/>
"""

# Turn the native product into one that carries a fully described small-molecule cargo (role: both).
WITH_CARGO = """
DELETE DATA { ex:msc-ev evkg:hasNoLoadedCargo true ; evkg:evRole evkg:ActiveSubstanceRole } ;
INSERT DATA {
  ex:msc-ev evkg:evRole evkg:CombinedRole ; evkg:mechanismOfAction evkg:CargoPharmacology ;
            evkg:loadedCargo ex:msc-ev-cargo .
  ex:msc-ev-cargo a evkg:CargoItem ; rdfs:label "curcumin" ; evkg:cargoKind evkg:SmallMolecule ;
      evkg:cargoIdentity obo:CHEBI_3962 ; evkg:manufacture evkg:ChemicallySynthesised ;
      evkg:loadedBy evkg:PassiveIncubation ; evkg:loadingEfficiency 10 .
} ;
"""

NUCLEIC_ACID_CARGO = WITH_CARGO + """
DELETE DATA { ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule ; evkg:cargoIdentity obo:CHEBI_3962 } ;
INSERT DATA { ex:msc-ev-cargo evkg:cargoKind evkg:NucleicAcid ; evkg:cargoIdentity obo:SO_0000646 ;
              evkg:nucleicAcidMechanism evkg:RNAInterference ; evkg:effectIsGenetic true } ;
"""

PROTEIN_CARGO = WITH_CARGO + """
DELETE DATA { ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule ; evkg:cargoIdentity obo:CHEBI_3962 ;
              evkg:manufacture evkg:ChemicallySynthesised } ;
INSERT DATA { ex:msc-ev-cargo evkg:cargoKind evkg:RecombinantProtein ; evkg:cargoIdentity up:P29459 ;
              evkg:manufacture evkg:Recombinant ; evkg:minimumLengthAminoAcids 200 } ;
"""


def _delete(*triples: str) -> str:
    return "DELETE DATA { " + " . ".join(triples) + " } ;"


def _insert(*triples: str) -> str:
    return "INSERT DATA { " + " . ".join(triples) + " } ;"


def _result(shape: str, severity: str, path: str) -> tuple[str, str, str]:
    return (f"evsh:{shape}", severity, f"evkg:{path}")


W, V, I = "Warning", "Violation", "Info"

CASES = [
    # (constraint id, case name, change, expected results)
    ("Q-01", "particle-kind-missing", _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV"),
     {_result("Q-01-ParticleKind", V, "particleKind")}),
    ("Q-01", "particle-kind-unknown",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV") + _insert("ex:msc-ev-prep evkg:particleKind evkg:Virion"),
     {_result("Q-01-ParticleKindValue", V, "particleKind")}),
    ("Q-02", "exosome-without-biogenesis-evidence",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV") + _insert("ex:msc-ev-prep evkg:particleKind evkg:Exosome"),
     {_result("Q-02-BiogenesisEvidence", W, "particleKind")}),
    ("Q-02", "exosome-with-biogenesis-evidence",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV")
     + _insert("ex:msc-ev-prep evkg:particleKind evkg:Exosome ; evkg:biogenesisEvidence \"CD63-pHluorin MVB fusion imaging\""),
     set()),
    ("Q-03", "source-missing", _delete("ex:msc-ev-prep evkg:hasSource ex:msc-ev-source"),
     {_result("Q-03-SourceStated", W, "hasSource")}),
    ("Q-03", "two-sources",
     _insert("ex:msc-ev-prep evkg:hasSource ex:msc-ev-source-2",
             "ex:msc-ev-source-2 a evkg:CellCultureSource ; evkg:producerCellType obo:CL_0002540 ; "
             "evkg:anatomicalOrigin obo:UBERON_0002371 ; evkg:organism obo:NCBITaxon_9606 ; "
             "evkg:donorRelation evkg:Allogeneic ; evkg:geneticallyModified false ; "
             "evkg:mediumSupplement evkg:SerumFreeMedium"),
     {_result("Q-03-OneSource", V, "hasSource")}),
    ("Q-03", "source-says-nothing",
     _delete("ex:msc-ev-source a evkg:CellCultureSource", "ex:msc-ev-source evkg:producerCellType obo:CL_0002570",
             "ex:msc-ev-source evkg:anatomicalOrigin obo:UBERON_0001013") + _insert("ex:msc-ev-source a evkg:Source"),
     {_result("Q-03-SourceIdentity", W, "producerCellType")}),
    ("Q-03", "cell-line-not-named",
     _delete("ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells")
     + _insert("ex:msc-ev-prep evkg:evSourceMaterial evkg:EstablishedCellLine"),
     {_result("Q-03-CellLineIdentifier", I, "hasSource")}),
    ("Q-03", "cell-line-named",
     _delete("ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells")
     + _insert("ex:msc-ev-prep evkg:evSourceMaterial evkg:EstablishedCellLine",
               "ex:msc-ev-source evkg:cellLine <https://www.cellosaurus.org/CVCL_0045>"),
     set()),
    ("Q-04", "organism-missing", _delete("ex:msc-ev-source evkg:organism obo:NCBITaxon_9606"),
     {_result("Q-04-Organism", W, "organism")}),
    ("Q-04", "two-organisms", _insert("ex:msc-ev-source evkg:organism obo:NCBITaxon_10090"),
     {_result("Q-04-OneOrganism", V, "organism"), _result("C-01-OrganismMatchesOrigin", V, "evOriginKind")}),
    ("C-01", "mouse-organism-for-human-origin",
     _delete("ex:msc-ev-source evkg:organism obo:NCBITaxon_9606") + _insert("ex:msc-ev-source evkg:organism obo:NCBITaxon_10090"),
     {_result("C-01-OrganismMatchesOrigin", V, "evOriginKind")}),
    ("C-01", "human-organism-for-animal-origin",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:AnimalOrigin"),
     {_result("C-01-OrganismMatchesOrigin", V, "evOriginKind")}),
    ("C-01", "bovine-organism-for-animal-origin",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells",
             "ex:msc-ev-source evkg:organism obo:NCBITaxon_9606", "ex:msc-ev-source evkg:donorRelation evkg:Allogeneic")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:AnimalOrigin", "ex:msc-ev-source evkg:organism obo:NCBITaxon_9913"),
     set()),
    # Directive 2001/83/EC Art. 1(31): herbal substances include fungi; FDA's botanicals do too
    ("C-01", "fungus-organism-for-plant-origin",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells",
             "ex:msc-ev-source evkg:organism obo:NCBITaxon_9606", "ex:msc-ev-source evkg:donorRelation evkg:Allogeneic")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:PlantOrigin", "ex:msc-ev-source evkg:organism obo:NCBITaxon_4751"),
     set()),
    ("C-01", "fungus-organism-for-animal-origin",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells",
             "ex:msc-ev-source evkg:organism obo:NCBITaxon_9606", "ex:msc-ev-source evkg:donorRelation evkg:Allogeneic")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:AnimalOrigin", "ex:msc-ev-source evkg:organism obo:NCBITaxon_4751"),
     {_result("C-01-OrganismMatchesOrigin", V, "evOriginKind")}),
    ("C-01", "organism-without-known-lineage",
     _delete("ex:msc-ev-source evkg:organism obo:NCBITaxon_9606") + _insert("ex:msc-ev-source evkg:organism obo:NCBITaxon_9598"),
     set()),
    ("C-03", "anti-tumour-use-for-an-infection",
     _insert("ex:msc-ev evkg:intendedUse evkg:AntiTumourImmunotherapy"),
     {_result("C-03-IndicationFitsIntendedUse", W, "indication")}),
    ("C-03", "vaccine-use-for-an-infection",
     _insert("ex:msc-ev evkg:intendedUse evkg:InfectiousDiseaseVaccine"),
     set()),
    ("C-02", "cell-line-called-primary-cells",
     _insert("ex:msc-ev-source evkg:cellLine <https://www.cellosaurus.org/CVCL_0045>"),
     {_result("C-02-CellLineIsNotPrimaryCells", V, "evSourceMaterial")}),
    ("Q-05", "generic-msc-without-tissue",
     _delete("ex:msc-ev-source evkg:producerCellType obo:CL_0002570", "ex:msc-ev-source evkg:anatomicalOrigin obo:UBERON_0001013")
     + _insert("ex:msc-ev-source evkg:producerCellType obo:CL_0000134"),
     {_result("Q-05-MSCTissue", W, "anatomicalOrigin")}),
    ("Q-05", "generic-msc-with-tissue",
     _delete("ex:msc-ev-source evkg:producerCellType obo:CL_0002570") + _insert("ex:msc-ev-source evkg:producerCellType obo:CL_0000134"),
     set()),
    ("Q-06", "donor-relation-missing", _delete("ex:msc-ev-source evkg:donorRelation evkg:Allogeneic"),
     {_result("Q-06-DonorRelation", W, "donorRelation")}),
    ("Q-07", "medium-supplement-missing",
     _delete("ex:msc-ev-source evkg:mediumSupplement evkg:HumanPlateletLysate", "ex:msc-ev-source evkg:supplementEVDepleted true"),
     {_result("Q-07-MediumSupplement", W, "mediumSupplement")}),
    ("Q-07", "platelet-lysate-depletion-unstated", _delete("ex:msc-ev-source evkg:supplementEVDepleted true"),
     {_result("Q-07-SupplementDepletion", W, "supplementEVDepleted")}),
    ("Q-07", "serum-free-medium-needs-no-depletion",
     _delete("ex:msc-ev-source evkg:mediumSupplement evkg:HumanPlateletLysate", "ex:msc-ev-source evkg:supplementEVDepleted true")
     + _insert("ex:msc-ev-source evkg:mediumSupplement evkg:SerumFreeMedium"),
     set()),
    ("Q-08", "modified-cells-without-construct",
     _delete("ex:msc-ev-source evkg:geneticallyModified false")
     + _insert("ex:msc-ev-source evkg:geneticallyModified true", "ex:msc-ev-prep evkg:incidentalRecombinantNucleicAcid false"),
     {_result("Q-08-ModificationDescribed", W, "hasGeneticModification")}),
    ("V-04", "modified-cells-fully-described",
     _delete("ex:msc-ev-source evkg:geneticallyModified false")
     + _insert("ex:msc-ev-source evkg:geneticallyModified true ; evkg:hasGeneticModification ex:msc-ev-construct",
               "ex:msc-ev-construct a evkg:GeneticModification ; evkg:encodes \"CXCR4\"",
               "ex:msc-ev-prep evkg:incidentalRecombinantNucleicAcid false"),
     set()),
    ("Q-09", "vehicle-with-nothing-listed",
     _delete("ex:msc-ev evkg:evRole evkg:ActiveSubstanceRole", "ex:msc-ev evkg:hasNoLoadedCargo true")
     + _insert("ex:msc-ev evkg:evRole evkg:DeliveryVehicleRole"),
     {_result("Q-09-VehicleCargo", V, "loadedCargo"), _result("Fact-cargoStatement", W, "loadedCargo")}),
    ("Q-09", "cargo-fully-described", WITH_CARGO, set()),
    ("Q-09", "cargo-loading-method-missing", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadedBy evkg:PassiveIncubation"),
     {_result("Q-09-LoadingMethod", W, "loadedBy")}),
    ("Q-09", "cargo-identity-missing", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:cargoIdentity obo:CHEBI_3962"),
     {_result("Q-09-CargoIdentity", W, "cargoIdentity")}),
    ("Q-10", "cargo-amount-missing", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadingEfficiency 10"),
     {_result("Q-10-CargoAmount", W, "cargoAmountPerDose")}),
    ("Q-11", "engineered-component-without-scaffold",
     _insert("ex:msc-ev evkg:engineeredVesicleComponent ex:msc-ev-lamp2b",
             "ex:msc-ev-lamp2b a evkg:EngineeredVesicleComponent ; rdfs:label \"RVG-Lamp2b\" ; evkg:manufacture evkg:Recombinant"),
     {_result("Q-11-ScaffoldProtein", I, "scaffoldProtein")}),
    ("Q-12", "no-separation-steps",
     _delete("ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-1", "ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-2"),
     {_result("Q-12-SeparationStep", W, "separationStep"), _result("Q-15-SeparationSpecificity", I, "specificityJustification")}),
    ("Q-12", "step-without-method", _delete("ex:msc-ev-step-2 evkg:method evkg:SizeExclusionChromatography"),
     {_result("Q-12-StepMethod", V, "method"), _result("Q-15-SeparationSpecificity", I, "specificityJustification")}),
    ("Q-12", "step-without-order", _delete("ex:msc-ev-step-1 evkg:stepOrder 1"),
     {_result("Q-12-StepOrder", W, "stepOrder")}),
    ("Q-13", "ultracentrifugation-without-run-parameters",
     _insert("ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-3",
             "ex:msc-ev-step-3 a evkg:SeparationStep ; evkg:method evkg:Ultracentrifugation ; evkg:stepOrder 3 ; evkg:gForce 100000"),
     {("evsh:Q-13-UltracentrifugationDetails", W, None)}),
    ("Q-13", "ultracentrifugation-fully-described",
     _insert("ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-3",
             "ex:msc-ev-step-3 a evkg:SeparationStep ; evkg:method evkg:Ultracentrifugation ; evkg:stepOrder 3 ; "
             "evkg:gForce 100000 ; evkg:durationMinutes 70 ; evkg:rotorType \"SW 32 Ti\""),
     set()),
    ("Q-14", "starting-material-missing", _delete("ex:msc-ev-prep evkg:startingMaterialAmount ex:msc-ev-start"),
     {_result("Q-14-StartingMaterial", W, "startingMaterialAmount")}),
    ("Q-15", "low-specificity-process",
     _delete("ex:msc-ev-step-2 evkg:method evkg:SizeExclusionChromatography") + _insert("ex:msc-ev-step-2 evkg:method evkg:Ultrafiltration"),
     {_result("Q-15-SeparationSpecificity", I, "specificityJustification")}),
    ("Q-15", "low-specificity-justified",
     _delete("ex:msc-ev-step-2 evkg:method evkg:SizeExclusionChromatography")
     + _insert("ex:msc-ev-step-2 evkg:method evkg:Ultrafiltration",
               "ex:msc-ev-prep evkg:specificityJustification \"Serum-free conditioned medium contains little soluble protein.\""),
     set()),
    ("Q-16", "precipitation-without-residue-control",
     _delete("ex:msc-ev-step-2 evkg:method evkg:SizeExclusionChromatography", "ex:msc-ev-prep evkg:markerResult ex:msc-ev-albumin")
     + _insert("ex:msc-ev-step-2 evkg:method evkg:PolymerPrecipitation"),
     {_result("Q-16-ResidualReagent", W, "separationStep"), _result("Q-21-PurityMarker", W, "markerResult"),
      _result("Q-15-SeparationSpecificity", I, "specificityJustification")}),
    ("Q-16", "precipitation-with-purity-marker",
     _delete("ex:msc-ev-step-2 evkg:method evkg:SizeExclusionChromatography")
     + _insert("ex:msc-ev-step-2 evkg:method evkg:PolymerPrecipitation"),
     {_result("Q-15-SeparationSpecificity", I, "specificityJustification")}),
    ("Q-17", "only-one-quantity", _delete("ex:msc-ev-prep evkg:measurement ex:msc-ev-protein"),
     {_result("Q-17-DualQuantification", W, "measurement"), _result("Q-18-PurityRatio", W, "measurement")}),
    ("Q-18", "purity-ratio-stated-instead-of-protein",
     _delete("ex:msc-ev-prep evkg:measurement ex:msc-ev-protein")
     + _insert("ex:msc-ev-prep evkg:measurement ex:msc-ev-ratio , ex:msc-ev-lipid",
               "ex:msc-ev-ratio a evkg:Measurement ; evkg:quantityKind evkg:ParticleToProteinRatio ; evkg:value 1.4e8 ; "
               "evkg:unit evkg:ParticlesPerMicrogram ; evkg:method evkg:NanoparticleTrackingAnalysis",
               "ex:msc-ev-lipid a evkg:Measurement ; evkg:quantityKind evkg:LipidAmount ; evkg:value 12 ; "
               "evkg:unit evkg:Microgram ; evkg:method evkg:SulfoPhosphoVanillinAssay"),
     set()),
    ("Q-20", "no-cytosolic-marker", _delete("ex:msc-ev-prep evkg:markerResult ex:msc-ev-tsg101"),
     {_result("Q-20-CytosolicMarker", W, "markerResult")}),
    ("Q-21", "no-purity-marker", _delete("ex:msc-ev-prep evkg:markerResult ex:msc-ev-albumin"),
     {_result("Q-21-PurityMarker", W, "markerResult")}),
    ("Q-21", "plasma-without-lipoprotein-marker", _insert("ex:msc-ev-source evkg:biofluid obo:UBERON_0001969"),
     {_result("Q-21-LipoproteinMarker", W, "markerResult")}),
    ("Q-21", "plasma-with-apolipoprotein-marker",
     _insert("ex:msc-ev-source evkg:biofluid obo:UBERON_0001969", "ex:msc-ev-prep evkg:markerResult ex:msc-ev-apoa1",
             "ex:msc-ev-apoa1 a evkg:MarkerResult ; rdfs:label \"APOA1\" ; evkg:marker up:P02647 ; "
             "evkg:markerCategory evkg:PurityMarker ; evkg:detected false"),
     set()),
    ("Q-22", "small-ev-without-intracellular-marker", _delete("ex:msc-ev-prep evkg:markerResult ex:msc-ev-calnexin"),
     {_result("Q-22-IntracellularMarker", W, "markerResult")}),
    ("Q-23", "no-close-up-image",
     _delete("ex:msc-ev-tem evkg:closeUpImage true") + _insert("ex:msc-ev-tem evkg:closeUpImage false"),
     {_result("Q-23-SingleVesicleImaging", W, "singleVesicleImaging")}),
    ("Q-24", "only-dynamic-light-scattering",
     _delete("ex:msc-ev-particles evkg:method evkg:NanoparticleTrackingAnalysis", "ex:msc-ev-size evkg:method evkg:NanoparticleTrackingAnalysis")
     + _insert("ex:msc-ev-particles evkg:method evkg:DynamicLightScattering", "ex:msc-ev-size evkg:method evkg:DynamicLightScattering"),
     {_result("Q-24-SingleParticleMethod", W, "measurement")}),
    ("Q-25", "large-ev-below-cutoff",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV") + _insert("ex:msc-ev-prep evkg:particleKind evkg:LargeEV"),
     {_result("Q-25-LargeEVDiameter", V, "measurement")}),
    ("Q-25", "large-ev-above-cutoff",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV", "ex:msc-ev-size evkg:value 118")
     + _insert("ex:msc-ev-prep evkg:particleKind evkg:LargeEV", "ex:msc-ev-size evkg:value 450"),
     set()),
    ("Q-25", "small-ev-under-a-stated-larger-cutoff",
     _delete("ex:msc-ev-size evkg:value 118", "ex:msc-ev-prep evkg:sizeCutoffNm 200")
     + _insert("ex:msc-ev-size evkg:value 260", "ex:msc-ev-prep evkg:sizeCutoffNm 300"),
     set()),
    ("Q-25", "cutoff-not-stated", _delete("ex:msc-ev-prep evkg:sizeCutoffNm 200"),
     {_result("Q-25-SizeBasis", W, "sizeCutoffNm")}),
    ("Q-26", "same-marker-in-two-batches",
     _insert("ex:msc-ev-prep evkg:markerResult ex:msc-ev-cd63-l13",
             "ex:msc-ev-cd63-l13 a evkg:MarkerResult ; rdfs:label \"CD63\" ; evkg:marker up:P08962 ; "
             "evkg:markerCategory evkg:TransmembraneMarker ; evkg:detected false ; evkg:method evkg:WesternBlot ; evkg:batch \"L-13\""),
     set()),
    ("Q-27", "no-ev-track-id", _delete("ex:msc-ev-prep evkg:evTrackId \"EV200042\""),
     {_result("Q-27-EVTrackId", I, "evTrackId")}),
    ("Q-28", "no-sterility-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-sterility"),
     {_result("Q-28-SterilityTest", W, "releaseTest")}),
    ("Q-28", "no-mycoplasma-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-mycoplasma"),
     {_result("Q-28-MycoplasmaTest", W, "releaseTest")}),
    ("Q-29", "endotoxin-without-specification", _delete("ex:msc-ev-endotoxin evkg:specification \"< 0.25 EU/mL\""),
     {_result("Q-29-EndotoxinTest", W, "releaseTest")}),
    ("Q-30", "no-identity-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-identity"),
     {_result("Q-30-IdentityTest", W, "releaseTest")}),
    ("Q-31", "no-virus-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-virus"),
     {_result("Q-31-AdventitiousAgents", I, "releaseTest")}),
    ("Q-31", "no-host-cell-dna-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-hcdna"),
     {_result("Q-31-ResidualHostCellDNA", I, "releaseTest")}),
    ("Q-32", "no-storage-condition", _delete("ex:msc-ev evkg:storageCondition \"-80 °C in saline; thawed once before nebulisation\""),
     {_result("Q-32-StorageCondition", W, "storageCondition")}),
    ("Q-32", "no-shelf-life", "DELETE WHERE { ex:msc-ev evkg:shelfLife ?shelfLife } ;",
     {_result("Q-32-ShelfLife", W, "shelfLife")}),
    ("Q-33", "dose-only-as-volume",
     _delete("ex:msc-ev-dose evkg:quantityKind evkg:ParticleNumber", "ex:msc-ev-dose evkg:unit evkg:Particles")
     + _insert("ex:msc-ev-dose evkg:quantityKind evkg:Volume ; evkg:unit evkg:Millilitre"),
     {_result("Q-33-DoseEVAmount", W, "dose")}),
    ("Q-33", "dose-without-method", _delete("ex:msc-ev-dose evkg:method evkg:NanoparticleTrackingAnalysis"),
     {_result("Q-33-DoseMethod", W, "method")}),
    # a dose given as vesicle lipid (a trial of bone-marrow MSC vesicles in preterm infants dosed 20 pmol
    # phospholipid per kg, NCT03857841) says how much product is given: MISEV counts lipid among the amounts
    ("Q-33", "dose-as-lipid-amount",
     _delete("ex:msc-ev-dose evkg:quantityKind evkg:ParticleNumber", "ex:msc-ev-dose evkg:unit evkg:Particles",
             "ex:msc-ev-dose evkg:method evkg:NanoparticleTrackingAnalysis")
     + _insert("ex:msc-ev-dose evkg:quantityKind evkg:LipidAmount ; evkg:unit evkg:Microgram"),
     {_result("Q-33-DoseMethod", W, "method")}),
    # ... and names its measuring method with the vocabulary's lipid assay, as a particle or protein dose does
    ("Q-33", "dose-as-lipid-amount-measured-by-spv-assay",
     _delete("ex:msc-ev-dose evkg:quantityKind evkg:ParticleNumber", "ex:msc-ev-dose evkg:unit evkg:Particles",
             "ex:msc-ev-dose evkg:method evkg:NanoparticleTrackingAnalysis")
     + _insert("ex:msc-ev-dose evkg:quantityKind evkg:LipidAmount ; evkg:unit evkg:Microgram ; "
               "evkg:method evkg:SulfoPhosphoVanillinAssay"),
     set()),
    ("Q-34", "potency-assay-measures-another-mechanism",
     _delete("ex:msc-ev-potency evkg:measures evkg:Immunosuppression") + _insert("ex:msc-ev-potency evkg:measures evkg:AntigenPresentation"),
     {_result("Q-34-PotencyAssay", W, "potencyAssay")}),
    ("Q-36", "msc-product-without-batch-potency-test", _delete("ex:msc-ev evkg:releaseTest ex:msc-ev-potency-release"),
     {_result("Q-36-MSCBatchFunction", I, "releaseTest")}),
    ("Q-37", "no-therapeutic-approach", _delete("ex:msc-ev evkg:therapeuticApproach evkg:ImmunomodulatoryRegenerativeTherapy"),
     {_result("Q-37-TherapeuticApproach", V, "therapeuticApproach")}),
    ("Q-37", "no-role-justification",
     _delete("ex:msc-ev evkg:roleJustification \"The effect is attributed to the vesicles' own proteins and RNAs; nothing is loaded.\""),
     {_result("Q-37-RoleJustification", W, "roleJustification")}),
    ("Q-38", "vehicle-with-only-vesicle-mechanisms",
     WITH_CARGO + _delete("ex:msc-ev evkg:evRole evkg:CombinedRole", "ex:msc-ev evkg:mechanismOfAction evkg:CargoPharmacology",
                          "ex:msc-ev evkg:mechanismOfAction evkg:Immunosuppression",
                          "ex:msc-ev-potency evkg:measures evkg:Immunosuppression")
     + _insert("ex:msc-ev evkg:evRole evkg:DeliveryVehicleRole", "ex:msc-ev-potency evkg:measures evkg:ProRegenerativeSignalling"),
     {_result("Q-38-VehicleWithoutCargoMechanism", W, "mechanismOfAction")}),
    ("Q-38", "active-substance-with-own-mechanism-and-cargo",
     WITH_CARGO + _delete("ex:msc-ev evkg:evRole evkg:CombinedRole") + _insert("ex:msc-ev evkg:evRole evkg:ActiveSubstanceRole"),
     {_result("V-02-ActiveSubstanceWithCargo", W, "loadedCargo")}),
    ("Q-39", "no-route", _delete("ex:msc-ev evkg:routeOfAdministration evkg:Inhalation"),
     {_result("Q-39-Route", W, "routeOfAdministration")}),
    ("Q-40", "no-non-clinical-study",
     _delete("ex:msc-ev evkg:nonClinicalStudy \"Biodistribution and toxicology of nebulised vesicles in mice (sponsor report)\""),
     {_result("Q-40-NonClinicalStudy", W, "nonClinicalStudy")}),
    ("V-01", "combined-role-with-no-cargo",
     _delete("ex:msc-ev evkg:evRole evkg:ActiveSubstanceRole") + _insert("ex:msc-ev evkg:evRole evkg:CombinedRole"),
     {_result("V-01-VehicleWithoutCargo", V, "hasNoLoadedCargo")}),
    ("V-05", "synthetic-vesicle-without-biological-origin",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:NaturallyReleasedEV")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:NoBiologicalOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:FullySyntheticVesicle"),
     set()),
    ("V-06", "viable-cells-without-cell-facts",
     _delete("ex:msc-ev evkg:cellContent evkg:NoCells") + _insert("ex:msc-ev evkg:cellContent evkg:ViableCells"),
     {_result("V-06-CellFactsMissing", W, "cellsEngineered"), _result("V-06-CellFactsMissing", W, "hctpMinimallyManipulated"),
      _result("V-06-CellFactsMissing", W, "hctpHomologousUse"), _result("V-06-CellFactsMissing", W, "hctpSystemicOrMetabolic")}),
    ("V-06", "viable-cells-with-cell-facts",
     _delete("ex:msc-ev evkg:cellContent evkg:NoCells")
     + _insert("ex:msc-ev evkg:cellContent evkg:ViableCells ; evkg:cellsEngineered false ; evkg:hctpMinimallyManipulated true ; "
               "evkg:hctpHomologousUse false ; evkg:hctpSystemicOrMetabolic true"),
     set()),
    ("V-07", "hospital-preparation-with-details",
     _delete("ex:msc-ev evkg:manufacturingSetting evkg:IndustrialManufacture")
     + _insert("ex:msc-ev evkg:manufacturingSetting evkg:HospitalNonRoutinePreparation ; "
               "evkg:hospitalPreparationDetails \"University hospital pharmacy, Germany; individual prescription\""),
     set()),
    ("V-08", "supplement-and-treatment", _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical"),
     {_result("V-08-MixedMedicalAndNonMedicalUse", W, "intendedUse")}),
    ("V-08", "supplement-and-treatment-without-disease-claim",
     _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical") + _delete("ex:msc-ev evkg:diseaseClaim true"),
     {_result("V-08-MixedMedicalAndNonMedicalUse", W, "intendedUse"), _result("Fact-diseaseClaim", W, "diseaseClaim")}),
    ("V-11", "urine-test-and-treatment", _insert("ex:msc-ev evkg:intendedUse evkg:DiagnosticInVitro"),
     {_result("V-11-InVitroDiagnosisWithAnotherMedicalUse", W, "intendedUse")}),
    ("V-11", "urine-test-only",
     _delete("ex:msc-ev evkg:intendedUse evkg:Treatment") + _insert("ex:msc-ev evkg:intendedUse evkg:DiagnosticInVitro"),
     # the product keeps the route and dose of the medicine it was: a test on specimens has neither
     {_result("V-12-InVitroDiagnosisGivenToPeople", V, "routeOfAdministration"),
      _result("V-12-InVitroDiagnosisGivenToPeople", V, "dose")}),
    ("V-16", "removal-device-and-treatment", _insert("ex:msc-ev evkg:intendedUse evkg:ExtracorporealRemoval"),
     {_result("V-16-RemovalWithAnotherMedicalUse", W, "intendedUse")}),
    # Reg. (EC) No 1394/2007 Art. 17: CAT recommends on the ATMP classification, not on whether it is a vaccine
    ("V-17", "cat-recommendation-on-a-vaccine", _insert(
        "ex:msc-ev evkg:agencyDetermination ex:msc-ev-det", "ex:msc-ev-det a evkg:AgencyDetermination ; evkg:determiningBody evkg:CAT ; "
        "evkg:determinedCategory evkg:EU_Vaccine ; evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ; "
        "<http://purl.org/dc/terms/source> <https://w3id.org/evkg/data/act/eu-reg-1394-2007/art-17>"),
     {_result("V-17-DeterminationNotAdopted", W, "determinedCategory")}),
    # a 9-amino-acid peptide made by chemical synthesis, written as a recombinant protein: the EU read it as a
    # biological substance (EU-05, settled) and a reason for the centralised procedure (EU-26)
    ("V-18", "synthetic-peptide-written-as-recombinant-protein",
     WITH_CARGO + _delete("ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule", "ex:msc-ev-cargo evkg:cargoIdentity obo:CHEBI_3962")
     + _insert("ex:msc-ev-cargo evkg:cargoKind evkg:RecombinantProtein ; evkg:lengthAminoAcids 9 ; evkg:cargoIdentity up:P25063"),
     {_result("V-18-RecombinantProteinNotRecombinant", V, "manufacture")}),
    ("V-18", "recombinant-protein-made-recombinant",
     WITH_CARGO + _delete("ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule", "ex:msc-ev-cargo evkg:cargoIdentity obo:CHEBI_3962",
                          "ex:msc-ev-cargo evkg:manufacture evkg:ChemicallySynthesised")
     + _insert("ex:msc-ev-cargo evkg:cargoKind evkg:RecombinantProtein ; evkg:lengthAminoAcids 9 ; evkg:cargoIdentity up:P25063 ; evkg:manufacture evkg:Recombinant"),
     set()),
    ("V-17", "cat-recommendation-on-the-atmp-question", _insert(
        "ex:msc-ev evkg:agencyDetermination ex:msc-ev-det", "ex:msc-ev-det a evkg:AgencyDetermination ; evkg:determiningBody evkg:CAT ; "
        "evkg:determinedCategory evkg:EU_NotATMP ; evkg:jurisdiction <https://w3id.org/evkg/data/jurisdiction/EU> ; "
        "<http://purl.org/dc/terms/source> <https://w3id.org/evkg/data/act/eu-reg-1394-2007/art-17>"),
     set()),
    ("V-13", "sold-as-non-medical-but-presented-for-a-disease",
     _delete("ex:msc-ev evkg:intendedUse evkg:Treatment", "ex:msc-ev evkg:routeOfAdministration evkg:Inhalation")
     + _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical ; evkg:routeOfAdministration evkg:Topical"),
     {_result("V-13-DiseaseClaimWithoutMedicalUse", V, "intendedUse")}),
    ("V-13", "non-medical-without-a-disease-claim-applied-to-the-skin",
     _delete("ex:msc-ev evkg:intendedUse evkg:Treatment", "ex:msc-ev evkg:diseaseClaim true",
             "ex:msc-ev evkg:routeOfAdministration evkg:Inhalation")
     + _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical ; evkg:diseaseClaim false ; "
               "evkg:routeOfAdministration evkg:Topical"),
     {_result("V-19-HumanVesiclesInCosmetic", W, "intendedUse")}),
    # the same human vesicles swallowed, not put on the skin: the cosmetics annex does not reach a food
    ("V-19", "non-medical-human-vesicles-taken-by-mouth",
     _delete("ex:msc-ev evkg:intendedUse evkg:Treatment", "ex:msc-ev evkg:diseaseClaim true",
             "ex:msc-ev evkg:routeOfAdministration evkg:Inhalation")
     + _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical ; evkg:diseaseClaim false ; "
               "evkg:routeOfAdministration evkg:Oral"),
     set()),
    ("V-14", "sold-as-non-medical-but-injected",
     _delete("ex:msc-ev evkg:intendedUse evkg:Treatment", "ex:msc-ev evkg:diseaseClaim true")
     + _insert("ex:msc-ev evkg:intendedUse evkg:NonMedical ; evkg:diseaseClaim false"),
     {_result("V-14-NonMedicalUseGivenAsAMedicine", V, "routeOfAdministration")}),
    ("V-09", "synthetic-comparator-with-no-role",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:NaturallyReleasedEV",
             "ex:msc-ev evkg:evRole evkg:ActiveSubstanceRole")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:NoBiologicalOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:FullySyntheticVesicle",
               "ex:msc-ev evkg:evRole evkg:NotApplicableRole"),
     set()),
    ("V-10", "protein-engineered-into-the-vesicles-of-a-delivery-vehicle",
     WITH_CARGO + _delete("ex:msc-ev evkg:evRole evkg:CombinedRole", "ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule",
                          "ex:msc-ev-cargo evkg:cargoIdentity obo:CHEBI_3962",
                          "ex:msc-ev-cargo evkg:manufacture evkg:ChemicallySynthesised",
                          "ex:msc-ev-cargo evkg:loadedBy evkg:PassiveIncubation")
     + _insert("ex:msc-ev evkg:evRole evkg:DeliveryVehicleRole", "ex:msc-ev-cargo evkg:cargoKind evkg:RecombinantProtein",
               "ex:msc-ev-cargo evkg:cargoIdentity up:P25063", "ex:msc-ev-cargo evkg:manufacture evkg:Recombinant",
               "ex:msc-ev-cargo evkg:loadedBy evkg:ProducerCellEngineering", "ex:msc-ev-cargo evkg:lengthAminoAcids 33"),
     {_result("V-10-DisplayedProteinAsCargo", I, "loadedCargo")}),
    ("V-10", "protein-loaded-into-finished-vesicles",
     WITH_CARGO + _delete("ex:msc-ev evkg:evRole evkg:CombinedRole", "ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule",
                          "ex:msc-ev-cargo evkg:cargoIdentity obo:CHEBI_3962",
                          "ex:msc-ev-cargo evkg:manufacture evkg:ChemicallySynthesised")
     + _insert("ex:msc-ev evkg:evRole evkg:DeliveryVehicleRole", "ex:msc-ev-cargo evkg:cargoKind evkg:RecombinantProtein",
               "ex:msc-ev-cargo evkg:cargoIdentity up:P25063", "ex:msc-ev-cargo evkg:manufacture evkg:Recombinant",
               "ex:msc-ev-cargo evkg:lengthAminoAcids 33"),
     set()),
    ("Q-19", "synthetic-comparator-needs-no-misev-characterisation",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:NaturallyReleasedEV",
             "ex:msc-ev evkg:evRole evkg:ActiveSubstanceRole", "ex:msc-ev-prep evkg:particleKind evkg:SmallEV",
             "ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-1", "ex:msc-ev-prep evkg:separationStep ex:msc-ev-step-2",
             "ex:msc-ev-prep evkg:startingMaterialAmount ex:msc-ev-start", "ex:msc-ev-prep evkg:evTrackId \"EV200042\"",
             "ex:msc-ev-prep evkg:markerResult ex:msc-ev-cd63", "ex:msc-ev-prep evkg:markerResult ex:msc-ev-tsg101",
             "ex:msc-ev-prep evkg:markerResult ex:msc-ev-albumin", "ex:msc-ev-prep evkg:markerResult ex:msc-ev-calnexin",
             "ex:msc-ev-prep evkg:singleVesicleImaging ex:msc-ev-tem", "ex:msc-ev-prep evkg:measurement ex:msc-ev-protein")
     + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:NoBiologicalOrigin", "ex:msc-ev-prep evkg:vesicleKind evkg:FullySyntheticVesicle",
               "ex:msc-ev evkg:evRole evkg:NotApplicableRole", "ex:msc-ev-prep evkg:particleKind evkg:SyntheticVesicle"),
     set()),
    ("F-intendedUse", "intended-use-missing", _delete("ex:msc-ev evkg:intendedUse evkg:Treatment"),
     {_result("Fact-intendedUse", V, "intendedUse")}),
    ("F-cellContent", "cell-content-missing", _delete("ex:msc-ev evkg:cellContent evkg:NoCells"),
     {_result("Fact-cellContent", W, "cellContent")}),
    ("F-manufacturingSetting", "setting-missing", _delete("ex:msc-ev evkg:manufacturingSetting evkg:IndustrialManufacture"),
     {_result("Fact-manufacturingSetting", W, "manufacturingSetting")}),
    ("F-integralMedicalDevice", "device-fact-missing", _delete("ex:msc-ev evkg:integralMedicalDevice false"),
     {_result("Fact-integralMedicalDevice", W, "integralMedicalDevice")}),
    # Reg. (EU) 2017/745 Art. 1(8), 21 CFR 3.4: with an integral device, which part acts principally decides
    ("F-principalAction", "device-without-principal-action",
     _delete("ex:msc-ev evkg:integralMedicalDevice false") + _insert("ex:msc-ev evkg:integralMedicalDevice true"),
     {_result("Fact-principalAction", W, "principalAction")}),
    ("F-principalAction", "device-led-implant",
     _delete("ex:msc-ev evkg:integralMedicalDevice false")
     + _insert("ex:msc-ev evkg:integralMedicalDevice true ; evkg:principalAction evkg:DevicePrincipal"),
     set()),
    ("V-15", "principal-action-without-a-device", _insert("ex:msc-ev evkg:principalAction evkg:VesiclesPrincipal"),
     {_result("V-15-PrincipalActionWithoutDevice", V, "principalAction")}),
    ("V-15", "principal-action-with-device-not-stated",
     _delete("ex:msc-ev evkg:integralMedicalDevice false") + _insert("ex:msc-ev evkg:principalAction evkg:DevicePrincipal"),
     {_result("V-15-PrincipalActionWithoutDevice", V, "principalAction"),
      _result("Fact-integralMedicalDevice", W, "integralMedicalDevice")}),
    ("S-principalAction", "principal-action-not-a-known-value",
     _delete("ex:msc-ev evkg:integralMedicalDevice false")
     + _insert("ex:msc-ev evkg:integralMedicalDevice true ; evkg:principalAction evkg:ImplantPrincipal"),
     {_result("S-principalAction", V, "principalAction")}),
    ("F-annexI3Indication", "annex-fact-missing", _delete("ex:msc-ev evkg:annexI3Indication true"),
     {_result("Fact-annexI3Indication", W, "annexI3Indication")}),
    ("F-hasEVComponent", "no-preparation", _delete("ex:msc-ev evkg:hasEVComponent ex:msc-ev-prep"),
     {_result("Fact-hasEVComponent", V, "hasEVComponent")}),
    ("F-evOriginKind", "origin-missing", _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin"),
     {_result("Fact-evOriginKind", W, "evOriginKind")}),
    ("F-vesicleKind", "vesicle-kind-missing", _delete("ex:msc-ev-prep evkg:vesicleKind evkg:NaturallyReleasedEV"),
     {_result("Fact-vesicleKind", W, "vesicleKind")}),
    ("F-evSourceMaterial", "source-material-missing", _delete("ex:msc-ev-prep evkg:evSourceMaterial evkg:PrimaryHumanCells"),
     {_result("Fact-evSourceMaterial", W, "evSourceMaterial")}),
    ("F-geneticallyModified", "modification-fact-missing", _delete("ex:msc-ev-source evkg:geneticallyModified false"),
     {_result("Fact-geneticallyModified", W, "geneticallyModified")}),
    ("F-cargoStatement", "cargo-statement-missing", _delete("ex:msc-ev evkg:hasNoLoadedCargo true"),
     {_result("Fact-cargoStatement", W, "loadedCargo")}),
    ("F-cargoKind", "cargo-kind-missing", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:cargoKind evkg:SmallMolecule"),
     {_result("Fact-cargoKind", W, "cargoKind")}),
    ("F-cargoManufacture", "nucleic-acid-manufacture-missing",
     NUCLEIC_ACID_CARGO + _delete("ex:msc-ev-cargo evkg:manufacture evkg:ChemicallySynthesised"),
     {_result("Fact-cargoManufacture", W, "manufacture")}),
    ("F-nucleicAcidMechanism", "nucleic-acid-mechanism-missing",
     NUCLEIC_ACID_CARGO + _delete("ex:msc-ev-cargo evkg:nucleicAcidMechanism evkg:RNAInterference"),
     {_result("Fact-nucleicAcidMechanism", W, "nucleicAcidMechanism")}),
    # an siRNA said to have no genetic effect (as if the word meant a lasting change to the genome): with a
    # recombinant siRNA that reads as incidental nucleic acid and no gene therapy (EU-13), and under the 2023
    # reform proposal as a synthetic nucleic acid without a genetic effect (EU-R03)
    ("V-20", "silencing-nucleic-acid-said-to-have-no-genetic-effect",
     NUCLEIC_ACID_CARGO + _delete("ex:msc-ev-cargo evkg:effectIsGenetic true") + _insert("ex:msc-ev-cargo evkg:effectIsGenetic false"),
     {_result("V-20-GeneticMechanismWithoutGeneticEffect", V, "effectIsGenetic")}),
    ("V-20", "other-mechanism-without-genetic-effect",
     NUCLEIC_ACID_CARGO + _delete("ex:msc-ev-cargo evkg:effectIsGenetic true", "ex:msc-ev-cargo evkg:nucleicAcidMechanism evkg:RNAInterference")
     + _insert("ex:msc-ev-cargo evkg:effectIsGenetic false ; evkg:nucleicAcidMechanism evkg:OtherNucleicAcidMechanism"),
     set()),
    ("F-effectIsGenetic", "genetic-effect-missing", NUCLEIC_ACID_CARGO + _delete("ex:msc-ev-cargo evkg:effectIsGenetic true"),
     {_result("Fact-effectIsGenetic", W, "effectIsGenetic")}),
    ("F-cargoLength", "protein-with-lower-bound-length", PROTEIN_CARGO, set()),
    ("F-cargoLength", "protein-without-length", PROTEIN_CARGO + _delete("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 200"),
     {_result("Fact-cargoLength", W, "lengthAminoAcids")}),
    ("F-coFormulatedFacts", "co-formulated-substance-undescribed",
     _insert("ex:msc-ev evkg:coFormulatedActiveSubstance ex:msc-ev-gmcsf",
             "ex:msc-ev-gmcsf a evkg:CoFormulatedActiveSubstance ; rdfs:label \"GM-CSF\""),
     {_result("Fact-coFormulatedFacts", W, "cargoKind"), _result("Fact-coFormulatedFacts", W, "manufacture")}),
    ("S-diseaseClaim", "disease-claim-as-text",
     _delete("ex:msc-ev evkg:diseaseClaim true") + _insert("ex:msc-ev evkg:diseaseClaim \"yes\""),
     {_result("S-diseaseClaim", V, "diseaseClaim")}),
    ("S-organism", "organism-as-name",
     _delete("ex:msc-ev-source evkg:organism obo:NCBITaxon_9606") + _insert("ex:msc-ev-source evkg:organism \"Homo sapiens\""),
     {_result("S-organism", V, "organism")}),
    ("S-producerCellType", "cell-type-as-text",
     _delete("ex:msc-ev-source evkg:producerCellType obo:CL_0002570") + _insert("ex:msc-ev-source evkg:producerCellType \"adipose MSC\""),
     {_result("S-producerCellType", V, "producerCellType")}),
    ("S-unit", "unit-as-text",
     _delete("ex:msc-ev-size evkg:unit evkg:Nanometre") + _insert("ex:msc-ev-size evkg:unit \"nm\""),
     {_result("S-unit", V, "unit")}),
    ("S-unit", "unit-the-vocabulary-does-not-declare",
     _delete("ex:msc-ev-size evkg:unit evkg:Nanometre") + _insert("ex:msc-ev-size evkg:unit evkg:nm"),
     {_result("S-unit-Known", V, "unit")}),
    ("S-unit", "units-ontology-term", _delete("ex:msc-ev-size evkg:unit evkg:Nanometre") + _insert("ex:msc-ev-size evkg:unit obo:UO_0000018"),
     set()),
    ("S-measurementValue", "value-with-unit-in-text",
     _delete("ex:msc-ev-protein evkg:value 85.0") + _insert("ex:msc-ev-protein evkg:value \"85 ug/mL\""),
     {_result("S-measurementValue", V, "value")}),
    ("S-measurementValue", "negative-concentration",
     _delete("ex:msc-ev-protein evkg:value 85.0") + _insert("ex:msc-ev-protein evkg:value \"-85\"^^xsd:decimal"),
     {_result("S-measurementValue-NotNegative", V, "value")}),
    ("S-markerCategory", "marker-without-category", _delete("ex:msc-ev-albumin evkg:markerCategory evkg:PurityMarker"),
     {_result("S-markerCategory", V, "markerCategory"), _result("Q-21-PurityMarker", W, "markerResult")}),
    ("S-evOriginKind", "origin-unknown-value",
     _delete("ex:msc-ev-prep evkg:evOriginKind evkg:HumanOrigin") + _insert("ex:msc-ev-prep evkg:evOriginKind evkg:Human"),
     {_result("S-evOriginKind", V, "evOriginKind")}),
    ("S-lengthAminoAcids", "length-as-text",
     PROTEIN_CARGO + _delete("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 200") + _insert("ex:msc-ev-cargo evkg:lengthAminoAcids \"about 200\""),
     {_result("S-lengthAminoAcids", V, "lengthAminoAcids")}),
    # Value ranges, both sides of each bound, and the class of linked nodes (sh:class).
    ("S-lengthAminoAcids", "length-zero", PROTEIN_CARGO + _delete("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 200")
     + _insert("ex:msc-ev-cargo evkg:lengthAminoAcids 0"), {_result("S-lengthAminoAcids", V, "lengthAminoAcids")}),
    ("S-lengthAminoAcids", "length-one", PROTEIN_CARGO + _delete("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 200")
     + _insert("ex:msc-ev-cargo evkg:lengthAminoAcids 1"), set()),
    ("S-minimumLengthAminoAcids", "minimum-length-zero", PROTEIN_CARGO
     + _delete("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 200") + _insert("ex:msc-ev-cargo evkg:minimumLengthAminoAcids 0"),
     {_result("S-minimumLengthAminoAcids", V, "minimumLengthAminoAcids")}),
    ("S-loadingEfficiency", "loading-efficiency-over-100", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadingEfficiency 10")
     + _insert("ex:msc-ev-cargo evkg:loadingEfficiency 100.5"), {_result("S-loadingEfficiency", V, "loadingEfficiency")}),
    ("S-loadingEfficiency", "loading-efficiency-100", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadingEfficiency 10")
     + _insert("ex:msc-ev-cargo evkg:loadingEfficiency 100"), set()),
    ("S-loadingEfficiency", "loading-efficiency-negative", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadingEfficiency 10")
     + _insert('ex:msc-ev-cargo evkg:loadingEfficiency "-0.5"^^xsd:decimal'),
     {_result("S-loadingEfficiency", V, "loadingEfficiency")}),
    ("S-loadingEfficiency", "loading-efficiency-zero", WITH_CARGO + _delete("ex:msc-ev-cargo evkg:loadingEfficiency 10")
     + _insert("ex:msc-ev-cargo evkg:loadingEfficiency 0"), set()),
    ("S-sizeCutoffNm", "cutoff-zero", _delete("ex:msc-ev-prep evkg:sizeCutoffNm 200") + _insert("ex:msc-ev-prep evkg:sizeCutoffNm 0"),
     {_result("S-sizeCutoffNm", V, "sizeCutoffNm"), _result("Q-25-SmallEVDiameter", V, "measurement")}),
    ("S-sizeCutoffNm", "cutoff-half-a-nanometre",
     _delete("ex:msc-ev-prep evkg:sizeCutoffNm 200") + _insert("ex:msc-ev-prep evkg:sizeCutoffNm 0.5"),
     {_result("Q-25-SmallEVDiameter", V, "measurement")}),
    ("S-loadedCargo", "cargo-not-typed", WITH_CARGO + _delete("ex:msc-ev-cargo a evkg:CargoItem"),
     {_result("S-loadedCargo", V, "loadedCargo")}),
    ("Q-03", "source-not-typed", _delete("ex:msc-ev-source a evkg:CellCultureSource"),
     {_result("Q-03-OneSource", V, "hasSource")}),
    ("S-marker", "marker-iri-written-as-text",
     _delete("ex:msc-ev-cd63 evkg:marker up:P08962") + _insert('ex:msc-ev-cd63 evkg:marker "http://purl.uniprot.org/uniprot/P08962"'),
     {_result("S-marker", V, "marker")}),                  # only sh:nodeKind fails: the text matches the pattern
    # Both sides of the size cut-off (stated 200 nm, and the 200 nm default when none is stated).
    ("Q-25", "small-ev-diameter-199", _delete("ex:msc-ev-size evkg:value 118") + _insert("ex:msc-ev-size evkg:value 199"),
     set()),
    ("Q-25", "small-ev-diameter-200", _delete("ex:msc-ev-size evkg:value 118") + _insert("ex:msc-ev-size evkg:value 200"),
     {_result("Q-25-SmallEVDiameter", V, "measurement")}),
    ("Q-25", "small-ev-diameter-199-default-cutoff",
     _delete("ex:msc-ev-size evkg:value 118", "ex:msc-ev-prep evkg:sizeCutoffNm 200") + _insert("ex:msc-ev-size evkg:value 199"),
     {_result("Q-25-SizeBasis", W, "sizeCutoffNm")}),
    ("Q-25", "small-ev-diameter-200-default-cutoff",
     _delete("ex:msc-ev-size evkg:value 118", "ex:msc-ev-prep evkg:sizeCutoffNm 200") + _insert("ex:msc-ev-size evkg:value 200"),
     {_result("Q-25-SizeBasis", W, "sizeCutoffNm"), _result("Q-25-SmallEVDiameter", V, "measurement")}),
    ("Q-25", "large-ev-diameter-200",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV", "ex:msc-ev-size evkg:value 118")
     + _insert("ex:msc-ev-prep evkg:particleKind evkg:LargeEV", "ex:msc-ev-size evkg:value 200"),
     {_result("Q-25-LargeEVDiameter", V, "measurement")}),
    ("Q-25", "large-ev-diameter-201",
     _delete("ex:msc-ev-prep evkg:particleKind evkg:SmallEV", "ex:msc-ev-size evkg:value 118")
     + _insert("ex:msc-ev-prep evkg:particleKind evkg:LargeEV", "ex:msc-ev-size evkg:value 201"),
     set()),
]


def _case_graph(index: int, change: str) -> Graph:
    """The complete description with the case's change, its IRIs made unique to the case."""
    renamed = f"ex:case{index}-msc-ev"
    graph = Graph().parse(data=COMPLETE_MSC_EV.replace("ex:msc-ev", renamed), format="turtle")
    graph.update(UPDATE_PREFIXES + change.replace("ex:msc-ev", renamed))
    return graph


CASES_PER_RUN = 12  # pySHACL slows down more than linearly on large graphs; small batches keep it quick


@functools.cache
def case_results() -> dict[int, set]:
    """The cases validated a batch at a time; results attributed to cases by their focus-node IRIs."""
    found: dict[int, set] = {index: set() for index in range(len(CASES))}
    for start in range(0, len(CASES), CASES_PER_RUN):
        combined = Graph()
        for index in range(start, min(start + CASES_PER_RUN, len(CASES))):
            combined += _case_graph(index, CASES[index][2])
        _, results_graph, _ = validate(
            combined + ontology_graph(), shacl_graph=shapes_graph(), inference="none", advanced=True,
            allow_warnings=True, allow_infos=True)
        for result in results_graph.subjects(RDF.type, SH.ValidationResult):
            focus = str(results_graph.value(result, SH.focusNode))
            match = re.match(r"https://w3id\.org/evkg/data/example/case(\d+)-", focus)
            assert match, f"result on a node outside the cases: {focus}"
            severity = str(results_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
            found[int(match.group(1))].add((curie(results_graph.value(result, SH.sourceShape)), severity,
                                            curie(results_graph.value(result, SH.resultPath))))
    return found


def test_complete_description_produces_no_result():
    conforms, found = run_shapes(Graph().parse(data=COMPLETE_MSC_EV, format="turtle"))
    assert conforms and found == set()


def test_every_case_change_applies():
    base = len(Graph().parse(data=COMPLETE_MSC_EV, format="turtle"))
    for index, (_, name, change, _) in enumerate(CASES):
        assert len(_case_graph(index, change)) != base or "DELETE" in change and "INSERT" in change, name


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_inline_case(index):
    _, _, _, expected = CASES[index]
    assert case_results()[index] == expected


def test_batched_cases_agree_with_separate_runs():
    for index in (0, 4, 19):
        _, _, change, expected = CASES[index]
        assert run_shapes(_case_graph(index, change))[1] == expected


def _constraint_ids_in(results) -> set[str]:
    graph = shapes_graph()
    return {str(graph.value(URIRef(str(EVSH) + shape[len("evsh:"):]), EVKG.constraintId)) for shape, _, _ in results}


def test_every_listed_constraint_is_triggered_and_also_met():
    """Each Q-, V-, F- and C- constraint the shapes implement is triggered by an invalid example or an inline
    case; the complete description (no result) and the quiet inline cases show each one met."""
    graph = shapes_graph()
    implemented = {str(c) for c in graph.objects(None, EVKG.constraintId) if re.match(r"^[QVFC]-", str(c))}
    triggered = set()
    for path in INVALID:
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        triggered |= _constraint_ids_in((r["shape"], r["severity"], r["path"]) for r in expected["published"]["results"])
    for _, _, _, expected in CASES:
        triggered |= _constraint_ids_in(expected)
    assert implemented - triggered == set()
