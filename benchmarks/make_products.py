"""Seeded generator of realistic synthetic EV product descriptions in the evkg vocabulary.

Every benchmark uses these, so figures are comparable between runs and machines:

    python benchmarks/make_products.py --products 1000 --seed 7 --out benchmarks/out/products-1000.ttl
    python benchmarks/make_products.py --products 50 --split-dir benchmarks/out/files   # one file per product

Proportions follow the kinds of products in the curated graph: mostly MSC-derived and other human-cell EVs used
as active substance, some loaded delivery vehicles (small molecules, siRNA, mRNA), some bacterial OMV vaccines,
plant and milk vesicles, a few synthetic comparators; about one description in five leaves out a regulatory
fact and one in ten has a realistic mistake (missing unit, role/cargo conflict, bad indication IRI).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

EVKG = Namespace("https://w3id.org/evkg#")
EVD = Namespace("https://w3id.org/evkg/data/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
UNIPROT = Namespace("http://purl.uniprot.org/uniprot/")

# (weight, template) — a template fixes origin, source and typical use.
TEMPLATES = [
    (30, dict(name="MSC small EVs", origin="HumanOrigin", material="PrimaryHumanCells", cell="CL_0000134",
              kind="SmallEV", approach="ImmunomodulatoryRegenerativeTherapy", uses=["Treatment", "Regenerative"],
              mechanisms=["Immunosuppression", "ProRegenerativeSignalling"], role="ActiveSubstanceRole")),
    (10, dict(name="dendritic-cell exosomes", origin="HumanOrigin", material="PrimaryHumanCells", cell="CL_0000451",
              kind="SmallEV", approach="AntiTumourTherapy", uses=["AntiTumourImmunotherapy"],
              mechanisms=["AntigenPresentation"], role="ActiveSubstanceRole", cargo="peptide")),
    (15, dict(name="HEK293 engineered EVs", origin="HumanOrigin", material="EstablishedCellLine", cell="CL_0000000",
              kind="SmallEV", approach="DrugDelivery", uses=["Treatment"], mechanisms=["GeneSilencing"],
              role="DeliveryVehicleRole", cargo="sirna", gm=True)),
    (8, dict(name="mRNA-loaded EVs", origin="HumanOrigin", material="EstablishedCellLine", cell="CL_0000000",
             kind="SmallEV", approach="DrugDelivery", uses=["Treatment"], mechanisms=["GeneExpression"],
             role="DeliveryVehicleRole", cargo="mrna", gm=True)),
    (8, dict(name="platelet EVs", origin="HumanOrigin", material="HumanBloodOrBloodComponent", cell="CL_0000233",
             kind="ExtracellularVesicle", approach="ImmunomodulatoryRegenerativeTherapy", uses=["Regenerative"],
             mechanisms=["ProRegenerativeSignalling"], role="ActiveSubstanceRole")),
    (8, dict(name="bacterial OMV vaccine", origin="BacterialOrigin", material="MicrobialCulture", taxon="NCBITaxon_487",
             kind="OuterMembraneVesicle", approach="PathogenVaccination", uses=["InfectiousDiseaseVaccine"],
             mechanisms=["InnateImmuneActivation"], role="ActiveSubstanceRole", gm=True)),
    (7, dict(name="milk EVs with paclitaxel", origin="AnimalOrigin", material="AnimalMaterial", taxon="NCBITaxon_9913",
             kind="SmallEV", approach="DrugDelivery", uses=["Treatment"], mechanisms=["CargoPharmacology"],
             role="DeliveryVehicleRole", cargo="drug")),
    (7, dict(name="plant nanovesicles", origin="PlantOrigin", material="PlantMaterial", taxon="NCBITaxon_29760",
             kind="PlantDerivedNanovesicle", approach="DrugDelivery", uses=["Treatment"],
             mechanisms=["CargoPharmacology"], role="DeliveryVehicleRole", cargo="drug")),
    (4, dict(name="IL-12 displaying EVs", origin="HumanOrigin", material="EstablishedCellLine", cell="CL_0000000",
             kind="EngineeredEV", approach="AntiTumourTherapy", uses=["AntiTumourImmunotherapy"],
             mechanisms=["InnateImmuneActivation"], role="ActiveSubstanceRole", cargo="protein", gm=True)),
    (3, dict(name="liposomal comparator", origin="NoBiologicalOrigin", material="ChemicalSynthesis",
             kind="SyntheticVesicle", approach="DrugDelivery", uses=["Treatment"], mechanisms=["CargoPharmacology"],
             role="NotApplicableRole", cargo="drug", synthetic=True)),
]
INDICATIONS = ["MONDO_0005105", "MONDO_0005233", "MONDO_0005015", "MONDO_0005147", "MONDO_0013730",
               "MONDO_0100096", "MONDO_0005011", "MONDO_0005300"]
ROUTES = ["Intravenous", "Subcutaneous", "Intradermal", "Inhalation", "Oral", "Topical", "LocalInjection"]
MARKERS = [("CD63", "P08962", "TransmembraneMarker"), ("CD81", "P60033", "TransmembraneMarker"),
           ("CD9", "P21926", "TransmembraneMarker"), ("TSG101", "Q99816", "CytosolicMarker"),
           ("ALIX", "Q8WUM4", "CytosolicMarker"), ("APOA1", "P02647", "PurityMarker"),
           ("Calnexin", "P27824", "IntracellularCompartmentMarker")]


def make_products(count: int, seed: int = 7) -> Graph:
    graph = Graph()
    graph.bind("evkg", EVKG)
    for _ in product_graphs(count, seed, graph):
        pass
    return graph


def product_graphs(count: int, seed: int = 7, graph: Graph | None = None):
    """The same products one by one (each in its own small graph unless `graph` is given), so large corpora
    can be written without holding them in memory."""
    rng = random.Random(seed)
    weights = [w for w, _ in TEMPLATES]
    for index in range(count):
        template = rng.choices([t for _, t in TEMPLATES], weights=weights)[0]
        target = graph if graph is not None else Graph()
        _add_product(target, rng, index, template)
        yield target


def write_ntriples(count: int, path: Path, seed: int = 7) -> int:
    """Write `count` products to an N-Triples file, a thousand at a time; returns the number of triples."""
    triples = 0
    with open(path, "wb") as handle:
        batch = Graph()
        for index, single in enumerate(product_graphs(count, seed)):
            batch += single
            if (index + 1) % 1000 == 0 or index + 1 == count:
                handle.write(batch.serialize(format="nt", encoding="utf-8"))
                triples += len(batch)
                batch = Graph()
    return triples


def _node(graph: Graph, subject, predicate, cls) -> BNode:
    node = BNode()
    graph.add((subject, predicate, node))
    graph.add((node, RDF.type, cls))
    return node


def _measure(graph, subject, predicate, quantity, value, unit, method):
    m = _node(graph, subject, predicate, EVKG.Measurement)
    graph.add((m, EVKG.quantityKind, EVKG[quantity]))
    graph.add((m, EVKG.value, Literal(str(int(float(value))), datatype=XSD.decimal)))
    if unit:
        graph.add((m, EVKG.unit, EVKG[unit]))
    if method:
        graph.add((m, EVKG.method, EVKG[method]))


def _add_product(graph: Graph, rng: random.Random, index: int, t: dict) -> None:
    product = EVD[f"product/synthetic-{index:06d}"]
    add = graph.add
    omit = rng.random() < 0.2          # leaves out one regulatory fact
    mistake = rng.random() < 0.1       # one realistic mistake
    omitted = rng.choice(["cellContent", "integralMedicalDevice", "manufacturingSetting", "annexI3Indication"]) \
        if omit else None
    add((product, RDF.type, EVKG.EVProduct))
    add((product, RDFS.label, Literal(f"Synthetic {t['name']} #{index}")))
    add((product, EVKG.developer, Literal(f"Developer {rng.randint(1, 200)}")))
    if rng.random() < 0.5:
        add((product, EVKG.trialRegistryId, Literal(f"NCT{rng.randint(10**7, 10**8 - 1)}")))
    for use in t["uses"]:
        add((product, EVKG.intendedUse, EVKG[use]))
    add((product, EVKG.diseaseClaim, Literal(True)))
    add((product, EVKG.therapeuticApproach, EVKG[t["approach"]]))
    for mechanism in t["mechanisms"]:
        add((product, EVKG.mechanismOfAction, EVKG[mechanism]))
    role = t["role"]
    if mistake and rng.random() < 0.3:
        role = "ActiveSubstanceRole" if role == "DeliveryVehicleRole" else role
    add((product, EVKG.evRole, EVKG[role]))
    add((product, EVKG.roleJustification, Literal("Stated by the developer in the protocol.")))
    indication = rng.choice(INDICATIONS)
    if mistake and rng.random() < 0.3:
        add((product, EVKG.indication, URIRef(f"http://example.org/disease/{rng.randint(1, 99)}")))
    else:
        add((product, EVKG.indication, OBO[indication]))
    add((product, EVKG.routeOfAdministration, EVKG[rng.choice(ROUTES)]))
    _measure(graph, product, EVKG.dose, "ParticleNumber", f"{rng.randint(1, 90)}e9", "Particles",
             "NanoparticleTrackingAnalysis")
    facts = {
        "cellContent": (EVKG.cellContent, EVKG.NoCells),
        "integralMedicalDevice": (EVKG.integralMedicalDevice, Literal(False)),
        "manufacturingSetting": (EVKG.manufacturingSetting, EVKG.IndustrialManufacture),
        "annexI3Indication": (EVKG.annexI3Indication, Literal(rng.random() < 0.4)),
    }
    for name, (predicate, value) in facts.items():
        if name != omitted:
            add((product, predicate, value))
    _add_cargo(graph, rng, product, t)

    prep = _node(graph, product, EVKG.hasEVComponent, EVKG.EVPreparation)
    add((prep, EVKG.particleKind, EVKG[t["kind"]]))
    add((prep, EVKG.vesicleKind, EVKG.FullySyntheticVesicle if t.get("synthetic") else EVKG.NaturallyReleasedEV))
    add((prep, EVKG.evOriginKind, EVKG[t["origin"]]))
    add((prep, EVKG.evSourceMaterial, EVKG[t["material"]]))
    if t.get("gm"):
        add((prep, EVKG.incidentalRecombinantNucleicAcid, Literal(rng.random() < 0.5)))
    source = _node(graph, prep, EVKG.hasSource, EVKG.SyntheticSource if t.get("synthetic") else
                   (EVKG.CellCultureSource if "cell" in t else EVKG.BiofluidSource))
    if "cell" in t:
        add((source, EVKG.producerCellType, OBO[t["cell"]]))
        add((source, EVKG.organism, OBO["NCBITaxon_9606"]))
        add((source, EVKG.donorRelation, EVKG[rng.choice(["Allogeneic", "Autologous"])]))
        add((source, EVKG.mediumSupplement, EVKG[rng.choice(["HumanPlateletLysate", "SerumFreeMedium"])]))
        add((source, EVKG.supplementEVDepleted, Literal(True)))
    elif "taxon" in t:
        add((source, EVKG.organism, OBO[t["taxon"]]))
    if not t.get("synthetic"):
        add((source, EVKG.geneticallyModified, Literal(bool(t.get("gm")))))
        if t.get("gm"):
            modification = _node(graph, source, EVKG.hasGeneticModification, EVKG.GeneticModification)
            add((modification, EVKG.encodes, Literal("scaffold fusion construct")))
    _measure(graph, prep, EVKG.startingMaterialAmount, "Volume", rng.randint(100, 5000), "Millilitre", None)
    for order, method in enumerate(rng.sample(["TangentialFlowFiltration", "SizeExclusionChromatography",
                                               "Ultracentrifugation", "DensityGradientUltracentrifugation"], 2), 1):
        step = _node(graph, prep, EVKG.separationStep, EVKG.SeparationStep)
        add((step, EVKG.method, EVKG[method]))
        add((step, EVKG.stepOrder, Literal(order)))
        if "Ultracentrifugation" in method:
            add((step, EVKG.gForce, Literal("100000", datatype=XSD.decimal)))
            add((step, EVKG.durationMinutes, Literal(120)))
            add((step, EVKG.rotorType, Literal("Type 45 Ti")))
    size_unit = None if mistake and rng.random() < 0.4 else "Nanometre"
    _measure(graph, prep, EVKG.measurement, "ModalDiameter", rng.randint(70, 180), size_unit,
             "NanoparticleTrackingAnalysis")
    _measure(graph, prep, EVKG.measurement, "ParticleConcentration", f"{rng.randint(1, 50)}e10",
             "ParticlesPerMillilitre", "NanoparticleTrackingAnalysis")
    _measure(graph, prep, EVKG.measurement, "ProteinConcentration", rng.randint(50, 900),
             "MicrogramPerMillilitre", "BCAAssay")
    add((prep, EVKG.sizeCutoffNm, Literal("200", datatype=XSD.decimal)))
    for name, accession, category in rng.sample(MARKERS, rng.randint(3, len(MARKERS))):
        marker = _node(graph, prep, EVKG.markerResult, EVKG.MarkerResult)
        add((marker, EVKG.marker, UNIPROT[accession]))
        add((marker, RDFS.label, Literal(name)))
        add((marker, EVKG.markerCategory, EVKG[category]))
        add((marker, EVKG.detected, Literal(category != "IntracellularCompartmentMarker")))
        add((marker, EVKG.method, EVKG.WesternBlot))
    imaging = _node(graph, prep, EVKG.singleVesicleImaging, EVKG.ImagingResult)
    add((imaging, EVKG.method, EVKG.TransmissionElectronMicroscopy))
    add((imaging, EVKG.wideFieldImage, Literal(True)))
    add((imaging, EVKG.closeUpImage, Literal(True)))
    for test_type, method in (("SterilityTest", "CompendialSterilityTest"), ("EndotoxinTest", "LimulusAmebocyteLysateAssay"),
                              ("MycoplasmaTest", "MycoplasmaPCR")):
        if rng.random() < 0.85:
            test = _node(graph, product, EVKG.releaseTest, EVKG.ReleaseTest)
            add((test, EVKG.testType, EVKG[test_type]))
            add((test, EVKG.method, EVKG[method]))
            add((test, EVKG.result, Literal("meets specification")))
            if test_type == "EndotoxinTest":
                add((test, EVKG.value, Literal("0.5", datatype=XSD.decimal)))
                add((test, EVKG.unit, EVKG.EndotoxinUnitsPerMillilitre))
                add((test, EVKG.specification, Literal("< 5 EU/mL")))
    add((product, EVKG.storageCondition, Literal("-80 °C")))


def _add_cargo(graph: Graph, rng: random.Random, product, t: dict) -> None:
    kind = t.get("cargo")
    if kind is None:
        graph.add((product, EVKG.hasNoLoadedCargo, Literal(True)))
        return
    cargo = _node(graph, product, EVKG.loadedCargo, EVKG.CargoItem)
    add = graph.add
    if kind == "peptide":
        add((cargo, RDFS.label, Literal("tumour antigen peptide")))
        add((cargo, EVKG.cargoKind, EVKG.Antigen))
        add((cargo, EVKG.manufacture, EVKG.ChemicallySynthesised))
        add((cargo, EVKG.lengthAminoAcids, Literal(rng.choice([9, 10, 15]))))
        add((cargo, EVKG.loadedBy, EVKG.PeptidePulsing))
    elif kind == "sirna":
        add((cargo, RDFS.label, Literal("siRNA")))
        add((cargo, EVKG.cargoKind, EVKG.NucleicAcid))
        add((cargo, EVKG.manufacture, EVKG.ChemicallySynthesised))
        add((cargo, EVKG.nucleicAcidMechanism, EVKG.RNAInterference))
        add((cargo, EVKG.effectIsGenetic, Literal(True)))
        add((cargo, EVKG.loadedBy, EVKG.Electroporation))
    elif kind == "mrna":
        add((cargo, RDFS.label, Literal("therapeutic mRNA")))
        add((cargo, EVKG.cargoKind, EVKG.NucleicAcid))
        add((cargo, EVKG.manufacture, EVKG.Recombinant))
        add((cargo, EVKG.nucleicAcidMechanism, EVKG.Expression))
        add((cargo, EVKG.effectIsGenetic, Literal(True)))
        add((cargo, EVKG.loadedBy, EVKG.ProducerCellEngineering))
    elif kind == "protein":
        add((cargo, RDFS.label, Literal("displayed interleukin-12")))
        add((cargo, EVKG.cargoKind, EVKG.RecombinantProtein))
        add((cargo, EVKG.manufacture, EVKG.Recombinant))
        add((cargo, EVKG.lengthAminoAcids, Literal(503)))
        add((cargo, EVKG.loadedBy, EVKG.ProducerCellEngineering))
    else:
        add((cargo, RDFS.label, Literal("paclitaxel")))
        add((cargo, EVKG.cargoKind, EVKG.SmallMolecule))
        add((cargo, EVKG.cargoIdentity, OBO["CHEBI_45863"]))
        add((cargo, EVKG.loadedBy, EVKG.PassiveIncubation))
    amount = BNode()
    add((cargo, EVKG.cargoAmountPerDose, amount))
    add((amount, RDF.type, EVKG.Measurement))
    add((amount, EVKG.quantityKind, EVKG.CargoMass))
    add((amount, EVKG.value, Literal(str(rng.randint(1, 500)), datatype=XSD.decimal)))
    add((amount, EVKG.unit, EVKG.Microgram))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100, help="how many products (default 100)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, help="write one Turtle file with every product")
    parser.add_argument("--split-dir", type=Path, help="write one Turtle file per product into this folder")
    args = parser.parse_args(argv)
    graph = make_products(args.products, args.seed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        graph.serialize(args.out, format="turtle")
        print(f"wrote {args.products} products ({len(graph)} triples) to {args.out}", file=sys.stderr)
    if args.split_dir:
        args.split_dir.mkdir(parents=True, exist_ok=True)
        for index in range(args.products):
            single = make_products_one(graph, index)
            single.serialize(args.split_dir / f"product-{index:06d}.ttl", format="turtle")
        print(f"wrote {args.products} files to {args.split_dir}", file=sys.stderr)
    if not args.out and not args.split_dir:
        sys.stdout.write(graph.serialize(format="turtle"))
    return 0


def make_products_one(graph: Graph, index: int) -> Graph:
    """The sub-graph of one generated product (its node and everything reachable from it)."""
    product = EVD[f"product/synthetic-{index:06d}"]
    from evkg.io.rdf import add_bounded_description

    single = Graph()
    single.bind("evkg", EVKG)
    add_bounded_description(graph, [product], single)
    return single


if __name__ == "__main__":
    sys.exit(main())
