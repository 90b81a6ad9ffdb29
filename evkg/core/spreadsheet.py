"""CSV cells that a spreadsheet would run as formulas.

A spreadsheet opening a CSV file runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: a label such as `=HYPERLINK("http://…","click")` in someone else's
description becomes a live link, `=cmd|…` a command. The SPARQL 1.1 CSV results format writes each value as
it is, and tools that read the results back need the same values, so `evkg query --format csv` and `evkg
whatif --format csv` write them exactly and say on stderr how many cells a spreadsheet would run;
`--spreadsheet-safe` writes such cells with a leading `'`, which spreadsheets read as "this is text" (the
value then differs from the data by that quote). A plain number (`-80`, `+1.5`) is left alone: it is no
formula.
"""
from __future__ import annotations

import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

SAFE_OPTION_HELP = ("Write CSV cells that a spreadsheet would run as formulas (beginning with =, +, -, @) with "
                    "a leading ' so that they open as text; without it the values are written exactly.")


def runs_as_formula(cell: str) -> bool:
    return cell[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(cell)


def inert(cell: str) -> str:
    """The cell as a spreadsheet shows text: a leading ' before a cell that would run as a formula."""
    return "'" + cell if runs_as_formula(cell) else cell


def _rows(text: str):
    """The rows of a CSV text, one at a time (a large answer is not held twice as Python lists)."""
    return csv.reader(io.StringIO(text, newline=""))


def formula_cells(text: str) -> int:
    """How many cells of this CSV text (past its header row) a spreadsheet would run as formulas."""
    rows = _rows(text)
    next(rows, None)
    return sum(runs_as_formula(cell) for row in rows for cell in row)


def made_inert(text: str) -> str:
    """The CSV text with every cell past the header row that would run as a formula made inert; rows and
    line endings otherwise as they were."""
    ending = "\r\n" if "\r\n" in text[:text.find("\n") + 1] else "\n"
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=ending)
    for number, row in enumerate(_rows(text)):
        writer.writerow(row if number == 0 else [inert(cell) for cell in row])
    return out.getvalue()


def formula_note(count: int, command: str, exact_because: str) -> str:
    """What to say on stderr when exact CSV output holds cells a spreadsheet would run."""
    return (f"note: {count} value{'s' if count != 1 else ''} in this CSV begin{'s' if count == 1 else ''} with =, +, "
            f"- or @, which a spreadsheet would run as a formula when the file is opened. They are written "
            f"exactly, {exact_because}; to open the file in a spreadsheet, write it with `{command} "
            "--spreadsheet-safe` (such cells then begin with ').")
