"""The term index: bundled terms, ontologies added from OBO, OWL and OBO-Graph JSON files, and search."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evkg.cli import main
from evkg.terms import index as term_index
from evkg.terms.index import TermIndex, iri_for_identifier, search_terms
from evkg.terms.ontology_files import add_ontology_files, read_ontology_file

ROOT = Path(__file__).resolve().parent.parent

ONTOLOGIES = Path(__file__).resolve().parent / "fixtures" / "ontologies"
OBO = "http://purl.obolibrary.org/obo/"


@pytest.fixture()
def terms_dir(tmp_path, monkeypatch):
    folder = tmp_path / "terms"
    monkeypatch.setenv("EVKG_TERMS_DIR", str(folder))
    return folder


@pytest.mark.parametrize("name, prefix, count", [("cl-excerpt.obo", "CL", 8), ("mondo-excerpt.owl", "MONDO", 6),
                                                 ("uberon-excerpt.json", "UBERON", 5)])
def test_each_ontology_format_is_read_with_labels_ancestors_and_its_prefix(name, prefix, count):
    ontology = read_ontology_file(ONTOLOGIES / name)
    assert ontology.prefixes == (prefix,)
    assert len(ontology.terms) == count
    labels = {t.label for t in ontology.terms.values()}
    assert {"mesenchymal stem cell", "osteoarthritis", "adipose tissue"} & labels


def test_ancestors_are_transitive_and_obsolete_terms_are_flagged():
    cl_file = read_ontology_file(ONTOLOGIES / "cl-excerpt.obo")
    cl = cl_file.terms
    assert f"{OBO}CL_0000000" in TermIndex(local=[cl_file]).ancestors(f"{OBO}CL_0002570")  # through MSC, stem cell…
    assert cl[f"{OBO}CL_0000063"].obsolete and not cl[f"{OBO}CL_0000134"].obsolete
    mondo_file = read_ontology_file(ONTOLOGIES / "mondo-excerpt.owl")
    mondo = mondo_file.terms
    assert f"{OBO}MONDO_0005265" in TermIndex(local=[mondo_file]).ancestors(f"{OBO}MONDO_0005011")
    assert "degenerative joint disease" in mondo[f"{OBO}MONDO_0005178"].synonyms


def test_a_file_that_is_not_an_ontology_is_refused(tmp_path):
    from evkg.core.errors import InputError

    bad = tmp_path / "notes.obo"
    bad.write_text("this is not OBO [Term\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_ontology_file(bad)


def test_kinds_come_from_ancestors_or_the_prefix():
    index = TermIndex(local=[read_ontology_file(ONTOLOGIES / "mondo-excerpt.owl")])
    disease = "https://w3id.org/evkg#DiseaseTermKind"
    assert index.kinds_of(f"{OBO}MONDO_0005011") == {disease}
    assert index.kinds_of(f"{OBO}CL_0000134") == {"https://w3id.org/evkg#CellTypeTermKind"}
    assert index.kinds_of(f"{OBO}NCIT_C2926") == {disease}                   # bundled ancestor
    assert index.kinds_of(f"{OBO}NCIT_C12345") == set()                      # NCIt has every kind: unknown
    assert index.kinds_of("https://www.cellosaurus.org/CVCL_0045") == {"https://w3id.org/evkg#CellLineTermKind"}


def test_added_ontology_covers_its_prefix_only():
    index = TermIndex(local=[read_ontology_file(ONTOLOGIES / "cl-excerpt.obo")])
    assert index.covering_ontology(f"{OBO}CL_9999999") == "cl-excerpt.obo"
    assert index.covering_ontology(f"{OBO}MONDO_9999999") is None


def test_identifiers_written_as_text_map_to_their_iri():
    assert iri_for_identifier("MONDO:0005178") == f"{OBO}MONDO_0005178"
    assert iri_for_identifier("CL_0000057") == f"{OBO}CL_0000057"
    assert iri_for_identifier("EFO:0004905") == "http://www.ebi.ac.uk/efo/EFO_0004905"
    assert iri_for_identifier("NCT04493242") is None
    assert iri_for_identifier("bone marrow") is None


def test_search_finds_bundled_terms_by_label_identifier_and_kind(terms_dir):
    hits = search_terms("mesenchymal stem cell", kind="celltype")
    assert hits[0]["iri"] == f"{OBO}CL_0000134" and hits[0]["label"] == "mesenchymal stem cell"
    assert all("cell type" in h["kinds"] for h in hits)
    assert search_terms("MONDO:0005178")[0]["label"] == "osteoarthritis"
    assert [h["curie"] for h in search_terms("sapiens", kind="taxon")] == ["NCBITaxon:9606"]
    assert search_terms("sapiens", kind="disease") == []
    assert len(search_terms("cell", limit=3)) == 3


def test_search_sees_added_ontologies_and_their_synonyms(terms_dir):
    assert search_terms("degenerative joint") == []
    add_ontology_files([ONTOLOGIES / "mondo-excerpt.owl", ONTOLOGIES / "uberon-excerpt.json"])
    hits = search_terms("degenerative joint")
    assert [(h["curie"], h["source"]) for h in hits] == [("MONDO:0005178", "mondo-excerpt.owl")]
    assert search_terms("fat tissue", kind="anatomical entity")[0]["curie"] == "UBERON:0001013"


def test_unknown_kind_is_a_usage_error_naming_the_kinds():
    from evkg.core.errors import UsageError

    with pytest.raises(UsageError, match="celltype"):
        search_terms("x", kind="organ")


def test_cli_adds_files_and_searches(terms_dir, capsys):
    assert main(["terms", "add", str(ONTOLOGIES / "cl-excerpt.obo")]) == 0
    assert "8 terms (covers CL)" in capsys.readouterr().out
    assert (terms_dir / "cl-excerpt.obo.json").exists()
    assert main(["terms", "search", "cell by histology"]) == 0
    out = capsys.readouterr().out
    assert "CL:0000063" in out and "(obsolete)" in out
    assert main(["terms", "search", "no such thing at all"]) == 1
    term_index._default_index.cache_clear()


def test_did_you_mean_offers_only_what_the_key_allows():
    from rdflib.namespace import RDF

    from evkg.core.namespaces import EVKG
    from evkg.validation.terms import closest_evkg_names

    approach = closest_evkg_names("Vaccine", EVKG.therapeuticApproach)      # prefixed names, as messages give
    assert "evkg:PathogenVaccination" in approach
    assert not {"evkg:US_Vaccine", "evkg:EU_Vaccine", "evkg:Q_US_Vaccine"} & set(approach)
    assert all(name.startswith("evkg:") for name in approach)
    assert closest_evkg_names("EVProdutc", RDF.type) == ["evkg:EVProduct"]
    assert closest_evkg_names("SmallEv", EVKG.particleKind)[0] == "evkg:SmallEV"
    assert "evkg:cellContent" in closest_evkg_names("cellcontent", as_property=True)


def test_identifiers_outside_obo_get_their_own_iris():
    assert iri_for_identifier("CVCL:0063") == "https://www.cellosaurus.org/CVCL_0063"
    assert iri_for_identifier("HGNC:1100") == "http://identifiers.org/hgnc/1100"


@pytest.mark.parametrize("prop, words, line", [
    ("indication", "disease", "indication: {curie}\n"),
    ("producerCellType", "stem cell", None),
])
def test_every_term_the_search_offers_for_a_property_is_accepted_there(tmp_path, capsys, prop, words, line):
    """What `evkg terms search … --for PROPERTY` prints can be pasted into that property and passes its checks."""
    from evkg.authoring.terms import search_terms as search_for
    from evkg.cli import main

    e1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml"
    hits = search_for(words, for_property=prop, limit=6)
    assert len(hits) >= 3
    for hit in hits:
        text = e1.read_text(encoding="utf-8")
        if line:
            text = text.replace("\nlabel:", "\n" + line.format(curie=hit["curie"]) + "label:", 1)
        else:
            text = text.replace("producerCellType: CL:0000134", f"producerCellType: {hit['curie']}", 1)
        path = tmp_path / f"{prop}.yaml"
        path.write_text(text, encoding="utf-8")
        main(["check", "-q", "--no-classify", "-f", "json", str(path)])
        product = json.loads(capsys.readouterr().out)["files"][0]["products"][0]
        rejected = [r["constraint"] for r in product["results"]
                    if (r["path"] or "").endswith("#" + prop) and r["severity"] == "Violation"]
        assert rejected == [], (hit["curie"], rejected)


def test_a_search_for_a_property_says_when_only_terms_of_other_properties_match(capsys):
    assert main(["terms", "search", "HEK", "--for", "producerCellType"]) == 1
    out = capsys.readouterr().out
    assert "No term that producerCellType accepts matches 'HEK'" in out
    assert "HEK293 CVCL:0045 (cell line; write it under cellLine)" in out, out


def test_a_search_for_a_property_leaves_out_obsolete_terms_the_checks_refuse():
    from evkg.authoring.terms import search_terms as search_for

    assert any(h["obsolete"] for h in search_terms("cell", limit=200))
    offered = search_for("cell", for_property="producerCellType", limit=50)
    assert offered and not any(h["obsolete"] for h in offered)


def test_no_match_says_a_known_curie_can_still_be_written_and_that_is_true(tmp_path, capsys):
    """The message for a term evkg does not know promises that the CURIE is accepted with a TERM-02 warning;
    a description using such a CURIE gets exactly that, and no violation on the property."""
    from evkg.cli import main

    assert main(["terms", "search", "hepatocellular carcinoma of the imaginary gland"]) == 1
    said = capsys.readouterr().out
    assert "CURIE" in said and "TERM-02" in said and "evkg terms add" in said
    e2 = ROOT / "examples" / "valid" / "e2-hek293-mrna-liver.yaml"
    text = e2.read_text(encoding="utf-8")
    assert "indication: MONDO:" in text
    path = tmp_path / "unindexed.yaml"
    path.write_text(text.replace("indication: MONDO:", "indication: MONDO:0099999 #", 1), encoding="utf-8")
    main(["check", "-q", "--no-classify", "-f", "json", str(path)])
    product = json.loads(capsys.readouterr().out)["files"][0]["products"][0]
    on_indication = {(r["constraint"], r["severity"]) for r in product["results"]
                     if (r["path"] or "").endswith("#indication")}
    assert on_indication == {("TERM-02", "Warning")}


def test_an_empty_search_is_refused_with_an_example_not_answered_no_match(capsys):
    """An empty search (an unset shell variable) was answered "No term matches ''" with advice to add ontologies."""
    for text in ("", "   "):
        assert main(["terms", "search", text]) == 2
        said = capsys.readouterr()
        assert "evkg terms search ginger" in said.err and "No term matches" not in said.out + said.err


def test_a_long_search_without_a_match_is_not_echoed_back_whole(capsys):
    """A pasted page of text (here 100,000 characters) was printed back in full in the no-match message."""
    assert main(["terms", "search", "q" * 100_000]) == 1
    said = capsys.readouterr().out
    assert "No term matches 'qqq" in said and len(said) < 1000, len(said)


def test_a_phrase_no_label_holds_is_answered_with_the_closest_names_of_the_right_kind(capsys):
    """'pancreatic cancer' is no label's phrase: the answer was only advice, now it names the closest terms,
    the one to write first; words that share nothing with the search (heart for 'hearing loss') are not
    offered."""
    assert main(["terms", "search", "pancreatic", "cancer"]) == 1
    said = capsys.readouterr().out
    assert "Closest: pancreatic ductal adenocarcinoma (MONDO:0005184, disease or disorder)" in said
    assert main(["terms", "search", "HEK 293", "--for", "cellLine"]) == 0          # the name as written: HEK293
    assert capsys.readouterr().out.startswith("CVCL:0045          HEK293  [cell line]")
    assert main(["terms", "search", "hearing loss"]) == 1
    said = capsys.readouterr().out
    assert "Closest" not in said and "TERM-02" in said


def test_words_given_to_terms_without_search_are_shown_the_search_that_finds_them(capsys):
    """`evkg terms osteoarthritis` answered click's bare "No such command"."""
    assert main(["terms", "pancreatic cancer"]) == 2
    said = capsys.readouterr().err
    assert "evkg terms search 'pancreatic cancer'" in said and "add, search" in said
    assert main(["terms", "serch", "osteoarthritis"]) == 2
    assert "Did you mean: evkg terms search osteoarthritis?" in capsys.readouterr().err


def test_a_mistyped_terms_command_asked_for_help_suggests_the_command_not_a_search_for_help(capsys):
    """`evkg terms serach --help` suggested "evkg terms search --help ?" with a stray space, and `evkg terms list
    --help` a search for the words "list --help"."""
    assert main(["terms", "serach", "--help"]) == 2
    assert "Did you mean: evkg terms search?" in capsys.readouterr().err
    assert main(["terms", "list", "--help"]) == 2
    said = capsys.readouterr().err
    assert said.rstrip().endswith("To find a term by name: evkg terms search list"), said


def test_a_pasted_page_given_to_terms_is_not_echoed_back_whole(capsys):
    assert main(["terms", "x" * 100_000]) == 2
    said = capsys.readouterr().err
    assert "evkg terms search" in said and len(said) < 1000
    assert main(["x" * 100_000]) == 2
    said = capsys.readouterr().err
    assert "no command 'xxx" in said and len(said) < 1000


def test_a_pipe_or_a_device_named_like_an_ontology_is_called_what_it_is_not_a_missing_file(tmp_path):
    """`evkg terms add` said 'file not found.' of a pipe or a link to a device that was plainly there."""
    import os

    from evkg.core.errors import InputError

    os.mkfifo(tmp_path / "cl.obo")
    (tmp_path / "mondo.owl").symlink_to("/dev/zero")
    for name, kind in (("cl.obo", "a pipe (FIFO)"), ("mondo.owl", "a device")):
        with pytest.raises(InputError) as refused:
            read_ontology_file(tmp_path / name)
        assert f"is {kind}, not a regular file; evkg reads only regular files" in str(refused.value)


@pytest.mark.parametrize("damage", ['{"name": "cl-excerpt.obo", "terms": [{"iri": "http://pur', "[]", '{"x": 1}'])
def test_a_damaged_file_in_the_term_index_is_named_with_its_fix_not_an_internal_error(terms_dir, capsys, damage):
    """A file of the index cut short, edited or not written by evkg made every check an 'internal error ...
    a fault in evkg, not in the file' and `evkg terms search` a traceback."""
    assert main(["terms", "add", str(ONTOLOGIES / "cl-excerpt.obo")]) == 0
    (terms_dir / "cl-excerpt.obo.json").write_text(damage, encoding="utf-8")
    term_index._default_index.cache_clear()
    capsys.readouterr()
    example = Path(__file__).resolve().parents[1] / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    for command in (["terms", "search", "cell by histology"], ["check", str(example)]):
        assert main(command) == 2
        shown = capsys.readouterr()
        assert (f"{terms_dir / 'cl-excerpt.obo.json'}: is a damaged file in your term index" in shown.out + shown.err
                and "evkg terms add" in shown.out + shown.err and "internal error" not in shown.out + shown.err)
    assert main(["terms", "add", str(ONTOLOGIES / "cl-excerpt.obo")]) == 0        # the fix the message gives
    term_index._default_index.cache_clear()
    assert main(["terms", "search", "cell by histology"]) == 0
    term_index._default_index.cache_clear()


def test_a_long_unknown_property_in_terms_search_is_quoted_short(capsys):
    # the web look-up (/api/terms?for=…) sent back whatever it was given, in full
    assert main(["terms", "search", "knee", "--for", "a" * 3000]) == 2
    err = capsys.readouterr().err
    assert "no property 'aaa" in err and len(err) < 400


def _chain_obo(path: Path, levels: int, cycle: bool = False) -> Path:
    """A disease chain: MONDO:9000000 under the disease root, each next term under the one before; with `cycle`,
    the first two terms are each other's superclass too (malformed, but it happens)."""
    lines = ["format-version: 1.2", "ontology: mondo", ""]
    for n in range(levels):
        parent = "MONDO:0000001" if n == 0 else f"MONDO:{9000000 + n - 1:07d}"
        lines += ["[Term]", f"id: MONDO:{9000000 + n:07d}", f"name: chain disease {n}", f"is_a: {parent}"]
        if cycle and n == 0:
            lines.append("is_a: MONDO:9000001")
        lines.append("")
    lines += ["[Term]", "id: MONDO:0000001", "name: disease", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("cycle", [False, True])
def test_a_deep_is_a_chain_is_stored_and_walked_in_linear_size(terms_dir, tmp_path, cycle):
    """Every term's whole ancestry was stored: a 20,000-level chain (1.4 MB of OBO) took minutes and 4.6 GB to
    add. Only the direct superclasses are stored now, and kinds are found by one remembered walk."""
    levels = 3000
    add_ontology_files([_chain_obo(tmp_path / "chain.obo", levels, cycle)])
    saved = json.loads(next(terms_dir.glob("*.json")).read_text(encoding="utf-8"))
    links = sum(len(t.get("parents", [])) + len(t.get("ancestors", [])) for t in saved["terms"])
    assert links == levels + (1 if cycle else 0)             # one per is_a line, not one per ancestor
    index = TermIndex()
    disease = "https://w3id.org/evkg#DiseaseTermKind"
    deepest = f"{OBO}MONDO_{9000000 + levels - 1:07d}"
    assert index.kinds_of(deepest) == {disease}
    assert index.kinds_of(f"{OBO}MONDO_9000000") == {disease} == index.kinds_of(f"{OBO}MONDO_9000001")
    assert len(index.ancestors(deepest)) == levels                # the chain above it and the root
    assert search_terms("chain disease 2999", kind="disease")[0]["iri"] == deepest


def test_an_index_written_with_every_ancestor_still_gives_kinds(terms_dir):
    terms_dir.mkdir(parents=True)
    (terms_dir / "old.json").write_text(json.dumps({"name": "old.obo", "path": "", "prefixes": ["MONDO"], "terms": [
        {"iri": f"{OBO}MONDO_9000002", "label": "old disease", "synonyms": [], "obsolete": False, "replaced_by": [],
         "ancestors": [f"{OBO}MONDO_9000001", f"{OBO}MONDO_0000001"]}]}), encoding="utf-8")
    assert TermIndex().kinds_of(f"{OBO}MONDO_9000002") == {"https://w3id.org/evkg#DiseaseTermKind"}
