"""Limits on queries and answers: nesting a parser cannot survive, answers too large to hold.

Oxigraph's SPARQL parser recurses once per nesting level and overflows its stack (a crash, not an error) on
queries nested thousands deep; answers, local or remote, are read into memory and so are capped in bytes.
"""
from __future__ import annotations

import re

from evkg.core.errors import UsageError

# A string's closing quote is optional: an unterminated string is then blanked once, to the end of its line
# (or of the text), instead of being tried again from every later quote, which made masking quadratic.
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*(?:'{3})?|"{3}(?:[^"\\]|\\.|"(?!""))*(?:"{3})?"""
    r"""|'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?)""",
    re.DOTALL)


def mask(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked out (newlines kept), so that keywords and braces
    can be found by position without being fooled by their content."""
    def blank(match):
        return re.sub(r"[^\n]", " ", match.group(0))

    return _TOKEN.sub(blank, sparql)


DEFAULT_MAX_RESPONSE_BYTES = 200 * 1024 * 1024


def max_response_bytes() -> int:
    """The largest answer read from a remote endpoint: 200 MB, or EVKG_MAX_RESPONSE_BYTES."""
    import os

    env = os.environ.get("EVKG_MAX_RESPONSE_BYTES")
    return int(env) if env and env.isdigit() else DEFAULT_MAX_RESPONSE_BYTES


MAX_QUERY_NESTING = 64


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


class ResultTooLarge(UsageError):
    """A query's answer grew past the byte limit; its evaluation was stopped."""


class _CappedBuffer:
    """A write-only buffer that refuses to grow past ``limit`` bytes (the serializer then stops the query)."""

    def __init__(self, limit: int):
        self.limit, self.size, self.parts = limit, 0, []

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the answer is larger than {self.limit:,} bytes; the query was stopped. Add a "
                                 "LIMIT or narrower patterns.")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)
