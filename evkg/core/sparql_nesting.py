"""Nesting a SPARQL parser cannot survive: Oxigraph's parser recurses once per level and overflows its stack (a
crash, not an error) on a query nested thousands deep, so such a query is refused before it reaches a parser,
whether a user sent it (evkg query, the web API) or wrote it into a rule file (evkg check --rules).
"""
from __future__ import annotations

import re

from evkg.core.errors import UsageError

# A string's closing quote is optional: an unterminated string is then blanked once, to the end of its line
# (or of the text), instead of being tried again from every later quote, which made masking quadratic.
# A comment ends at a line feed or a carriage return, as in SPARQL's grammar; an escaped character of a prefixed
# name (ex:a\#b, ex:a\'b) is read as itself, not as the start of a comment or a string. Reading either otherwise
# blanked what followed, a SERVICE call included, while Oxigraph ran it.
_TOKEN = re.compile(
    r"""(?P<escape>\\.)"""
    r"""|(?P<comment>\#[^\r\n]*)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*+(?:'{3})?|"{3}(?:[^"\\]|\\.|"(?!""))*+(?:"{3})?"""
    r"""|'(?:[^'\\\n]|\\.)*+'?|"(?:[^"\\\n]|\\.)*+"?)""",
    re.DOTALL)


def mask(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out (newlines kept), so that keywords and braces
    can be found by position without being fooled by their content."""
    def blank(match):
        return re.sub(r"[^\n]", " ", match.group(0))

    return _TOKEN.sub(blank, sparql)


MAX_QUERY_NESTING = 64
# Oxigraph also recurses once per link of a chain: 10,000 conditions joined by || or &&, 12,000 alternatives
# joined by UNION, 12,000 terms added with + or 10,000 triple patterns (ended by . ; or ,) overflowed its stack.
# The bundled rules and queries hold at most 110 links.
MAX_OPERATOR_CHAIN = 3000
_CHAINING = re.compile(r"\|\||&&|\bUNION\b|\+|[.;,](?=[\s}])", re.IGNORECASE)


def refuse_deep_nesting(sparql: str) -> None:
    """Braces, parentheses and brackets nested deeper than any real query needs are refused before the query
    reaches a parser: Oxigraph's recursive parser would overflow its stack on them and take the process down."""
    depth = 0
    masked = mask(sparql)
    for match in re.finditer(r"[{}()\[\]]", masked):
        char = match.group(0)
        if char in "{([":
            depth += 1
            if depth > MAX_QUERY_NESTING:
                line = masked.count("\n", 0, match.start()) + 1
                error = UsageError(f"the query nests braces or parentheses more than {MAX_QUERY_NESTING} levels "
                                   f"deep (line {line}); write it with fewer nested groups.")
                error.line = line
                raise error
        elif char in "})]":
            depth = max(depth - 1, 0)
    links = len(_CHAINING.findall(masked))
    if links > MAX_OPERATOR_CHAIN:
        raise UsageError(f"the query joins {links:,} patterns, conditions, alternatives or terms (with . ; , ||, &&, "
                         f"UNION or +), more than the {MAX_OPERATOR_CHAIN:,} evkg's query engine survives; give a list "
                         "of values with VALUES or IN (…) instead, or split the query.")
