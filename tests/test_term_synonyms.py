"""Term search finds terms by the names and abbreviations EV papers use (MSC, microRNA, sEV, OMV, ATMP), from the
ontology's own synonyms (skos:altLabel), on the command line, in the writing page's look-up and on /terms."""
from __future__ import annotations

import json

import httpx
import pytest

from cli_session import run, write
from evkg.web.app import running_server


def hits(capsys, *words):
    code, out, err = run(capsys, "terms", "search", *words, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("words, curie", [
    (["microRNA"], "SO:0000276"),
    (["MSC"], "CL:0000134"),
    (["mesenchymal", "stromal", "cell"], "CL:0000134"),
    (["umbilical", "cord", "mesenchymal"], "CL:0002569"),
    (["sEV"], "evkg:SmallEV"),
    (["OMV"], "evkg:OuterMembraneVesicle"),
    (["EV"], "evkg:ExtracellularVesicle"),
    (["ATMP"], "evkg:EU_ATMP"),
    (["microvesicle"], "GO:1990742"),
])
def test_a_common_name_or_abbreviation_finds_the_term_first(capsys, words, curie):
    assert hits(capsys, *words)[0]["curie"] == curie


def test_a_short_abbreviation_does_not_match_inside_other_words(capsys):
    # "ev" is inside "cerevisiae": an abbreviation of two letters is matched at the start of a word only
    assert "NCBITaxon:4932" not in [h["curie"] for h in hits(capsys, "EV")]
    assert "CVCL:0045" in [h["curie"] for h in hits(capsys, "293")]       # digits still match inside a name


def test_the_text_output_says_which_synonym_matched_and_how_to_write_an_evkg_value(capsys):
    code, out, _ = run(capsys, "terms", "search", "MSC", "-n", "1")
    assert code == 0 and "mesenchymal stem cell (also called MSC)" in out
    code, out, _ = run(capsys, "terms", "search", "sEV", "-n", "1")
    assert code == 0 and "write particleKind: SmallEV" in out
    code, out, _ = run(capsys, "terms", "search", "ATMP", "-n", "1")
    assert code == 0 and "concluded by evkg's classification" in out and "regulator's decision only" in out


def test_a_property_of_evkg_values_is_searched_by_their_names(capsys):
    code, out, err = run(capsys, "terms", "search", "OMV", "--for", "particleKind")
    assert code == 0, err
    assert "write particleKind: OuterMembraneVesicle" in out
    code, out, err = run(capsys, "terms", "search", "MSC", "--for", "producerCellType")
    assert code == 0 and out.startswith("CL:0000134"), err


def test_a_synonym_written_as_a_value_reads_as_the_value(capsys, tmp_path):
    source = write(tmp_path, "p.yaml", "id: p\ntype: EVProduct\nhasEVComponent:\n  - type: EVPreparation\n"
                                       "    particleKind: OMV\n")
    code, out, err = run(capsys, "convert", source, "--to", "ttl")
    assert code == 0, err
    assert "evkg:OuterMembraneVesicle" in out


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        with httpx.Client(base_url=url, timeout=120) as client:
            yield client


def test_the_writing_page_look_up_finds_synonyms(server):
    answer = server.get("/api/terms", params={"q": "MSC", "for": "producerCellType", "limit": "5"}).json()
    assert answer["terms"][0]["curie"] == "CL:0000134"
    answer = server.get("/api/terms", params={"q": "microRNA", "limit": "5"}).json()
    assert answer["terms"][0]["curie"] == "SO:0000276"


def test_the_term_index_page_filters_by_synonyms(server):
    page = server.get("/terms", headers={"Accept": "text/html"}).text
    row = next(line for line in page.splitlines() if 'href="/terms/evkg:OuterMembraneVesicle"' in line)
    assert " omv " in row.split('data-text="', 1)[1].split('"', 1)[0]


def test_the_help_says_what_the_search_finds(capsys):
    code, out, _ = run(capsys, "terms", "search", "--help")
    assert code == 0
    assert "abbreviation" in out and "evkg's own values" in out and "--for particleKind" in out


@pytest.mark.parametrize("words, curie", [("CD-63", "uniprot:P08962"), ("CD 63", "uniprot:P08962"),
                                          ("TSG 101", "uniprot:Q99816"), ("HEK-293T", "CVCL:0063")])
def test_a_name_written_with_a_space_or_hyphen_before_its_number_is_found(capsys, words, curie):
    """"CD-63" or "TSG 101" found nothing, and the check's finding sent the user to exactly that search."""
    assert hits(capsys, words)[0]["curie"] == curie


def test_the_check_offers_the_term_for_a_marker_written_cd_63(capsys, tmp_path):
    text = ("id: k\ntype: EVProduct\nhasEVComponent:\n  - type: EVPreparation\n    markerResult:\n"
            "      - type: MarkerResult\n        marker: CD-63\n")
    _, out, _ = run(capsys, "check", write(tmp_path, "k.yaml", text))
    finding = out.split("› marker\n", 1)[1].splitlines()[0]
    assert finding.endswith("Did you mean uniprot:P08962 (CD63 antigen (CD63))? Write it as `marker: uniprot:P08962`."), \
        finding
