"""Running the CLI in-process from a test, and writing its input files."""
from __future__ import annotations

from pathlib import Path

from evkg.cli import main


def run(capsys, *args):
    """(exit code, stdout, stderr) of `evkg ARGS`."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
