"""The named-query catalogue on the built knowledge graph: every query runs and returns the rows the curated
products (data/products/) and their sources justify; parameters are parsed safely; bad input is refused."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from evkg.cli import main
from evkg.core.errors import UsageError
from evkg.graph.queries import catalogue, get_query, parse_header, parse_value, prepare, run_named_query

EVKG = "https://w3id.org/evkg#"
EVD = "https://w3id.org/evkg/data/"
EU, US, KR = (EVD + "jurisdiction/" + j for j in ("EU", "US", "KR"))


def product(pid: str) -> str:
    return f"{EVD}product/{pid}"


def run(store, name, **params):
    return run_named_query(name, store=store, **params)


def rows(results):
    return results.records()


def products_in(results, column="product"):
    return set(results.column(column))


# --- expectations, one per catalogue query ------------------------------------------------------------------
def check_products_by_category(store):
    eu = rows(run(store, "products-by-category"))
    pairs = [(r["product"], r["category"]) for r in eu]
    assert len(pairs) == len(set(pairs)), "one row per product and category"
    assert (product("exoflo"), EVKG + "EU_BiologicalMedicinalProduct") in pairs
    assert (product("bexsero"), EVKG + "EU_ImmunologicalMedicinalProduct") in pairs
    assert not any("_Not" in c or c.endswith("Optional") for _, c in pairs), "negative answers have their own query"
    # a category reached by several rules is one row with the strongest status and every rule
    medicinal = next(r for r in eu if r["product"] == product("exoflo") and r["category"] == EVKG + "EU_MedicinalProduct")
    assert medicinal["status"] == EVKG + "Settled" and medicinal["rule"] == "EU-01"
    assert set(medicinal["rules"].split()) == {"EU-01", "HIERARCHY"}
    assert not any(c.startswith(EVKG + "US_") for _, c in pairs), "the EU query must not list US categories"
    assert all("status" in r for r in eu)
    us = {(r["product"], r["category"]) for r in rows(run(store, "products-by-category", jurisdiction="US"))}
    assert (product("exoflo"), EVKG + "US_BiologicalProduct") in us
    assert (product("bexsero"), EVKG + "US_Vaccine") in us
    assert not any(c.startswith(EVKG + "EU_") for _, c in us)


def check_eu_us_kind_differs(store):
    found = {r["product"]: (r["euKind"], r["usKind"]) for r in rows(run(store, "eu-us-kind-differs"))}
    # iExosomes: EU reads a synthetic siRNA medicine, the US a drug-biologic combination
    assert found[product("iexosomes")] == ("non-biological medicine", "drug-biologic combination")
    assert product("exosting") in found
    for same in ("exoflo", "dex-melanoma", "bexsero", "msc-ev-ckd"):
        assert product(same) not in found, f"{same} is biological (or a vaccine) on both sides"
    assert all(eu != us for eu, us in found.values())


def check_ev_role(store):
    delivery = products_in(run(store, "ev-role"))
    assert {product("iexosomes"), product("exosting"), product("plant-exo-curcumin")} <= delivery
    assert product("exoflo") not in delivery
    active = products_in(run(store, "ev-role", role="ActiveSubstance"))
    assert {product("exoflo"), product("bexsero"), product("dex-melanoma"), product("exoil12")} <= active
    assert product("iexosomes") not in active
    assert products_in(run(store, "ev-role", role="NotApplicable")) == {product("caelyx-doxil")}


def check_gm_producer_cells(store):
    found = products_in(run(store, "gm-producer-cells"))
    assert product("exoil12") in found  # IL-12 displayed through engineered producer cells
    assert product("iexosomes") not in found  # siRNA added after isolation, producer cells not modified
    assert product("exoflo") not in found


def check_trials_by_phase(store):
    trials = {r["trial"]: r for r in rows(run(store, "trials-by-phase"))}
    exoflo = trials[EVD + "trial/NCT04493242"]
    assert exoflo["phase"] == EVKG + "Phase2" and exoflo["product"] == product("exoflo")
    assert exoflo["approach"] == EVKG + "ImmunomodulatoryRegenerativeTherapy"
    iexo = trials[EVD + "trial/NCT03608631"]
    assert iexo["phase"] == EVKG + "Phase1" and iexo["approach"] == EVKG + "DrugDelivery"


def check_contested_or_undecided(store):
    found = rows(run(store, "contested-or-undecided"))
    contested = {(r["product"], r["jurisdiction"]) for r in found if r.get("status") == EVKG + "Contested"}
    undecided = {(r["product"], r["jurisdiction"]) for r in found if r["category"] == EVKG + "Undecided"}
    assert (product("iexosomes"), EU) in contested and (product("iexosomes"), US) in contested
    assert (product("exosting"), EU) in contested
    assert (product("msc-ev-gvhd"), EU) in undecided
    gvhd_atmp = [r for r in found if r["product"] == product("msc-ev-gvhd") and r.get("question") == EVKG + "Q_EU_ATMP"]
    assert gvhd_atmp and EVKG + "cellContent" in gvhd_atmp[0]["missingFacts"].split()  # cell content not reported
    # ExoFlo's class is settled: nothing contested, medicinal/biological/ATMP questions decided
    exoflo = [r for r in found if r["product"] == product("exoflo")]
    assert not [r for r in exoflo if r.get("status") == EVKG + "Contested"]
    assert not {r.get("question") for r in exoflo} & {EVKG + q for q in ("Q_EU_Medicinal", "Q_EU_Biological",
                                                                        "Q_EU_ATMP", "Q_US_Biological")}


def check_misev_characterisation_gaps(store):
    found = rows(run(store, "misev-characterisation-gaps"))
    assert product("caelyx-doxil") not in {r["product"] for r in found}, "not an EV product"
    assert all(r["hasTransmembraneMarker"] == "false" or r["hasParticleConcentration"] == "false" for r in found)


def check_evidence_for_product(store):
    found = rows(run(store, "evidence-for-product", product="exoflo"))
    assert {r["product"] for r in found} == {product("exoflo")}
    legal = {r["evidence"] for r in found if r["evidenceKind"] == "legal source"}
    assert any(e.startswith(EVD + "act/eu-dir-2001-83") for e in legal)
    assert any(e.startswith(EVD + "act/us-phs-act-351") for e in legal)
    described = {r["evidence"] for r in found if r["evidenceKind"] == "description evidence"}
    assert EVD + "paper/doi/10.1089/scd.2020.0080" in described  # Sengupta et al. 2020
    assert products_in(run(store, "evidence-for-product", product="bexsero")) == {product("bexsero")}


def check_rules_citing_act(store):
    directive = rows(run(store, "rules-citing-act"))
    assert "EU-01" in {r["ruleId"] for r in directive}
    assert all(r["provision"].startswith(EVD + "act/eu-dir-2001-83") for r in directive)
    assert {r.get("jurisdiction") for r in directive} <= {EU, None}  # EU rules, and EV-role rules for all
    centralised = {r["ruleId"] for r in rows(run(store, "rules-citing-act", act="eu-reg-726-2004"))}
    assert {"EU-25", "EU-26b"} <= centralised
    with pytest.raises(UsageError, match="no act or provision 'eu-dir-2001-831'.*Closest names: eu-dir-2001-83"):
        run(store, "rules-citing-act", act="eu-dir-2001-831")          # an act missing from the graph


def check_ev_subtypes(store):
    subtypes = set(run(store, "ev-subtypes").column("subtype"))
    for name in ("SmallEV", "LargeEV", "Exosome", "Ectosome", "ApoptoticBody", "OuterMembraneVesicle"):
        assert EVKG + name in subtypes
    assert EVKG + "ExtracellularVesicle" not in subtypes
    assert EVKG + "SyntheticVesicle" not in subtypes  # not an EV
    bacterial = set(run(store, "ev-subtypes", type="BacterialMembraneVesicle").column("subtype"))
    assert EVKG + "OuterMembraneVesicle" in bacterial and EVKG + "Exosome" not in bacterial


def check_counts_by_use_and_jurisdiction(store):
    counts = {(r["approach"], r["jurisdiction"], r["category"]): int(r["products"])
              for r in rows(run(store, "counts-by-use-and-jurisdiction"))}
    # the same figures counted here from one row per product
    approach = {r["product"]: r["approach"] for r in rows(run(store, "ev-role", role="ActiveSubstance"))}
    approach.update({r["product"]: r["approach"] for r in rows(run(store, "ev-role"))})
    biological_eu = {r["product"] for r in rows(run(store, "products-by-category"))
                     if r["category"] == EVKG + "EU_BiologicalMedicinalProduct"}
    immunomodulatory = EVKG + "ImmunomodulatoryRegenerativeTherapy"
    expected = len({p for p in biological_eu if approach.get(p) == immunomodulatory})
    assert counts[(immunomodulatory, EU, EVKG + "EU_BiologicalMedicinalProduct")] == expected
    # at least exoflo, hamsc-exo-covid, msc-ev-gvhd, msc-ev-ckd, msc-ev-t1dm and agle-102
    assert expected >= 6
    assert counts[(EVKG + "PathogenVaccination", US, EVKG + "US_Vaccine")] >= 1  # bexsero


def check_msc_products_by_tissue(store):
    found = {(r["product"], r["tissue"]) for r in rows(run(store, "msc-products-by-tissue"))}
    by_product = {}
    for pid, tissue in found:
        by_product.setdefault(pid, set()).add(tissue.lower())
    assert any("bone marrow" in t for t in by_product[product("exoflo")])
    assert any("bone marrow" in t for t in by_product[product("iexosomes")])
    assert any("adipose" in t for t in by_product[product("hamsc-exo-covid")])
    assert product("dex-melanoma") not in by_product  # dendritic cells, not MSCs


def check_products_by_negative_category(store):
    eu = rows(run(store, "products-by-negative-category"))
    pairs = [(r["product"], r["category"]) for r in eu]
    assert len(pairs) == len(set(pairs)), "one row per product and answer"
    assert (product("exoflo"), EVKG + "EU_NotATMP") in pairs
    assert (product("dex-melanoma"), EVKG + "EU_NotATMP") in pairs
    assert (product("msc-ev-ckd"), EVKG + "EU_CentralisedProcedureOptional") in pairs
    assert (product("exoflo"), EVKG + "EU_BiologicalMedicinalProduct") not in pairs
    us = {(r["product"], r["category"]) for r in rows(run(store, "products-by-negative-category", jurisdiction="US"))}
    assert (product("exoflo"), EVKG + "US_NotHCTP") in us
    assert not any(c.startswith(EVKG + "EU_") for _, c in us)


def check_products_needing_ind(store):
    found = products_in(run(store, "products-needing-ind"))
    assert {product("exoflo"), product("dex-melanoma"), product("msc-ev-ckd")} <= found
    assert product("caelyx-doxil") not in found  # an approved drug, not an investigational biologic


def check_agency_determinations(store):
    found = rows(run(store, "agency-determinations"))
    bexsero = {(r.get("jurisdiction"), r.get("body")) for r in found if r["product"] == product("bexsero")}
    assert (EU, EVKG + "EU_MarketingAuthorisation") in bexsero
    assert (US, EVKG + "FDA_Licence") in bexsero
    assert product("exoflo") not in {r["product"] for r in found}


def check_centralised_procedure_mandatory(store):
    found = products_in(run(store, "centralised-procedure-mandatory"))
    assert product("exoil12") in found  # engineered producer cells, recombinant protein (EU-26)
    assert product("exoflo") in found  # new active substance for a viral disease (EU-26b)


def check_rules_by_status(store):
    contested = rows(run(store, "rules-by-status"))
    assert contested and {r["status"] for r in contested} == {EVKG + "Contested"}
    assert "EU-11" in {r["ruleId"] for r in contested}
    settled = {r["ruleId"] for r in rows(run(store, "rules-by-status", status="Settled"))}
    eu11 = next(r for r in contested if r["ruleId"] == "EU-11")
    # categories and provisions by their names, not their IRIs
    assert eu11["conclusions"] == "not an EU gene therapy medicinal product"
    assert eu11["legalSources"] == "Directive 2001/83/EC, Annex I, Part IV, 2.1"
    eu01c = next(r for r in contested if r["ruleId"] == "EU-01c")
    assert "; Directive 2001/83/EC, Article 1(2); " in eu01c["legalSources"]
    assert not [r for r in contested if "://" in r["conclusions"] + r["legalSources"]]
    assert {"EU-01", "EU-10", "EU-14"} <= settled


def check_loaded_cargo(store):
    found = rows(run(store, "loaded-cargo"))
    iexo = [r for r in found if r["product"] == product("iexosomes")]
    assert iexo and iexo[0]["cargoKind"] == EVKG + "NucleicAcid" and iexo[0]["loadedBy"] == EVKG + "Electroporation"
    assert product("plant-exo-curcumin") in {r["product"] for r in found}
    assert product("exoflo") not in {r["product"] for r in found}  # native vesicles


def check_classification_matrix(store):
    found = {r["product"]: r for r in rows(run(store, "classification-matrix"))}
    exoflo = found[product("exoflo")]
    assert {"EU_BiologicalMedicinalProduct", "EU_NotATMP"} <= set(exoflo["EU"].split())
    assert "US_BiologicalProduct" in exoflo["US"].split()
    assert "EU_NonBiologicalMedicinalProduct?" in found[product("iexosomes")]["EU"].split()
    assert int(found[product("msc-ev-gvhd")]["undecidedQuestions"]) >= 1


def check_whatif_changes(store):
    found = rows(run(store, "whatif-changes"))
    gtmp = {(r["category"], r["status"], r["change"], r.get("rules"))
            for r in found if r["product"] == product("iexosomes") and r["question"] == EVKG + "Q_EU_GTMP"}
    # the synthetic siRNA of iExosomes: not a GTMP under EU-11 today, a GTMP (contested) under EU-R02
    assert gtmp == {(EVKG + "EU_NotGTMP", EVKG + "Contested", "before only", "EU-11"),
                    (EVKG + "EU_GTMP", EVKG + "Contested", "after only", "EU-R02")}
    assert {r["product"] for r in found} == {product("iexosomes")}, "only the siRNA product changes"
    assert not any(r["question"].startswith(EVKG + "Q_US") for r in found), "an EU reform changes no US answer"
    # a rule set compared with itself changes nothing
    assert rows(run(store, "whatif-changes", baseline="eu-reform-proposal-2023")) == []
    assert rows(run(store, "whatif-changes", ruleSet="eu-in-force")) == []


def check_rule_set_differences(store):
    found = {r["ruleId"]: r for r in rows(run(store, "rule-set-differences"))}
    assert found["EU-11"]["change"] == "retired" and "eu-com-2023-192/art-4-gtmp" in found["EU-11"]["sources"]
    assert found["EU-23"]["change"] == "replaced" and found["EU-23"]["status"] == EVKG + "Provisional"
    assert {found[i]["change"] for i in ("EU-R01", "EU-R02", "EU-R03")} == {"added"}
    assert all("eu-com-2023-192" in r["sources"] for r in found.values()), "every change cites the proposal"
    assert rows(run(store, "rule-set-differences", ruleSet="eu-in-force")) == []


EXPECTATIONS = {name.removeprefix("check_").replace("_", "-"): check
                for name, check in list(globals().items()) if name.startswith("check_")}


def test_catalogue_has_at_least_fifteen_own_queries_each_with_an_expectation():
    own = [n for n in catalogue() if not n.startswith("literature-")]
    assert len(own) >= 15
    assert sorted(own) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_query_returns_expected_rows(built_store, name):
    EXPECTATIONS[name](built_store)


def test_every_catalogue_query_runs_with_its_defaults(built_store):
    for name, query in catalogue().items():
        results = run_named_query(name, store=built_store)
        assert results.kind in ("select", "ask", "graph"), name


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_header_is_complete(name):
    query = catalogue()[name]
    assert query.title and query.description and query.sources, f"{name}: title, description and source"
    for param in query.params:
        assert param.description, f"{name}: parameter {param.name} is described"
        assert f"?{param.name}" in query.text or f"${param.name}" in query.text


# --- parameters ---------------------------------------------------------------------------------------------
def test_header_parsing():
    header = parse_header("# title: T\n# description: D one\n#   and two\n# param: product  a product id, "
                          "default exoflo\n# param: act  an act\n# source: S\nSELECT * {}\n# title: ignored")
    assert header["title"] == "T" and header["description"] == "D one and two"
    assert [(p.name, p.default) for p in header["params"]] == [("product", "exoflo"), ("act", None)]
    assert header["sources"] == ["S"]


@pytest.mark.parametrize("kind, raw, term", [
    ("jurisdiction", "EU", f"<{EU}>"),
    ("jurisdiction", "us", f"<{US}>"),
    ("jurisdiction", f"<{KR}>", f"<{KR}>"),
    ("product", "exoflo", f"<{EVD}product/exoflo>"),
    ("product", "evd:product/bexsero", f"<{EVD}product/bexsero>"),
    ("act", "eu-dir-2001-83/art-1-2", f"<{EVD}act/eu-dir-2001-83/art-1-2>"),
    ("class", "Exosome", f"<{EVKG}Exosome>"),
    ("class", "evkg:SmallEV", f"<{EVKG}SmallEV>"),
    ("paper", "10.3402/JEV.v4.30087", f"<{EVD}paper/doi/10.3402/jev.v4.30087>"),
    ("status", "contested", f"<{EVKG}Contested>"),
    ("role", "DeliveryVehicle", f"<{EVKG}DeliveryVehicleRole>"),
    ("string", 'say "hi" } INSERT', '"say \\"hi\\" } INSERT"'),
    ("integer", "2015", '"2015"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("term", "evkg:Exosome", f"<{EVKG}Exosome>"),
    ("term", "plain words", '"plain words"'),
])
def test_values_become_one_validated_term(kind, raw, term):
    assert parse_value(kind, raw) == term


@pytest.mark.parametrize("kind, raw", [
    ("jurisdiction", "FR"),
    ("jurisdiction", "EU> } ; DROP ALL ; <x"),
    ("product", "<http://example.org/a b>"),
    ("product", "exo flo"),
    ("product", "nope:thing"),
    ("class", "evkg:Exosome> } INSERT DATA { <a:b> <a:b> <a:b"),
    ("integer", "12a"),
    ("status", "maybe"),
    ("act", ""),
])
def test_malformed_values_are_refused(kind, raw):
    from evkg.graph.queries import BadValue

    with pytest.raises(BadValue):
        parse_value(kind, raw)


def test_binding_injects_values_without_touching_the_query_text():
    query = get_query("products-by-category")
    text, shift = prepare(query, {"jurisdiction": "KR"})
    assert f"VALUES ?jurisdiction {{ <{KR}> }}" in text
    assert text.endswith(query.text[query.text.index("WHERE {") + len("WHERE {"):])
    assert text.split("\n", 1)[0].startswith("PREFIX ") and shift > 0
    # the line numbers of the query are unchanged: prefixes go on the first line
    assert text.count("\n") == query.text.count("\n")


def test_a_query_can_bind_its_parameters_in_each_union_branch(built_store):
    """evidence-for-product marks both branches of its UNION: each gets the product's VALUES (so Oxigraph looks
    up one product per branch), nothing opens the WHERE block, lines stay where they were, and the rows are
    those of the same query with the binding at the top."""
    query = get_query("evidence-for-product")
    text, _ = prepare(query, {"product": "exoflo"})
    values = "VALUES ?product { <https://w3id.org/evkg/data/product/exoflo> }"
    assert text.count(values) == 2 and text.count("# parameters are bound here") == 2
    assert "WHERE {\n" in text and text.count("\n") == query.text.count("\n")
    at_top = query.text.replace("WHERE {", "WHERE { " + values, 1)
    from evkg.graph.queries import missing_prefixes

    top_rows = sorted(map(str, built_store.query(missing_prefixes(at_top) + at_top).rows))
    assert sorted(map(str, built_store.query(text).rows)) == top_rows and top_rows


def test_unknown_and_malformed_parameters_name_what_is_accepted(built_store):
    with pytest.raises(UsageError, match="no parameter 'juris'; it accepts: jurisdiction"):
        run_named_query("products-by-category", store=built_store, juris="EU")
    with pytest.raises(UsageError, match="parameter 'jurisdiction'.*Accepted: EU, US or KR"):
        run_named_query("products-by-category", store=built_store, jurisdiction="Mars")


# --- the command line, in process ---------------------------------------------------------------------------
def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_queries(capsys):
    code, out, _ = cli(capsys, "queries")
    assert code == 0 and "products-by-category" in out and "--param jurisdiction=" in out
    code, out, _ = cli(capsys, "queries", "--format", "json")
    listed = {q["name"]: q for q in json.loads(out)}
    assert code == 0 and set(listed) == set(catalogue())
    assert listed["products-by-category"]["params"][0]["default"] == "EU"


def test_cli_query_formats(capsys, built_store_path):
    store = str(built_store_path)
    code, out, _ = cli(capsys, "query", "products-by-category", "--store", store, "--param", "jurisdiction=US")
    assert code == 0 and "evd:product/exoflo" in out and "evkg:US_BiologicalProduct" in out
    code, out, _ = cli(capsys, "query", "ev-role", "--store", store, "--format", "json")
    data = json.loads(out)
    assert data["head"]["vars"][0] == "product"
    assert product("iexosomes") in {b["product"]["value"] for b in data["results"]["bindings"]}
    # The table and CSV name the columns by the query's titles; TSV, JSON and XML keep the W3C variable names.
    code, out, _ = cli(capsys, "query", "ev-role", "--store", store, "--format", "csv")
    assert out.splitlines()[0] == "Product,Product name,EV role,Therapeutic approach,Why"
    code, out, _ = cli(capsys, "query", "ev-role", "--store", store, "-f", "tsv")
    assert out.splitlines()[0].startswith("?product\t?productLabel\t?role")
    code, out, _ = cli(capsys, "query", "ev-role", "--store", store, "--format", "xml")
    assert "<sparql" in out and product("iexosomes") in out and '<variable name="productLabel"/>' in out
    code, out, _ = cli(capsys, "query", "ev-role", "--store", store)
    assert out.splitlines()[0].split()[:3] == ["Product", "Product", "name"]


def test_every_named_query_titles_each_of_its_columns(built_store_path):
    from evkg.graph.queries import catalogue, run_named_query

    for name, query in catalogue().items():
        params = {p.name: p.default for p in query.params if p.default}
        if any(p.default is None for p in query.params):
            continue
        results = run_named_query(name, store=str(built_store_path), **params)
        untitled = [v for v in getattr(results, "variables", []) if v not in query.columns]
        assert not untitled, f"{name}: add '# columns:' titles for {untitled}"


def test_cli_query_writes_to_a_file(capsys, built_store_path, tmp_path):
    target = tmp_path / "roles.csv"
    code, out, err = cli(capsys, "query", "ev-role", "--store", str(built_store_path), "-f", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("Product,Product name")


def test_cli_bad_input_exits_2_with_a_plain_message(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    code, _, err = cli(capsys, "query", "products-by-categry", "--store", store)
    assert code == 2 and "Did you mean: products-by-category" in err
    code, _, err = cli(capsys, "query", "products-by-category", "--store", store, "--param", "jurisdiction")
    assert code == 2 and "not name=value" in err
    code, _, err = cli(capsys, "query", "evidence-for-product", "--store", store, "--param", "product=exo flo")
    assert code == 2 and "parameter 'product'" in err
    code, _, err = cli(capsys, "query", "ev-role", "--store", store, "--param", "colour=red")
    assert code == 2 and "no parameter 'colour'" in err

    broken = tmp_path / "broken.rq"
    broken.write_text("# my question\nSELECT ?p WHERE {\n  ?p a evkg:EVProduct .\n  FILTR (?p) \n}\n")
    code, _, err = cli(capsys, "query", str(broken), "--store", store)
    assert code == 2 and "broken.rq, line 4, column" in err and "Traceback" not in err

    for update in ("DELETE WHERE { ?s ?p ?o }", "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }",
                   "DROP ALL", "LOAD <http://example.org/data.ttl>", "CLEAR DEFAULT"):
        changing = tmp_path / "change.rq"
        changing.write_text(update)
        code, _, err = cli(capsys, "query", str(changing), "--store", store)
        assert code == 2 and "only reads" in err
    assert run_named_query("ev-role", store=built_store_path).rows  # nothing was deleted

    code, _, err = cli(capsys, "query", str(tmp_path / "missing.rq"), "--store", store)
    assert code == 2 and "does not exist" in err


def test_a_product_or_rule_set_missing_from_the_graph_is_named_with_the_closest(capsys, built_store_path):
    store = str(built_store_path)
    code, out, err = cli(capsys, "query", "evidence-for-product", "--store", store, "--param", "product=exofl")
    assert code == 2 and out == "", out
    assert "parameter 'product': there is no product 'exofl' in the knowledge graph" in err
    assert "Closest names: exoflo" in err
    code, _, err = cli(capsys, "query", "whatif-changes", "--store", store, "--param", "ruleSet=nonexistent")
    assert code == 2 and "there is no rule set 'nonexistent'" in err and "evkg rules" in err
    code, _, err = cli(capsys, "query", "whatif-changes", "--store", store, "--param", "baseline=eu-in-forc")
    assert code == 2 and "Closest names: eu-in-force" in err
    with pytest.raises(UsageError, match="no product 'my-nonexistent'"):
        run_named_query("literature-product-evidence", store=built_store_path, product="my-nonexistent")
    assert run_named_query("evidence-for-product", store=built_store_path, product="exoflo").rows
    code, out, err = cli(capsys, "query", "rule-set-differences", "--store", store, "--param",
                         "ruleSet=eu-reform-proposal-2023")
    assert code == 0 and "rows)" in out, err


def test_a_named_query_takes_only_the_parameters_its_header_declares(capsys, built_store_path, tmp_path):
    """Binding a variable the query computes (a column) would print the given text as if the graph said it."""
    store = str(built_store_path)
    code, out, err = cli(capsys, "query", "classification-matrix", "--store", store, "--param", "EU=foo")
    assert code == 2 and out == "" and "foo" not in out
    assert "no parameter 'EU'; it takes no parameters: run it without any" in err
    code, out, err = cli(capsys, "query", "ev-role", "--store", store, "--param", "productLabel=foo")
    assert code == 2 and out == "" and "no parameter 'productLabel'; it accepts: role." in err
    code, _, err = cli(capsys, "query", "literature-rule-sources", "--store", store, "--param", "ruleLabel=x")
    assert code == 2 and "it accepts: rule." in err and "ruleLabel," not in err and "sourceLabel" not in err
    with pytest.raises(UsageError, match="no parameter 'undecidedQuestions'"):
        run_named_query("classification-matrix", store=built_store_path, undecidedQuestions="0")
    # a query file without `# param:` lines takes its variables, but not one it assigns itself
    mine = tmp_path / "mine.rq"
    mine.write_text('SELECT ?product ?name WHERE { ?product rdfs:label ?label BIND ("x" AS ?name) }\n')
    code, out, err = cli(capsys, "query", str(mine), "--store", store, "--param", "name=fake")
    assert code == 2 and "no parameter 'name'; it accepts: label, product." in err and "fake" not in out


@pytest.mark.parametrize("name, param, message, closest", [
    ("literature-rule-sources", "rule=EU-99", "no rule or shape 'EU-99'", None),
    ("literature-rule-sources", "rule=eu-10", "no rule or shape 'eu-10'", "EU-10"),
    ("rules-citing-act", "act=nope", "no act or provision 'nope'", None),
    ("rules-citing-act", "act=eu-dir-2001-8", "no act or provision 'eu-dir-2001-8'", "eu-dir-2001-83"),
    ("ev-subtypes", "type=Nope", "no class 'Nope'", None),
    ("ev-subtypes", "type=Exosom", "no class 'Exosom'", "Exosome"),
    ("literature-first-reports", "paper=10.9999/nope", "no paper '10.9999/nope'", None),
    ("literature-lener2015-citations", "paper=10.3402/jev.v4.3008", "no paper '10.3402/jev.v4.3008'",
     "10.3402/jev.v4.30087"),
    ("rules-by-status", "status=evkg:Bogus", "no rule status 'evkg:Bogus'", None),
    ("ev-role", "role=evkg:Bogus", "no EV role 'evkg:Bogus'", None),
    ("products-by-category", "jurisdiction=evd:jurisdiction/XX", "no jurisdiction 'evd:jurisdiction/XX'", None),
])
def test_a_named_thing_missing_from_the_graph_is_refused_not_an_empty_table(capsys, built_store_path, name,
                                                                            param, message, closest):
    code, out, err = cli(capsys, "query", name, "--store", str(built_store_path), "--param", param)
    assert code == 2 and out == "", out
    assert f"parameter '{param.split('=')[0]}': there is {message} in the knowledge graph" in err
    if closest:
        assert closest in err.split("Closest names: ")[1].split(". Give ")[0].split(", "), err


def test_a_pubmed_id_without_digits_says_how_to_write_one(capsys, built_store_path):
    code, out, err = cli(capsys, "query", "literature-first-reports", "--store", str(built_store_path),
                         "--param", "paper=pmid:abc")
    assert code == 2 and "'pmid:abc' is not a PubMed id: write pmid: followed by its digits" in err
    assert "prefix pmid: is not known" not in err


def test_named_things_that_exist_are_accepted(built_store_path):
    for name, params in (("literature-rule-sources", {"rule": "evsh:EU-10"}),
                         ("rules-citing-act", {"act": "eu-dir-2001-83/art-1-2"}),
                         ("ev-subtypes", {"type": "ExtracellularVesicle"}),
                         ("literature-first-reports", {"paper": "doi:10.1186/1479-5876-3-10"}),
                         ("rules-by-status", {"status": "Settled"}), ("ev-role", {"role": "ActiveSubstance"}),
                         ("products-by-category", {"jurisdiction": "KR"})):
        assert run_named_query(name, store=built_store_path, **params).rows, (name, params)


def test_query_file_empty_or_with_unbalanced_braces_says_so(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    broken = tmp_path / "broken.rq"
    for text in ("", "  \n\n", "# only a comment\n"):
        broken.write_text(text)
        code, _, err = cli(capsys, "query", str(broken), "--store", store)
        assert code == 2 and "broken.rq: the query file is empty" in err and "expected" not in err, err
    for text, said in (("SELECT * WHERE { ?s ?p ?o LIMIT 1\n", "a '{' opened at line 1, column 16 is never closed"),
                       ("SELECT * WHERE {\n  ?s ?p ?o }}\n", "a '}' at line 2, column 13 closes nothing"),
                       ('SELECT * WHERE { ?s ?p "}" # {\n  FILTER (?s = <urn:x>)\n',
                        "a '{' opened at line 1, column 16 is never closed")):
        broken.write_text(text)
        code, _, err = cli(capsys, "query", str(broken), "--store", store)
        assert code == 2 and said in err and "OPTIONAL" not in err, err
    # braces inside strings, IRIs and comments do not count
    fine = tmp_path / "fine.rq"
    fine.write_text('SELECT ?s WHERE { ?s rdfs:label ?l FILTER (?l != "}{") } # }\nLIMIT 1\n')
    code, out, err = cli(capsys, "query", str(fine), "--store", store)
    assert code == 0 and "(1 row)" in out, err


def test_an_undeclared_prefix_is_named_with_its_place_and_the_fix(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    typo = tmp_path / "typo.rq"
    for text, line, column in (("SELECT ?p WHERE { ?p a evk:EVProduct }\n", 1, 24),
                               ("SELECT ?p WHERE { ?p rdfs:label ?l . ?p a evk:EVProduct }\n", 1, 43),
                               ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?p WHERE {\n"
                                "  ?p rdfs:label ?l ; a evk:EVProduct }\n", 3, 24)):
        typo.write_text(text)
        code, _, err = cli(capsys, "query", str(typo), "--store", store)
        assert code == 2, err
        assert (f"typo.rq, line {line}, column {column}: the prefix 'evk:' of evk:EVProduct is not declared"
                in err), err
        assert "If you meant evkg:, write evkg:EVProduct" in err and "expected one of" not in err, err
    typo.write_text("SELECT ?p WHERE { ?p a foo:Bar }\n")
    code, _, err = cli(capsys, "query", str(typo), "--store", store)
    assert code == 2 and "the prefix 'foo:' of foo:Bar is not declared" in err and "If you meant" not in err, err


def test_an_empty_answer_names_the_misspelt_terms_of_the_query(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    typo = tmp_path / "typo.rq"
    typo.write_text("SELECT ?p ?l WHERE { ?p a evkg:EVProdcut ; rdfs:labl ?l ; "
                    "<https://w3id.org/evkg#roleJustificaton> ?why }\n")
    code, out, err = cli(capsys, "query", str(typo), "--store", store)
    assert code == 0 and out.endswith("(0 rows)\n"), err
    assert "uses names the knowledge graph does not hold" in err, err
    for said in ("evkg:EVProdcut (did you mean evkg:EVProduct?)", "rdfs:labl (did you mean rdfs:label?)",
                 "evkg:roleJustificaton (did you mean evkg:roleJustification?)"):
        assert said in err, (said, err)
    # an empty answer with well-spelt names is just empty
    typo.write_text('SELECT ?p WHERE { ?p a evkg:EVProduct ; evkg:developer "nobody at all" }\n')
    code, out, err = cli(capsys, "query", str(typo), "--store", store)
    assert code == 0 and out.endswith("(0 rows)\n") and err == "", err


def test_an_empty_graph_answer_says_so(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    describe = tmp_path / "describe.rq"
    describe.write_text("DESCRIBE <urn:x>\n")
    code, out, err = cli(capsys, "query", str(describe), "--store", store)
    assert code == 0 and out == "(0 triples)\n", (out, err)
    describe.write_text("DESCRIBE <https://w3id.org/evkg/data/product/exoflo>\n")
    code, out, _ = cli(capsys, "query", str(describe), "--store", store)
    lines = out.splitlines()
    assert code == 0 and lines[-1] == f"({len(lines) - 1} triples)" and len(lines) > 2


def test_malformed_text_is_a_located_syntax_error_not_an_update(capsys, built_store_path, tmp_path):
    store = str(built_store_path)
    for text, line, column, named in (("SELEC * WHERE {?s ?p ?o}", 1, 1, "'SELEC'"),
                                      ("foo", 1, 1, "'foo'"),
                                      ("PREFIX x: <http://example.org/>\n  SELEKT * {}", 2, 3, "'SELEKT'")):
        broken = tmp_path / "broken.rq"
        broken.write_text(text)
        code, _, err = cli(capsys, "query", str(broken), "--store", store)
        assert code == 2, err
        assert f"broken.rq, line {line}, column {column}: not valid SPARQL here ({named} is not a query form)" in err
        assert "update" not in err
    assert "Did you mean SELECT?" in err
    empty_prefix = tmp_path / "empty-prefix.rq"
    empty_prefix.write_text("PREFIX : <https://w3id.org/evkg#>\nSELECT ?p WHERE { ?p a :EVProduct } LIMIT 1\n")
    code, out, err = cli(capsys, "query", str(empty_prefix), "--store", store)
    assert code == 0 and "(1 row)" in out, err


def test_user_query_file_with_parameters(capsys, built_store_path, tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("SELECT ?label WHERE { ?product rdfs:label ?label }\n")
    code, out, _ = cli(capsys, "query", str(mine), "--store", str(built_store_path),
                       "--param", "product=evd:product/exoflo", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "label" and len(out.splitlines()) == 2


def test_first_use_builds_the_default_store(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    code, out, err = cli(capsys, "query", "ev-subtypes", "--format", "csv")
    assert code == 0 and "first use, building" in err and EVKG + "Exosome" in out
    assert (tmp_path / "data-home" / "evkg" / "store" / "evkg-build.json").exists()
    code, out, err = cli(capsys, "query", "ev-subtypes", "--format", "csv")
    assert code == 0 and "building" not in err


def test_cli_as_a_subprocess(built_store_path):
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", "no-such-query", "--store",
                           str(built_store_path) + "-other"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no named query 'no-such-query'" in done.stderr
    assert "Traceback" not in done.stderr


# --- strict SPARQL 1.1 -----------------------------------------------------------------------------------------
def _variables_in(node) -> set[str]:
    """Every variable mentioned anywhere below a node of rdflib's SPARQL parse tree."""
    from pyparsing import ParseResults
    from rdflib.term import Variable

    found, stack = set(), [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(str(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return found


def alias_reuse(tree) -> list[str]:
    """SELECT aliases `(expr AS ?v)` whose ?v is already used in the same query's WHERE clause or GROUP BY
    (SPARQL 1.1 §18.2.1: the variable must not already be in scope); sub-selects are checked too."""
    from pyparsing import ParseResults

    problems, stack = [], [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "projection" in item and "where" in item:
                used = _variables_in(item["where"]) | _variables_in(item.get("groupby"))
                for column in item["projection"] or []:
                    alias = column.get("evar") if isinstance(column, dict) else None
                    if alias is not None and str(alias) in used:
                        problems.append(str(alias))
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return problems


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_named_query_is_strict_sparql_11_for_rdflib_and_oxigraph(name):
    """Oxigraph accepts more than SPARQL 1.1; rdflib's parser and the scope rule are a second, strict opinion."""
    import pyoxigraph as ox
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from evkg.graph.queries import prepared_text

    text = prepared_text(name)
    ox.Store().query(text)
    prepareQuery(text)
    assert alias_reuse(parseQuery(text)) == [], f"{name}: an output alias reuses a WHERE variable"


def test_strict_check_finds_an_alias_that_reuses_a_where_variable():
    from rdflib.plugins.sparql.parser import parseQuery

    bad = "SELECT ?s (COUNT(?o) AS ?o) WHERE { ?s ?p ?o } GROUP BY ?s"
    good = "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s"
    assert alias_reuse(parseQuery(bad)) == ["o"] and alias_reuse(parseQuery(good)) == []
