"""Limits on queries and answers: answers too large to hold, and (from evkg.core.sparql_nesting) nesting a
parser cannot survive.

Answers, local or remote, are read into memory and so are capped in bytes.
"""
from __future__ import annotations

from evkg.core.errors import UsageError
# the nesting guard lives with the other readers of SPARQL text, for the classifier's rule files too
from evkg.core.sparql_nesting import MAX_QUERY_NESTING, mask, refuse_deep_nesting  # noqa: F401

DEFAULT_MAX_RESPONSE_BYTES = 200 * 1024 * 1024


def max_response_bytes() -> int:
    """The largest answer read from a remote endpoint: 200 MB, or EVKG_MAX_RESPONSE_BYTES."""
    import os

    env = os.environ.get("EVKG_MAX_RESPONSE_BYTES")
    return int(env) if env and env.isdigit() else DEFAULT_MAX_RESPONSE_BYTES


class ResultTooLarge(UsageError):
    """A query's answer grew past the byte limit; its evaluation was stopped."""


class _CappedBuffer:
    """A write-only buffer that refuses to grow past ``limit`` bytes (the serializer then stops the query)."""

    def __init__(self, limit: int):
        self.limit, self.size, self.parts = limit, 0, []

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the answer is larger than {self.limit:,} bytes; the query was stopped. Ask for "
                                 "fewer rows (a LIMIT, or a lower one) or use narrower patterns.")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)
