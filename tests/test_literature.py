"""The literature layer on real reference exports: paper IRIs, import and de-duplication, resolving sources,
`evkg cite` and the literature queries."""
from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from evkg.cli import main
from evkg.core.namespaces import BIBO, DCT, FABIO
from evkg.graph.queries import run_named_query
from evkg.literature.cite import citation_sources, format_bibtex
from evkg.literature.formats import read_references
from evkg.literature.identifiers import paper_iri
from evkg.literature.importer import import_into_file, import_references
from evkg.literature.sources import resolve_source, unresolved_sources

REFS = Path(__file__).parent / "fixtures" / "references"
ROOT = Path(__file__).resolve().parent.parent
ALL_EXPORTS = sorted(REFS.iterdir())
EVD = "https://w3id.org/evkg/data/"
LENER = URIRef(EVD + "paper/doi/10.3402/jev.v4.30087")
LOTVALL = URIRef(EVD + "paper/doi/10.3402/jev.v3.26913")
GIEBEL = URIRef(EVD + "paper/doi/10.21037/sci.2017.09.06")


# --- paper IRIs ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("written", [
    "10.3402/jev.v4.30087", "10.3402/JEV.V4.30087", "doi:10.3402/jev.v4.30087", "DOI: 10.3402/jev.v4.30087",
    "https://doi.org/10.3402/jev.v4.30087", "http://dx.doi.org/10.3402/JEV.v4.30087",
    "https://doi.org/10.3402%2Fjev.v4.30087", "  10.3402/jev.v4.30087  ",
])
def test_every_way_of_writing_a_doi_gives_the_same_iri(written):
    assert paper_iri(doi=written) == LENER


def test_paper_iri_encodes_only_what_an_iri_forbids():
    sici = "10.1002/(SICI)1097-4636(199601)30:1<1::AID-JBM1>3.0.CO;2-U"
    assert str(paper_iri(doi=sici)) == EVD + "paper/doi/10.1002/(sici)1097-4636(199601)30:1%3C1::aid-jbm1%3E3.0.co;2-u"
    assert str(paper_iri(doi="10.1000/a#b?c{d}")) == EVD + "paper/doi/10.1000/a%23b%3Fc%7Bd%7D"


def test_paper_iri_prefers_doi_and_falls_back_to_pmid():
    assert paper_iri(doi="10.3402/jev.v4.30087", pmid="26725829") == LENER
    assert str(paper_iri(pmid="PMID: 37356708")) == EVD + "paper/pmid/37356708"
    with pytest.raises(ValueError, match="DOI or a PubMed ID"):
        paper_iri()
    with pytest.raises(ValueError, match="not a DOI"):
        paper_iri(doi="jev.v4.30087")
    with pytest.raises(ValueError, match="not a PubMed ID"):
        paper_iri(pmid="PMC4698466")


def test_bundled_papers_are_named_by_their_own_identifiers():
    graph = Graph().parse(ROOT / "data" / "literature" / "core.ttl")
    papers = set(graph.subjects(RDF.type, FABIO.JournalArticle))
    assert len(papers) >= 30
    for paper in papers:
        doi, pmid = graph.value(paper, BIBO.doi), graph.value(paper, FABIO.hasPubMedId)
        assert paper == paper_iri(doi=doi, pmid=pmid), paper
        head = graph.value(paper, BIBO.authorList)
        if head is not None:
            assert set(Collection(graph, head)) == set(graph.objects(paper, DCT.creator)), paper
    for key in (LENER, LOTVALL, paper_iri(doi="10.1080/20013078.2018.1535750"), paper_iri(doi="10.1002/jev2.12404"),
                paper_iri(doi="10.1080/20013078.2019.1609206"), paper_iri(doi="10.3390/ijms18061190")):
        assert key in papers


# --- reading and importing -------------------------------------------------------------------------------------
def test_import_of_real_exports_counts_added_merged_and_skipped():
    report = import_references(ALL_EXPORTS)
    assert (len(report.added), len(report.merged), len(report.skipped)) == (12, 3, 1)
    assert not report.file_errors
    assert report.exit_code == 1
    broken = report.skipped[0]
    assert broken.key == "broken2016" and broken.line == 25 and broken.path.endswith("ev-positions.bib")
    summary = report.summary()
    assert "12 added, 3 merged, 1 skipped" in summary
    assert "ev-positions.bib, line 25: entry 'broken2016'" in summary
    # the entry after the broken one is imported all the same
    assert paper_iri(doi="10.1038/nature22341") in report.added


def test_the_same_paper_twice_is_one_node_with_merged_fields():
    graph = import_references(ALL_EXPORTS).graph
    lener_nodes = {s for s in graph.subjects(BIBO.doi, None) if str(graph.value(s, BIBO.doi)).lower() == "10.3402/jev.v4.30087"}
    assert lener_nodes == {LENER}
    assert str(graph.value(LENER, FABIO.hasPubMedCentralId)) == "PMC4698466"  # from the BibTeX entry
    # Lötvall 2014: DOI from BibTeX, PMID and PMCID from the MEDLINE record
    assert str(graph.value(LOTVALL, FABIO.hasPubMedId)) == "25536934"
    assert str(graph.value(LOTVALL, FABIO.hasPubMedCentralId)) == "PMC4275645"
    # Giebel 2017: PMID only in the CSL-JSON file, DOI in the MEDLINE file -> one node named by the DOI
    assert str(graph.value(GIEBEL, FABIO.hasPubMedId)) == "29167805"
    assert (URIRef(EVD + "paper/pmid/29167805"), None, None) not in graph
    assert len(set(graph.subjects(RDF.type, FABIO.JournalArticle))) == 12


@pytest.mark.parametrize("name, key, authors, title_start, year", [
    ("ev-positions.bib", "lotvall2014", ["Lötvall J", "Hill AF", "Hochberg F", "Buzás EI", "Di Vizio D", "Théry C"],
     "Minimal experimental requirements", "2014"),
    ("misev.ris", "witwer2019", ["Witwer KW", "Van Balkom BWM", "Bruno S"], "Defining mesenchymal", "2019"),
    ("delivery.json", "alvarez-erviti2011", ["Alvarez-Erviti L", "Seow Y", "Yin H", "Betts C", "Lakhal S", "Wood MJA"],
     "Delivery of siRNA", "2011"),
    ("pubmed.nbib", "PMID 25536934", ["Lotvall J", "Hill AF", "Thery C"], "Minimal experimental requirements for "
     "definition of extracellular vesicles and their functions", "2014"),
    ("pubmed.xml", "PMID 39454583", ["Fujita M", "Hatta T", "Ikka T", "Onishi T"], "The urgent need", "2024"),
])
def test_each_format_is_read_with_authors_title_and_year(name, key, authors, title_start, year):
    refs, problems = read_references(REFS / name)
    found = {ref.key: ref for ref in refs}
    assert key in found, sorted(found)
    ref = found[key]
    assert ref.authors == authors
    assert ref.title.startswith(title_start)
    assert ref.year == year
    assert ref.line is not None and ref.line >= 1
    if name != "ev-positions.bib":
        assert problems == []


def test_identifiers_from_each_format():
    by_pmid = {}
    for path in ALL_EXPORTS:
        for ref in read_references(path)[0]:
            by_pmid.setdefault(ref.pmid, ref)
    assert by_pmid["31069028"].doi == "10.1080/20013078.2019.1609206"  # RIS: AN holds the PMID
    assert by_pmid["39454583"].pmcid == "PMC11589178"  # PubMed XML ArticleIdList
    assert by_pmid["36050142"].doi == "10.1016/j.mam.2022.101138"  # MEDLINE AID [doi]


IL12_BIB = ("@article{nguyen2020il12,\n  author = {Nguyen, Khue G. and Zaharoff, David A.},\n"
            "  title = {Localized Interleukin-12 for Cancer Immunotherapy},\n"
            "  journal = {Frontiers in Immunology}, year = {2020}, volume = {11}, pages = {575597},\n"
            "  doi = {10.3389/fimmu.2020.575597}, pmid = {33178203}\n}\n")


def test_import_into_a_file_twice_adds_nothing_new(tmp_path):
    export = tmp_path / "il12.bib"
    export.write_text(IL12_BIB, encoding="utf-8")
    target = tmp_path / "refs.ttl"
    first, _ = import_into_file([export], target)
    assert (len(first.added), len(first.merged)) == (1, 0)
    size = len(Graph().parse(target))
    second, _ = import_into_file([export], target)
    assert (len(second.added), len(second.merged)) == (0, 1)
    assert len(Graph().parse(target)) == size


def test_cli_import_exit_codes_and_default_location(tmp_path, monkeypatch, capsys):
    target = tmp_path / "mine.ttl"
    # every paper in the fixtures is in evkg's own bibliography already: reported, not copied
    assert main(["literature", "import", *map(str, ALL_EXPORTS), "--into", str(target)]) == 1
    out = capsys.readouterr().out
    assert "0 added, 0 merged, 15 already present, 1 skipped" in out and "broken2016" in out and "line 25" in out
    assert "already present in evkg's bibliography as evd:paper/doi/10.1016/j.stemcr.2024.09.008" in out
    assert not target.exists()

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    export = tmp_path / "il12.bib"
    export.write_text(IL12_BIB, encoding="utf-8")
    assert main(["literature", "import", str(export)]) == 0
    default = tmp_path / "data-home" / "evkg" / "references.ttl"
    assert paper_iri(doi="10.3389/fimmu.2020.575597") in set(Graph().parse(default).subjects())
    capsys.readouterr()

    bad = tmp_path / "broken.json"
    bad.write_text('[{"id": "x", "title": "unterminated}', encoding="utf-8")
    assert main(["literature", "import", str(bad), "--into", str(target)]) == 2
    assert "error: " in (said := capsys.readouterr()).err and "broken.json, line 1" in said.err  # errors: stderr
    assert main(["literature", "import", str(tmp_path / "missing.bib"), "--into", str(target)]) == 2


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE PubmedArticleSet [<!ENTITY boom "boom"><!ENTITY a "&boom;&boom;&boom;">]>',
    '<!DOCTYPE PubmedArticleSet [<!ENTITY ext SYSTEM "http://127.0.0.1:9/secret">]>',
])
def test_pubmed_xml_with_entities_is_refused(tmp_path, doctype):
    path = tmp_path / "evil.xml"
    path.write_text(f'<?xml version="1.0"?>\n{doctype}\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
                    '<PMID>1</PMID><Article><ArticleTitle>&a;</ArticleTitle></Article></MedlineCitation>'
                    '</PubmedArticle></PubmedArticleSet>', encoding="utf-8")
    report = import_references([path])
    assert report.exit_code == 2 and not report.added
    assert "entities" in report.file_errors[0].message


def test_entry_without_any_identifier_is_rejected_by_key_and_line(tmp_path):
    path = tmp_path / "noid.ris"
    path.write_text((REFS / "misev.ris").read_text(encoding="utf-8").replace("AN  - 31069028\n", "")
                    .replace("DO  - 10.1080/20013078.2019.1609206\n", ""), encoding="utf-8")
    report = import_references([path])
    assert (len(report.added), len(report.skipped)) == (2, 1)
    problem = report.skipped[0]
    assert problem.key == "witwer2019" and problem.line == 17 and "DOI" in problem.message


# --- resolving sources -----------------------------------------------------------------------------------------
def test_resolve_source_finds_papers_registry_records_and_user_references(tmp_path):
    lener = resolve_source(LENER)
    assert lener["kind"] == "paper" and lener["pmid"] == "26725829" and lener["label"] == "Lener et al. 2015"
    assert resolve_source("https://doi.org/10.3402/JEV.V4.30087")["iri"] == str(LENER)
    record = resolve_source("https://clinicaltrials.gov/study/NCT04493242")
    assert record["kind"] == "registry-record" and record["identifier"] == "NCT04493242"
    assert resolve_source(EVD + "paper/doi/10.9999/not-a-real-paper") is None
    # a paper outside the bundled literature resolves once the user has imported it
    export = tmp_path / "il12.bib"
    export.write_text("@article{nguyen2020il12,\n  author = {Nguyen, Khue G. and Zaharoff, David A.},\n"
                      "  title = {Localized Interleukin-12 for Cancer Immunotherapy},\n"
                      "  journal = {Frontiers in Immunology}, year = {2020}, volume = {11}, pages = {575597},\n"
                      "  doi = {10.3389/fimmu.2020.575597}, pmid = {33178203}\n}\n", encoding="utf-8")
    il12 = paper_iri(doi="10.3389/fimmu.2020.575597")
    mine = tmp_path / "mine.ttl"
    assert resolve_source(il12, user_references=mine) is None
    import_into_file([export], mine)
    record = resolve_source(il12, user_references=mine)
    assert record["authors"] == ["Nguyen KG", "Zaharoff DA"] and record["year"] == "2020"


def test_unresolved_sources_names_subject_and_source():
    graph = Graph()
    good, bad = URIRef(EVD + "product/a"), URIRef(EVD + "product/b")
    graph.add((good, DCT.source, LENER))
    graph.add((bad, DCT.source, URIRef(EVD + "paper/doi/10.9999/typo")))
    graph.add((bad, DCT.source, Literal("a note, not an IRI")))
    assert unresolved_sources(graph) == [(bad, URIRef(EVD + "paper/doi/10.9999/typo"))]


# --- evkg cite -------------------------------------------------------------------------------------------------
def test_cite_product_shows_lener_and_its_own_paper(capsys):
    assert main(["cite", "dex-melanoma"]) == 0
    out = capsys.readouterr().out
    assert "Lener T, Gimona M" in out and "(2015)" in out and "doi:10.3402/jev.v4.30087" in out
    assert "Escudier B" in out and "doi:10.1186/1479-5876-3-10" in out
    assert "PMID 26725829" in out


def test_cite_bibtex_parses_back(capsys):
    assert main(["cite", "dex-melanoma", "--format", "bibtex"]) == 0
    library = bibtexparser.parse_string(capsys.readouterr().out)
    assert not library.failed_blocks
    dois = {e.fields_dict["doi"].value for e in library.entries if "doi" in e.fields_dict}
    assert {"10.3402/jev.v4.30087", "10.1186/1479-5876-3-10"} <= dois
    assert len({e.key for e in library.entries}) == len(library.entries)
    assert len(library.entries) == len(citation_sources("dex-melanoma").sources)


def test_cite_csl_json_and_rule(capsys):
    assert main(["cite", "exoflo", "--format", "csl-json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert any(item.get("DOI") == "10.1089/scd.2020.0080" for item in items)  # Sengupta et al. 2020
    assert any(item.get("PMID") == "37356708" for item in items)  # Lightner et al. 2023
    assert main(["cite", "EU-10"]) == 0
    out = capsys.readouterr().out
    # the rule's provision and the act it belongs to, each with its official identifier
    assert "Directive 2001/83/EC, Annex I, Part IV, 2.1" in out and "CELEX 32001L0083" in out


def test_cite_unknown_name_suggests_the_closest(capsys):
    assert main(["cite", "exofloo"]) == 2
    err = capsys.readouterr().err
    assert "exofloo" in err and "exoflo" in err


def test_bibtex_of_a_paper_alone(capsys):
    text = format_bibtex(citation_sources("lener2015"))
    entry = bibtexparser.parse_string(text).entries[0]
    assert entry.fields_dict["author"].value.startswith("Lener, T. and Gimona, M.")


# --- literature queries on the built graph ---------------------------------------------------------------------
def test_lener_citation_network(built_store):
    rows = run_named_query("literature-lener2015-citations", store=built_store).records()
    cites = {r["work"] for r in rows if r["direction"] == "cites"}
    cited_by = {r["work"] for r in rows if r["direction"] == "cited by"}
    assert {str(LOTVALL), EVD + "paper/doi/10.1038/leu.2014.41"} <= cites
    assert {EVD + "paper/doi/10.1080/20013078.2018.1535750", EVD + "paper/doi/10.1002/jev2.12404",
            EVD + "paper/doi/10.1080/20013078.2019.1609206"} <= cited_by
    assert all(int(r["year"]) <= 2015 for r in rows if r["direction"] == "cites")


def test_product_evidence_and_first_reports(built_store):
    rows = run_named_query("literature-product-evidence", store=built_store, product="dex-melanoma").records()
    sources = {r["source"] for r in rows}
    assert {str(LENER), EVD + "paper/doi/10.1186/1479-5876-3-10"} <= sources
    assert any(r["basis"] == "classification" for r in rows)
    # a cited provision names the act it belongs to (evkg:provisionOf)
    directive = EVD + "act/eu-dir-2001-83"
    assert any(r["act"] == directive for r in rows if r["source"].startswith(directive + "/"))
    first = run_named_query("literature-first-reports", store=built_store, paper="10.1186/s40824-016-0068-0")
    assert EVD + "product/msc-ev-ckd" in set(first.column("subject"))


def test_rule_sources_and_single_source_claims(built_store):
    rows = run_named_query("literature-rule-sources", store=built_store, rule="EU-10").records()
    assert EVD + "act/eu-dir-2001-83/annex-i-part-iv-2-1" in {r["source"] for r in rows}
    single = run_named_query("literature-single-source-claims", store=built_store).records()
    assert single
    from evkg.core import resources

    data = resources.data_graph() + resources.ontology_graph()
    for row in single[:50]:
        claim = URIRef(row["claim"])
        found = {o for p in (DCT.source, URIRef("http://purl.org/spar/cito/citesAsEvidence"),
                             URIRef("http://purl.org/spar/cito/citesAsAuthority"))
                 for o in data.objects(claim, p)}
        if found:  # claims from shapes and rules live outside these two graphs
            assert len(found) == 1, (claim, found)


def test_and_others_is_not_an_author_and_cite_finds_imports_by_key_doi_and_curie(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    export = tmp_path / "mine.bib"
    export.write_text("@article{nguyen2020il12,\n  author = {Nguyen, Khue G. and Zaharoff, David A. and others},\n"
                      "  title = {Localized Interleukin-12 for Cancer Immunotherapy},\n  year = {2020},\n"
                      "  doi = {10.3389/fimmu.2020.575597}\n}\n", encoding="utf-8")
    assert main(["literature", "import", str(export)]) == 0
    saved = Graph().parse(tmp_path / "data-home" / "evkg" / "references.ttl")
    il12 = paper_iri(doi="10.3389/fimmu.2020.575597")
    assert sorted(str(a) for a in saved.objects(il12, DCT.creator)) == ["Nguyen KG", "Zaharoff DA"]
    assert str(saved.value(il12, RDFS.label)) == "Nguyen et al. 2020"
    capsys.readouterr()
    for name in ("nguyen2020il12", "10.3389/fimmu.2020.575597", "doi:10.3389/FIMMU.2020.575597",
                 "https://doi.org/10.3389/fimmu.2020.575597", "evd:paper/doi/10.3389/fimmu.2020.575597"):
        assert main(["cite", name]) == 0, name
        assert "Localized Interleukin-12" in capsys.readouterr().out, name


def test_authors_with_initials_outside_ascii_are_split_into_family_and_given(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    export = tmp_path / "nordic.bib"
    export.write_text("@article{oster2024,\n  author = {Øster, Åse and Çelik, Mehmet and Ødegård, Ørjan Ævar},\n"
                      "  title = {Vesicles in the north},\n  year = {2024},\n  doi = {10.5555/evkg.nordic.1}\n}\n",
                      encoding="utf-8")
    assert main(["literature", "import", str(export)]) == 0
    capsys.readouterr()
    assert main(["cite", "oster2024", "--format", "bibtex"]) == 0
    entry = bibtexparser.parse_string(capsys.readouterr().out).entries[0]
    assert entry["author"] == "Øster, Å. and Çelik, M. and Ødegård, Ø. Æ."
    assert main(["cite", "oster2024", "--format", "csl-json"]) == 0
    authors = json.loads(capsys.readouterr().out)[0]["author"]
    assert authors == [{"family": "Øster", "given": "Å"}, {"family": "Çelik", "given": "M"},
                       {"family": "Ødegård", "given": "ØÆ"}]


def imported(tmp_path, monkeypatch, capsys, name: str, text: str) -> None:
    """Import one export file into a fresh user library, as a curator does."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    assert main(["literature", "import", str(export)]) == 0
    capsys.readouterr()


def test_cite_finds_a_paper_by_its_pubmed_id_as_queries_accept_it(tmp_path, monkeypatch, capsys):
    imported(tmp_path, monkeypatch, capsys, "pubmed.nbib",
             "PMID- 99999902\nTI  - Bacterial vesicles as vaccines.\nAU  - Astrom K\nDP  - 2018\n"
             "LID - 10.5555/evkg.vacc.2018 [doi]\n")
    # a bundled paper named by its PMID, a bundled paper named by its DOI, and an imported one
    for name, said in (("pmid:37356708", "Lightner"), ("PMID 32380908", "Sengupta"), ("PMID:99999902", "Astrom"),
                       ("pmid: 99999902", "Bacterial vesicles")):
        assert main(["cite", name]) == 0, name
        assert said in capsys.readouterr().out, name


def test_cite_of_text_with_spaces_is_an_unknown_name_without_noise():
    import os
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "evkg.cli", "cite", "exo flo"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == ("error: nothing called 'exo flo' is in the knowledge graph. Closest names: "
                                  "exoflo, exoil12, iexosomes."), run.stderr


def test_cite_of_an_id_not_in_the_graph_points_to_explain_for_a_product_of_ones_own(capsys):
    # the id of one's own product got only a list of unrelated names
    from evkg.cli import main

    assert main(["cite", "my-knee-ev"]) == 2
    assert "`evkg explain YOUR-FILE` gives the rules and legal sources" in capsys.readouterr().err


def test_a_query_on_an_imported_paper_says_imports_are_not_in_the_built_graph(tmp_path, monkeypatch, capsys,
                                                                              built_store_path):
    imported(tmp_path, monkeypatch, capsys, "mine.bib",
             "@article{mine2024,\n  author = {Smith, John},\n  title = {Lung repair},\n  year = {2024},\n"
             "  doi = {10.5555/evkg.mine.2024}\n}\n")
    code = main(["query", "literature-first-reports", "--param", "paper=10.5555/evkg.mine.2024",
                 "--store", str(built_store_path)])
    err = capsys.readouterr().err
    assert code == 2 and "there is no paper '10.5555/evkg.mine.2024'" in err, err
    assert "imported with `evkg literature import` are not in the built graph; `evkg cite` finds them" in err, err
    assert main(["cite", "10.5555/evkg.mine.2024"]) == 0 and "Lung repair" in capsys.readouterr().out


def test_a_retracted_paper_is_imported_with_a_warning_and_cited_as_retracted(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    exports = {
        "a.bib": "@article{doe2020,\n  author = {Doe, Jane},\n  title = {Exosomes cure everything},\n"
                 "  year = {2020},\n  doi = {10.5555/evkg.retracted.bib},\n"
                 "  note = {Retraction in: Fake J 2021;5:1},\n}\n",
        "b.ris": "TY  - JOUR\nID  - roe2019\nAU  - Roe, R\nTI  - Retracted: Vesicles everywhere\nPY  - 2019\n"
                 "DO  - 10.5555/evkg.retracted.ris\nER  - \n",
        "c.json": '[{"id": "poe2018", "type": "article-journal", "title": "Vesicle dosing", "note": "This article '
                  'has been retracted.", "issued": {"date-parts": [[2018]]}, "DOI": "10.5555/evkg.retracted.csl"}]',
        "d.nbib": "PMID- 99999911\nTI  - Bacterial vesicles as vaccines.\nAU  - Astrom K\nDP  - 2018\n"
                  "PT  - Journal Article\nPT  - Retracted Publication\nRIN - Vaccine. 2019;1:2.\n",
        "e.nbib": "PMID- 99999912\nTI  - A sound paper on vesicles.\nAU  - Sound S\nDP  - 2018\n"
                  "PT  - Journal Article\n",
        "f.xml": ("<?xml version=\"1.0\"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99999913</PMID>"
                  "<Article><Journal><Title>Vaccine</Title><JournalIssue><PubDate><Year>2018</Year></PubDate>"
                  "</JournalIssue></Journal><ArticleTitle>Vesicle vaccines.</ArticleTitle></Article>"
                  "<CommentsCorrectionsList><CommentsCorrections RefType=\"RetractionIn\"><RefSource>Vaccine. "
                  "2019;1:2</RefSource></CommentsCorrections></CommentsCorrectionsList></MedlineCitation>"
                  "</PubmedArticle></PubmedArticleSet>\n"),
    }
    for name, text in exports.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["literature", "import", *(str(tmp_path / name) for name in exports)]) == 0
    out = capsys.readouterr().out
    for key in ("doe2020", "roe2019", "poe2018", "PMID 99999911", "PMID 99999913"):
        assert f"entry '{key}': is marked as retracted" in out, (key, out)
    assert "99999912" not in out and out.count("is marked as retracted") == 5, out
    for name in ("doe2020", "roe2019", "poe2018", "pmid:99999911", "pmid:99999913"):
        assert main(["cite", name]) == 0
        assert "[RETRACTED]" in capsys.readouterr().out, name
    assert main(["cite", "pmid:99999912"]) == 0 and "[RETRACTED]" not in capsys.readouterr().out


def test_into_an_export_or_a_damaged_turtle_file_says_what_into_is_for(tmp_path, capsys):
    export = tmp_path / "library.bib"
    export.write_text(IL12_BIB, encoding="utf-8")
    before = export.read_bytes()
    assert main(["literature", "import", str(export), "--into", str(export)]) == 2
    err = capsys.readouterr().err
    assert ("library.bib: is not a Turtle (.ttl) file: --into names the Turtle file evkg keeps the imported "
            "references in") in err and "to import library.bib, give it without --into" in err, err
    assert export.read_bytes() == before
    damaged = tmp_path / "mine.ttl"
    damaged.write_text("@prefix x: <urn:x:> .\nx:a x:b x:c .\nthis is not turtle\n", encoding="utf-8")
    assert main(["literature", "import", str(export), "--into", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert "mine.ttl: the references file is not valid Turtle (line 3). Fix or move it" in err, err
    assert "Bad syntax" not in err and "b'" not in err, err
