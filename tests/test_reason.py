"""OWL cross-check of the classification with HermiT (real Java runs through owlready2)."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from evkg.classification.reason import cross_check, defined_categories, labels, ontology_graph, owl_categories
from evkg.cli import main
from process_tree import alive, children, end_all

ROOT = Path(__file__).resolve().parent.parent
EVKG = "https://w3id.org/evkg#"

PRODUCTS = """
@prefix evkg: <https://w3id.org/evkg#> .
@prefix ex: <https://example.org/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .

ex:msc-ev a evkg:EVProduct ;
    evkg:intendedUse evkg:Treatment ; evkg:evRole evkg:ActiveSubstanceRole ; evkg:cellContent evkg:NoCells ;
    evkg:hasNoLoadedCargo true ; evkg:hasEVComponent ex:msc-prep .
ex:msc-prep a evkg:EVPreparation ; evkg:evOriginKind evkg:HumanOrigin ;
    evkg:vesicleKind evkg:NaturallyReleasedEV ; evkg:evSourceMaterial evkg:PrimaryHumanCells ; evkg:hasSource ex:msc-src .
ex:msc-src a evkg:CellCultureSource ; evkg:organism obo:NCBITaxon_9606 ; evkg:geneticallyModified false .

ex:omv-vaccine a evkg:EVProduct ;
    evkg:intendedUse evkg:InfectiousDiseaseVaccine , evkg:NonMedical ; evkg:evRole evkg:ActiveSubstanceRole ;
    evkg:cellContent evkg:NoCells ;
    evkg:hasEVComponent [ evkg:evOriginKind evkg:BacterialOrigin ; evkg:vesicleKind evkg:NaturallyReleasedEV ] ;
    evkg:loadedCargo [ evkg:cargoKind evkg:NucleicAcid ; evkg:manufacture evkg:Recombinant ;
                       evkg:effectIsGenetic true ; evkg:nucleicAcidMechanism evkg:Expression ] .

ex:skin-serum a evkg:EVProduct ;
    evkg:intendedUse evkg:Regenerative , evkg:NonMedical ; evkg:evRole evkg:ActiveSubstanceRole ;
    evkg:cellContent evkg:NoCells ; evkg:hasNoLoadedCargo true ;
    evkg:hasEVComponent [ evkg:evOriginKind evkg:PlantOrigin ; evkg:vesicleKind evkg:NaturallyReleasedEV ] .
"""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def test_hermit_infers_the_categories_the_ontology_defines_from_a_description():
    consistent, unsatisfiable, types = owl_categories(Graph().parse(data=PRODUCTS, format="turtle"))
    assert consistent and unsatisfiable == []
    msc = {_local(c) for c in types["https://example.org/msc-ev"]}
    assert {"EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "EU_NotSCTMP", "EU_NotTEP",
            "EU_HumanStartingMaterialRules", "US_Drug", "US_NotHCTP", "US_Not361HCTP", "US_NotVaccine",
            "KR_EVTherapyProduct", "KR_NotCellTherapyProduct"} <= msc
    assert "EU_GTMP" not in msc and "EU_GMOAssessmentQuestion" not in msc
    vaccine = {_local(c) for c in types["https://example.org/omv-vaccine"]}
    # a vaccine use blocks the gene-therapy classes even with a recombinant, genetic nucleic acid
    assert {"EU_VaccineAgainstInfectiousDisease", "EU_GMOAssessmentQuestion", "US_NotHCTP"} <= vaccine
    assert not {"EU_GTMP", "US_HumanGeneTherapyProduct", "US_NotVaccine"} & vaccine
    serum = {_local(c) for c in types["https://example.org/skin-serum"]}
    # a non-medical use beside the medical one, and no disease claim: medicinal status stays open
    assert not {"EU_MedicinalProduct", "US_Drug", "EU_BiologicalMedicinalProduct"} & serum
    assert {"US_NotHCTP", "EU_NotSCTMP"} <= serum


def test_the_ontology_defines_categories_of_every_jurisdiction():
    defined = {_local(c) for c in defined_categories(ontology_graph())}
    assert {"EU_MedicinalProduct", "EU_BiologicalMedicinalProduct", "EU_GTMP", "US_Drug", "US_NotHCTP",
            "KR_EVTherapyProduct"} <= defined


def discovered_descriptions() -> list[Path]:
    return sorted((ROOT / "examples" / "valid").glob("*.ttl")) + sorted((ROOT / "data" / "products").glob("*.ttl"))


def test_owl_and_rules_agree_on_every_valid_example_and_curated_product():
    files = discovered_descriptions()
    assert len(files) >= 6
    data = Graph()
    for path in files:
        data.parse(path, format="turtle")
    result = cross_check(data)
    assert result.consistent, "the descriptions contradict the ontology"
    assert result.unsatisfiable == []
    assert len(result.products) >= len(files)
    names = labels()
    assert result.disagreements == [], "OWL and the rules disagree:\n" + "\n".join(
        d.describe(names) for d in result.disagreements)


def test_cross_check_agrees_on_small_products_and_flags_contradicting_facts():
    data = Graph().parse(data=PRODUCTS, format="turtle")
    result = cross_check(data)
    assert result.disagreements == []
    # an inconsistent description: two EV roles for one product (evRole takes one value)
    data.parse(data="""@prefix evkg: <https://w3id.org/evkg#> .
        <https://example.org/msc-ev> evkg:evRole evkg:DeliveryVehicleRole .""", format="turtle")
    assert not cross_check(data).consistent


def test_reason_command_exit_codes(tmp_path, capsys):
    good = tmp_path / "product.ttl"
    good.write_text(PRODUCTS, encoding="utf-8")
    assert main(["reason", str(good)]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "consistent" in out and "agree on every product" in out
    assert "with HermiT" in captured.err and "done in" in captured.err     # progress on stderr

    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix evkg: <https://w3id.org/evkg#> .\n<https://example.org/p> evkg:evRole .\n",
                      encoding="utf-8")
    assert main(["reason", str(broken)]) == 2
    assert "broken.ttl" in capsys.readouterr().err


def test_reason_without_java_says_so_and_exits_2(tmp_path):
    """A machine without Java: an empty PATH and no JAVA_HOME; the message says what to install."""
    import os
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[1] / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PATH")}
    env["PATH"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "reason", str(example)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 2, done.stderr
    assert "Java was not found" in done.stderr and "install" in done.stderr.lower()
    assert "Traceback" not in done.stderr


def test_a_value_not_readable_as_its_datatype_is_left_out_and_named_not_a_crash(tmp_path, capsys):
    """`evkg reason` on a draft with `sizeCutoffNm: 200 nm` ended in an owlready2 traceback (exit code 3)."""
    draft = (ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml").read_text(encoding="utf-8")
    assert "sizeCutoffNm: 200.0\n" in draft
    path = tmp_path / "draft.yaml"
    path.write_text(draft.replace("sizeCutoffNm: 200.0\n", "sizeCutoffNm: 200 nm\n", 1), encoding="utf-8")
    code = main(["reason", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    assert "'200 nm'" in out and "size cut-off" in out and "evkg check" in out, out


def test_sigterm_stops_hermit_with_the_command():
    """HermiT's Java process went on reasoning (with its 2 GB heap) after `evkg reason` had been stopped."""
    import os
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "reason",
                                str(ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    java: list[int] = []
    try:
        for _ in range(1200):
            java = [pid for pid in children(process.pid) if b"java" in _command(pid)]
            if java or process.poll() is not None:
                break
            time.sleep(0.1)
        assert java, "HermiT never started"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
        assert process.returncode == 143 and b"stopped (SIGTERM)" in err, err
        time.sleep(0.5)
        assert not [pid for pid in java if alive(pid)]
    finally:
        end_all(process, java)


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_hermit_agrees_that_a_gene_therapy_product_is_neither_a_cell_therapy_nor_tissue_engineered():
    """EU-19b answers the somatic-cell and tissue-engineering questions of a GTMP (Reg. 1394/2007 Art. 2(5));
    the ontology had no definition to match, so `evkg reason` reported two disagreements for the PTEN-mRNA
    exosomes."""
    from evkg.io.load import load_rdf

    data = load_rdf(ROOT / "tests" / "fixtures" / "products" / "yang-pten-mrna-exosomes.yaml")
    result = cross_check(data)
    assert result.consistent and result.disagreements == [], [d.describe(labels()) for d in result.disagreements]
