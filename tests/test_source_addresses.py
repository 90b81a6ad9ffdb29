"""A dossier cites its sources the way its writer found them: a PubMed page, an EUR-Lex or eCFR page of a law. Those
name papers and acts evkg holds, and must be understood as them; any other web page is told what to cite instead."""
from __future__ import annotations

import json

import pytest

from cli_session import run
from evkg.literature.web_addresses import act_identifier_in_link, pmid_in_link


@pytest.mark.parametrize("address, identifier", [
    ("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32007R1394", "CELEX 32007R1394"),
    ("https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX%3A32001L0083", "CELEX 32001L0083"),
    ("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02001L0083-20220101", "CELEX 32001L0083"),
    ("https://eur-lex.europa.eu/eli/reg/2017/745/oj", "CELEX 32017R0745"),
    ("http://data.europa.eu/eli/dir/2004/23/oj", "CELEX 32004L0023"),
    ("https://www.ecfr.gov/current/title-21/chapter-I/subchapter-L/part-1271", "21 CFR Part 1271"),
    ("https://www.ecfr.gov/current/title-21/part-1271/section-1271.10", "21 CFR Part 1271"),
    ("https://www.law.cornell.edu/cfr/text/21/part-312", "21 CFR Part 312"),
    ("https://www.ema.europa.eu/en/human-regulatory-overview/advanced-therapies", None),
    ("https://eur-lex.europa.eu/homepage.html", None),
])
def test_the_act_an_address_names(address, identifier):
    assert act_identifier_in_link(address) == identifier


def test_the_paper_a_pubmed_address_names():
    assert pmid_in_link("https://pubmed.ncbi.nlm.nih.gov/26725829/") == "26725829"
    assert pmid_in_link("https://www.ncbi.nlm.nih.gov/pubmed/26725829") == "26725829"
    assert pmid_in_link("https://pubmed.ncbi.nlm.nih.gov/?term=exosome") is None


def _source_warnings(capsys, tmp_path, *sources: str) -> dict[str, str]:
    description = tmp_path / "cited.yaml"
    description.write_text("id: p\ntype: EVProduct\nlabel: X\nsource:\n" + "".join(f"- {s}\n" for s in sources),
                           encoding="utf-8")
    code, out, err = run(capsys, "check", description, "--format", "json", "--no-classify")
    assert code in (0, 1), err
    results = json.loads(out)["files"][0]["products"][0]["results"]
    return {r["value"]: r["message"] for r in results if r["constraint"] == "SRC-01"}


def test_pubmed_eur_lex_and_ecfr_pages_of_what_evkg_holds_are_no_unknown_sources(capsys, tmp_path):
    # each was warned "cannot be found … check the DOI or PMID for typing errors"
    warned = _source_warnings(capsys, tmp_path,
                              "https://pubmed.ncbi.nlm.nih.gov/26725829/",            # Lener et al. 2015
                              "https://eur-lex.europa.eu/eli/reg/2007/1394/oj",
                              "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32001L0083",
                              "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-L/part-1271",
                              "https://pubmed.ncbi.nlm.nih.gov/1/")                   # a paper evkg lacks
    assert list(warned) == ["https://pubmed.ncbi.nlm.nih.gov/1/"]


def test_another_web_page_is_told_what_to_cite_instead_not_to_check_a_doi(capsys, tmp_path):
    page = "https://www.ema.europa.eu/en/human-regulatory-overview/advanced-therapy-medicinal-products-overview"
    message = _source_warnings(capsys, tmp_path, page)[page]
    assert "web page" in message and "evkg cite" in message and "DOI link" in message
    assert "typing errors" not in message


def test_cite_takes_a_pubmed_or_eur_lex_address(capsys):
    code, out, err = run(capsys, "cite", "https://pubmed.ncbi.nlm.nih.gov/26725829/")
    assert code == 0 and "Lener" in out, err
    code, out, err = run(capsys, "cite", "https://eur-lex.europa.eu/eli/dir/2001/83/oj")
    assert code == 0 and "Directive 2001/83/EC" in out, err


def test_a_home_page_or_a_page_several_acts_give_names_no_act(capsys, tmp_path):
    # the MFDS home page is the only address evkg has of the EV guideline; citing it is not citing the guideline
    shared = "https://www.law.go.kr/LSW/eng/engMain.do"                    # the page of three Korean acts
    warned = _source_warnings(capsys, tmp_path, "https://www.mfds.go.kr", shared)
    assert set(warned) == {"https://www.mfds.go.kr", shared}


def test_an_act_name_evkg_lacks_is_told_so_not_called_a_web_page(capsys, tmp_path):
    act = _source_warnings(capsys, tmp_path, "act:eu-dir-2001-83-typo")["act:eu-dir-2001-83-typo"]
    assert "web page" not in act
    assert "no law or guideline named act:eu-dir-2001-83-typo" in act
    assert "evkg cite act:eu-dir-2001-83-typo" in act
    code, out, err = run(capsys, "cite", "act:eu-dir-2001-83-typo")    # the command the message names helps
    assert code == 2 and "eu-dir-2001-83" in err


def test_a_paper_evkg_lacks_cited_by_its_doi_link_or_identifier_is_told_to_import_it_not_to_cite_its_doi_link(
        capsys, tmp_path):
    # Gorringe et al. 2009 (N. lactamica OMV vaccine), not bundled: the DOI link, evkg's paper name and the PubMed
    # page were each called "a web page" and told to "cite its DOI link", which the first already is
    doi, pmid = "10.1128/CVI.00118-09", "19553555"
    warned = _source_warnings(capsys, tmp_path, f"https://doi.org/{doi}", f"paper:doi/{doi}",
                              f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", f"paper:pmid/{pmid}")
    assert len(warned) == 4, warned
    for source, message in warned.items():
        assert "web page" not in message and "cite its DOI link" not in message, source
        assert "evkg literature import" in message and ("DOI " + doi in message or "PMID " + pmid in message), message
