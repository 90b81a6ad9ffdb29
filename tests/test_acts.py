"""The legal-act register (data/acts.ttl) and the jurisdictions (data/jurisdictions.ttl).

Every act or provision IRI that a rule, shape or ontology term cites must be registered; every act has a
label, an official identifier, a web address and a jurisdiction; every provision a label, a definition and
the act it belongs to.
"""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from evkg.core import resources

EVKG = Namespace("https://w3id.org/evkg#")
ACT_NS = "https://w3id.org/evkg/data/act/"
JURISDICTION_NS = "https://w3id.org/evkg/data/jurisdiction/"
ACT_IRI = re.compile(r"https://w3id\.org/evkg/data/act/[A-Za-z0-9/._-]*[A-Za-z0-9]")


@pytest.fixture(scope="module")
def register() -> Graph:
    graph = Graph()
    for name in ("acts.ttl", "jurisdictions.ttl"):
        graph.parse(resources.folder("data") / name, format="turtle")
    return graph


def _cited_act_iris() -> dict[str, set[str]]:
    """act IRI -> files citing it, over shapes/ and ontology/ (including IRIs inside SPARQL text)."""
    cited: dict[str, set[str]] = {}
    for folder in ("shapes", "ontology"):
        for path in resources.turtle_files(folder):
            graph = Graph().parse(path, format="turtle")
            text = " ".join(str(term) for triple in graph for term in triple)
            for iri in ACT_IRI.findall(text):
                cited.setdefault(iri, set()).add(f"{folder}/{path.name}")
    return cited


CORE_ACTS = ["eu-dir-2001-83", "eu-dir-2003-63", "eu-dir-2009-120", "eu-reg-1394-2007", "eu-reg-726-2004",
                 "eu-dir-2004-23", "eu-dir-2002-98", "eu-reg-2024-1938", "eu-dir-2001-18", "eu-dir-2009-41",
                 "eu-dir-2004-24", "eu-dir-2002-46", "eu-reg-2017-745", "eu-cjeu-c-140-07", "eu-cjeu-c-544-13",
                 "eu-ema-cat-600280-2010", "us-fdca", "us-phs-act-351", "us-21-cfr-1271", "us-21-cfr-600",
                 "us-21-cfr-3", "us-21-cfr-312", "us-fda-exosome-notice-2019", "us-fda-exosome-2020",
                 "us-fda-gene-therapy-definition", "us-fda-botanical-guidance-2016", "us-fda-rfd-guidance-2017",
                 "kr-mfds-ev-guideline-2024"]


def test_shapes_and_ontology_cite_something():
    cited = _cited_act_iris()
    assert any("shapes/rules-us.ttl" in files for files in cited.values())
    assert any("shapes/rules-kr.ttl" in files for files in cited.values())


def test_every_cited_act_or_provision_is_registered(register):
    known = set(register.subjects(RDF.type, EVKG.LegalAct)) | set(register.subjects(RDF.type, EVKG.LegalProvision))
    missing = {iri: sorted(files) for iri, files in _cited_act_iris().items() if URIRef(iri) not in known}
    assert not missing, f"cited but not in data/acts.ttl: {missing}"


@pytest.mark.parametrize("act_id", CORE_ACTS)
def test_act_ids_of_the_shared_list_are_registered(register, act_id):
    assert (URIRef(ACT_NS + act_id), RDF.type, EVKG.LegalAct) in register


def test_every_act_has_label_identifier_url_and_jurisdiction(register):
    jurisdictions = set(register.subjects(RDF.type, EVKG.Jurisdiction))
    problems = []
    for act in sorted(register.subjects(RDF.type, EVKG.LegalAct)):
        if not str(act).startswith(ACT_NS) or "/" in str(act)[len(ACT_NS):]:
            problems.append(f"{act}: an act IRI is {ACT_NS}<act-id>")
        for prop in (RDFS.label, DCTERMS.title, EVKG.officialIdentifier, FOAF.page):
            if register.value(act, prop) is None:
                problems.append(f"{act}: no {prop}")
        page = register.value(act, FOAF.page)
        if page is not None and not str(page).startswith(("http://", "https://")):
            problems.append(f"{act}: web address {page} is not http(s)")
        if register.value(act, EVKG.appliesIn) not in jurisdictions:
            problems.append(f"{act}: appliesIn is not a registered jurisdiction")
    assert not problems, "\n".join(problems)


def test_every_provision_has_label_definition_url_and_act(register):
    acts = set(register.subjects(RDF.type, EVKG.LegalAct))
    problems = []
    for provision in sorted(register.subjects(RDF.type, EVKG.LegalProvision)):
        act = register.value(provision, EVKG.provisionOf)
        if act not in acts:
            problems.append(f"{provision}: provisionOf {act} is not a registered act")
        elif not str(provision).startswith(str(act) + "/"):
            problems.append(f"{provision}: IRI is not under its act {act}")
        if not re.fullmatch(r"[a-z0-9-]+", str(provision).rsplit("/", 1)[-1]):
            problems.append(f"{provision}: provision slug must be lower-case and hyphenated")
        for prop in (RDFS.label, SKOS.definition, FOAF.page):
            if register.value(provision, prop) is None:
                problems.append(f"{provision}: no {prop}")
    assert not problems, "\n".join(problems)


def test_celex_numbers_match_their_eur_lex_addresses(register):
    for act in register.subjects(RDF.type, EVKG.LegalAct):
        for identifier in register.objects(act, EVKG.officialIdentifier):
            if str(identifier).startswith("CELEX "):
                number = str(identifier)[len("CELEX "):]
                assert str(register.value(act, FOAF.page)).endswith("CELEX:" + number), act


def test_unconfirmed_acts_and_provisions_carry_a_verification_note(register):
    noted = {str(s)[len(ACT_NS):] for s in register.subjects(EVKG.verificationNote, None)}
    for item in ("eu-reg-1394-2007/art-2-4", "eu-reg-1394-2007/art-2-5", "us-21-cfr-600/600-3-h-6",
                 "us-21-cfr-3/3-2-m", "us-fda-ltfu-guidance-2020", "eu-dir-2001-83/title-x",
                 "kr-mfds-ev-guideline-2024"):
        assert item in noted, f"{item} is not confirmed against its official text but has no verification note"


@pytest.mark.parametrize("code, authorities", [("EU", {"EMA", "EMA-CAT"}), ("US", {"FDA", "FDA-CBER", "FDA-CDER"}),
                                               ("KR", {"MFDS"}), ("JP", {"MHLW", "PMDA"}), ("AU", {"TGA"})])
def test_jurisdictions_and_their_competent_authorities(register, code, authorities):
    jurisdiction = URIRef(JURISDICTION_NS + code)
    assert (jurisdiction, RDF.type, EVKG.Jurisdiction) in register
    assert register.value(jurisdiction, RDFS.label) is not None
    assert register.value(jurisdiction, DCTERMS.source) is not None
    found = {str(a).rsplit("/", 1)[-1] for a in register.objects(jurisdiction, EVKG.competentAuthority)}
    assert found == authorities
    for authority in register.objects(jurisdiction, EVKG.competentAuthority):
        assert (authority, RDF.type, EVKG.CompetentAuthority) in register
        assert register.value(authority, RDFS.label) is not None


@pytest.mark.parametrize("filename, prefix", [("categories-us.ttl", "US_"), ("categories-kr.ttl", "KR_")])
def test_category_classes_and_questions_are_documented(register, filename, prefix):
    graph = Graph().parse(resources.folder("ontology") / filename, format="turtle")
    known = set(register.subjects(RDF.type, EVKG.LegalAct)) | set(register.subjects(RDF.type, EVKG.LegalProvision))
    categories = [c for c in graph.subjects(RDFS.subClassOf, None) if str(c).split("#")[-1].startswith(prefix)]
    questions = list(graph.subjects(RDF.type, EVKG.ClassificationQuestion))
    assert categories and questions
    for term in categories + questions:
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, SKOS.definition) is not None, term
        sources = list(graph.objects(term, DCTERMS.source))
        assert sources and all(s in known for s in sources), term
    for question in questions:
        positives = list(graph.objects(question, EVKG.positiveCategory))
        assert positives and all((p, RDFS.label, None) in graph for p in positives), question
        assert str(graph.value(question, EVKG.jurisdiction)).startswith(JURISDICTION_NS)


def test_us_hct_p_351_sits_under_both_hctp_and_biological_product():
    graph = Graph().parse(resources.folder("ontology") / "categories-us.ttl", format="turtle")
    assert set(graph.objects(EVKG.US_HCTP351, RDFS.subClassOf)) == {EVKG.US_HCTP, EVKG.US_BiologicalProduct}
    assert (EVKG.KR_EVTherapyProduct, URIRef("http://www.w3.org/2002/07/owl#disjointWith"),
            EVKG.KR_CellTherapyProduct) in Graph().parse(resources.folder("ontology") / "categories-kr.ttl")
