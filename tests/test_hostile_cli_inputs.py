"""Careless paths and values given to the command line: each is named, with what is wrong and how to fix it."""
from __future__ import annotations

import pytest

from tests.cli_session import run


def test_importing_a_missing_reference_file_is_an_error_not_a_count_of_nothing(capsys, tmp_path):
    code, out, err = run(capsys, "literature", "import", tmp_path / "my-library.bib",
                         "--into", tmp_path / "refs.ttl")
    assert code == 2
    assert "0 added" not in out + err
    assert f"error: {tmp_path / 'my-library.bib'}: no such file. Check the path and spelling." in err


def test_a_missing_folder_on_the_way_is_named_as_the_folder(capsys, tmp_path):
    code, _, err = run(capsys, "literature", "import", tmp_path / "exports" / "pubmed" / "my-library.bib",
                       "--into", tmp_path / "refs.ttl")
    assert code == 2
    assert f"no such file: the folder {tmp_path / 'exports'} does not exist." in err


def test_a_folder_where_a_file_is_needed_says_to_name_a_file_inside_it(capsys, tmp_path):
    code, _, err = run(capsys, "literature", "import", tmp_path)
    assert code == 2
    assert f"{tmp_path} is a folder, where a file is needed: name a file inside it" in err


THOUSAND_NINES = "9" * 1000


@pytest.mark.parametrize("name, text, shown", [
    ("knee.yaml", f"id: knee-ev\ntype: EVProduct\nhasEVComponent:\n  sizeCutoffNm: {THOUSAND_NINES}.5e999\n",
     "(1,006 characters), a number out of range"),
    ("knee.json", '{"id": "knee-ev", "type": "EVProduct", "hasEVComponent": {"sizeCutoffNm": 1'
     + "0" * 1000 + 'e-99999}}', "(1,008 characters), too close to zero")])
def test_a_thousand_digit_number_is_quoted_shortened_in_the_message(capsys, tmp_path, name, text, shown):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 2 and shown in out + err
    assert "9" * 100 not in out + err and "0" * 100 not in out + err


@pytest.mark.parametrize("param, said", [
    ("product=" + THOUSAND_NINES, "there is no product '999999999"),
    ("jurisdiction=" + THOUSAND_NINES, "is not a jurisdiction evkg knows"),
    (THOUSAND_NINES + "=EU", "has no parameter '999999999")])
def test_a_pasted_page_as_a_query_parameter_is_quoted_shortened(capsys, built_store_path, param, said):
    query = "evidence-for-product" if param.startswith("product") else "products-by-category"
    code, out, err = run(capsys, "query", query, "--param", param, "--store", built_store_path)
    assert code == 2 and said in err and "..." in err
    assert "9" * 100 not in out + err


def test_a_graph_answer_that_cannot_be_written_names_the_file(capsys, tmp_path, built_store_path):
    """It said only 'cannot read or write: the disk is full', naming no file."""
    query = tmp_path / "graph.rq"
    query.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5\n", encoding="utf-8")
    code, _, err = run(capsys, "query", query, "--store", built_store_path, "-f", "nt", "-o", "/dev/full")
    assert code == 2 and "cannot write the answer to /dev/full: the disk is full" in err, err


def test_a_finding_on_no_product_is_counted_in_the_summary(capsys, tmp_path):
    """A redefinition of a vocabulary term that no product reaches failed the check (exit 1) while the summary
    said '0 violation(s)'."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
    path = tmp_path / "e1.ttl"
    path.write_text(example.read_text(encoding="utf-8") + "\nevkg:intendedUse rdfs:subPropertyOf "
                    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> .\n", encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 1 and "redefines evkg:intendedUse" in out
    assert "; 1 violation(s)," in out.splitlines()[-1]


@pytest.mark.parametrize("args", [("serve", "--timeout", "nan"), ("serve", "--read-timeout", "inf"),
                                  ("query", "products-by-category", "--timeout", "1e300"),
                                  ("check", "x.ttl", "--rule-timeout", "nan")])
def test_a_time_limit_that_is_no_number_of_seconds_is_refused(capsys, args):
    """`evkg serve --timeout nan` started, then answered every request with 500 Internal Server Error."""
    code, _, err = run(capsys, *args)
    assert code == 2 and "is not a time limit evkg can keep; give a number of seconds" in err, err


@pytest.mark.parametrize("args, said", [
    (("query", "x" * 3000), "there is no named query 'xxxx"),
    (("query", "x" * 3000 + ".rq"), "the name is longer than the file system allows; give a shorter one"),
    (("check", "x" * 3000 + ".ttl"), "the name is longer than the file system allows; give a shorter one")])
def test_a_name_longer_than_any_file_name_is_said_so_shortened(capsys, args, said):
    """It ended in 'cannot read or write xxx…(3,000 characters): File name too long'."""
    code, out, err = run(capsys, *args)
    assert code == 2 and said in out + err, err[:500]
    assert "x" * 200 not in out + err


@pytest.mark.parametrize("args, said", [
    (("new", "msc-ev"), "give the kind with --kind: evkg new --kind msc-ev -o my-product.yaml"),
    (("new", "knee.yaml"), "give the kind with --kind (evkg new --list-kinds lists them) and the file to write "
                           "with -o")])
def test_a_kind_or_file_given_to_new_without_its_option_is_told_which_option(capsys, args, said):
    """click said only 'Got unexpected extra argument (msc-ev)'."""
    code, _, err = run(capsys, *args)
    assert code == 2 and said in err, err


@pytest.mark.parametrize("args, option", [
    (("new", "--kind", "msc-ev", "-k", "plant-ev"), "--kind"),
    (("check", "x.ttl", "--format", "json", "--format=html"), "--format"),
    (("literature", "import", "a.bib", "--into", "x.ttl", "--into", "y.ttl"), "--into"),
    (("terms", "search", "lung", "--for", "indication", "--for", "producerCellType"), "--for")])
def test_an_option_of_one_value_given_twice_is_refused(capsys, args, option):
    """click kept the last value without a word: `evkg new --kind msc-ev … --kind plant-ev` wrote a plant-EV
    template."""
    code, out, err = run(capsys, *args)
    assert code == 2 and f"{option} is given twice; give it once" in err, err
    assert not out


def test_options_that_may_repeat_still_do(capsys):
    code, _, err = run(capsys, "query", "products-by-category", "-p", "jurisdiction=EU", "--param",
                       "jurisdiction=US")
    assert code == 2 and "the parameter 'jurisdiction' is given twice" in err     # the query's own words


E1 = "examples/valid/e1-ucmsc-sev-neonatal-lung.ttl"


@pytest.mark.parametrize("args", [("check", E1, "--format", "x" * 5000), ("check", E1, "--format=" + "x" * 5000),
                                  ("check", E1, "--jobs", "9" * 5000 + "x"), ("check", E1, "--" + "y" * 5000),
                                  ("query", "ev-role", "--param", "x" * 5000)])
def test_a_pasted_page_as_an_option_value_is_quoted_shortened_in_the_usage_error(capsys, args):
    """A 5,000-character value for --format (or --param) was echoed whole in the error, filling the screen."""
    code, _, err = run(capsys, *args)
    assert code == 2
    error = err.strip().splitlines()[-1]
    assert error.lower().startswith("error: ") and len(error) < 300, error[:400]
    assert "..." in error and ("x" * 60 in error or "y" * 60 in error or "9" * 60 in error), error


def test_explain_takes_a_folder_for_the_descriptions_in_it_as_check_does(capsys, tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples" / "valid"
    folder = tmp_path / "dossier"
    folder.mkdir()
    for name in ("e1-ucmsc-sev-neonatal-lung.yaml", "e2-hek293-mrna-liver.ttl"):
        (folder / name).write_bytes((examples / name).read_bytes())
    code, by_folder, _ = run(capsys, "explain", folder, "-j", "EU")
    assert code == 0
    code, by_files, _ = run(capsys, "explain", folder / "e1-ucmsc-sev-neonatal-lung.yaml",
                            folder / "e2-hek293-mrna-liver.ttl", "-j", "EU")
    assert code == 0 and by_folder == by_files and "Example E1" in by_folder and "Example E2" in by_folder
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "explain", empty)
    assert code == 2 and f"{empty}: holds no description" in err and "start one with `evkg new`" in err
