"""What is wrong with a text that is not valid JSON, said in words rather than in the parser's own
('Expecting property name enclosed in double quotes'), with the place to fix it."""
from __future__ import annotations

import json

from evkg.core.safe_text import LOOK_ALIKE_SPACES

REASONS = {
    "Invalid control character at": "a text holds a control character (a line break, tab or NUL written as it is); "
                                    "write a line break as \\n and a tab as \\t, or remove it",
    "Expecting value": "a value is missing here (a comma before a closing bracket, or the file cut short?)",
    "Unterminated string starting at": "a text is not closed with a quote (was the file cut short?)",
    "Expecting ',' delimiter": "a comma is missing between two values (or the file was cut short)",
    "Extra data": "there is more after the end of the data (two files joined in one?)",
    "Expecting ':' delimiter": "a ':' is missing after a field name",
    "Expecting property name enclosed in double quotes": "a field name is not in double quotes (or a comma is left "
                                                         "before a closing brace)",
}


def json_problem(exc: json.JSONDecodeError, extra: dict | None = None) -> tuple[str, int, int]:
    """(reason, line, column) of a JSON syntax error: a comma left before a closing } or ] is named at the
    comma, the most common slip in a file written by hand; ``extra``: reasons of the caller's own."""
    text, position = exc.doc, exc.pos
    if isinstance(text, str) and position < len(text) and text[position] in "}]":
        before = text[:position].rstrip()
        if before.endswith(","):
            comma = len(before) - 1
            line = text.count("\n", 0, comma) + 1
            column = comma - (text.rfind("\n", 0, comma) + 1) + 1
            closing = "brace }" if text[position] == "}" else "bracket ]"
            return (f"a comma is left after the last entry, before the closing {closing}; JSON allows none there: "
                    "remove that comma", line, column)
    if isinstance(text, str) and position < len(text) and text[position] in LOOK_ALIKE_SPACES:
        return (f"there is {LOOK_ALIKE_SPACES[text[position]]} here, which looks like a space but is not one to "
                "JSON: replace it with an ordinary space", exc.lineno, exc.colno)
    reasons = {**REASONS, **(extra or {})}
    return reasons.get(exc.msg, exc.msg), exc.lineno, exc.colno
