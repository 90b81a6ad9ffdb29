"""Descriptions that look right but are not: each gets a finding naming the fault and the fix.

Built on worked example E1 (a complete description) with one change each, checked under the default
profile. Term checks run against the bundled term index and, where a test adds one, the small real-format
ontology files in tests/fixtures/ontologies/.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from evkg.cli import main
from evkg.pipeline import check
from evkg.terms import index as term_index
from evkg.terms.ontology_files import add_ontology_files
from evkg.validation.engine import validate

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
ONTOLOGIES = Path(__file__).resolve().parent / "fixtures" / "ontologies"
OBO = "http://purl.obolibrary.org/obo/"
PREFIXES = """PREFIX evkg: <https://w3id.org/evkg#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX product: <https://w3id.org/evkg/data/product/>
"""
SOURCE = "<https://w3id.org/evkg/data/product/example-e1/source>"


@pytest.fixture(autouse=True)
def empty_term_index(tmp_path, monkeypatch):
    monkeypatch.setenv("EVKG_TERMS_DIR", str(tmp_path / "terms"))
    yield tmp_path / "terms"
    term_index._default_index.cache_clear()


def e1_with(update: str) -> Graph:
    graph = Graph().parse(E1)
    graph.update(PREFIXES + update)
    return graph


def findings(graph: Graph, constraint: str | None = None, engine: str = "compiled") -> list:
    report = validate(graph, engine=engine)
    results = [r for p in report.products for r in p.results] + report.unattributed
    return [r for r in results if constraint is None or r.constraint_id == constraint]


def test_e1_itself_has_no_term_finding():
    assert not [r for r in findings(Graph().parse(E1)) if (r.constraint_id or "").startswith(("TERM", "C-", "TRUST"))]


def test_an_indication_in_no_index_is_a_warning_that_says_how_to_add_the_ontology():
    found = findings(e1_with("INSERT DATA { product:example-e1 evkg:indication obo:MONDO_9999999 }"), "TERM-02")
    assert [r.severity for r in found] == ["Warning"]
    assert "evkg terms add" in found[0].message and "MONDO:9999999" in found[0].message


@pytest.mark.parametrize("curie, words", [("MONDO_0005439", "familial hypercholesterolemia"),
                                           ("MONDO_0010679", "Duchenne"), ("MONDO_0005249", "pneumonia")])
def test_indications_of_ev_trials_are_in_the_bundled_index(curie, words):
    """Diseases EV products are tried in (LDLR-mRNA exosomes, dystrophin delivery, inhaled exosomes) are known
    without an added ontology: no TERM-02 warning, and the term search finds them by name."""
    graph = e1_with(f"INSERT DATA {{ product:example-e1 evkg:indication obo:{curie} }}")
    assert not findings(graph, "TERM-02") and not findings(graph, "TERM-05")
    assert curie.replace("_", ":") in {hit["curie"] for hit in term_index.search_terms(words)}


def test_a_term_of_the_wrong_code_system_stays_a_violation_when_no_index_holds_it(tmp_path, capsys):
    # DOID is no disease vocabulary the shapes accept; that no index holds the term must not hide it
    graph = e1_with("INSERT DATA { product:example-e1 evkg:indication obo:DOID_8398 }")
    path = tmp_path / "doid.ttl"
    graph.serialize(path, format="turtle")
    assert main(["check", "-q", "--no-classify", "-f", "json", str(path)]) == 1
    product = json.loads(capsys.readouterr().out)["files"][0]["products"][0]
    on_indication = [r for r in product["results"] if (r["path"] or "").endswith("#indication")]
    assert [(r["constraint"], r["severity"]) for r in on_indication] == [("S-indication", "Violation")]
    assert not product["conforms"]


def test_a_producer_cell_in_no_index_is_a_warning_until_its_ontology_is_added():
    graph = e1_with(f"DELETE DATA {{ {SOURCE} evkg:producerCellType obo:CL_0000134 }} ; "
                    f"INSERT DATA {{ {SOURCE} evkg:producerCellType obo:CL_9999999 }}")
    assert [r.severity for r in findings(graph, "TERM-02")] == ["Warning"]
    add_ontology_files([ONTOLOGIES / "cl-excerpt.obo"])
    term_index._default_index.cache_clear()
    nonexistent = findings(graph, "TERM-05")
    assert [r.severity for r in nonexistent] == ["Violation"] and not findings(graph, "TERM-02")
    assert "cl-excerpt.obo" in nonexistent[0].message and "Closest:" in nonexistent[0].message


def test_an_obsolete_term_in_an_added_ontology_is_a_violation():
    add_ontology_files([ONTOLOGIES / "cl-excerpt.obo"])
    graph = e1_with(f"DELETE DATA {{ {SOURCE} evkg:producerCellType obo:CL_0000134 }} ; "
                    f"INSERT DATA {{ {SOURCE} evkg:producerCellType obo:CL_0000063 }}")
    found = findings(graph, "TERM-03")
    assert [r.severity for r in found] == ["Violation"] and "obsolete" in found[0].message


def test_a_cell_type_given_as_indication_is_one_violation_of_kind():
    graph = e1_with("INSERT DATA { product:example-e1 evkg:indication obo:CL_0000134 }")
    on_indication = [r for r in findings(graph) if r.path and r.path.endswith("#indication")]
    assert [(r.constraint_id, r.severity) for r in on_indication] == [("TERM-04", "Violation")]
    assert "cell type" in on_indication[0].message and "disease or disorder" in on_indication[0].message


def test_a_taxon_given_as_producer_cell_type_is_the_wrong_kind():
    graph = e1_with(f"INSERT DATA {{ {SOURCE} evkg:producerCellType obo:NCBITaxon_9606 }}")
    assert [r.severity for r in findings(graph, "TERM-04")] == ["Violation"]


def test_a_mouse_organism_on_human_primary_cells_is_a_violation():
    graph = e1_with(f"DELETE DATA {{ {SOURCE} evkg:organism obo:NCBITaxon_9606 }} ; "
                    f"INSERT DATA {{ {SOURCE} evkg:organism obo:NCBITaxon_10090 }}")
    for engine in ("compiled", "pyshacl"):
        found = findings(graph, "C-01", engine=engine)
        assert [r.severity for r in found] == ["Violation"], engine
        assert "NCBITaxon:9606" in found[0].message


@pytest.mark.parametrize("text, iri", [("MONDO:0005178", f"{OBO}MONDO_0005178"), ("CL_0000057", f"{OBO}CL_0000057")])
def test_an_identifier_written_as_text_names_the_iri_to_use(text, iri):
    graph = e1_with(f'INSERT DATA {{ product:example-e1 evkg:indication "{text}" }}')
    on_value = [r for r in findings(graph) if r.value == text]
    assert [(r.constraint_id, r.severity) for r in on_value] == [("TERM-06", "Violation")]
    assert f"<{iri}>" in on_value[0].message


def test_a_lipid_dose_names_its_assay_with_a_vocabulary_term_and_gets_no_finding():
    """A dose given as vesicle lipid was asked for its measuring method (Q-33) while the vocabulary had no lipid
    assay to name: a made-up term was flagged as unknown, and no term could meet the request."""
    lipid_dose = ("DELETE { ?dose evkg:quantityKind ?kind ; evkg:unit ?unit ; evkg:method ?method } "
                  "INSERT { ?dose evkg:quantityKind evkg:LipidAmount ; evkg:unit evkg:Microgram%s } "
                  "WHERE { product:example-e1 evkg:dose ?dose . ?dose evkg:quantityKind ?kind ; evkg:unit ?unit . "
                  "OPTIONAL { ?dose evkg:method ?method } }")
    dose = "https://w3id.org/evkg/data/product/example-e1/dose-1"
    measured = findings(e1_with(lipid_dose % " ; evkg:method evkg:SulfoPhosphoVanillinAssay"))
    assert not [r for r in measured if r.focus == dose], measured
    unmeasured = [r for r in findings(e1_with(lipid_dose % "")) if r.constraint_id == "Q-33"]
    assert len(unmeasured) == 1 and "evkg:SulfoPhosphoVanillinAssay for a lipid dose" in unmeasured[0].message


def test_a_misspelt_value_gets_one_finding_with_the_closest_name():
    graph = e1_with("DELETE { ?prep evkg:particleKind evkg:SmallEV } INSERT { ?prep evkg:particleKind evkg:SmallEv } "
                    "WHERE { ?prep evkg:particleKind evkg:SmallEV }")
    on_value = [r for r in findings(graph) if r.value and r.value.endswith("#SmallEv")]
    assert [(r.constraint_id, r.severity) for r in on_value] == [("Q-01", "Violation")]
    assert "Did you mean evkg:SmallEV" in on_value[0].message


def test_a_misspelt_product_class_names_the_declared_class(tmp_path, capsys):
    path = tmp_path / "typo.ttl"
    path.write_text(E1.read_text(encoding="utf-8").replace("a evkg:EVProduct", "a evkg:EvProduct"), encoding="utf-8")
    assert main(["check", "-q", "--no-classify", str(path)]) == 2
    out = capsys.readouterr()
    assert "evkg:EvProduct is not an evkg class" in out.out + out.err and "evkg:EVProduct" in out.out + out.err
    # the hint speaks the form the user wrote in as well as Turtle
    yaml_path = tmp_path / "typo.yaml"
    yaml_path.write_text(E1.with_suffix(".yaml").read_text(encoding="utf-8").replace("type: EVProduct",
                                                                                    "type: EvProduct", 1),
                         encoding="utf-8")
    assert main(["check", "-q", "--no-classify", str(yaml_path)]) == 2
    assert "`type: EVProduct` in YAML" in capsys.readouterr().out


REAL_NUMBERS = ["ACTRN12620000944932", "NCT04276987", "2020-001978-29"]


def registry_examples() -> list[str]:
    ontology = Graph().parse(ROOT / "ontology" / "trial-registries.ttl")
    return sorted(str(o) for o in ontology.objects(None, ontology.namespace_manager.expand_curie("skos:example")))


def test_every_registry_has_one_sourced_pattern_and_the_message_names_it():
    from rdflib.namespace import DCTERMS as DCT, RDF, RDFS

    from evkg.core.namespaces import EVKG
    from evkg.literature.sources import resolve_source

    ontology = Graph().parse(ROOT / "ontology" / "trial-registries.ttl")
    registries = list(ontology.subjects(RDF.type, EVKG.TrialRegistry))
    assert len(registries) >= 19
    shapes = Graph().parse(ROOT / "shapes" / "product.ttl")
    message = " ".join(str(m) for m in shapes.objects(None, shapes.namespace_manager.expand_curie("sh:message"))
                       if "WHO ICTRP" in str(m))
    for registry in registries:
        assert len(list(ontology.objects(registry, EVKG.identifierPattern))) == 1
        assert all(resolve_source(s) for s in ontology.objects(registry, DCT.source))
        assert str(ontology.value(registry, RDFS.label)) in message


@pytest.mark.parametrize("number", REAL_NUMBERS + registry_examples())
def test_registry_numbers_of_every_primary_registry_pass(number):
    graph = e1_with(f'INSERT DATA {{ product:example-e1 evkg:trialRegistryId "{number}" }}')
    assert not findings(graph, "S-trialRegistryId")


def test_the_curated_products_trial_numbers_pass():
    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    numbers = {str(o) for o in resources.data_graph().objects(None, EVKG.trialRegistryId)}
    assert numbers
    for number in numbers:
        graph = e1_with(f'INSERT DATA {{ product:example-e1 evkg:trialRegistryId "{number}" }}')
        assert not findings(graph, "S-trialRegistryId"), number


@pytest.mark.parametrize("number", ["ClinicalTrials.gov NCT04276987", "NCT0427698", "ACTRN1262000094493", "CTRI-2020-05-025215"])
def test_a_wrong_number_names_the_registries_whose_formats_were_expected(number):
    graph = e1_with(f'INSERT DATA {{ product:example-e1 evkg:trialRegistryId "{number}" }}')
    for engine in ("compiled", "pyshacl"):
        found = findings(graph, "S-trialRegistryId", engine=engine)
        assert [r.severity for r in found] == ["Violation"], engine
        assert "Australian New Zealand Clinical Trials Registry" in found[0].message and "ChiCTR" in found[0].message


@pytest.mark.parametrize("route", ["IntraArticular", "Intrapleural", "Intrathecal", "Intratumoural", "Intravitreal",
                                   "Intradermal", "Subretinal", "Intranasal", "Intraperitoneal", "TopicalOnWound",
                                   "Ophthalmic", "Endotracheopulmonary"])
def test_routes_ev_products_use_are_accepted_and_mapped(route):
    from rdflib import URIRef
    from rdflib.namespace import RDFS, SKOS

    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    graph = e1_with(f"DELETE DATA {{ product:example-e1 evkg:routeOfAdministration evkg:Intravenous }} ; "
                    f"INSERT DATA {{ product:example-e1 evkg:routeOfAdministration evkg:{route} }}")
    assert not [r for r in findings(graph) if r.severity == "Violation"]
    ontology = resources.ontology_graph()
    node = URIRef(str(EVKG) + route)
    assert ontology.value(node, EVKG.edqmStandardTerm) is not None
    mapped = list(ontology.objects(node, SKOS.exactMatch)) + list(ontology.objects(node, SKOS.closeMatch))
    assert all(str(m).startswith(OBO + "NCIT_") and ontology.value(m, RDFS.label) is not None for m in mapped)


def test_fail_on_sets_the_exit_code(tmp_path):
    path = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    products, _ = check(Graph().parse(path), classify=False)
    assert products[0].conforms and any(r.severity == "Warning" for r in products[0].results)
    quiet = ["check", "-q", "--no-classify", "-f", "json", "-o", str(tmp_path / "r.json")]
    assert main(quiet + [str(path)]) == 0
    assert main(quiet + ["--fail-on", "warning", str(path)]) == 1
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["fail_on"] == "warning"
    missing_cell = ROOT / "examples" / "invalid" / "missing-producer-cell-type.ttl"
    assert main(quiet + [str(missing_cell)]) == 1
    assert main(quiet + ["--profile", "published", str(missing_cell)]) == 0
    assert main(quiet + ["--profile", "published", "--fail-on", "warning", str(missing_cell)]) == 1


def test_engines_agree_on_a_look_right_but_wrong_description():
    graph = e1_with(f"INSERT DATA {{ product:example-e1 evkg:indication obo:CL_0000134 ; "
                    f"evkg:trialRegistryId \"ACTRN1262000094493\" }} ; "
                    f"DELETE DATA {{ {SOURCE} evkg:organism obo:NCBITaxon_9606 }} ; "
                    f"INSERT DATA {{ {SOURCE} evkg:organism obo:NCBITaxon_10090 ; evkg:anatomicalOrigin \"UBERON:0002331\" }}")
    compiled = sorted((r.constraint_id, r.severity, r.focus, r.path, r.value, r.message) for r in findings(graph))
    reference = sorted((r.constraint_id, r.severity, r.focus, r.path, r.value, r.message)
                       for r in findings(graph, engine="pyshacl"))
    assert compiled == reference
    assert {"TERM-04", "TERM-06", "C-01", "S-trialRegistryId"} <= {c[0] for c in compiled}


def test_engines_agree_on_the_new_consistency_and_wording_checks():
    graph = e1_with(f"INSERT DATA {{ {SOURCE} evkg:cellLine <https://www.cellosaurus.org/CVCL_0045> . "
                    "product:example-e1 evkg:intendedUse evkg:AntiTumourImmunotherapy ; evkg:indication obo:MONDO_0005178 } ; "
                    "DELETE { ?test evkg:specification ?spec } WHERE { ?test evkg:testType evkg:EndotoxinTest ; evkg:specification ?spec } ; "
                    "INSERT { ?prep evkg:separationStep <urn:x-step> . <urn:x-step> a evkg:SeparationStep ; "
                    "evkg:method evkg:Ultracentrifugation ; evkg:stepOrder 9 } WHERE { ?prep a evkg:EVPreparation }")
    compiled = sorted((r.constraint_id, r.severity, r.focus, r.path, r.value, r.message) for r in findings(graph))
    reference = sorted((r.constraint_id, r.severity, r.focus, r.path, r.value, r.message)
                       for r in findings(graph, engine="pyshacl"))
    assert compiled == reference
    by_id = {c[0]: c for c in compiled}
    assert {"C-02", "C-03", "Q-13", "Q-29"} <= set(by_id)
    assert "lacks the g-force (evkg:gForce), the duration (evkg:durationMinutes), the rotor type" in by_id["Q-13"][5]
    assert "is reported, but it lacks a specification" in by_id["Q-29"][5]


def test_an_unknown_name_given_for_an_ontology_term_is_a_violation_naming_the_term():
    graph = e1_with(f"DELETE {{ {SOURCE} evkg:producerCellType ?cell }} "
                    f"INSERT {{ {SOURCE} evkg:producerCellType evkg:CL_0002570 }} "
                    f"WHERE {{ {SOURCE} evkg:producerCellType ?cell }}")
    report = validate(graph)
    on_value = [r for r in findings(graph) if r.value and r.value.endswith("#CL_0002570")]
    assert [(r.constraint_id, r.severity) for r in on_value] == [("TERM-06", "Violation")]
    assert "CL:0002570" in on_value[0].message
    assert not report.products[0].conforms


@pytest.mark.parametrize("update", ['INSERT DATA { product:example-e1 evkg:indication "osteoarthritis" }',
                                    "INSERT DATA { product:example-e1 evkg:indication evkg:Osteoarthritis }"])
def test_free_text_for_a_disease_names_the_closest_disease_term(update):
    on_value = [r for r in findings(e1_with(update)) if r.value and "steoarthritis" in r.value]
    assert [(r.constraint_id, r.severity) for r in on_value] == [("TERM-06", "Violation")]
    assert "MONDO:0005178 (osteoarthritis)" in on_value[0].message



@pytest.mark.parametrize("update, written, first", [
    ('INSERT DATA { product:example-e1 evkg:indication "pancreatic cancer" }', "pancreatic cancer",
     "indication: MONDO:0005184"),                          # had offered breast cancer, which shares "cancer"
    (f'DELETE {{ {SOURCE} evkg:producerCellType ?c }} INSERT {{ {SOURCE} evkg:producerCellType "HEK239 cells" }} '
     f'WHERE {{ {SOURCE} evkg:producerCellType ?c }}', "HEK239 cells",
     "producerCellType: CVCL:0045"),                         # had offered stem cell, which shares "cell"
])
def test_free_text_is_matched_first_by_its_telling_word_not_a_common_one(update, written, first):
    on_value = [r for r in findings(e1_with(update)) if r.value == written]
    assert [r.constraint_id for r in on_value] == ["TERM-06"]
    assert f"Write it as `{first}`" in on_value[0].message, on_value[0].message

def test_a_genetic_modification_without_encodes_names_the_missing_key():
    graph = e1_with(f"DELETE {{ {SOURCE} evkg:geneticallyModified ?gm }} INSERT {{ {SOURCE} "
                    "evkg:geneticallyModified true ; evkg:hasGeneticModification [ a evkg:GeneticModification ; "
                    '<http://www.w3.org/2000/01/rdf-schema#label> "RBD-LAMP2B fusion transgene" ] } '
                    f"WHERE {{ {SOURCE} evkg:geneticallyModified ?gm }}")
    found = findings(graph, "Q-08")
    assert len(found) == 1 and "`encodes` is missing" in found[0].message and "encodes:" in found[0].message


def test_a_value_one_shape_rejects_twice_is_one_finding(tmp_path, capsys):
    # text as a size cut-off fails the shape's datatype and its range: one mistake, one finding
    path = tmp_path / "cutoff.yaml"
    path.write_text(E1.with_suffix(".yaml").read_text(encoding="utf-8").replace("sizeCutoffNm: 200.0",
                                                                                "sizeCutoffNm: about two hundred"),
                    encoding="utf-8")
    assert main(["check", "-q", "--no-classify", "-f", "json", str(path)]) == 1
    product = json.loads(capsys.readouterr().out)["files"][0]["products"][0]
    assert [r["constraint"] for r in product["results"]].count("S-sizeCutoffNm") == 1


@pytest.mark.parametrize("statement", ['rdfs:comment "abc"^^xsd:decimal', 'dct:date "2024-13-45"^^xsd:date'])
def test_a_value_that_is_not_of_its_datatype_is_a_violation_under_any_property(tmp_path, capsys, statement):
    """No shape checks rdfs:comment or dct:date; an ill-formed value there was let through without a word."""
    path = tmp_path / "ill-formed.ttl"
    text = E1.read_text(encoding="utf-8")
    path.write_text(text.replace('rdfs:label "', statement + ' ; rdfs:label "', 1), encoding="utf-8")
    assert main(["check", "-q", "--no-classify", "-f", "json", str(path)]) == 1
    product = json.loads(capsys.readouterr().out)["files"][0]["products"][0]
    [ill_formed] = [r for r in product["results"] if r["constraint"] == "S-wellFormedValue"]
    assert not product["conforms"]
    # the datatypes' own standard is the source, not a paper on EV characterisation
    assert [s["label"] for s in ill_formed["sources"]] == ["W3C XML Schema 1.1 Part 2: Datatypes"]


def test_a_jurisdiction_stated_on_the_product_is_said_to_have_no_effect(tmp_path):
    """`jurisdiction: KR` on a product restricted nothing and was accepted without a word; evkg classifies for the
    jurisdictions chosen at check time, so the statement is named as having no effect."""
    from evkg.io.load import load_rdf
    from evkg.validation.engine import validate

    source = Path(__file__).resolve().parent.parent / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml"
    text = source.read_text(encoding="utf-8")
    stated = tmp_path / "with-jurisdiction.yaml"
    stated.write_text(text.replace("\nlabel:", "\njurisdiction: KR\nlabel:", 1), encoding="utf-8")
    findings = [(r.constraint_id, r.severity) for p in validate(load_rdf(stated)).products for r in p.results]
    assert ("S-productJurisdiction", "Warning") in findings
    plain = [r.constraint_id for p in validate(load_rdf(source)).products for r in p.results]
    assert "S-productJurisdiction" not in plain


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_a_named_cell_line_without_a_cell_type_is_asked_for_the_kind_of_cell_it_came_from(engine):
    """A source naming HEK293 under cellLine already says which cells were cultured; the finding names the line
    and asks for the kind of cell it was derived from, instead of asking 'which cells the vesicles come from'."""
    line = ("<https://www.cellosaurus.org/CVCL_0045>")
    named = findings(e1_with(f"DELETE {{ {SOURCE} evkg:producerCellType ?c }} INSERT {{ {SOURCE} evkg:cellLine {line} }}"
                             f" WHERE {{ {SOURCE} evkg:producerCellType ?c }}"), "F-producerCellType", engine)
    assert len(named) == 1
    # named as a description writes it (T-REx-293, a line the bundled index does not hold, showed its full IRI)
    assert "names the cell line HEK293 (CVCL:0045) but" in named[0].message and "https://" not in named[0].message
    unindexed = findings(e1_with(f"DELETE {{ {SOURCE} evkg:producerCellType ?c }} INSERT {{ {SOURCE} evkg:cellLine "
                                 f"<https://www.cellosaurus.org/CVCL_D585> }} WHERE {{ {SOURCE} evkg:producerCellType ?c }}"),
                         "F-producerCellType", engine)
    assert len(unindexed) == 1 and "names the cell line CVCL:D585 but" in unindexed[0].message, unindexed
    assert "CL:0002518" in named[0].message and "Say which cells" not in named[0].message
    unnamed = findings(e1_with(f"DELETE {{ {SOURCE} evkg:producerCellType ?c }} WHERE {{ {SOURCE} evkg:producerCellType ?c }}"),
                       "F-producerCellType", engine)
    assert len(unnamed) == 1 and unnamed[0].message.startswith("Say which cells the vesicles come from")


DOSE = "<https://w3id.org/evkg/data/product/example-e1/dose-1>"


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
@pytest.mark.parametrize("unit, wrong", [("evkg:Microgram", True), ("obo:UO_0000018", True),   # UO's nanometre
                                         ("evkg:Particles", False), ("obo:UO_0000022", False)])  # a UO unit evkg does not map
def test_a_dose_in_a_unit_that_does_not_measure_its_quantity_is_a_violation(unit, wrong, engine):
    # `quantityKind: ParticleNumber` with `unit: Microgram` passed every check: the number cannot be read as stated
    found = findings(e1_with(f"DELETE {{ {DOSE} evkg:unit ?u }} INSERT {{ {DOSE} evkg:unit {unit} }} "
                             f"WHERE {{ {DOSE} evkg:unit ?u }}"), "S-unitQuantity", engine)
    assert [r.severity for r in found] == (["Violation"] if wrong else [])
    if wrong and engine == "compiled":
        assert "particle number" in found[0].message and "Correct the unit" in found[0].message


def test_every_amount_in_the_examples_and_fixtures_is_given_in_a_unit_of_its_quantity():
    files = [*sorted((ROOT / "examples").rglob("*.ttl")), *sorted((ROOT / "tests" / "fixtures" / "products").glob("*.yaml"))]
    from evkg.io.load import load_rdf

    wrong = [(f.name, r.message) for f in files for r in findings(load_rdf(f), "S-unitQuantity")]
    assert not wrong
