"""Careless paths and values given to the command line: each is named, with what is wrong and how to fix it."""
from __future__ import annotations

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
