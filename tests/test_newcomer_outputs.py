"""What a reviewer or analyst reads: the help of each command, the words of a finding on a number or a dose,
and the walk-through's figures, each as the command prints it."""
from __future__ import annotations

import re

import pytest

from cli_session import run, write


def _offered(capsys, command: str) -> list[str]:
    _, text, _ = run(capsys, command, "--help")
    return re.search(r"its extension \(([^)]*)\)", " ".join(text.split())).group(1).split(", ")


def test_every_extension_the_query_output_help_offers_is_written(capsys, tmp_path):
    """`evkg query --help` offered .html and .md, which the command then refused to write."""
    offered = _offered(capsys, "query")
    assert ".html" not in offered and ".md" not in offered and ".csv" in offered
    for suffix in offered:
        code, _, err = run(capsys, "query", "rules-by-status", "-o", tmp_path / f"rules{suffix}")
        assert code == 0 and (tmp_path / f"rules{suffix}").stat().st_size > 0, (suffix, err)


@pytest.mark.parametrize("command, writes, not_written", [("check", ".html", ".csv"), ("whatif", ".csv", ".html"),
                                                          ("explain", ".md", ".html")])
def test_the_output_help_of_each_command_offers_its_own_formats(command, writes, not_written, capsys):
    offered = _offered(capsys, command)
    assert writes in offered and not_written not in offered
