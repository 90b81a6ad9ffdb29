"""Which form a description is written in, told from its first lines: for standard input, which has no file
name to tell it, and for the hint when a file's name says one form and its text another."""
from __future__ import annotations

import re

# Lines that only Turtle (or SPARQL) writes: prefix and base declarations.
TURTLE_DECLARATION = re.compile(r"(?im)^\s*(@prefix|@base|prefix|base)\s+[\w.-]*:?\s*<")
YAML_KEY_LINE = re.compile(r"[A-Za-z][\w-]*:(\s|$)")          # `id: knee-ev`, `hasEVComponent:`


def first_statement(head: str) -> str:
    """The first line that is neither blank nor a comment."""
    return next((line for line in head.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")


def looks_like_yaml(head: str) -> bool:
    """No prefix declared, and the first statement is a YAML `key: value` line (or the `---` that opens one)."""
    first = first_statement(head)
    return not TURTLE_DECLARATION.search(head) and (bool(YAML_KEY_LINE.match(first)) or first.rstrip() == "---")


def looks_like_json(head: str) -> bool:
    return first_statement(head.lstrip("\ufeff")).lstrip()[:1] in ("{", "[")


def written_form(head: str) -> str:
    """'yaml', 'json' or 'turtle' (the default) for the first lines of a description."""
    if looks_like_json(head):
        return "json"
    return "yaml" if looks_like_yaml(head) else "turtle"
